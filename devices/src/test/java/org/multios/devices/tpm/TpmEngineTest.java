package org.multios.devices.tpm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Engine behaviour checked against the spec's formulas, computed independently here. */
class TpmEngineTest {
    @TempDir
    Path dir;

    static TpmEngine started() {
        SecureRandom r = new SecureRandom();
        TpmEngine t = new TpmEngine(TpmState.manufacture(null, r), r);
        assertEquals(0, TpmCommands.rc(TpmCommands.startup(t)));
        return t;
    }

    @Test
    void kdfaMatchesSp800108CounterMode() throws Exception {
        byte[] key = HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f");
        byte[] out = TpmKdf.kdfa(TpmAlg.SHA256, key, "STORAGE", new byte[] {1, 2}, new byte[] {3}, 384);
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
        byte[] expect = new byte[0];
        for (int i = 1; i <= 2; i++) {
            mac.update(new byte[] {0, 0, 0, (byte) i});
            mac.update("STORAGE\0".getBytes());
            mac.update(new byte[] {1, 2, 3, 0, 0, 1, (byte) 0x80});
            byte[] block = mac.doFinal();
            expect = TpmBasicCommands.concat(expect, block);
        }
        assertArrayEquals(Arrays.copyOf(expect, 48), out);
    }

    @Test
    void pcrExtendIsHashOfOldValueAndDigest() throws Exception {
        TpmEngine t = started();
        byte[] d = MessageDigest.getInstance("SHA-256").digest("kernel".getBytes());
        assertEquals(0, TpmCommands.rc(TpmCommands.extend(t, 4, d)));
        byte[] expect = MessageDigest.getInstance("SHA-256").digest(TpmBasicCommands.concat(new byte[32], d));
        assertArrayEquals(expect, t.pcrs.value(TpmAlg.SHA256, 4));
        assertArrayEquals(new byte[20], t.pcrs.value(TpmAlg.SHA1, 4), "other bank untouched");
        // PCR 4 is not resettable (PC client): TPM_RC_LOCALITY.
        byte[] reset = TpmCommands.password(TpmCc.PCR_Reset, new byte[0], new byte[0], 4);
        assertEquals(TpmRc.LOCALITY, TpmCommands.rc(t.execute(0, reset)));
        // Startup(CLEAR) after a reset brings PCRs back to zero.
        t.powerOn();
        TpmCommands.startup(t);
        assertArrayEquals(new byte[32], t.pcrs.value(TpmAlg.SHA256, 4));
    }

    @Test
    void primaryKeysAreDeterministicFromTheSeedAndChangeAfterClear() {
        TpmEngine t = started();
        int a = TpmCommands.createPrimary(t, TpmCommands.eccSigningTemplate());
        int b = TpmCommands.createPrimary(t, TpmCommands.eccSigningTemplate());
        assertNotEquals(a, b);
        assertArrayEquals(t.objects.get(a).name, t.objects.get(b).name, "same seed and template, same key");
        assertArrayEquals(t.objects.get(a).pub.name(), t.objects.get(a).name);
        byte[] before = t.objects.get(a).name;
        byte[] clear = TpmCommands.password(TpmCc.Clear, new byte[0], new byte[0], TpmEngine.RH_LOCKOUT);
        assertEquals(0, TpmCommands.rc(t.execute(0, clear)));
        assertFalse(t.objects.containsKey(a), "Clear flushes owner objects");
        int c = TpmCommands.createPrimary(t, TpmCommands.eccSigningTemplate());
        assertFalse(Arrays.equals(before, t.objects.get(c).name), "Clear changes the owner seed");
    }

    @Test
    void signaturesVerifyWithJcaAndThroughVerifySignature() throws Exception {
        TpmEngine t = started();
        for (TpmPublic template : new TpmPublic[] {TpmCommands.eccSigningTemplate(), TpmCommands.rsaSigningTemplate()}) {
            int key = TpmCommands.createPrimary(t, template);
            byte[] digest = MessageDigest.getInstance("SHA-256").digest("data".getBytes());
            byte[] rsp = TpmCommands.sign(t, key, digest);
            assertEquals(0, TpmCommands.rc(rsp));
            TpmReader r = TpmCommands.body(rsp);
            r.u32(); // parameterSize
            int sigAlg = r.u16(), hash = r.u16();
            byte[] sr = r.tpm2b(512), ss = sigAlg == TpmAlg.ECDSA ? r.tpm2b(64) : new byte[0];
            assertEquals(TpmAlg.SHA256, hash);
            assertTrue(TpmKeys.verify(t.objects.get(key).pub, sigAlg, hash, digest, sr, ss));
            // VerifySignature accepts it and refuses a different digest with TPM_RC_SIGNATURE (parameter 2).
            TpmWriter sig = new TpmWriter().u16(sigAlg).u16(hash).tpm2b(sr);
            if (sigAlg == TpmAlg.ECDSA) sig.tpm2b(ss);
            byte[] ok = TpmCommands.noSessions(TpmCc.VerifySignature, new TpmWriter().tpm2b(digest).bytes(sig.toBytes()).toBytes(), key);
            assertEquals(0, TpmCommands.rc(t.execute(0, ok)));
            byte[] other = digest.clone();
            other[0] ^= 1;
            byte[] bad = TpmCommands.noSessions(TpmCc.VerifySignature, new TpmWriter().tpm2b(other).bytes(sig.toBytes()).toBytes(), key);
            assertEquals(TpmRc.parameter(TpmRc.SIGNATURE, 2), TpmCommands.rc(t.execute(0, bad)));
        }
    }

    @Test
    void stateFileKeepsSeedsAndNvAcrossRestarts() throws Exception {
        Path file = dir.resolve("tpm.state");
        TpmEngine t = TpmEngine.open(file);
        TpmCommands.startup(t);
        byte[] name1 = t.objects.get(TpmCommands.createPrimary(t, TpmCommands.eccSigningTemplate())).name;
        byte[] define = TpmCommands.password(TpmCc.NV_DefineSpace, new byte[0], new TpmWriter().u16(0)
                .tpm2b(new TpmWriter().u32(0x01500001).u16(TpmAlg.SHA256).u32(0x60006).u16(0).u16(8).toBytes()).toBytes(), TpmEngine.RH_OWNER);
        assertEquals(0, TpmCommands.rc(t.execute(0, define)));
        byte[] write = TpmCommands.password(TpmCc.NV_Write, new byte[0], new TpmWriter().tpm2b("persist!".getBytes()).u16(0).toBytes(),
                TpmEngine.RH_OWNER, 0x01500001);
        assertEquals(0, TpmCommands.rc(t.execute(0, write)));

        TpmEngine again = TpmEngine.open(file);
        TpmCommands.startup(again);
        assertArrayEquals(name1, again.objects.get(TpmCommands.createPrimary(again, TpmCommands.eccSigningTemplate())).name);
        byte[] read = TpmCommands.password(TpmCc.NV_Read, new byte[0], new TpmWriter().u16(8).u16(0).toBytes(), TpmEngine.RH_OWNER, 0x01500001);
        byte[] rsp = again.execute(0, read);
        assertEquals(0, TpmCommands.rc(rsp));
        TpmReader r = TpmCommands.body(rsp);
        r.u32();
        assertEquals("persist!", new String(r.tpm2b(64)));
    }

    @Test
    void contextsRoundTripAndRejectTampering() {
        TpmEngine t = started();
        int key = TpmCommands.createPrimary(t, TpmCommands.eccSigningTemplate());
        byte[] rsp = t.execute(0, TpmCommands.noSessions(TpmCc.ContextSave, new byte[0], key));
        assertEquals(0, TpmCommands.rc(rsp));
        byte[] context = Arrays.copyOfRange(rsp, 10, rsp.length);
        byte[] load = t.execute(0, TpmCommands.noSessions(TpmCc.ContextLoad, context));
        assertEquals(0, TpmCommands.rc(load));
        int loaded = TpmCommands.body(load).u32();
        assertArrayEquals(t.objects.get(key).name, t.objects.get(loaded).name);
        context[context.length - 3] ^= 1;
        assertEquals(TpmRc.parameter(TpmRc.INTEGRITY, 1), TpmCommands.rc(t.execute(0, TpmCommands.noSessions(TpmCc.ContextLoad, context))));
    }

    @Test
    void hmacSessionAuthorizesWithTheSpecHmac() {
        TpmEngine t = started();
        byte[] nonceCaller = new byte[32];
        Arrays.fill(nonceCaller, (byte) 7);
        byte[] start = TpmCommands.noSessions(TpmCc.StartAuthSession, new TpmWriter().tpm2b(nonceCaller).u16(0).u8(0)
                .u16(TpmAlg.NULL).u16(TpmAlg.SHA256).toBytes(), TpmEngine.RH_NULL, TpmEngine.RH_NULL);
        byte[] rsp = t.execute(0, start);
        assertEquals(0, TpmCommands.rc(rsp));
        TpmReader r = TpmCommands.body(rsp);
        int session = r.u32();
        byte[] nonceTpm = r.tpm2b(64);
        // PCR_Extend(16) authorized by HMAC(authValue(empty), cpHash || nonceCaller || nonceTPM || attrs).
        byte[] params = new TpmWriter().u32(1).u16(TpmAlg.SHA256).bytes(new byte[32]).toBytes();
        byte[] cpHash = TpmAlg.hash(TpmAlg.SHA256, new TpmWriter().u32(TpmCc.PCR_Extend).u32(16).bytes(params).toBytes());
        for (boolean good : new boolean[] {false, true}) {
            byte[] hmac = TpmKdf.hmac(TpmAlg.SHA256, new byte[0], cpHash, nonceCaller, nonceTpm, new byte[] {1});
            if (!good) hmac[0] ^= 1;
            TpmWriter w = new TpmWriter().u16(TpmEngine.ST_SESSIONS).u32(0).u32(TpmCc.PCR_Extend).u32(16);
            byte[] auth = new TpmWriter().u32(session).tpm2b(nonceCaller).u8(1).tpm2b(hmac).toBytes();
            w.u32(auth.length).bytes(auth).bytes(params);
            w.patch32(2, w.size());
            byte[] out = t.execute(0, w.toBytes());
            assertEquals(good ? 0 : TpmRc.session(TpmRc.AUTH_FAIL, 1), TpmCommands.rc(out));
            if (good) {
                // Response HMAC over rpHash = H(rc || cc || parameters) with the new nonceTPM.
                TpmReader rr = TpmCommands.body(out);
                assertEquals(0, rr.u32()); // no response parameters
                byte[] newNonce = rr.tpm2b(64);
                assertEquals(1, rr.u8());
                byte[] rhmac = rr.tpm2b(64);
                byte[] rpHash = TpmAlg.hash(TpmAlg.SHA256, new TpmWriter().u32(0).u32(TpmCc.PCR_Extend).toBytes());
                assertArrayEquals(TpmKdf.hmac(TpmAlg.SHA256, new byte[0], rpHash, newNonce, nonceCaller, new byte[] {1}), rhmac);
            }
        }
    }
}
