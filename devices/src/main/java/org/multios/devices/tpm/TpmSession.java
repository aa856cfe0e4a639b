package org.multios.devices.tpm;

/** An authorization session started by TPM2_StartAuthSession (Part 1, 19). */
final class TpmSession {
    static final int HMAC = 0, POLICY = 1, TRIAL = 3;
    int handle, type, authHash;
    byte[] sessionKey = new byte[0];
    byte[] nonceTpm, nonceCaller;
    byte[] boundName; // name of the bind entity, or null
    byte[] policyDigest;
    int symAlg = TpmAlg.NULL, symKeyBits, symMode;
}
