package org.multios.devices.tpm;

/** Builds TPM 2.0 commands for tests (header, handles, an optional password session, parameters). */
final class TpmCommands {
    private TpmCommands() {}

    static byte[] noSessions(int cc, byte[] params, int... handles) {
        TpmWriter w = new TpmWriter().u16(TpmEngine.ST_NO_SESSIONS).u32(0).u32(cc);
        for (int h : handles) w.u32(h);
        w.bytes(params);
        w.patch32(2, w.size());
        return w.toBytes();
    }

    /** One password session (TPM_RS_PW) per handle, with the given password. */
    static byte[] password(int cc, byte[] password, byte[] params, int... handles) {
        TpmWriter w = new TpmWriter().u16(TpmEngine.ST_SESSIONS).u32(0).u32(cc);
        for (int h : handles) w.u32(h);
        TpmWriter auth = new TpmWriter();
        auth.u32(TpmEngine.RS_PW).u16(0).u8(1).tpm2b(password);
        w.u32(auth.size()).bytes(auth.toBytes()).bytes(params);
        w.patch32(2, w.size());
        return w.toBytes();
    }

    static int rc(byte[] response) { return new TpmReader(response, 6, 10).u32(); }

    static TpmReader body(byte[] response) { return new TpmReader(response, 10, response.length); }

    static byte[] p(TpmWriter w) { return w.toBytes(); }

    /** An ECC P-256 ECDSA-SHA256 unrestricted signing key template (TPMT_PUBLIC). */
    static TpmPublic eccSigningTemplate() {
        TpmPublic p = new TpmPublic();
        p.type = TpmAlg.ECC;
        p.nameAlg = TpmAlg.SHA256;
        p.attributes = TpmPublic.FIXED_TPM | TpmPublic.FIXED_PARENT | TpmPublic.SENSITIVE_DATA_ORIGIN
                | TpmPublic.USER_WITH_AUTH | TpmPublic.SIGN;
        p.scheme = TpmAlg.ECDSA;
        p.schemeHash = TpmAlg.SHA256;
        p.curve = TpmAlg.ECC_NIST_P256;
        return p;
    }

    static TpmPublic rsaSigningTemplate() {
        TpmPublic p = new TpmPublic();
        p.type = TpmAlg.RSA;
        p.nameAlg = TpmAlg.SHA256;
        p.attributes = TpmPublic.FIXED_TPM | TpmPublic.FIXED_PARENT | TpmPublic.SENSITIVE_DATA_ORIGIN
                | TpmPublic.USER_WITH_AUTH | TpmPublic.SIGN;
        p.scheme = TpmAlg.RSASSA;
        p.schemeHash = TpmAlg.SHA256;
        p.keyBits = 2048;
        return p;
    }

    /** CreatePrimary parameters: empty sensitive, the template, no outside info, no creation PCRs. */
    static byte[] createPrimaryParams(TpmPublic template) {
        return new TpmWriter().u16(4).u16(0).u16(0).bytes(template.marshal2b()).u16(0).u32(0).toBytes();
    }

    static byte[] startup(TpmEngine t) {
        return t.execute(0, noSessions(TpmCc.Startup, new TpmWriter().u16(0).toBytes()));
    }

    static int createPrimary(TpmEngine t, TpmPublic template) {
        byte[] r = t.execute(0, password(TpmCc.CreatePrimary, new byte[0], createPrimaryParams(template), TpmEngine.RH_OWNER));
        if (rc(r) != 0) throw new AssertionError("CreatePrimary: " + TpmRc.describe(rc(r)));
        return body(r).u32();
    }

    /** Signs a SHA-256 digest with the key's scheme and a null ticket; returns the whole response. */
    static byte[] sign(TpmEngine t, int key, byte[] digest) {
        byte[] params = new TpmWriter().tpm2b(digest).u16(TpmAlg.NULL).u16(0x8024).u32(TpmEngine.RH_NULL).u16(0).toBytes();
        return t.execute(0, password(TpmCc.Sign, new byte[0], params, key));
    }

    static byte[] extend(TpmEngine t, int pcr, byte[] sha256) {
        byte[] params = new TpmWriter().u32(1).u16(TpmAlg.SHA256).bytes(sha256).toBytes();
        return t.execute(0, password(TpmCc.PCR_Extend, new byte[0], params, pcr));
    }
}
