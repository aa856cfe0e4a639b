package org.multios.devices.tpm;

/**
 * TPM 2.0 response codes (Part 2, 6.6). Format-zero codes are plain values; format-one codes
 * (bit 7 set) carry the number of the handle, parameter or session they refer to, built by
 * {@link #parameter}, {@link #handle} and {@link #session}.
 */
public final class TpmRc {
    private TpmRc() {}

    public static final int SUCCESS = 0x000, BAD_TAG = 0x01E;
    // format zero, version 1 (RC_VER1 = 0x100)
    public static final int INITIALIZE = 0x100, FAILURE = 0x101, SEQUENCE = 0x103, DISABLED = 0x120,
            AUTH_TYPE = 0x124, AUTH_MISSING = 0x125, POLICY = 0x126, PCR = 0x127, PCR_CHANGED = 0x128,
            TOO_MANY_CONTEXTS = 0x12E, AUTH_UNAVAILABLE = 0x12F, REBOOT = 0x130, UNBALANCED = 0x131,
            COMMAND_SIZE = 0x142, COMMAND_CODE = 0x143, AUTHSIZE = 0x144, AUTH_CONTEXT = 0x145,
            NV_RANGE = 0x146, NV_SIZE = 0x147, NV_LOCKED = 0x148, NV_AUTHORIZATION = 0x149,
            NV_UNINITIALIZED = 0x14A, NV_SPACE = 0x14B, NV_DEFINED = 0x14C, BAD_CONTEXT = 0x150,
            CPHASH = 0x151, PARENT = 0x152, NO_RESULT = 0x154, SENSITIVE = 0x155;
    // format one (RC_FMT1 = 0x080)
    public static final int ASYMMETRIC = 0x081, ATTRIBUTES = 0x082, HASH = 0x083, VALUE = 0x084,
            HIERARCHY = 0x085, KEY_SIZE = 0x087, MGF = 0x088, MODE = 0x089, TYPE = 0x08A, HANDLE = 0x08B,
            KDF = 0x08C, RANGE = 0x08D, AUTH_FAIL = 0x08E, NONCE = 0x08F, SCHEME = 0x092, SIZE = 0x095,
            SYMMETRIC = 0x096, TAG = 0x097, SELECTOR = 0x098, INSUFFICIENT = 0x09A, SIGNATURE = 0x09B,
            KEY = 0x09C, POLICY_FAIL = 0x09D, INTEGRITY = 0x09F, TICKET = 0x0A0, RESERVED_BITS = 0x0A1,
            BAD_AUTH = 0x0A2, EXPIRED = 0x0A3, CURVE = 0x0A6, ECC_POINT = 0x0A7;
    // warnings (RC_WARN = 0x900)
    public static final int CONTEXT_GAP = 0x901, OBJECT_MEMORY = 0x902, SESSION_MEMORY = 0x903,
            MEMORY = 0x904, SESSION_HANDLES = 0x905, OBJECT_HANDLES = 0x906, LOCALITY = 0x907,
            CANCELED = 0x909, REFERENCE_H0 = 0x910, REFERENCE_S0 = 0x918, NV_UNAVAILABLE = 0x923;

    private static final int RC_P = 0x040, RC_S = 0x800;

    /** A format-one code about parameter {@code n} (1..15). */
    public static int parameter(int rc, int n) { return rc | RC_P | ((n & 0xF) << 8); }

    /** A format-one code about handle {@code n} (1..7). */
    public static int handle(int rc, int n) { return rc | ((n & 0x7) << 8); }

    /** A format-one code about session {@code n} (1..7). */
    public static int session(int rc, int n) { return rc | RC_S | ((n & 0x7) << 8); }

    public static TpmException error(int rc) { return new TpmException(rc); }

    public static String describe(int rc) {
        if ((rc & 0x80) != 0) {
            int base = rc & 0xBF, n = (rc >> 8) & 0xF;
            String where = (rc & RC_P) != 0 ? "parameter " + n : (rc & RC_S) != 0 ? "session " + (n & 7) : n == 0 ? "" : "handle " + n;
            return String.format("TPM_RC 0x%03x (format one 0x%03x%s)", rc, base, where.isEmpty() ? "" : ", " + where);
        }
        return String.format("TPM_RC 0x%03x", rc);
    }
}
