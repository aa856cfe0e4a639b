package org.multios.isa.arm64.exec;

/** Bit manipulation from the Arm ARM's shared pseudocode (DecodeBitMasks, ROR, ...). */
public final class Bits {
    private Bits() {}

    /** Marks a reserved immediate encoding. */
    public static final long RESERVED = 0x5EED_0000_DEAD_BEEFL;

    public static long ones(int n) { return n >= 64 ? -1L : (1L << n) - 1; }

    /** Rotate right within {@code width} bits (32 or 64; or a smaller element size). */
    public static long ror(long value, int amount, int width) {
        long m = ones(width);
        value &= m;
        amount %= width;
        if (amount == 0) return value;
        return ((value >>> amount) | (value << (width - amount))) & m;
    }

    private static long replicate(long elem, int esize) {
        long r = 0;
        for (int i = 0; i < 64; i += esize) r |= elem << i;
        return r;
    }

    /**
     * DecodeBitMasks(N, imms, immr): returns {wmask, tmask} for a {@code datasize}-bit
     * operation, or null for a reserved encoding. {@code logical} rejects the all-ones element.
     */
    public static long[] decodeBitMasks(int n, int imms, int immr, boolean logical, int datasize) {
        int combined = (n << 6) | (~imms & 0x3f);
        if (combined == 0) return null;
        int len = 31 - Integer.numberOfLeadingZeros(combined);
        if (len < 1) return null;
        int esize = 1 << len;
        if (esize > datasize) return null;
        int levels = esize - 1;
        if (logical && (imms & levels) == levels) return null;
        int s = imms & levels, r = immr & levels;
        int d = (s - r) & levels;
        long welem = ones(s + 1), telem = ones(d + 1);
        long wmask = replicate(ror(welem, r, esize), esize) & ones(datasize);
        long tmask = replicate(telem, esize) & ones(datasize);
        return new long[] {wmask, tmask};
    }

    /** The immediate of a logical-immediate instruction, or {@link #RESERVED}. */
    public static long logicalImmediate(int n, int immr, int imms, int datasize) {
        long[] m = decodeBitMasks(n, imms, immr, true, datasize);
        return m == null ? RESERVED : m[0];
    }
}
