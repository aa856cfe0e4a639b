package org.multios.boards.x86;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multios.boards.Firmware;

/**
 * What the x86_64-pc board gained for the MultiOS boot chain: ECAM at 0xB0000000 (the same
 * functions as mechanism #1 sees), the ACPI PM1a control register at 0x604 (S5 = power off with
 * status 0; other sleep types ignored), the fw_cfg command line (QEMU's -append selectors), and
 * HLT with interrupts off ending the machine.
 */
class X86PcMultiosDevicesTest {
    /** A 64 KiB ROM whose reset vector runs code at 0xFFFF0000 (16-bit): the given bytes. */
    static Path rom(Path dir, byte[] code) throws Exception {
        byte[] rom = new byte[0x10000];
        System.arraycopy(code, 0, rom, 0, code.length);
        byte[] jmp = {(byte) 0xe9, 0x0d, 0x00}; // at FFF0: jmp rel16 to offset 0 (0xFFF3 + 0x000D = 0x10000 -> 0x0000)
        System.arraycopy(jmp, 0, rom, 0xfff0, jmp.length);
        Path p = dir.resolve("rom.bin");
        Files.write(p, rom);
        return p;
    }

    static X86PcBoard board(Path rom, String append) throws Exception {
        X86PcConfig cfg = new X86PcConfig().bios(new Firmware.File(rom)).ramSize(32L << 20).maxInstructions(1_000_000);
        if (append != null) cfg.append(append);
        return X86PcBoard.create(cfg);
    }

    @Test
    void ecamShowsTheFunctionsMechanism1Sees(@TempDir Path dir) throws Exception {
        try (X86PcBoard b = board(rom(dir, new byte[] {(byte) 0xf4}), null)) {
            for (int dev : new int[] {0, 1, 5}) {
                b.io().out(0xcf8, 4, 0x8000_0000L | (dev << 11));
                long viaPorts = b.io().in(0xcfc, 4);
                long viaEcam = b.bus().read(0xb000_0000L + ((long) dev << 15), 4);
                assertEquals(viaPorts, viaEcam, "device " + dev);
            }
            assertEquals(0x70008086L, b.bus().read(0xb000_0000L + (1L << 15), 4), "00:01.0 PIIX3 through ECAM");
            assertEquals(0xffffffffL, b.bus().read(0xb000_0000L + (5L << 15), 4), "an empty slot reads all-ones");
        }
    }

    @Test
    void pm1aSleepTypeZeroPowersOffOthersDoNot(@TempDir Path dir) throws Exception {
        // mov $0x604, %dx; mov $0x3400, %ax (SLP_TYP 5 + SLP_EN: not modelled, ignored); out %ax, %dx;
        // mov $0x2000, %ax (SLP_TYP 0 + SLP_EN: S5); out %ax, %dx; hlt
        byte[] code = {(byte) 0xba, 0x04, 0x06, (byte) 0xb8, 0x00, 0x34, (byte) 0xef, (byte) 0xb8, 0x00, 0x20, (byte) 0xef, (byte) 0xf4};
        try (X86PcBoard b = board(rom(dir, code), null)) {
            int status = b.run();
            assertEquals(0, status, b.machine().stopReason());
            assertTrue(b.machine().stopReason().startsWith("power off (ACPI S5)"), b.machine().stopReason());
            assertTrue(b.machine().retiredInstructions() < 20, "stopped at the second write, not at the first");
        }
        byte[] onlyS3 = {(byte) 0xba, 0x04, 0x06, (byte) 0xb8, 0x00, 0x34, (byte) 0xef, (byte) 0xfa, (byte) 0xf4};   // ...; cli; hlt
        try (X86PcBoard b = board(rom(dir, onlyS3), null)) {
            int status = b.run();
            assertEquals(1, status, b.machine().stopReason());
            assertTrue(b.machine().stopReason().startsWith("all CPUs halted"), "HLT with IF = 0 ends the machine: " + b.machine().stopReason());
            assertEquals(1, b.io().in(0x604, 2) & 1, "SCI_EN reads back set");
            assertFalse((b.io().in(0x604, 2) & 0x2000) != 0, "SLP_EN is write-only");
        }
    }

    @Test
    void fwCfgCarriesTheCommandLine(@TempDir Path dir) throws Exception {
        try (X86PcBoard b = board(rom(dir, new byte[] {(byte) 0xf4}), "console=ttyS0 quiet")) {
            b.io().out(0x510, 2, 0x14);
            long size = 0;
            for (int i = 0; i < 4; i++) size |= b.io().in(0x511, 1) << (8 * i);
            assertEquals("console=ttyS0 quiet".length() + 1, size, "FW_CFG_CMDLINE_SIZE counts the NUL");
            b.io().out(0x510, 2, 0x15);
            byte[] text = new byte[(int) size];
            for (int i = 0; i < size; i++) text[i] = (byte) b.io().in(0x511, 1);
            assertEquals("console=ttyS0 quiet\0", new String(text, StandardCharsets.US_ASCII));
        }
        try (X86PcBoard b = board(rom(dir, new byte[] {(byte) 0xf4}), null)) {
            b.io().out(0x510, 2, 0x14);
            assertEquals(0, b.io().in(0x511, 1), "no command line: the item is absent");
        }
    }
}
