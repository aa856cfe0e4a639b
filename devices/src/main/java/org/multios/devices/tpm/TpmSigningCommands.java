package org.multios.devices.tpm;

import java.util.List;

/** TPM2_Sign, TPM2_VerifySignature (Part 3, 20) and TPM2_Quote with its signed TPMS_ATTEST (Part 3, 18.4). */
final class TpmSigningCommands {
    private TpmSigningCommands() {}

    static final int ST_VERIFIED = 0x8022, ST_ATTEST_QUOTE = 0x8018;
    static final long FIRMWARE_VERSION = 0x0001000000000000L;

    static void register(TpmEngine t) {
        t.register(TpmCc.Sign, 1, 1, c -> sign(t, c));
        t.register(TpmCc.VerifySignature, 1, 0, c -> verify(t, c));
        t.register(TpmCc.Quote, 1, 1, c -> quote(t, c));
    }

    private record Scheme(int alg, int hash) {}

    private static Scheme readScheme(TpmReader r) {
        int alg = r.u16();
        if (alg == TpmAlg.NULL) return new Scheme(alg, TpmAlg.NULL);
        if (alg != TpmAlg.ECDSA && alg != TpmAlg.RSASSA) throw TpmRc.error(TpmRc.SCHEME);
        int hash = r.u16();
        if (!TpmAlg.isHash(hash)) throw TpmRc.error(TpmRc.HASH);
        return new Scheme(alg, hash);
    }

    /** The scheme a signing key uses: its own, or the command's when the key has none (Part 1, 27.2.2). */
    private static Scheme resolve(TpmObject key, Scheme in, int param) {
        Scheme s;
        if (key.pub.scheme != TpmAlg.NULL) {
            if (in.alg() != TpmAlg.NULL && (in.alg() != key.pub.scheme || in.hash() != key.pub.schemeHash))
                throw TpmRc.error(TpmRc.parameter(TpmRc.SCHEME, param));
            s = new Scheme(key.pub.scheme, key.pub.schemeHash);
        } else {
            if (in.alg() == TpmAlg.NULL) throw TpmRc.error(TpmRc.parameter(TpmRc.SCHEME, param));
            s = in;
        }
        boolean fits = (s.alg() == TpmAlg.ECDSA && key.pub.type == TpmAlg.ECC) || (s.alg() == TpmAlg.RSASSA && key.pub.type == TpmAlg.RSA);
        if (!fits) throw TpmRc.error(TpmRc.parameter(TpmRc.SCHEME, param));
        return s;
    }

    private static TpmObject signingKey(TpmEngine t, int handle) {
        TpmObject key = t.object(handle, 1);
        if (key.pub == null || !key.pub.has(TpmPublic.SIGN)) throw TpmRc.error(TpmRc.handle(TpmRc.KEY, 1));
        if (key.sensitive.length == 0) throw TpmRc.error(TpmRc.handle(TpmRc.KEY, 1)); // public-only object
        return key;
    }

    private static void sign(TpmEngine t, TpmCall c) {
        TpmObject key = signingKey(t, c.handles[0]);
        byte[] digest = c.p(1).tpm2b(64);
        Scheme in = readScheme(c.p(2));
        int tag = c.p(3).u16();
        int hierarchy = c.in.u32();
        byte[] ticketDigest = c.in.tpm2b(64);
        c.param = 0;
        Scheme s = resolve(key, in, 2);
        if (digest.length != TpmAlg.digestSize(s.hash())) throw TpmRc.error(TpmRc.parameter(TpmRc.SIZE, 1));
        if (tag != TpmHashCommands.ST_HASHCHECK) throw TpmRc.error(TpmRc.parameter(TpmRc.TAG, 3));
        if (key.pub.has(TpmPublic.RESTRICTED)) {
            // A restricted key signs only digests the TPM computed itself, proved by a hash-check ticket.
            byte[] expect = hierarchy == TpmEngine.RH_NULL ? null
                    : t.ticket(TpmHashCommands.ST_HASHCHECK, hierarchy, digest);
            byte[] got = new TpmWriter().u16(tag).u32(hierarchy).tpm2b(ticketDigest).toBytes();
            if (expect == null || !TpmKdf.equal(expect, got)) throw TpmRc.error(TpmRc.parameter(TpmRc.TICKET, 3));
        }
        c.out.bytes(TpmKeys.sign(key.pub, key.privateKey(), s.alg(), s.hash(), digest));
    }

    private static void verify(TpmEngine t, TpmCall c) {
        TpmObject key = t.object(c.handles[0], 1);
        if (key.pub == null || !key.pub.has(TpmPublic.SIGN)) throw TpmRc.error(TpmRc.handle(TpmRc.ATTRIBUTES, 1));
        byte[] digest = c.p(1).tpm2b(64);
        int sigAlg = c.p(2).u16();
        if (sigAlg != TpmAlg.ECDSA && sigAlg != TpmAlg.RSASSA) throw TpmRc.error(TpmRc.SCHEME);
        int hash = c.in.u16();
        if (!TpmAlg.isHash(hash)) throw TpmRc.error(TpmRc.HASH);
        byte[] r = c.in.tpm2b(512);
        byte[] s = sigAlg == TpmAlg.ECDSA ? c.in.tpm2b(128) : new byte[0];
        if (!TpmKeys.verify(key.pub, sigAlg, hash, digest, r, s)) throw TpmRc.error(TpmRc.SIGNATURE);
        c.param = 0;
        c.out.bytes(t.ticket(ST_VERIFIED, key.hierarchy, digest, key.name));
    }

    private static void quote(TpmEngine t, TpmCall c) {
        int handle = c.handles[0];
        TpmObject key = handle == TpmEngine.RH_NULL ? null : signingKey(t, handle);
        byte[] qualifyingData = c.p(1).tpm2b(64);
        Scheme in = readScheme(c.p(2));
        List<TpmPcrBanks.Selection> sel = TpmPcrBanks.readSelection(c.p(3));
        c.param = 0;
        Scheme s = key == null ? new Scheme(TpmAlg.NULL, TpmAlg.NULL) : resolve(key, in, 2);
        int digestAlg = key == null ? TpmAlg.SHA256 : s.hash();
        TpmWriter a = new TpmWriter().u32(TpmHashCommands.TPM_GENERATED_VALUE).u16(ST_ATTEST_QUOTE);
        a.tpm2b(key == null ? new byte[0] : key.qualifiedName).tpm2b(qualifyingData);
        a.u64(t.state.clock + System.nanoTime() / 1_000_000 % 1_000_000).u32(t.state.resetCount).u32(t.state.restartCount).u8(1);
        a.u64(FIRMWARE_VERSION);
        TpmPcrBanks.writeSelection(a, sel);
        a.tpm2b(t.pcrs.selectionDigest(digestAlg, sel));
        byte[] attest = a.toBytes();
        c.out.tpm2b(attest);
        if (key == null) c.out.u16(TpmAlg.NULL);
        else c.out.bytes(TpmKeys.sign(key.pub, key.privateKey(), s.alg(), s.hash(), TpmAlg.hash(s.hash(), attest)));
    }
}
