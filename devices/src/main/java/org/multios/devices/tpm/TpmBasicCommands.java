package org.multios.devices.tpm;

import java.util.Arrays;

/** Start-up, testing, random numbers, capabilities, sessions and hierarchy commands (Part 3, 9-13, 16, 24, 30). */
final class TpmBasicCommands {
    private TpmBasicCommands() {}

    static final int SU_CLEAR = 0, SU_STATE = 1;

    static void register(TpmEngine t) {
        t.register(TpmCc.Startup, 0, 0, c -> startup(t, c));
        t.register(TpmCc.Shutdown, 0, 0, c -> shutdown(t, c));
        t.register(TpmCc.SelfTest, 0, 0, c -> c.p(1).u8());
        t.register(TpmCc.GetTestResult, 0, 0, c -> c.out.u16(0).u32(TpmRc.SUCCESS));
        t.register(TpmCc.GetRandom, 0, 0, c -> {
            int n = Math.min(c.p(1).u16(), 32); // at most the size of the largest digest (TPMU_HA)
            c.out.tpm2b(t.randomBytes(n));
        });
        t.register(TpmCc.StirRandom, 0, 0, c -> t.random.setSeed(c.p(1).tpm2b(128)));
        t.register(TpmCc.GetCapability, 0, 0, c -> TpmCapabilities.getCapability(t, c));
        t.register(TpmCc.StartAuthSession, 2, 0, c -> startAuthSession(t, c));
        t.register(TpmCc.Clear, 1, 1, c -> clear(t, c));
        t.register(TpmCc.HierarchyChangeAuth, 1, 1, c -> {
            byte[] auth = c.p(1).tpm2b(32);
            switch (c.handles[0]) {
                case TpmEngine.RH_OWNER -> t.state.ownerAuth = auth;
                case TpmEngine.RH_ENDORSEMENT -> t.state.endorsementAuth = auth;
                case TpmEngine.RH_LOCKOUT -> t.state.lockoutAuth = auth;
                case TpmEngine.RH_PLATFORM -> t.platformAuth = auth;
                default -> throw TpmRc.error(TpmRc.handle(TpmRc.HIERARCHY, 1));
            }
            t.state.save();
        });
    }

    private static void startup(TpmEngine t, TpmCall c) {
        int type = c.p(1).u16();
        if (type != SU_CLEAR && type != SU_STATE) throw TpmRc.error(TpmRc.VALUE);
        if (type == SU_STATE && !t.state.orderlyShutdownState) throw TpmRc.error(TpmRc.VALUE);
        if (type == SU_CLEAR) {
            // TPM Reset (or Restart): PCRs back to their initial value, a new null seed.
            t.state.resetPcrs();
            t.pcrUpdateCounter = 0;
            t.nullSeed = TpmState.rnd(t.random);
            t.platformAuth = new byte[0];
            t.state.resetCount++;
        } else {
            t.state.restartCount++;
        }
        t.state.orderlyShutdownState = false;
        t.started = true;
        t.state.save();
    }

    private static void shutdown(TpmEngine t, TpmCall c) {
        int type = c.p(1).u16();
        if (type != SU_CLEAR && type != SU_STATE) throw TpmRc.error(TpmRc.VALUE);
        t.state.orderlyShutdownState = type == SU_STATE;
        t.state.save();
    }

    private static void startAuthSession(TpmEngine t, TpmCall c) {
        int tpmKey = c.handles[0], bind = c.handles[1];
        byte[] nonceCaller = c.p(1).tpm2b(64);
        byte[] encryptedSalt = c.p(2).tpm2b(512);
        int type = c.p(3).u8();
        int symAlg = c.p(4).u16();
        int symBits = 0, symMode = 0;
        if (symAlg != TpmAlg.NULL) {
            symBits = c.in.u16();
            symMode = c.in.u16();
        }
        int authHash = c.p(5).u16();
        if (!TpmAlg.isHash(authHash)) throw TpmRc.error(TpmRc.parameter(TpmRc.HASH, 5));
        if (type != TpmSession.HMAC && type != TpmSession.POLICY && type != TpmSession.TRIAL)
            throw TpmRc.error(TpmRc.parameter(TpmRc.VALUE, 3));
        if (symAlg != TpmAlg.NULL && (symAlg != TpmAlg.AES || symMode != TpmAlg.CFB || (symBits != 128 && symBits != 256)))
            throw TpmRc.error(TpmRc.parameter(TpmRc.SYMMETRIC, 4));
        if (nonceCaller.length < 16) throw TpmRc.error(TpmRc.parameter(TpmRc.SIZE, 1));
        if (tpmKey != TpmEngine.RH_NULL) throw TpmRc.error(TpmRc.handle(TpmRc.KEY, 1)); // salted sessions: not implemented
        if (encryptedSalt.length != 0) throw TpmRc.error(TpmRc.parameter(TpmRc.VALUE, 2));
        c.param = 0;
        TpmSession s = new TpmSession();
        s.type = type;
        s.authHash = authHash;
        s.symAlg = symAlg;
        s.symKeyBits = symBits;
        s.symMode = symMode;
        s.nonceCaller = nonceCaller;
        s.nonceTpm = t.randomBytes(TpmAlg.digestSize(authHash));
        s.policyDigest = new byte[TpmAlg.digestSize(authHash)];
        if (bind != TpmEngine.RH_NULL) {
            s.boundName = t.nameOf(bind, 2);
            byte[] auth = t.authValueOf(bind, 2);
            s.sessionKey = TpmKdf.kdfa(authHash, auth, "ATH", s.nonceTpm, nonceCaller, TpmAlg.digestSize(authHash) * 8);
        }
        c.outHandle = t.addSession(s);
        c.out.tpm2b(s.nonceTpm);
    }

    private static void clear(TpmEngine t, TpmCall c) {
        if (c.handles[0] != TpmEngine.RH_LOCKOUT && c.handles[0] != TpmEngine.RH_PLATFORM)
            throw TpmRc.error(TpmRc.handle(TpmRc.HIERARCHY, 1));
        t.state.ownerSeed = TpmState.rnd(t.random);
        t.state.endorsementSeed = TpmState.rnd(t.random);
        t.state.ownerAuth = new byte[0];
        t.state.endorsementAuth = new byte[0];
        t.state.lockoutAuth = new byte[0];
        t.state.nv.values().removeIf(nv -> !nv.has(TpmNvIndex.PLATFORMCREATE));
        t.objects.values().removeIf(o -> o.hierarchy == TpmEngine.RH_OWNER || o.hierarchy == TpmEngine.RH_ENDORSEMENT);
        t.state.save();
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
