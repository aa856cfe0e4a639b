package org.multios.isa.arm64.exec;

import java.math.BigInteger;

/**
 * Element operations of the Advanced SIMD integer instructions, on {@code esize}-bit
 * elements held in the low bits of a long: saturation (SatQ, setting FPSR.QC through the
 * returned flag), shifts by register (SSHL/USHL and their rounding/saturating forms),
 * polynomial multiply.
 */
final class SimdInteger {
    SimdInteger() {}

    /** Set when the last saturating operation saturated (the caller ORs QC into FPSR); one per CPU. */
    boolean saturated;

    static long signedMax(int esize) { return esize == 64 ? Long.MAX_VALUE : (1L << (esize - 1)) - 1; }

    static long signedMin(int esize) { return esize == 64 ? Long.MIN_VALUE : -(1L << (esize - 1)); }

    /** SignedSatQ of an exact value. */
    long satSigned(BigInteger x, int esize) {
        if (x.compareTo(BigInteger.valueOf(signedMax(esize))) > 0) { saturated = true; return signedMax(esize) & Vec.mask(esize); }
        if (x.compareTo(BigInteger.valueOf(signedMin(esize))) < 0) { saturated = true; return signedMin(esize) & Vec.mask(esize); }
        return x.longValue() & Vec.mask(esize);
    }

    /** UnsignedSatQ of an exact value. */
    long satUnsigned(BigInteger x, int esize) {
        if (x.signum() < 0) { saturated = true; return 0; }
        if (x.bitLength() > esize) { saturated = true; return Vec.mask(esize); }
        return x.longValue() & Vec.mask(esize);
    }

    static BigInteger signed(long v, int esize) { return BigInteger.valueOf(Vec.sx(v, esize)); }

    static BigInteger unsigned(long v, int esize) {
        v &= Vec.mask(esize);
        return v >= 0 ? BigInteger.valueOf(v) : BigInteger.valueOf(v >>> 1).shiftLeft(1).or(BigInteger.valueOf(v & 1));
    }

    static BigInteger value(long v, int esize, boolean uns) { return uns ? unsigned(v, esize) : signed(v, esize); }

    /**
     * SSHL/USHL/SRSHL/URSHL/SQSHL/UQSHL/SQRSHL/UQRSHL: shift by the signed low byte of
     * {@code shiftReg}, right shifts rounding when asked, results saturated when asked.
     */
    long shiftByRegister(long a, long shiftReg, int esize, boolean uns, boolean round, boolean sat) {
        int shift = (byte) shiftReg;
        BigInteger x = value(a, esize, uns);
        BigInteger r;
        if (shift >= 0) r = x.shiftLeft(Math.min(shift, 128));
        else {
            int s = Math.min(-shift, 128);
            r = round ? x.add(BigInteger.ONE.shiftLeft(s - 1)).shiftRight(s) : x.shiftRight(s);
        }
        if (!sat) return r.longValue() & Vec.mask(esize);
        return uns ? satUnsigned(r, esize) : satSigned(r, esize);
    }

    /** Polynomial (carry-less) multiply of two elements, truncated to the element size. */
    static long polyMul(long a, long b, int esize) {
        long r = 0;
        for (int k = 0; k < esize; k++) if ((b & (1L << k)) != 0) r ^= a << k;
        return r & Vec.mask(esize);
    }

    /** Carry-less product of two up-to-64-bit values as {low, high}. */
    static long[] polyMulWide(long a, long b, int esize) {
        long lo = 0, hi = 0;
        for (int k = 0; k < esize; k++) {
            if ((b & (1L << k)) != 0) {
                lo ^= a << k;
                if (k > 0) hi ^= a >>> (64 - k);
            }
        }
        return new long[] {lo, hi};
    }

    static int countLeadingSign(long a, int esize) {
        long s = Vec.sx(a, esize);
        long x = s ^ (s >> 1);  // bit i set where bits i and i+1 differ
        x &= Vec.mask(esize - 1);
        return x == 0 ? esize - 1 : esize - 2 - (63 - Long.numberOfLeadingZeros(x));
    }

    static int countLeadingZeros(long a, int esize) {
        a &= Vec.mask(esize);
        return a == 0 ? esize : Long.numberOfLeadingZeros(a) - (64 - esize);
    }
}
