package org.multios.isa.arm64.exec;

/** CRC32B/H/W/X and CRC32CB/H/W/X (FEAT_CRC32): bit-reflected CRC over 8..64 data bits. */
public final class Crc32 {
    private Crc32() {}

    private static final int POLY = 0xedb88320, POLY_C = 0x82f63b78;

    public static int update(int acc, long data, int bits, boolean castagnoli) {
        int poly = castagnoli ? POLY_C : POLY;
        int crc = acc;
        for (int b = 0; b < bits; b++) {
            int bit = (crc ^ (int) (data >>> b)) & 1;
            crc = (crc >>> 1) ^ (bit != 0 ? poly : 0);
        }
        return crc;
    }
}
