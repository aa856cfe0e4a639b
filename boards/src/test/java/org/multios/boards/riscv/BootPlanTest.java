package org.multios.boards.riscv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multios.boards.BoardException;
import org.multios.boards.Firmware;

class BootPlanTest {
    @TempDir Path tmp;

    Path raw(String name, int size) throws Exception {
        Path p = tmp.resolve(name);
        Files.write(p, new byte[size]);
        return p;
    }

    /** A minimal RV64 ELF executable with one PT_LOAD segment and optional tohost symbol. */
    static byte[] elf(int machine, long paddr, long memSize, long entry) {
        ByteBuffer b = ByteBuffer.allocate(64 + 56 + 16).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0});
        b.position(16);
        b.putShort((short) 2).putShort((short) machine).putInt(1).putLong(entry).putLong(64).putLong(0);
        b.putInt(0).putShort((short) 64).putShort((short) 56).putShort((short) 1).putShort((short) 64)
                .putShort((short) 0).putShort((short) 0);
        b.putInt(1).putInt(5).putLong(120).putLong(paddr).putLong(paddr).putLong(16).putLong(memSize).putLong(0x1000);
        b.putLong(0x0000006f).putLong(0);
        return b.array();
    }

    Path elfFile(String name, int machine, long paddr, long memSize, long entry) throws Exception {
        Path p = tmp.resolve(name);
        Files.write(p, elf(machine, paddr, memSize, entry));
        return p;
    }

    @Test
    void firmwareAtRamStartKernelAtNextTwoMegabytesFdtNearTop() throws Exception {
        BootPlan p = BootPlan.plan(new RiscvVirtConfig()
                .bios(new Firmware.File(raw("fw.bin", 115_328))).kernel(raw("k.bin", 600_000)));
        assertEquals(0x80000000L, p.startAddress());
        assertEquals(0x80200000L, p.kernel().get().lo());
        assertEquals(0x80200000L, p.nextAddress());
        assertEquals(0x87e00000L, p.fdtAddress(), "2 MiB aligned below the end of 128 MiB");
    }

    @Test
    void biggerFirmwarePushesKernelToNextBoundary() throws Exception {
        BootPlan p = BootPlan.plan(new RiscvVirtConfig()
                .bios(new Firmware.File(raw("fw.bin", (2 << 20) + 1))).kernel(raw("k.bin", 100)));
        assertEquals(0x80400000L, p.kernel().get().lo());
    }

    @Test
    void biosNoneStartsElfKernelAtItsEntry() throws Exception {
        BootPlan p = BootPlan.plan(new RiscvVirtConfig().bios(new Firmware.None())
                .kernel(elfFile("k.elf", 243, 0x80000000L, 0x2000, 0x80000010L)));
        assertEquals(0x80000010L, p.startAddress());
        assertEquals(0x80000000L, p.kernel().get().lo());
        assertFalse(p.firmware().isPresent());
    }

    @Test
    void biosNoneLoadsRawKernelAtRamStart() throws Exception {
        BootPlan p = BootPlan.plan(new RiscvVirtConfig().bios(new Firmware.None()).kernel(raw("k.bin", 1000)));
        assertEquals(0x80000000L, p.startAddress());
    }

    @Test
    void fdtStaysBelowThreeGigabytes() throws Exception {
        BootPlan p = BootPlan.plan(new RiscvVirtConfig().ramSize(4L << 30).bios(new Firmware.None()).kernel(raw("k", 10)));
        assertEquals((3L << 30) - (2L << 20), p.fdtAddress());
    }

    String error(RiscvVirtConfig cfg) {
        BoardException e = assertThrows(BoardException.class, () -> BootPlan.plan(cfg));
        assertFalse(e.getMessage().contains("\n"), "one line");
        return e.getMessage();
    }

    @Test
    void kernelLargerThanRam() throws Exception {
        String m = error(new RiscvVirtConfig().ramSize(16L << 20).bios(new Firmware.None()).kernel(raw("big", 17 << 20)));
        assertTrue(m.contains("does not fit in RAM (16 MiB"), m);
    }

    @Test
    void elfSegmentOutsideRam() throws Exception {
        String m = error(new RiscvVirtConfig().bios(new Firmware.None())
                .kernel(elfFile("k.elf", 243, 0x10000, 0x1000, 0x10000)));
        assertTrue(m.contains("segment at 0x10000"), m);
    }

    @Test
    void overlappingImages() throws Exception {
        String m = error(new RiscvVirtConfig().bios(new Firmware.File(raw("fw", 4096)))
                .kernel(elfFile("k.elf", 243, 0x80000000L, 0x1000, 0x80000000L)));
        assertTrue(m.contains("overlap"), m);
    }

    @Test
    void kernelReachingIntoDeviceTree() throws Exception {
        String m = error(new RiscvVirtConfig().ramSize(16L << 20).bios(new Firmware.None()).kernel(raw("k", 15 << 20)));
        assertTrue(m.contains("device tree"), m);
    }

    @Test
    void missingFileNonRiscvElfTruncatedElf() throws Exception {
        assertTrue(error(new RiscvVirtConfig().bios(new Firmware.None()).kernel(tmp.resolve("nope")))
                .contains("kernel file not found"));
        assertTrue(error(new RiscvVirtConfig().bios(new Firmware.None()).kernel(elfFile("x86", 62, 0x80000000L, 16, 0)))
                .contains("for x86-64, not RISC-V"));
        Path trunc = tmp.resolve("trunc");
        Files.write(trunc, java.util.Arrays.copyOf(elf(243, 0x80000000L, 16, 0), 40));
        assertTrue(error(new RiscvVirtConfig().bios(new Firmware.None()).kernel(trunc)).contains("truncated"));
    }

    @Test
    void defaultFirmwareMissingSaysSo() throws Exception {
        String m = error(new RiscvVirtConfig().defaultBios(tmp.resolve("none.bin")).kernel(raw("k", 10)));
        assertTrue(m.startsWith("no default firmware"), m);
    }

    @Test
    void nothingToRun() {
        assertTrue(error(new RiscvVirtConfig().bios(new Firmware.None())).startsWith("nothing to run"));
    }

    @Test
    void initrdGoesHalfwayIntoSmallRamAndIntoTheDeviceTree() throws Exception {
        BootPlan p = BootPlan.plan(new RiscvVirtConfig().bios(new Firmware.File(raw("fw", 4096)))
                .kernel(raw("k", 4096)).initrd(raw("rd", 8192)));
        assertEquals(0x80200000L + (64L << 20), p.initrd().get().lo(), "kernel entry + RAM/2 for 128 MiB");
        byte[] fdt = p.fdt();
        String strings = new String(fdt, java.nio.charset.StandardCharsets.ISO_8859_1);
        assertTrue(strings.contains("linux,initrd-start") && strings.contains("linux,initrd-end"));
        BootPlan big = BootPlan.plan(new RiscvVirtConfig().ramSize(1L << 30).bios(new Firmware.None())
                .kernel(raw("k2", 4096)).initrd(raw("rd2", 8192)));
        assertEquals(0x80000000L + (128L << 20), big.initrd().get().lo(), "at most 128 MiB above the kernel");
    }

    @Test
    void initrdErrors() throws Exception {
        assertTrue(error(new RiscvVirtConfig().bios(new Firmware.File(raw("fw", 4096))).initrd(raw("rd", 10)))
                .contains("--initrd needs a --kernel"));
        assertTrue(error(new RiscvVirtConfig().ramSize(16L << 20).bios(new Firmware.None()).kernel(raw("k", 10))
                .initrd(raw("rd", 9 << 20))).contains("initrd"));
    }
}
