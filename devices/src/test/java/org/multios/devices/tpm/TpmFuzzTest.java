package org.multios.devices.tpm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Malformed commands (truncated, oversized, wrong sizes and tags, random bytes and bit flips of
 * valid commands; seeded) always get a well-formed TPM error response, never an exception and
 * never TPM_RC_FAILURE (which the engine reports for an internal error) (issue 7, must show 5).
 */
class TpmFuzzTest {
    static final long SEED = 0x7E57_2026L;

    static TpmEngine engine() {
        SecureRandom r = new SecureRandom();
        TpmEngine t = new TpmEngine(TpmState.manufacture(null, r), r);
        assertEquals(0, TpmCommands.rc(TpmCommands.startup(t)));
        return t;
    }

    /** Checks the response's framing and returns its code. */
    static int check(byte[] cmd, byte[] rsp) {
        String what = "command " + java.util.HexFormat.of().formatHex(cmd);
        assertTrue(rsp.length >= 10, what);
        int tag = ((rsp[0] & 0xFF) << 8) | (rsp[1] & 0xFF);
        assertTrue(tag == 0x8001 || tag == 0x8002 || tag == 0x00C4, what + " tag " + tag);
        assertEquals(rsp.length, new TpmReader(rsp, 2, 6).u32(), what + ": size field");
        int rc = TpmCommands.rc(rsp);
        assertNotEquals(TpmRc.FAILURE, rc, what + ": internal failure");
        if (rc != 0) assertEquals(10, rsp.length, what + ": error responses are header-only");
        return rc;
    }

    static List<byte[]> validCommands(TpmEngine t) {
        int key = TpmCommands.createPrimary(t, TpmCommands.eccSigningTemplate());
        List<byte[]> cmds = new ArrayList<>();
        cmds.add(TpmCommands.noSessions(TpmCc.GetRandom, new TpmWriter().u16(16).toBytes()));
        cmds.add(TpmCommands.noSessions(TpmCc.GetCapability, new TpmWriter().u32(6).u32(0x100).u32(64).toBytes()));
        cmds.add(TpmCommands.noSessions(TpmCc.PCR_Read, new TpmWriter().u32(2).u16(TpmAlg.SHA1).u8(3).u8(0xFF).u8(0).u8(0)
                .u16(TpmAlg.SHA256).u8(3).u8(0).u8(0).u8(1).toBytes()));
        cmds.add(TpmCommands.password(TpmCc.PCR_Extend, new byte[0],
                new TpmWriter().u32(1).u16(TpmAlg.SHA256).bytes(new byte[32]).toBytes(), 16));
        cmds.add(TpmCommands.noSessions(TpmCc.Hash, new TpmWriter().tpm2b("abc".getBytes()).u16(TpmAlg.SHA256).u32(TpmEngine.RH_OWNER).toBytes()));
        cmds.add(TpmCommands.password(TpmCc.CreatePrimary, new byte[0], TpmCommands.createPrimaryParams(TpmCommands.eccSigningTemplate()), TpmEngine.RH_OWNER));
        cmds.add(TpmCommands.password(TpmCc.Sign, new byte[0],
                new TpmWriter().tpm2b(new byte[32]).u16(TpmAlg.NULL).u16(0x8024).u32(TpmEngine.RH_NULL).u16(0).toBytes(), key));
        cmds.add(TpmCommands.noSessions(TpmCc.ReadPublic, new byte[0], key));
        cmds.add(TpmCommands.noSessions(TpmCc.ContextSave, new byte[0], key));
        cmds.add(TpmCommands.password(TpmCc.NV_DefineSpace, new byte[0], new TpmWriter().u16(0)
                .tpm2b(new TpmWriter().u32(0x01500020).u16(TpmAlg.SHA256).u32(0x60006).u16(0).u16(16).toBytes()).toBytes(), TpmEngine.RH_OWNER));
        cmds.add(TpmCommands.noSessions(TpmCc.StartAuthSession, new TpmWriter().tpm2b(new byte[16]).u16(0).u8(0).u16(TpmAlg.NULL)
                .u16(TpmAlg.SHA256).toBytes(), TpmEngine.RH_NULL, TpmEngine.RH_NULL));
        cmds.add(TpmCommands.noSessions(TpmCc.HashSequenceStart, new TpmWriter().u16(0).u16(TpmAlg.SHA256).toBytes()));
        // The valid forms succeed (so the mutations below start from real commands).
        for (byte[] c : cmds) assertEquals(0, check(c, t.execute(0, c)), "valid " + java.util.HexFormat.of().formatHex(c));
        return cmds;
    }

    @Test
    void headerErrorsHaveTheirSpecifiedCodes() {
        TpmEngine t = engine();
        byte[] getRandom = TpmCommands.noSessions(TpmCc.GetRandom, new TpmWriter().u16(8).toBytes());
        assertEquals(TpmRc.COMMAND_SIZE, check(new byte[3], t.execute(0, new byte[3])));
        byte[] badTag = getRandom.clone();
        badTag[1] = 0x03;
        byte[] rsp = t.execute(0, badTag);
        assertEquals(TpmRc.BAD_TAG, check(badTag, rsp));
        assertEquals(0x00C4, ((rsp[0] & 0xFF) << 8) | (rsp[1] & 0xFF), "TPM_ST_RSP_COMMAND for a bad tag");
        byte[] wrongSize = getRandom.clone();
        wrongSize[5]++;
        assertEquals(TpmRc.COMMAND_SIZE, check(wrongSize, t.execute(0, wrongSize)));
        byte[] unknown = TpmCommands.noSessions(0x1FF, new byte[0]);
        assertEquals(TpmRc.COMMAND_CODE, check(unknown, t.execute(0, unknown)));
        // Missing parameter: format one, TPM_RC_INSUFFICIENT for parameter 1.
        byte[] shortParam = TpmCommands.noSessions(TpmCc.GetRandom, new byte[1]);
        assertEquals(0x1DA, check(shortParam, t.execute(0, shortParam)));
        // Trailing bytes after the last parameter.
        byte[] extra = TpmCommands.noSessions(TpmCc.GetRandom, new byte[] {0, 8, 0});
        assertEquals(TpmRc.SIZE, check(extra, t.execute(0, extra)));
        // A transient handle that is not loaded: the warning TPM_RC_REFERENCE_H0.
        byte[] noKey = TpmCommands.noSessions(TpmCc.ReadPublic, new byte[0], 0x80000030);
        assertEquals(TpmRc.REFERENCE_H0, check(noKey, t.execute(0, noKey)));
        // A wrong password: TPM_RC_AUTH_FAIL for session 1.
        byte[] badAuth = TpmCommands.password(TpmCc.PCR_Extend, "x".getBytes(),
                new TpmWriter().u32(0).toBytes(), TpmEngine.RH_OWNER);
        int rc = check(badAuth, t.execute(0, badAuth));
        assertTrue(rc != 0, "owner auth with a wrong handle kind or password must fail");
        byte[] oversized = Arrays.copyOf(getRandom, 70000);
        TpmWriter w = new TpmWriter().u16(0x8001).u32(oversized.length).u32(TpmCc.GetRandom);
        System.arraycopy(w.toBytes(), 0, oversized, 0, 10);
        assertEquals(TpmRc.COMMAND_SIZE, check(oversized, t.execute(0, oversized)));
        // Commands before Startup.
        SecureRandom r = new SecureRandom();
        TpmEngine fresh = new TpmEngine(TpmState.manufacture(null, r), r);
        assertEquals(TpmRc.INITIALIZE, check(getRandom, fresh.execute(0, getRandom)));
    }

    @Test
    void truncatedAndExtendedCommands() {
        TpmEngine t = engine();
        int n = 0;
        for (byte[] c : validCommands(t)) {
            for (int len = 0; len < c.length; len++) {
                // Truncated, header size field kept: a size mismatch (or a header too short).
                byte[] cut = Arrays.copyOf(c, len);
                assertNotEquals(0, check(cut, t.execute(0, cut)), "truncated command succeeded");
                if (len >= 10) {
                    // Truncated with a consistent header size: the handles, sessions or parameters run out.
                    byte[] consistent = cut.clone();
                    patchSize(consistent);
                    assertNotEquals(0, check(consistent, t.execute(0, consistent)), "truncated command succeeded");
                }
                n++;
            }
            byte[] longer = Arrays.copyOf(c, c.length + 7);
            patchSize(longer);
            check(longer, t.execute(0, longer));
        }
        assertTrue(n > 300, "cases " + n);
    }

    private static void patchSize(byte[] c) {
        c[2] = (byte) (c.length >>> 24); c[3] = (byte) (c.length >>> 16); c[4] = (byte) (c.length >>> 8); c[5] = (byte) c.length;
    }

    @Test
    void bitFlipsAndRandomBytes() {
        TpmEngine t = engine();
        Random rnd = new Random(SEED);
        List<byte[]> valid = validCommands(t);
        int errors = 0;
        for (int i = 0; i < 20000; i++) {
            byte[] c = valid.get(rnd.nextInt(valid.size())).clone();
            int flips = 1 + rnd.nextInt(4);
            for (int f = 0; f < flips; f++) {
                int at = rnd.nextInt(c.length);
                switch (rnd.nextInt(3)) {
                    case 0 -> c[at] ^= (byte) (1 << rnd.nextInt(8));
                    case 1 -> c[at] = (byte) rnd.nextInt(256);
                    default -> c[at] = (byte) (rnd.nextBoolean() ? 0xFF : 0);
                }
            }
            if (rnd.nextBoolean()) patchSize(c);
            if (check(c, t.execute(rnd.nextInt(5), c)) != 0) errors++;
            if (t.objectCount() > 40) t.powerOn();
            if (t.objectCount() == 0 && !t.started) assertEquals(0, TpmCommands.rc(TpmCommands.startup(t)));
        }
        assertTrue(errors > 5000, "most mutations must be rejected: " + errors);
        for (int i = 0; i < 5000; i++) {
            byte[] c = new byte[rnd.nextInt(64)];
            rnd.nextBytes(c);
            if (c.length >= 6 && rnd.nextBoolean()) patchSize(c);
            if (c.length >= 2 && rnd.nextBoolean()) { c[0] = (byte) 0x80; c[1] = (byte) (1 + rnd.nextInt(2)); }
            check(c, t.execute(0, c));
        }
    }
}
