package org.multios.devices.tpm;

/**
 * TPMT_PUBLIC (Part 2, 12.2.4): the public area of an object, with the parameters of each
 * type (TPMS_RSA_PARMS, TPMS_ECC_PARMS, TPMS_KEYEDHASH_PARMS, TPMS_SYMCIPHER_PARMS) and its
 * unique field. Marshalling is canonical, so the name (nameAlg || H(marshalled public)) computed
 * here is the one tpm2-tools computes from the same public area.
 */
public final class TpmPublic {
    // TPMA_OBJECT bits (Part 2, 8.3)
    public static final int FIXED_TPM = 1 << 1, ST_CLEAR = 1 << 2, FIXED_PARENT = 1 << 4, SENSITIVE_DATA_ORIGIN = 1 << 5,
            USER_WITH_AUTH = 1 << 6, ADMIN_WITH_POLICY = 1 << 7, NO_DA = 1 << 10, ENCRYPTED_DUPLICATION = 1 << 11,
            RESTRICTED = 1 << 16, DECRYPT = 1 << 17, SIGN = 1 << 18;
    private static final int RESERVED_ATTRIBUTES = 0x1 | 0x8 | 0x300 | 0xF000 | 0xFFF80000;

    public int type, nameAlg, attributes;
    public byte[] authPolicy = new byte[0];
    public int symAlg = TpmAlg.NULL, symKeyBits, symMode;
    public int scheme = TpmAlg.NULL, schemeHash, schemeCount;
    public int keyBits, exponent;
    public int curve, kdf = TpmAlg.NULL, kdfHash;
    public int xorKdf;
    /** unique: RSA modulus, ECC x, keyed-hash/symcipher digest. */
    public byte[] unique = new byte[0];
    /** unique: ECC y. */
    public byte[] uniqueY = new byte[0];

    public boolean has(int attribute) { return (attributes & attribute) != 0; }

    public static TpmPublic read(TpmReader r) {
        TpmPublic p = new TpmPublic();
        p.type = r.u16();
        p.nameAlg = r.u16();
        if (p.nameAlg != TpmAlg.NULL && !TpmAlg.isHash(p.nameAlg)) throw TpmRc.error(TpmRc.HASH);
        p.attributes = r.u32();
        if ((p.attributes & RESERVED_ATTRIBUTES) != 0) throw TpmRc.error(TpmRc.RESERVED_BITS);
        p.authPolicy = r.tpm2b(64);
        switch (p.type) {
            case TpmAlg.RSA -> {
                p.readSymmetric(r);
                p.readScheme(r);
                p.keyBits = r.u16();
                p.exponent = r.u32();
                p.unique = r.tpm2b(512);
            }
            case TpmAlg.ECC -> {
                p.readSymmetric(r);
                p.readScheme(r);
                p.curve = r.u16();
                p.kdf = r.u16();
                if (p.kdf != TpmAlg.NULL) p.kdfHash = r.u16();
                p.unique = r.tpm2b(128);
                p.uniqueY = r.tpm2b(128);
            }
            case TpmAlg.KEYEDHASH -> {
                p.scheme = r.u16();
                if (p.scheme == TpmAlg.HMAC) p.schemeHash = r.u16();
                else if (p.scheme == TpmAlg.XOR) { p.schemeHash = r.u16(); p.xorKdf = r.u16(); }
                else if (p.scheme != TpmAlg.NULL) throw TpmRc.error(TpmRc.SCHEME);
                p.unique = r.tpm2b(64);
            }
            case TpmAlg.SYMCIPHER -> {
                p.readSymmetric(r);
                p.unique = r.tpm2b(64);
            }
            default -> throw TpmRc.error(TpmRc.TYPE);
        }
        return p;
    }

    private void readSymmetric(TpmReader r) {
        symAlg = r.u16();
        if (symAlg != TpmAlg.NULL) {
            if (symAlg != TpmAlg.AES && symAlg != TpmAlg.XOR) throw TpmRc.error(TpmRc.SYMMETRIC);
            symKeyBits = r.u16();
            symMode = r.u16();
        }
    }

    private void readScheme(TpmReader r) {
        scheme = r.u16();
        if (scheme != TpmAlg.NULL) {
            schemeHash = r.u16();
            if (scheme == 0x1A) schemeCount = r.u16(); // ECDAA carries a count
        }
    }

    public void write(TpmWriter w) {
        w.u16(type).u16(nameAlg).u32(attributes).tpm2b(authPolicy);
        switch (type) {
            case TpmAlg.RSA -> { writeSymmetric(w); writeScheme(w); w.u16(keyBits).u32(exponent).tpm2b(unique); }
            case TpmAlg.ECC -> {
                writeSymmetric(w); writeScheme(w); w.u16(curve).u16(kdf);
                if (kdf != TpmAlg.NULL) w.u16(kdfHash);
                w.tpm2b(unique).tpm2b(uniqueY);
            }
            case TpmAlg.KEYEDHASH -> {
                w.u16(scheme);
                if (scheme == TpmAlg.HMAC) w.u16(schemeHash);
                else if (scheme == TpmAlg.XOR) w.u16(schemeHash).u16(xorKdf);
                w.tpm2b(unique);
            }
            case TpmAlg.SYMCIPHER -> { writeSymmetric(w); w.tpm2b(unique); }
            default -> throw new IllegalStateException("type " + type);
        }
    }

    private void writeSymmetric(TpmWriter w) {
        w.u16(symAlg);
        if (symAlg != TpmAlg.NULL) w.u16(symKeyBits).u16(symMode);
    }

    private void writeScheme(TpmWriter w) {
        w.u16(scheme);
        if (scheme != TpmAlg.NULL) {
            w.u16(schemeHash);
            if (scheme == 0x1A) w.u16(schemeCount);
        }
    }

    public byte[] marshal() { TpmWriter w = new TpmWriter(); write(w); return w.toBytes(); }

    /** TPM2B_PUBLIC. */
    public byte[] marshal2b() { return new TpmWriter().tpm2b(marshal()).toBytes(); }

    /** The object's name: nameAlg || H_nameAlg(TPMT_PUBLIC) (Part 1, 16). */
    public byte[] name() {
        return new TpmWriter().u16(nameAlg).bytes(TpmAlg.hash(nameAlg, marshal())).toBytes();
    }

    public TpmPublic copy() { return read(new TpmReader(marshal())); }
}
