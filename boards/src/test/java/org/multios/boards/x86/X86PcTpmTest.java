package org.multios.boards.x86;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multios.boards.Firmware;
import org.multios.core.bus.PhysicalBus;

/**
 * {@code machine --arch x86_64 --tpm}: the TPM's TIS registers at the PC's TPM location
 * 0xFED40000 (TCG PC Client PTP), a TPM2_Startup and a PCR_Read through locality 0's FIFO over
 * the board's bus, and the ACPI TPM2 table (start method 6, TIS) in etc/acpi/tables pointing at it;
 * without --tpm neither the registers nor the table exist.
 */
class X86PcTpmTest {
    static final long TIS = 0xFED40000L;

    @TempDir Path dir;

    private X86PcBoard board(boolean tpm) throws Exception {
        Path rom = dir.resolve("rom.bin");
        byte[] b = new byte[65536];
        java.util.Arrays.fill(b, (byte) 0xf4); // hlt: the CPU never runs here
        Files.write(rom, b);
        X86PcConfig cfg = new X86PcConfig().bios(new Firmware.File(rom));
        if (tpm) cfg.tpm(null);
        return X86PcBoard.create(cfg);
    }

    @Test
    void tisAtTheTpmLocationAndTheAcpiTable() throws Exception {
        try (X86PcBoard board = board(true)) {
            PhysicalBus bus = board.bus();
            assertEquals(0x00011014L, bus.read(TIS + 0xF00, 4), "TPM_DID_VID_0");
            assertEquals(0, bus.read(TIS + 0x30, 4) & 0xF, "TPM_INTERFACE_ID_0: FIFO interface for TPM 2.0");
            byte[] startup = {(byte) 0x80, 0x01, 0, 0, 0, 12, 0, 0, 0x01, 0x44, 0, 0}; // TPM2_Startup(CLEAR)
            byte[] rsp = tis(bus, startup);
            assertEquals(10, rsp.length);
            assertEquals(0, rc(rsp), "TPM_RC_SUCCESS");
            byte[] again = tis(bus, startup);
            assertEquals(0x100, rc(again), "TPM_RC_INITIALIZE: already started");
            // TPM2_PCR_Read(sha256: PCR 0): all zeros after Startup(CLEAR)
            byte[] pcrRead = {(byte) 0x80, 0x01, 0, 0, 0, 20, 0, 0, 0x01, 0x7e, 0, 0, 0, 1, 0, 0x0b, 3, 1, 0, 0};
            byte[] r = tis(bus, pcrRead);
            assertEquals(0, rc(r));
            assertEquals(10 + 4 + 4 + 2 + 4 + 4 + 2 + 32, r.length, "one 32-byte digest");
            for (int i = r.length - 32; i < r.length; i++) assertEquals(0, r[i]);

            byte[] tables = fwCfgFile(board.fwCfg(), "etc/acpi/tables");
            int at = indexOf(tables, "TPM2".getBytes(StandardCharsets.US_ASCII));
            assertTrue(at >= 0, "a TPM2 table");
            assertEquals(52, le(tables, at + 4, 4), "TPM2 revision 4 without a log area: 36 + 16 bytes");
            assertEquals(4, tables[at + 8], "revision"); // the checksum is the table-loader's ADD_CHECKSUM job, as in QEMU
            assertEquals(0, le(tables, at + 40, 8), "no CRB control area for the FIFO interface (as QEMU)");
            assertEquals(6, le(tables, at + 48, 4), "start method 6: TIS/FIFO");
        }
        try (X86PcBoard board = board(false)) {
            assertNull(board.tpm());
            assertTrue(indexOf(fwCfgFile(board.fwCfg(), "etc/acpi/tables"), "TPM2".getBytes(StandardCharsets.US_ASCII)) < 0, "no TPM2 table without --tpm");
        }
    }

    /** One command through locality 0's FIFO (PTP 5.5: request use, commandReady, data, go, read while dataAvail). */
    static byte[] tis(PhysicalBus bus, byte[] cmd) {
        bus.write(TIS, 1, 0x02); // requestUse
        assertEquals(0xA0, bus.read(TIS, 1) & 0xA0, "tpmRegValidSts | activeLocality");
        bus.write(TIS + 0x18, 1, 0x40); // commandReady
        for (byte b : cmd) bus.write(TIS + 0x24, 1, b & 0xff);
        assertEquals(0, bus.read(TIS + 0x18, 1) & 0x08, "Expect clear once the whole command is in");
        bus.write(TIS + 0x18, 1, 0x20); // tpmGo
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while ((bus.read(TIS + 0x18, 1) & 0x90) == 0x90) out.write((int) bus.read(TIS + 0x24, 1)); // stsValid | dataAvail
        bus.write(TIS + 0x18, 1, 0x40);
        bus.write(TIS, 1, 0x20); // relinquish
        return out.toByteArray();
    }

    static int rc(byte[] rsp) { return (int) be(rsp, 6, 4); }

    static byte[] fwCfgFile(FwCfg f, String name) {
        byte[] dir = item(f, FwCfg.FILE_DIR, 4);
        int n = (int) be(dir, 0, 4);
        dir = item(f, FwCfg.FILE_DIR, 4 + 64 * n);
        for (int i = 0; i < n; i++) {
            int at = 4 + 64 * i;
            String s = new String(dir, at + 8, 56, StandardCharsets.US_ASCII);
            s = s.substring(0, s.indexOf('\0'));
            if (s.equals(name)) return item(f, (int) be(dir, at + 4, 2), (int) be(dir, at, 4));
        }
        throw new AssertionError("no fw_cfg file " + name);
    }

    static byte[] item(FwCfg f, int selector, int size) {
        f.write(0, 2, selector);
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) b[i] = (byte) f.read(1, 1);
        return b;
    }

    static long be(byte[] b, int at, int n) {
        long v = 0;
        for (int i = 0; i < n; i++) v = v << 8 | (b[at + i] & 0xff);
        return v;
    }

    static long le(byte[] b, int at, int n) {
        long v = 0;
        for (int i = n - 1; i >= 0; i--) v = v << 8 | (b[at + i] & 0xff);
        return v;
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }
}
