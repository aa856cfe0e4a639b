package org.multios.devices.tpm;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** TPM_ALG_ID values (Part 2, 6.3) and the hash algorithms' JCA names and sizes. */
public final class TpmAlg {
    private TpmAlg() {}

    public static final int RSA = 0x0001, SHA1 = 0x0004, HMAC = 0x0005, AES = 0x0006, MGF1 = 0x0007,
            KEYEDHASH = 0x0008, XOR = 0x000A, SHA256 = 0x000B, SHA384 = 0x000C, SHA512 = 0x000D, NULL = 0x0010,
            RSASSA = 0x0014, RSAES = 0x0015, RSAPSS = 0x0016, OAEP = 0x0017, ECDSA = 0x0018, ECDH = 0x0019,
            KDF1_SP800_56A = 0x0020, KDF1_SP800_108 = 0x0022, ECC = 0x0023, SYMCIPHER = 0x0025,
            CTR = 0x0040, OFB = 0x0041, CBC = 0x0042, CFB = 0x0043, ECB = 0x0044;
    public static final int ECC_NIST_P256 = 0x0003;

    /** Algorithms reported by GetCapability(TPM_CAP_ALGS) with their TPMA_ALGORITHM bits. */
    static final int[][] IMPLEMENTED = {
        {RSA, 0x9}, {SHA1, 0x4}, {HMAC, 0x104}, {AES, 0x2}, {MGF1, 0x800}, {KEYEDHASH, 0x10C}, {XOR, 0x6},
        {SHA256, 0x4}, {NULL, 0x0}, {RSASSA, 0x501}, {RSAES, 0x201}, {RSAPSS, 0x501}, {OAEP, 0x201},
        {ECDSA, 0x501}, {ECDH, 0x801}, {KDF1_SP800_56A, 0x801}, {KDF1_SP800_108, 0x800}, {ECC, 0x9},
        {SYMCIPHER, 0x8}, {CFB, 0x402},
    };

    public static boolean isHash(int alg) { return alg == SHA1 || alg == SHA256; }

    public static int digestSize(int alg) {
        return switch (alg) {
            case SHA1 -> 20;
            case SHA256 -> 32;
            default -> throw TpmRc.error(TpmRc.HASH);
        };
    }

    public static String jcaName(int alg) {
        return switch (alg) {
            case SHA1 -> "SHA-1";
            case SHA256 -> "SHA-256";
            default -> throw TpmRc.error(TpmRc.HASH);
        };
    }

    public static MessageDigest digest(int alg) {
        try {
            return MessageDigest.getInstance(jcaName(alg));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static byte[] hash(int alg, byte[]... parts) {
        MessageDigest md = digest(alg);
        for (byte[] p : parts) md.update(p);
        return md.digest();
    }
}
