package org.multios.isa.arm64.exec;

/**
 * Element access on 128-bit values held as two longs (bits 63:0, bits 127:64), the way the
 * Arm ARM's pseudocode indexes {@code Elem[vector, e, esize]}. Register operands are copied
 * into such pairs before an instruction computes, so that Rd may equal Rn or Rm.
 */
final class Vec {
    private Vec() {}

    static long mask(int esize) { return esize == 64 ? -1L : (1L << esize) - 1; }

    static long get(long[] a, int e, int esize) {
        int bit = e * esize;
        long w = a[bit >>> 6];
        return esize == 64 ? w : (w >>> (bit & 63)) & ((1L << esize) - 1);
    }

    static void set(long[] a, int e, int esize, long value) {
        int bit = e * esize;
        if (esize == 64) {
            a[bit >>> 6] = value;
            return;
        }
        long m = ((1L << esize) - 1) << (bit & 63);
        a[bit >>> 6] = (a[bit >>> 6] & ~m) | ((value << (bit & 63)) & m);
    }

    /** Sign-extends the low {@code esize} bits. */
    static long sx(long v, int esize) { return esize == 64 ? v : (v << (64 - esize)) >> (64 - esize); }

    static long[] read(long[] v, int r) { return new long[] {v[2 * r], v[2 * r + 1]}; }

    /** Writes a vector result; a 64-bit operation clears bits 127:64. */
    static void write(long[] v, int r, long[] a, boolean q) {
        v[2 * r] = a[0];
        v[2 * r + 1] = q ? a[1] : 0;
    }

    /** Writes a scalar result zero-extended to 128 bits. */
    static void writeScalar(long[] v, int r, long value, int esize) {
        v[2 * r] = value & mask(esize);
        v[2 * r + 1] = 0;
    }
}
