package org.multios.isa.riscv.decode;

import java.util.Arrays;

/**
 * A value assembled from bit ranges of an encoding, as the ISA manual's immediate
 * diagrams draw it: the segments are concatenated most significant first, then the
 * result is optionally sign-extended, shifted left and offset (RVC's {@code rd'} is
 * the 3-bit field plus 8).
 */
public final class BitField {
    private final String name;
    private final int[] hi, lo;
    private final boolean signed;
    private final int shift;
    private final int offset;
    private final int width;

    BitField(String name, int[] hi, int[] lo, boolean signed, int shift, int offset) {
        this.name = name;
        this.hi = hi;
        this.lo = lo;
        this.signed = signed;
        this.shift = shift;
        this.offset = offset;
        int w = 0;
        for (int i = 0; i < hi.length; i++) w += hi[i] - lo[i] + 1;
        this.width = w;
    }

    public String name() { return name; }

    /** Number of encoding bits the field is made of. */
    public int width() { return width; }

    public boolean signed() { return signed; }

    /** Mask of the encoding bits this field reads. */
    public int encodingMask() {
        int m = 0;
        for (int i = 0; i < hi.length; i++) {
            int n = hi[i] - lo[i] + 1;
            m |= (int) (((1L << n) - 1) << lo[i]);
        }
        return m;
    }

    /** The field's value in {@code bits}. */
    public long extract(int bits) {
        long v = 0;
        for (int i = 0; i < hi.length; i++) {
            int n = hi[i] - lo[i] + 1;
            v = (v << n) | ((bits >>> lo[i]) & ((1L << n) - 1));
        }
        if (signed) v = (v << (64 - width)) >> (64 - width);
        return (v << shift) + offset;
    }

    /**
     * The inverse of {@link #extract}: puts {@code value} into the field's bits of
     * {@code bits}. Used by the round-trip tests and by assemblers of test programs.
     * Bits of {@code value} that the field cannot hold are dropped.
     */
    public int insert(int bits, long value) {
        long v = (value - offset) >> shift;
        int pos = width;
        for (int i = 0; i < hi.length; i++) {
            int n = hi[i] - lo[i] + 1;
            pos -= n;
            int seg = (int) ((v >>> pos) & ((1L << n) - 1));
            int m = (int) (((1L << n) - 1) << lo[i]);
            bits = (bits & ~m) | ((seg << lo[i]) & m);
        }
        return bits;
    }

    /** Smallest and largest value {@link #extract} can produce. */
    public long minValue() { return ((signed ? -(1L << (width - 1)) : 0) << shift) + offset; }

    public long maxValue() { return (((signed ? (1L << (width - 1)) : (1L << width)) - 1) << shift) + offset; }

    @Override
    public String toString() {
        return "%" + name + Arrays.toString(hi) + Arrays.toString(lo);
    }
}
