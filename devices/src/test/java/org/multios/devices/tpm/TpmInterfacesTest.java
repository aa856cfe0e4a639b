package org.multios.devices.tpm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/** The TIS and CRB register interfaces driven as a guest driver (U-Boot's, Linux's) drives them. */
class TpmInterfacesTest {
    static TpmEngine engine() {
        SecureRandom r = new SecureRandom();
        return new TpmEngine(TpmState.manufacture(null, r), r);
    }

    /** One command through TIS: locality request, commandReady, FIFO writes in bursts, tpmGo, FIFO reads. */
    static byte[] tis(TpmTisInterface tis, int loc, byte[] cmd) {
        long b = loc * 0x1000L;
        tis.write(b + 0x00, 1, TpmTisInterface.ACCESS_REQUEST_USE);
        assertEquals(0xA1, tis.read(b, 1) & 0xA1, "valid, active, established");
        tis.write(b + 0x18, 1, TpmTisInterface.STS_COMMAND_READY);
        assertTrue((tis.read(b + 0x18, 4) & TpmTisInterface.STS_COMMAND_READY) != 0);
        int i = 0;
        while (i < cmd.length) {
            int sts = (int) tis.read(b + 0x18, 4);
            int burst = (sts >>> 8) & 0xFFFF;
            assertTrue(burst > 0, "burst count");
            for (int n = 0; n < burst && i < cmd.length; n++) tis.write(b + 0x24, 1, cmd[i++] & 0xFF);
            boolean expect = (tis.read(b + 0x18, 1) & TpmTisInterface.STS_EXPECT) != 0;
            assertEquals(i < cmd.length, expect, "Expect while the command is incomplete");
        }
        tis.write(b + 0x18, 1, TpmTisInterface.STS_GO);
        ByteArrayOutputStream rsp = new ByteArrayOutputStream();
        while ((tis.read(b + 0x18, 1) & (TpmTisInterface.STS_VALID | TpmTisInterface.STS_DATA_AVAIL))
                == (TpmTisInterface.STS_VALID | TpmTisInterface.STS_DATA_AVAIL)) {
            // 32-bit FIFO reads at the start, as the Linux driver's burst reads do, bytes after that.
            if (rsp.size() == 0) {
                long w = tis.read(b + 0x24, 4);
                for (int k = 0; k < 4; k++) rsp.write((int) (w >>> (8 * k)));
            } else {
                rsp.write((int) tis.read(b + 0x24, 1));
            }
        }
        tis.write(b + 0x18, 1, TpmTisInterface.STS_COMMAND_READY);
        tis.write(b + 0x00, 1, TpmTisInterface.ACCESS_ACTIVE); // relinquish
        return rsp.toByteArray();
    }

    @Test
    void tisRunsCommands() {
        TpmEngine t = engine();
        TpmTisInterface tis = new TpmTisInterface(t);
        assertEquals(TpmTisInterface.DID_VID, tis.read(0xF00, 4));
        assertEquals(0, tis.read(0x30, 4) & 0xF, "FIFO interface type for TPM 2.0");
        byte[] r = tis(tis, 0, TpmCommands.noSessions(TpmCc.Startup, new byte[] {0, 0}));
        assertEquals(10, r.length);
        assertEquals(0, TpmCommands.rc(r));
        byte[] pcrRead = TpmCommands.noSessions(TpmCc.PCR_Read, new TpmWriter().u32(1).u16(TpmAlg.SHA256).u8(3).u8(1).u8(0).u8(0).toBytes());
        assertArrayEquals(t.execute(0, pcrRead), tis(tis, 0, pcrRead));
        // Locality reaches the engine: PCR 20 may be reset from locality 2 but not from locality 0.
        byte[] reset20 = TpmCommands.password(TpmCc.PCR_Reset, new byte[0], new byte[0], 20);
        assertEquals(TpmRc.LOCALITY, TpmCommands.rc(tis(tis, 0, reset20)));
        assertEquals(0, TpmCommands.rc(tis(tis, 2, reset20)));
        // Another locality cannot use the FIFO while locality 0 holds it.
        tis.write(0x00, 1, TpmTisInterface.ACCESS_REQUEST_USE);
        tis.write(0x1000, 1, TpmTisInterface.ACCESS_REQUEST_USE);
        assertEquals(0, tis.read(0x1000, 1) & TpmTisInterface.ACCESS_ACTIVE);
        assertEquals(0, tis.read(0x1018, 4) & 0xFF, "inactive locality sees no status");
    }

    @Test
    void crbRunsCommands() {
        TpmEngine t = engine();
        long base = TpmCrbInterface.PC_BASE;
        TpmCrbInterface crb = new TpmCrbInterface(t, base);
        assertEquals(1, crb.read(0x30, 4) & 0xF, "CRB interface type");
        assertEquals(base + 0x80, crb.read(0x5C, 4) | crb.read(0x60, 4) << 32, "command buffer address");
        assertEquals(base + 0x80, crb.read(0x68, 8), "response buffer address");
        crb.write(0x08, 4, 1); // requestAccess
        assertEquals(1, crb.read(0x0C, 4) & 1, "granted");
        crb.write(0x40, 4, 1); // cmdReady
        assertEquals(0, crb.read(0x44, 4) & 2, "not idle");
        byte[][] cmds = {TpmCommands.noSessions(TpmCc.Startup, new byte[] {0, 0}),
                TpmCommands.noSessions(TpmCc.GetRandom, new byte[] {0, 16})};
        for (byte[] cmd : cmds) {
            for (int i = 0; i < cmd.length; i++) crb.write(0x80 + i, 1, cmd[i] & 0xFF);
            crb.write(0x4C, 4, 1);
            assertEquals(0, crb.read(0x4C, 4), "START clears when the response is ready");
            byte[] hdr = new byte[10];
            for (int i = 0; i < 10; i++) hdr[i] = (byte) crb.read(0x80 + i, 1);
            assertEquals(0, TpmCommands.rc(hdr));
        }
        assertEquals(16, crb.read(0x80 + 10, 2) >>> 8 | (crb.read(0x80 + 10, 1) << 8) & 0xFF00, "TPM2B size of 16 random bytes");
        crb.write(0x40, 4, 2); // goIdle
        assertNotEquals(0, crb.read(0x44, 4) & 2);
    }
}
