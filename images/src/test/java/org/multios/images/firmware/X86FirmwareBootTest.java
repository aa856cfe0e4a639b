package org.multios.images.firmware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.multios.boards.Firmware;
import org.multios.boards.x86.X86PcBoard;
import org.multios.boards.x86.X86PcConfig;
import org.multios.devices.block.DiskSpec;
import org.multios.devices.console.MemoryConsole;
import org.multios.isa.x86.X86Cpu;

/**
 * The committed x86_64 boot chain (images/firmware/x86_64) on the x86_64-pc board, with a vmcall
 * handler standing in for the Java kernel: stage 1 from the reset vector through real,
 * protected and long mode (the stage lines report each), PCI/NVMe/GPT/MFS, stage 2 with the
 * menu, and the hand-off (CPL 0, long mode, eax = 2, rdi = a valid BootInfo). Also the errors:
 * no stage 2 on the boot partition (one line, then the CPU halts and the machine stops), and the
 * stub on a machine without the native call (stage 2 reports the #UD), and --cmdline via fw_cfg.
 * And the same ROM and disk under {@code qemu-system-x86_64 -M q35} (QEMU's own PC, CPU and NVMe):
 * the same stage lines up to stage 2's report of the #UD and its BootInfo dump (skipped without
 * QEMU; fails instead when MULTIOS_REQUIRE_ORACLES=1).
 */
class X86FirmwareBootTest {
    static final String RES = "/org/multios/images/firmware/x86_64/";
    static final String CFG = "timeout 0\nentry MultiOS\n    kernel /boot/kernel.elf\n    initrd /boot/initrd.cpio\n    cmdline console=ttyS0 x86\n";
    static final long MAX_INSTRUCTIONS = 200_000_000L;

    static byte[] resource(String name) {
        try (InputStream in = X86FirmwareBootTest.class.getResourceAsStream(RES + name)) {
            if (in == null) throw new AssertionError("missing resource " + RES + name + " (images/firmware/x86_64/build.sh)");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static BootDisk standard() {
        return new BootDisk().put("/boot/stage2.bin", resource("stage2.bin")).put("/boot/kernel.elf", resource("kernel.elf"))
                .put("/boot/multios.cfg", CFG.getBytes(StandardCharsets.US_ASCII))
                .put("/boot/initrd.cpio", BootDisk.cpio(Map.of("init", "x".getBytes(StandardCharsets.US_ASCII))));
    }

    /** One boot on its own thread; the vmcall handler (if installed) records the kernel entry and stops. */
    static final class Run implements AutoCloseable {
        final MemoryConsole console = new MemoryConsole();
        final X86PcBoard board;
        final Thread runner;
        volatile boolean entered;
        volatile long rax, rdi, rsi, efer, cr0;
        volatile int cpl, codeBits;

        Run(Path dir, Path disk, String append, boolean nativeCall) throws Exception {
            Path stage1 = dir.resolve("stage1.bin");
            Files.write(stage1, resource("stage1.bin"));
            X86PcConfig cfg = new X86PcConfig().bios(new Firmware.File(stage1)).console(console).ramSize(64L << 20)
                    .maxInstructions(MAX_INSTRUCTIONS);
            if (disk != null) cfg.disk(DiskSpec.parse(disk.toString()));
            if (append != null) cfg.append(append);
            board = X86PcBoard.create(cfg);
            if (nativeCall) {
                board.cpu().vmcallHandler = c -> {
                    rax = c.gpr[X86Cpu.RAX];
                    rdi = c.gpr[X86Cpu.RDI];
                    rsi = c.gpr[X86Cpu.RSI];
                    efer = c.efer;
                    cr0 = c.cr0;
                    cpl = c.cpl;
                    entered = true;
                    board.stop(0, "kernel entry (native call 2)");
                };
            }
            runner = Thread.ofPlatform().name("x86-boot-chain").start(board::run);
        }

        boolean waitFor(String text, long millis) throws InterruptedException {
            long end = System.currentTimeMillis() + millis;
            while (System.currentTimeMillis() < end) {
                if (console.output().contains(text)) return true;
                if (!runner.isAlive()) return console.output().contains(text);
                Thread.sleep(5);
            }
            return false;
        }

        String output() { return console.output().replace("\r\n", "\n"); }

        @Override
        public void close() throws Exception {
            if (runner.isAlive()) {
                board.stop(124, "test over");
                runner.join(10_000);
            }
            board.close();
        }
    }

    @Test
    @Timeout(120)
    void resetVectorToLongModeToKernelEntry(@TempDir Path dir) throws Exception {
        Path disk = standard().write(dir.resolve("disk.img"));
        try (Run run = new Run(dir, disk, null, true)) {
            run.runner.join(100_000);
            String out = run.output();
            assertTrue(run.entered, "the kernel entry stub's vmcall was reached:\n" + out);
            System.out.printf("X86FirmwareBootTest: reset vector to kernel entry in %,d instructions%n", run.board.machine().retiredInstructions());
            String[] lines = {
                "stage1: MultiOS stage 1 firmware (x86_64-pc), boot CPU 0",
                "stage1: reset: real mode at F000:FFF0, CR0 60000010",          // CD, NW, ET: the reset value
                "stage1: protected mode: CR0 60000011 (PE), flat 32-bit GDT",
                "stage1: long mode: CR0 e0000011 CR4 20 (PAE) EFER 500 (LME LMA) CR3 1000, 4 GiB identity-mapped",
                "stage1: memory: 0-9ffff, 100000-3ffffff (64 MiB)",
                "stage1: pci 00:02.0: 1b36:0010 class 010802",
                "stage1: pci 00:02.0: BAR0 64-bit memory 16 KiB at c0000000",
                "stage1: gpt: boot partition 1 'boot'",
                "stage1: loaded /boot/stage2.bin",
                "stage1: entering stage 2 (long mode) at 200000, device tree at 1f0000",
                "stage2: MultiOS stage 2 boot loader (x86_64 long mode), CPU 0",
                "stage2: loaded kernel /boot/kernel.elf: 1 segment at 400000-40000b, entry 400000",
                "stage2: command line: console=ttyS0 x86",
                "stage2: jumping to the kernel at 400000",
            };
            int from = 0;
            for (String l : lines) {
                int at = out.indexOf(l, from);
                assertTrue(at >= 0, "'" + l + "' (in order) in:\n" + out);
                from = at;
            }
            assertTrue(out.lines().filter(l -> l.contains("stage")).allMatch(l -> l.matches("^\\[ *\\d+\\.\\d{6}\\] stage[12]: .*")),
                    "every stage line is timestamped:\n" + out);
            assertEquals(2, run.rax, "native call 2");
            assertEquals(0, run.cpl, "CPL 0");
            assertTrue((run.efer & 0x400) != 0 && (run.cr0 & 0x80000001L) == 0x80000001L, "entered in long mode with paging");
            assertEquals(0, run.rsi, "boot CPU 0 in rsi");
            byte[] head = new byte[136];
            run.board.bus().dmaRead(run.rdi, head, 0, head.length);
            ByteBuffer b = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(0x31544F4F42534F4DL, b.getLong(0), "BootInfo magic at rdi");
            assertEquals(1, b.getInt(8));
            assertEquals(0x1f0000L, b.getLong(40), "device tree from stage 1");
            long map = b.getLong(48);
            int n = b.getInt(56);
            assertTrue(n >= 5, "memory map entries: " + n);
            byte[] m = new byte[24 * n];
            run.board.bus().dmaRead(map, m, 0, m.length);
            ByteBuffer mm = ByteBuffer.wrap(m).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(0, mm.getLong(0), "the map starts at 0");
            assertEquals(3, mm.getInt(16), "low memory is FIRMWARE (page tables, stage 1)");
            long end = 0;
            boolean kernel = false;
            for (int i = 0; i < n; i++) {
                long base = mm.getLong(24 * i), size = mm.getLong(24 * i + 8);
                assertTrue(base >= end, "sorted, disjoint");
                end = base + size;
                if (mm.getInt(24 * i + 16) == 4) kernel = base == 0x400000;
            }
            assertTrue(kernel, "KERNEL range at 0x400000");
            assertEquals(64L << 20, end, "the map ends at the top of RAM");
            byte[] cmd = new byte[32];
            run.board.bus().dmaRead(b.getLong(16), cmd, 0, cmd.length);
            assertTrue(new String(cmd, StandardCharsets.US_ASCII).startsWith("console=ttyS0 x86\0"));
        }
    }

    @Test
    @Timeout(120)
    void missingStage2IsOneLineAndAHalt(@TempDir Path dir) throws Exception {
        Path disk = standard().remove("/boot/stage2.bin").write(dir.resolve("disk.img"));
        try (Run run = new Run(dir, disk, null, true)) {
            assertTrue(run.waitFor("halted", 100_000), run.output());
            run.runner.join(20_000);
            assertFalse(run.runner.isAlive(), "the machine stops: the CPU halts with interrupts off");
            String out = run.output();
            assertTrue(out.contains("stage1: error: /boot/stage2.bin not found on the boot partition"), out);
            assertFalse(out.contains("stage2:"), out);
            assertFalse(run.entered);
            assertTrue(run.board.machine().stopReason().startsWith("all CPUs halted"), run.board.machine().stopReason());
        }
    }

    /** A riscv64 disk's stage 2 on the PC: refused by its missing signature, not run (it would fault before stage 2 has an IDT). */
    @Test
    @Timeout(120)
    void stage2OfAnotherArchitectureIsRefused(@TempDir Path dir) throws Exception {
        Path disk = standard().put("/boot/stage2.bin", BootDisk.resource("stage2.bin")).write(dir.resolve("disk.img"));
        try (Run run = new Run(dir, disk, null, true)) {
            assertTrue(run.waitFor("halted", 100_000), run.output());
            run.runner.join(20_000);
            String out = run.output();
            assertTrue(out.contains("stage1: error: /boot/stage2.bin is not an x86_64 stage 2 (no MOSX86S2 signature at byte 2): "
                    + "a disk made for another architecture?"), out);
            assertFalse(out.contains("stage2:"), out);
            assertTrue(run.board.machine().stopReason().startsWith("all CPUs halted"), run.board.machine().stopReason());
        }
    }

    /** A fault before stage 2 has its IDT (here: UD2 right after the signature) is stage 1's one-line report, not a triple-fault reset loop. */
    @Test
    @Timeout(120)
    void earlyFaultIsReportedNotATripleFault(@TempDir Path dir) throws Exception {
        byte[] bad = {(byte) 0xeb, 0x08, 'M', 'O', 'S', 'X', '8', '6', 'S', '2', 0x0f, 0x0b};
        Path disk = standard().put("/boot/stage2.bin", bad).write(dir.resolve("disk.img"));
        try (Run run = new Run(dir, disk, null, true)) {
            assertTrue(run.waitFor("halted", 100_000), run.output());
            run.runner.join(20_000);
            String out = run.output();
            assertTrue(out.contains("stage1: error: exception 6 (error 0) at rip 20000a"), out);
            assertEquals(1, out.split("MultiOS stage 1 firmware", -1).length - 1, "no reset: stage 1 ran once\n" + out);
            assertTrue(run.board.machine().stopReason().startsWith("all CPUs halted"), run.board.machine().stopReason());
        }
    }

    @Test
    @Timeout(120)
    void stubWithoutTheNativeCallIsReportedByStage2(@TempDir Path dir) throws Exception {
        Path disk = standard().write(dir.resolve("disk.img"));
        try (Run run = new Run(dir, disk, "console=ttyS0 from-fw-cfg", false)) {
            assertTrue(run.waitFor("stage2: halted", 100_000), run.output());
            String out = run.output();
            assertTrue(out.contains("stage2: command line from fw_cfg replaces the entry's"), out);
            assertTrue(out.contains("stage2: command line: console=ttyS0 from-fw-cfg"), out);
            assertTrue(out.contains("stage2: the kernel entry stub needs the MultiOS emulator: native call 2 (vmcall) at 400005 is an invalid opcode"),
                    out);
        }
    }

    static final Path QEMU = Path.of("/usr/bin/qemu-system-x86_64");

    /** The console without timestamps, device-specific lines (the two PCs have different chipsets) and the CPU signature. */
    static List<String> comparable(String console) {
        return console.replace("\r\n", "\n").lines()
                .map(l -> l.replaceFirst("^\\[ *\\d+\\.\\d{6}\\] ", ""))
                .filter(l -> !l.matches("stage1: pci .*|stage1: nvme: .*|stage1: local APIC: .*|stage1: pci: Q35 .*"))
                .map(l -> l.replaceFirst(", processor signature \\w+$", ""))
                .filter(l -> !l.isBlank() && !l.startsWith("qemu-system"))
                .toList();
    }

    @Test
    @Timeout(180)
    void qemuQ35PrintsTheSameStageLines(@TempDir Path dir) throws Exception {
        if ("1".equals(System.getenv("MULTIOS_REQUIRE_ORACLES")))
            assertTrue(Files.isExecutable(QEMU), "qemu-system-x86_64 is required (MULTIOS_REQUIRE_ORACLES=1)");
        assumeTrue(Files.isExecutable(QEMU), "qemu-system-x86_64 not installed");
        Path disk = standard().write(dir.resolve("disk.img"));
        String ours;
        try (Run run = new Run(dir, disk, null, false)) {
            assertTrue(run.waitFor("stage2: halted", 100_000), run.output());
            ours = run.output();
        }
        Path stage1 = dir.resolve("stage1.bin");
        Process p = new ProcessBuilder(QEMU.toString(), "-M", "q35", "-m", "64", "-bios", stage1.toString(), "-nographic",
                "-monitor", "none", "-serial", "stdio", "-nic", "none", "-vga", "none",
                "-drive", "file=" + disk + ",if=none,id=d,format=raw", "-device", "nvme,drive=d,serial=multios")
                .redirectErrorStream(true).start();
        p.getOutputStream().close();
        StringBuilder out = new StringBuilder();
        Thread reader = Thread.ofPlatform().start(() -> {
            try (var in = p.getInputStream()) {
                byte[] b = new byte[4096];
                for (int n; (n = in.read(b)) > 0; ) synchronized (out) { out.append(new String(b, 0, n, StandardCharsets.ISO_8859_1)); }
            } catch (IOException ignored) {
                // QEMU killed
            }
        });
        long end = System.currentTimeMillis() + 90_000;
        try {
            while (System.currentTimeMillis() < end) {
                synchronized (out) { if (out.indexOf("stage2: halted") >= 0) break; }
                if (!p.isAlive()) break;
                Thread.sleep(20);
            }
            Thread.sleep(100);
        } finally {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            reader.join(5000);
        }
        String theirs;
        synchronized (out) { theirs = out.toString(); }
        assertTrue(theirs.contains("stage1: pci: Q35 host bridge: ECAM opened at b0000000"), theirs);
        assertTrue(theirs.contains("stage1: local APIC: virtual wire mode"), theirs);
        assertEquals(comparable(ours), comparable(theirs), "QEMU q35:\n" + theirs + "\nours:\n" + ours);
        assertTrue(comparable(ours).size() > 25, ours);
    }

    static final String REFERENCE_GCC = "gcc (Debian 12.2.0-14+deb12u1) 12.2.0";

    /** images/firmware/x86_64/build.sh rebuilds the committed files byte for byte (host gcc + dtc; required under MULTIOS_REQUIRE_ORACLES=1). */
    @Test
    @Timeout(300)
    void buildScriptReproducesTheCommittedFiles(@TempDir Path out) throws Exception {
        Path script = Path.of("firmware/x86_64/build.sh").toAbsolutePath();
        assumeTrue(Files.isRegularFile(script), "not run from the images module directory");
        boolean have = FirmwareResourcesTest.onPath("gcc") && FirmwareResourcesTest.onPath("objcopy") && FirmwareResourcesTest.onPath("dtc");
        if ("1".equals(System.getenv("MULTIOS_REQUIRE_ORACLES"))) assertTrue(have, "gcc, objcopy and dtc are required (MULTIOS_REQUIRE_ORACLES=1)");
        assumeTrue(have, "gcc/objcopy/dtc not installed");
        Process v = new ProcessBuilder("gcc", "--version").redirectErrorStream(true).start();
        String version = new String(v.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().findFirst().orElse("");
        v.waitFor(30, TimeUnit.SECONDS);
        assumeTrue(version.equals(REFERENCE_GCC), "byte-identical rebuilds need '" + REFERENCE_GCC + "', found '" + version + "'");
        ProcessBuilder pb = new ProcessBuilder("sh", script.toString()).redirectErrorStream(true).directory(out.toFile());
        pb.environment().put("OUT", out.toString());
        Process p = pb.start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(240, TimeUnit.SECONDS), "build.sh did not finish");
        assertEquals(0, p.exitValue(), log);
        for (String f : List.of("stage1.bin", "stage1.elf", "stage2.bin", "stage2.elf", "kernel.elf", "multios.cfg"))
            org.junit.jupiter.api.Assertions.assertArrayEquals(resource(f), Files.readAllBytes(out.resolve(f)),
                    f + " differs from a fresh build (rerun images/firmware/x86_64/build.sh and commit; it also compiles ../riscv64/lib)");
        assertEquals(65536, resource("stage1.bin").length, "a 64 KiB ROM");
    }
}
