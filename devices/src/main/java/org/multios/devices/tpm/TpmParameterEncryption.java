package org.multios.devices.tpm;

import java.util.Set;

/**
 * Session-based parameter encryption (Part 1, 21.3): the first parameter of a command
 * (decrypt session) or response (encrypt session), when it is a TPM2B, is AES-CFB encrypted
 * with key || IV = KDFa(authHash, sessionKey || authValue, "CFB", nonceNewer, nonceOlder,
 * keyBits + 128). Only the TPM2B's data is encrypted, not its size.
 */
final class TpmParameterEncryption {
    private TpmParameterEncryption() {}

    /** Commands whose first parameter is a TPM2B. */
    private static final Set<Integer> COMMAND_2B = Set.of(TpmCc.Create, TpmCc.CreatePrimary, TpmCc.Load, TpmCc.LoadExternal,
            TpmCc.NV_Write, TpmCc.NV_DefineSpace, TpmCc.Hash, TpmCc.SequenceUpdate, TpmCc.SequenceComplete, TpmCc.Sign,
            TpmCc.VerifySignature, TpmCc.Quote, TpmCc.HashSequenceStart, TpmCc.StirRandom, TpmCc.StartAuthSession,
            TpmCc.HierarchyChangeAuth);
    /** Commands whose first response parameter is a TPM2B. */
    private static final Set<Integer> RESPONSE_2B = Set.of(TpmCc.GetRandom, TpmCc.Create, TpmCc.CreatePrimary, TpmCc.Load,
            TpmCc.LoadExternal, TpmCc.ReadPublic, TpmCc.NV_Read, TpmCc.NV_ReadPublic, TpmCc.Hash, TpmCc.SequenceComplete,
            TpmCc.Quote, TpmCc.StartAuthSession);

    static boolean commandStartsWith2b(int cc) { return COMMAND_2B.contains(cc); }

    static boolean responseStartsWith2b(int cc) { return RESPONSE_2B.contains(cc); }

    /** En- or decrypts the data of the TPM2B at the start of {@code params}; returns a new array. */
    static byte[] cfb(boolean encrypt, TpmSession s, byte[] key, byte[] nonceNewer, byte[] nonceOlder, byte[] params) {
        TpmReader r = new TpmReader(params);
        r.onShort(TpmRc.parameter(TpmRc.SIZE, 1));
        int n = r.u16();
        byte[] data = r.bytes(n);
        int keyBytes = s.symKeyBits / 8;
        byte[] k = TpmKdf.kdfa(s.authHash, key, "CFB", nonceNewer, nonceOlder, s.symKeyBits + 128);
        byte[] aesKey = java.util.Arrays.copyOf(k, keyBytes);
        byte[] iv = java.util.Arrays.copyOfRange(k, keyBytes, keyBytes + 16);
        byte[] out = params.clone();
        System.arraycopy(TpmKdf.aesCfb(encrypt, aesKey, iv, data), 0, out, 2, n);
        return out;
    }
}
