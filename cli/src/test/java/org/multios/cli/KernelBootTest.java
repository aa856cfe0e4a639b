package org.multios.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multios.boards.Firmware;
import org.multios.boards.riscv.RiscvVirtBoard;
import org.multios.boards.riscv.RiscvVirtConfig;
import org.multios.devices.console.MemoryConsole;
import org.multios.kernel.boot.BootInfo;
import org.multios.kernel.boot.BootInfo.MemoryRange;
import org.multios.kernel.boot.BootInfo.MemoryRange.Kind;
import org.multios.kernel.boot.Cpio;
import org.multios.kernel.boot.KernelBoot;

/**
 * The kernel's boot entry without the firmware stages: a stand-in for stage 1 (M-mode code
 * written here: PMP, delegation, menvcfg.STCE, counters, mret to S) enters a native call 2
 * with a BootInfo record, memory map and initrd this test places in RAM, as stage 2 would.
 */
class KernelBootTest {
    static final long RAM = 0x8000_0000L, RAM_SIZE = 128L << 20;
    static final long INFO = RAM + 0x20_0000, ENTRY = RAM + 0x40_0000, INITRD = RAM + 0x400_0000;
    static final Path PROGRAMS = RunDifferentialTest.PROGRAMS;

    @TempDir Path tmp;

    /** csrrw x0, csr, t0 */
    static int csrw(int csr) { return (csr << 20) | (5 << 15) | (1 << 12) | 0x73; }

    /** ld rd, off(s0) */
    static int ld(int rd, int off) { return (off << 20) | (8 << 15) | (3 << 12) | (rd << 7) | 0x03; }

    /** The stage-1 stand-in: raw code at RAM, constants at RAM+0x100. */
    static byte[] firmwareStandIn(long bootInfo) {
        int[][] steps = {{5, 0x3b0}, {5, 0x3a0}, {5, 0x302}, {5, 0x303}, {5, 0x30a}, {5, 0x306}, {5, 0x300}, {5, 0x341}};
        long[] values = {-1L >>> 10, 0x1f, 0xb1ff, 0x222, 1L << 63, 7, (1L << 11) | (1L << 13), ENTRY, bootInfo, 0};
        ByteBuffer b = ByteBuffer.allocate(0x200).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x00000417); // auipc s0, 0
        int k = 0;
        for (int[] s : steps) {
            b.putInt(ld(s[0], 0x100 + 8 * k++));
            b.putInt(csrw(s[1]));
        }
        b.putInt(ld(10, 0x100 + 8 * k++)); // a0 = BootInfo
        b.putInt(ld(11, 0x100 + 8 * k)); // a1 = hart 0
        b.putInt(0x30200073); // mret
        for (int i = 0; i < values.length; i++) b.putLong(0x100 + 8 * i, values[i]);
        return b.array();
    }

    record Result(int status, String console, KernelBoot boot) {}

    Result boot(String cmdline, byte[] initrd, boolean corruptMagic) throws Exception {
        Path fw = tmp.resolve("standin.bin");
        Files.write(fw, firmwareStandIn(INFO));
        MemoryConsole console = new MemoryConsole();
        RiscvVirtConfig cfg = new RiscvVirtConfig().bios(new Firmware.None()).kernel(fw).ramSize(RAM_SIZE).console(console)
                .maxInstructions(2_000_000_000L);
        try (RiscvVirtBoard board = RiscvVirtBoard.create(cfg)) {
            KernelBoot.Options opt = new KernelBoot.Options();
            opt.fallback = new java.io.PrintStream(java.io.OutputStream.nullOutputStream());
            KernelBoot kb = KernelBoot.install(board.harts(), board.machine(), opt);
            long dt = board.bootPlan().fdtAddress();
            List<MemoryRange> reserved = new ArrayList<>(List.of(
                    new MemoryRange(RAM, 0x20_0000, Kind.FIRMWARE),
                    new MemoryRange(INFO, 0x1000, Kind.BOOTLOADER),
                    new MemoryRange(ENTRY, 0x1000, Kind.KERNEL),
                    new MemoryRange(dt, RAM + RAM_SIZE - dt, Kind.DEVICE_TREE)));
            if (initrd != null) reserved.add(new MemoryRange(INITRD, (initrd.length + 4095) & ~4095L, Kind.INITRD));
            byte[] rec = BootInfo.encode(INFO, fill(reserved), cmdline, initrd == null ? 0 : INITRD, initrd == null ? 0 : initrd.length, dt, 0);
            if (corruptMagic) rec[0] ^= 0x20;
            for (int i = 0; i < rec.length; i++) board.bus().write(INFO + i, 1, rec[i] & 0xff);
            if (initrd != null) for (int i = 0; i < initrd.length; i++) board.bus().write(INITRD + i, 1, initrd[i] & 0xff);
            board.bus().write(ENTRY, 4, 0x0020_000bL); // native call 2: the kernel entry stub
            int status = board.run();
            return new Result(status, console.output(), kb);
        }
    }

    /** Sorted map covering all RAM: the reserved ranges, USABLE in between. */
    static List<MemoryRange> fill(List<MemoryRange> reserved) {
        List<MemoryRange> r = new ArrayList<>(reserved);
        r.sort(Comparator.comparingLong(MemoryRange::base));
        List<MemoryRange> out = new ArrayList<>();
        long at = RAM;
        for (MemoryRange m : r) {
            if (m.base() > at) out.add(new MemoryRange(at, m.base() - at, Kind.USABLE));
            out.add(m);
            at = m.end();
        }
        if (at < RAM + RAM_SIZE) out.add(new MemoryRange(at, RAM + RAM_SIZE - at, Kind.USABLE));
        return out;
    }

    static byte[] initrdWith(String program) throws Exception {
        return new Cpio.Writer().directory("sbin", 0755).directory("etc", 0755)
                .file("etc/hostname", 0644, "testbox\n".getBytes())
                .file("sbin/init", 0755, Files.readAllBytes(PROGRAMS.resolve(program)))
                .symlink("bin", "sbin")
                .finish();
    }

    @Test
    void bootsTheInitrdAndPanicsWhenInitExits() throws Exception {
        Result r = boot("console=ttyS0", initrdWith("forkpipe"), false);
        String out = r.console();
        assertEquals(KernelBoot.PANIC_STATUS, r.status(), out);
        assertTrue(out.contains("] Booting MultiOS on hart 0"), out);
        assertTrue(out.matches("(?s)\\[ {4}0\\.\\d{6}] Booting.*"), "Linux-style timestamps: " + out);
        assertTrue(out.contains("Unpacking initramfs: 2 directories, 2 files, 1 symlinks"), out);
        assertTrue(out.contains("Run /sbin/init as init process"), out);
        assertTrue(out.contains("hostname: testbox"), out);
        // init's own output went through /dev/console (the 16550) with NL -> CR NL.
        String expected = Files.readString(PROGRAMS.resolve("forkpipe.expected"));
        String firstLine = expected.lines().findFirst().orElseThrow();
        assertTrue(out.contains(firstLine + "\r\n"), out);
        assertTrue(out.contains("Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000000"), out);
        assertEquals("riscv64", r.boot().kernel().port.name());
        assertTrue(r.boot().kernel().klog.text().contains("Run /sbin/init"), "the same lines are in the dmesg ring");
    }

    @Test
    void quietKeepsTheLogOffTheConsoleButNotThePanic() throws Exception {
        Result r = boot("quiet", initrdWith("forkpipe"), false);
        assertFalse(r.console().contains("Booting MultiOS"), r.console());
        assertTrue(r.console().contains("Kernel panic - not syncing: Attempted to kill init!"), r.console());
        assertTrue(r.boot().kernel().klog.text().contains("Booting MultiOS"), "quiet only changes the console level");
    }

    @Test
    void aMissingInitIsAClearPanic() throws Exception {
        Result r = boot("init=/sbin/nope", initrdWith("forkpipe"), false);
        assertEquals(KernelBoot.PANIC_STATUS, r.status());
        assertTrue(r.console().contains("Kernel panic - not syncing: Requested init /sbin/nope failed"), r.console());
    }

    @Test
    void aBadBootInfoMagicPanicsOnTheConsole() throws Exception {
        Result r = boot("", initrdWith("forkpipe"), true);
        assertEquals(KernelBoot.PANIC_STATUS, r.status());
        assertTrue(r.console().contains("Kernel panic - not syncing: bad BootInfo magic"), r.console());
    }

    @Test
    void aMalformedInitrdIsReportedAndBootGoesOn() throws Exception {
        byte[] junk = "this is not a cpio archive at all. ".repeat(8).getBytes();
        Result r = boot("", junk, false);
        assertTrue(r.console().contains("Initramfs unpacking failed: bad magic"), r.console());
        assertTrue(r.console().contains("Kernel panic - not syncing: No working init found"), r.console());
    }
}
