package org.multios.devices.tpm;

/**
 * TPM2_ContextSave / ContextLoad (Part 3, 28.2-28.3). The TPMS_CONTEXT blob is an integrity
 * HMAC followed by the AES-CFB encrypted object, both keyed from the TPM's context key (Part 1,
 * 30.3), so a tampered or foreign context is refused with TPM_RC_INTEGRITY.
 */
final class TpmContexts {
    private TpmContexts() {}

    static void save(TpmEngine t, TpmCall c) {
        int h = c.handles[0];
        long seq = ++t.contextSequence;
        if ((h >>> 24) == 0x02 || (h >>> 24) == 0x03) {
            // Sessions stay in the session table; the context only names them.
            byte[] plain = new TpmWriter().u32(h).toBytes();
            c.out.u64(seq).u32(h).u32(TpmEngine.RH_NULL).tpm2b(protect(t, TpmEngine.RH_NULL, seq, plain));
            return;
        }
        TpmObject o = t.object(h, 1);
        if (o.pub == null) throw TpmRc.error(TpmRc.handle(TpmRc.TYPE, 1)); // hash sequences are not saved
        TpmWriter w = new TpmWriter().u32(0).bytes(o.pub.marshal2b()).tpm2b(o.authValue).tpm2b(o.seedValue)
                .tpm2b(o.sensitive).u32(o.hierarchy).tpm2b(o.qualifiedName);
        c.out.u64(seq).u32(0x80000000).u32(o.hierarchy).tpm2b(protect(t, o.hierarchy, seq, w.toBytes()));
    }

    static void load(TpmEngine t, TpmCall c) {
        long seq = c.p(1).u64();
        int savedHandle = c.in.u32();
        int hierarchy = c.in.u32();
        byte[] blob = c.in.tpm2b(4096);
        c.param = 0;
        try {
            TpmHashCommands.hierarchy(hierarchy);
        } catch (TpmException e) {
            throw TpmRc.error(TpmRc.parameter(TpmRc.HIERARCHY, 1));
        }
        byte[] plain = unprotect(t, hierarchy, seq, blob);
        TpmReader r = new TpmReader(plain);
        r.onShort(TpmRc.parameter(TpmRc.INTEGRITY, 1));
        int h = r.u32();
        if ((savedHandle >>> 24) == 0x02 || (savedHandle >>> 24) == 0x03) {
            if (h != savedHandle || !t.sessions.containsKey(h)) throw TpmRc.error(TpmRc.parameter(TpmRc.HANDLE, 1));
            c.outHandle = h;
            return;
        }
        TpmObject o = new TpmObject();
        o.pub = TpmPublic.read(r.sub(r.u16()));
        o.authValue = r.tpm2b(64);
        o.seedValue = r.tpm2b(64);
        o.sensitive = r.tpm2b(4096);
        o.hierarchy = r.u32();
        o.qualifiedName = r.tpm2b(66);
        if (o.hierarchy != hierarchy) throw TpmRc.error(TpmRc.parameter(TpmRc.INTEGRITY, 1));
        o.name = o.pub.name();
        c.outHandle = t.addObject(o);
    }

    /**
     * Keys from the TPM's context key and the hierarchy's proof: a context saved before
     * TPM2_Clear (new owner seed) or a TPM Reset (new null seed) no longer loads, as Part 1, 30.3 requires.
     */
    private static byte[] keys(TpmEngine t, int hierarchy, String label, long seq, int bits) {
        byte[] key = TpmBasicCommands.concat(t.state.contextKey, t.proofOf(hierarchy));
        return TpmKdf.kdfa(TpmAlg.SHA256, key, label, new TpmWriter().u64(seq).toBytes(), new byte[0], bits);
    }

    private static byte[] protect(TpmEngine t, int hierarchy, long seq, byte[] plain) {
        byte[] enc = TpmKdf.aesCfb(true, keys(t, hierarchy, "CONTEXT", seq, 256), new byte[16], plain);
        byte[] mac = TpmKdf.hmac(TpmAlg.SHA256, keys(t, hierarchy, "INTEGRITY", seq, 256), enc);
        return new TpmWriter().tpm2b(mac).bytes(enc).toBytes();
    }

    private static byte[] unprotect(TpmEngine t, int hierarchy, long seq, byte[] blob) {
        TpmReader r = new TpmReader(blob);
        r.onShort(TpmRc.parameter(TpmRc.INTEGRITY, 1));
        byte[] mac = r.tpm2b(64);
        byte[] enc = r.rest();
        if (!TpmKdf.equal(mac, TpmKdf.hmac(TpmAlg.SHA256, keys(t, hierarchy, "INTEGRITY", seq, 256), enc)))
            throw TpmRc.error(TpmRc.parameter(TpmRc.INTEGRITY, 1));
        return TpmKdf.aesCfb(false, keys(t, hierarchy, "CONTEXT", seq, 256), new byte[16], enc);
    }
}
