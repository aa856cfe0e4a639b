package org.multios.images.firmware;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The boot chain on riscv64-virt with an NVMe disk (docs/firmware.md): stage 1 from the
 * committed stage1.bin, stage 2 and the kernel stub from a GPT/MFS disk built here; the test's
 * native-call handler stands in for the Java kernel and checks the BootInfo record byte for
 * byte against what the disk holds. Also the boot menu (number key, arrow + Enter) and
 * /chosen/bootargs overriding the entry's command line.
 */
class FirmwareBootTest {
    static final long RAM_BASE = 0x8000_0000L, RAM_SIZE = 128L << 20;
    static final String CFG = """
            # test menu
            timeout 1
            default 0
            entry MultiOS
                kernel  /boot/kernel.elf
                initrd  /boot/initrd.cpio
                cmdline root=/dev/nvme0n1p2 console=ttyS0
            entry Second (other initrd)   # a comment after the title
                kernel  /boot/kernel.elf
                initrd  /boot/second.cpio
                cmdline second entry
            """;

    static byte[] initrd(String tag) {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("init", ("#!/bin/sh\necho " + tag + "\n").getBytes(StandardCharsets.UTF_8));
        byte[] big = new byte[70_000];   // spans many MFS blocks and more than one NVMe transfer
        for (int i = 0; i < big.length; i++) big[i] = (byte) (i * 31 + tag.length());
        m.put("data.bin", big);
        return BootDisk.cpio(m);
    }

    static Path disk(Path dir) throws Exception {
        return BootDisk.standard(CFG, initrd("first")).put("/boot/second.cpio", initrd("second")).write(dir.resolve("disk.img"));
    }

    record Entry(long base, long size, int kind) {}

    /** Reads the record at a0 and checks it against the expectations; returns the memory map. */
    static List<Entry> checkBootInfo(BootRun run, String cmdline, byte[] initrd) {
        assertTrue(run.kernelEntered, "no native call 2:\n" + run.output());
        assertEquals(0, run.a1, "a1 = boot hart id");
        assertEquals(1, run.privilege, "kernel entered in S-mode");
        assertEquals(0, run.satp, "satp = 0 at kernel entry");
        long pa = run.a0;
        assertEquals(0, pa & 7, "BootInfo 8-byte aligned");
        ByteBuffer h = ByteBuffer.wrap(run.memory(pa, 112)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0x31544F4F42534F4DL, h.getLong(0), "magic MOSBOOT1");
        assertEquals(1, h.getInt(8), "version");
        int total = h.getInt(12);
        long cmdPa = h.getLong(16), initrdPa = h.getLong(24), initrdSize = h.getLong(32), dt = h.getLong(40), mapPa = h.getLong(48);
        int count = h.getInt(56);
        assertEquals(0, h.getInt(60), "boot hart");
        if (run.board.display() == null) assertEquals(0, h.getLong(64), "no framebuffer without a display");
        long stamp = h.getLong(88);
        long now = run.board.clock().nanos() / 100;   // rdtime ticks at 10 MHz
        assertTrue(stamp > 0 && stamp <= now, "firmware timestamp in rdtime ticks: " + stamp + ", now " + now);
        byte[] guid = BootDisk.guidBytes(BootDisk.BOOT_GUID);
        assertArrayEquals(guid, run.memory(pa + 96, 16), "boot partition unique GUID as stored in the GPT");
        // the command line and the map live inside the record
        assertTrue(cmdPa >= pa + 112 && cmdPa < pa + total, "command line inside the record");
        byte[] cmd = run.memory(cmdPa, cmdline.length() + 1);
        assertEquals(cmdline + "\0", new String(cmd, StandardCharsets.UTF_8), "command line");
        assertTrue(mapPa >= pa + 112 && mapPa + 24L * count == pa + total, "memory map ends the record");
        // initrd bytes where BootInfo says, exactly as on the disk
        assertEquals(initrd.length, initrdSize, "initrd size");
        assertArrayEquals(initrd, run.memory(initrdPa, initrd.length), "initrd contents at the initrd address");
        // device tree
        assertEquals(0xd00dfeedL, ByteBuffer.wrap(run.memory(dt, 4)).getInt() & 0xffffffffL, "FDT magic at the device tree address");
        // memory map: sorted, disjoint, covering RAM, with the kinds docs/boot.md lists
        ByteBuffer m = ByteBuffer.wrap(run.memory(mapPa, 24 * count)).order(ByteOrder.LITTLE_ENDIAN);
        List<Entry> map = new ArrayList<>();
        long next = RAM_BASE;
        for (int i = 0; i < count; i++) {
            Entry e = new Entry(m.getLong(24 * i), m.getLong(24 * i + 8), m.getInt(24 * i + 16));
            assertEquals(0, m.getInt(24 * i + 20), "reserved field");
            assertEquals(next, e.base(), "entry " + i + " continues the previous one (sorted, no gap, no overlap)");
            assertTrue(e.size() > 0 && e.kind() >= 1 && e.kind() <= 7, "entry " + i + ": " + e);
            if (i > 0) assertTrue(map.get(i - 1).kind() != e.kind(), "neighbours of one kind are merged");
            next = e.base() + e.size();
            map.add(e);
        }
        assertEquals(RAM_BASE + RAM_SIZE, next, "the map covers all RAM");
        assertEquals(3, kindAt(map, RAM_BASE), "stage 1 is FIRMWARE");
        assertEquals(3, kindAt(map, 0x801f_ffffL), "FIRMWARE up to stage 2");
        assertEquals(7, kindAt(map, 0x8020_0000L), "stage 2 is BOOTLOADER");
        assertEquals(7, kindAt(map, pa), "the BootInfo record lies in BOOTLOADER memory");
        assertEquals(4, kindAt(map, 0x8040_0000L), "the kernel stub is KERNEL");
        assertEquals(5, kindAt(map, initrdPa), "INITRD start");
        assertEquals(5, kindAt(map, initrdPa + initrdSize - 1), "INITRD end");
        assertEquals(6, kindAt(map, dt), "DEVICE_TREE");
        long usable = map.stream().filter(e -> e.kind() == 1).mapToLong(Entry::size).sum();
        assertTrue(usable > 100L << 20, "most RAM is USABLE: " + usable);
        return map;
    }

    static int kindAt(List<Entry> map, long pa) {
        for (Entry e : map) if (pa >= e.base() && pa < e.base() + e.size()) return e.kind();
        return -1;
    }

    @Test
    void bootsToTheKernelEntryWithABootInfoMatchingTheDisk(@TempDir Path dir) throws Exception {
        try (BootRun run = BootRun.start(dir, disk(dir), null, null)) {
            assertTrue(run.awaitStop(60_000), "no kernel entry within 60 s:\n" + run.output());
            String out = run.output();
            checkBootInfo(run, "root=/dev/nvme0n1p2 console=ttyS0", initrd("first"));
            for (String stage : List.of("stage1: MultiOS stage 1 firmware (M-mode), boot hart 0", "stage1: memory: 80000000-87ffffff (128 MiB)",
                    "stage1: pci 00:01.0: 1b36:0010 class 010802", "stage1: gpt: boot partition 1 'boot': LBA 2048-18431 (8 MiB)",
                    "stage1: loaded /boot/stage2.bin", "stage1: entering stage 2 (S-mode) at 80200000",
                    "stage2: /boot/multios.cfg: 2 entries, default entry 1, timeout 1 s", "stage2: booting entry 1: MultiOS",
                    "stage2: loaded kernel /boot/kernel.elf: 1 segment at 80400000-", "stage2: jumping to the kernel at 80400000"))
                assertTrue(out.contains(stage), "missing stage line '" + stage + "' in:\n" + out);
            assertTrue(out.lines().filter(l -> l.contains("stage")).allMatch(l -> l.matches("^\\[ *\\d+\\.\\d{6}\\] stage[12]: .*")),
                    "every stage line starts with a timestamp:\n" + out);
        }
    }

    @Test
    void numberKeyBootsTheSecondEntry(@TempDir Path dir) throws Exception {
        try (BootRun run = BootRun.start(dir, disk(dir), null, "2")) {
            assertTrue(run.awaitStop(60_000), run.output());
            assertTrue(run.output().contains("stage2: booting entry 2: Second (other initrd)"), run.output());
            checkBootInfo(run, "second entry", initrd("second"));
        }
    }

    @Test
    void arrowDownAndEnterBootTheSecondEntry(@TempDir Path dir) throws Exception {
        try (BootRun run = BootRun.start(dir, disk(dir), null, "\u001b[B\r")) {
            assertTrue(run.awaitStop(60_000), run.output());
            String out = run.output();
            assertTrue(out.contains("Countdown stopped.") && out.contains("> 2. Second (other initrd)"), out);
            assertTrue(out.contains("stage2: booting entry 2: Second (other initrd)"), out);
            checkBootInfo(run, "second entry", initrd("second"));
        }
    }

    @Test
    void anyKeyStopsTheCountdownUntilEnter(@TempDir Path dir) throws Exception {
        try (BootRun run = BootRun.start(dir, disk(dir), null, "x")) {
            assertTrue(run.waitFor("Countdown stopped.", 30_000), run.output());
            // the timeout is 1 s; the emulator skips idle time, so 5 s of wall time is far beyond it
            Thread.sleep(300);
            assertTrue(run.running() && !run.kernelEntered, "booted although a key stopped the countdown:\n" + run.output());
            run.console.send("\u001b[A\u001b[A\r");   // up twice wraps back to entry 1
            assertTrue(run.awaitStop(30_000), run.output());
            assertTrue(run.output().contains("stage2: booting entry 1: MultiOS"), run.output());
            checkBootInfo(run, "root=/dev/nvme0n1p2 console=ttyS0", initrd("first"));
        }
    }

    @Test
    void chosenBootargsOverrideTheEntryCommandLine(@TempDir Path dir) throws Exception {
        try (BootRun run = BootRun.start(dir, disk(dir), "init=/bin/sh quiet", null)) {
            assertTrue(run.awaitStop(60_000), run.output());
            assertTrue(run.output().contains("command line from /chosen/bootargs replaces the entry's"), run.output());
            checkBootInfo(run, "init=/bin/sh quiet", initrd("first"));
        }
    }

    @Test
    void secondaryHartsParkWhileTheBootHartBoots(@TempDir Path dir) throws Exception {
        try (BootRun run = BootRun.start(dir, disk(dir), 3)) {
            assertTrue(run.awaitStop(60_000), run.output());
            assertTrue(run.output().contains("stage1: device tree at 87e00000, timebase 10000000 Hz, 3 harts"), run.output());
            checkBootInfo(run, "root=/dev/nvme0n1p2 console=ttyS0", initrd("first"));
            for (int h = 1; h < 3; h++) {
                var hart = run.board.harts().get(h);
                assertTrue(hart.isWaiting(), "hart " + h + " parks in wfi");
                assertEquals(3, hart.privilege(), "hart " + h + " stays in M-mode");
                assertTrue(hart.pc() >= 0x8000_0000L && hart.pc() < 0x8000_1000L, String.format("hart %d parked in stage 1's start code, pc %x", h, hart.pc()));
            }
        }
    }

    @Test
    void aDisplayGetsAFramebufferModeReportedInBootInfo(@TempDir Path dir) throws Exception {
        try (BootRun run = BootRun.withDisplay(dir, disk(dir))) {
            assertTrue(run.awaitStop(60_000), run.output());
            checkBootInfo(run, "root=/dev/nvme0n1p2 console=ttyS0", initrd("first"));
            // the display's BAR 0 as stage 1 assigned it (ECAM at 0x30000000, bus 0)
            long bar0 = -1;
            for (int dev = 0; dev < 32; dev++) {
                long cfg = 0x3000_0000L + ((long) dev << 15);
                if ((run.board.bus().read(cfg, 4) & 0xffffffffL) == 0x11111234L) bar0 = run.board.bus().read(cfg + 0x10, 4) & 0xfffffff0L;
            }
            assertTrue(bar0 > 0, "display BAR 0 assigned");
            ByteBuffer fb = ByteBuffer.wrap(run.memory(run.a0 + 64, 24)).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(bar0, fb.getLong(0), "framebuffer base = display BAR 0");
            assertEquals(1024, fb.getInt(8), "width");
            assertEquals(768, fb.getInt(12), "height");
            assertEquals(4096, fb.getInt(16), "stride");
            assertEquals(32, fb.getInt(20), "bits per pixel");
            var mode = run.board.display().mode();
            assertTrue(mode != null && mode.width() == 1024 && mode.height() == 768 && mode.bytesPerPixel() == 4 && mode.stride() == 4096
                    && mode.offset() == 0 && !mode.bigEndian(), "the device shows the mode BootInfo reports: " + mode);
            assertTrue(run.output().contains(String.format("stage2: display 00:02.0: 1024x768, 32 bpp, framebuffer at %x", bar0)), run.output());
        }
    }
}
