package org.multios.isa.arm64.fp;

import java.math.BigInteger;

/**
 * IEEE 754 arithmetic as the Arm ARM's shared pseudocode defines it (FPUnpack, FPRound,
 * FPProcessNaNs, FPAdd, FPMulAdd, FPToFixed, ...), on raw bit patterns of half (16), single
 * (32) and double (64) precision. Results are bit-exact, including what Java's own float
 * arithmetic does differently: the rounding modes of FPCR.RMode, flush-to-zero (FPCR.FZ,
 * tininess detected before rounding), default NaN (FPCR.DN), alternative half precision
 * (FPCR.AHP), Arm's NaN propagation order, and the cumulative FPSR exception flags.
 * <p>
 * Values are computed exactly (BigInteger where they do not fit a long) and rounded once
 * in {@link #round}. Floating-point exception traps are not implemented (FPCR trap enables
 * read as zero, as on Cortex-A57), so exceptions only set FPSR flags.
 */
public final class FpArithmetic {
    // FPSR cumulative flags
    public static final int IOC = 1, DZC = 2, OFC = 4, UFC = 8, IXC = 16, IDC = 128, QC = 1 << 27;
    /** FPSR bits that exist in AArch64 (QC and the cumulative exception flags). */
    public static final int FPSR_MASK = QC | IDC | IXC | UFC | OFC | DZC | IOC;
    // FPCR controls
    public static final int AHP = 1 << 26, DN = 1 << 25, FZ = 1 << 24;
    /** FPCR bits this PE implements: AHP, DN, FZ, RMode (no FP16 arithmetic, no exception traps). */
    public static final int FPCR_MASK = AHP | DN | FZ | (3 << 22);

    /** Rounding modes: FPCR.RMode values, then the two only instructions select. */
    public static final int RN = 0, RP = 1, RM = 2, RZ = 3, TIEAWAY = 4, ODD = 5;

    // operand kinds after unpacking
    static final int ZERO = 0, NUMBER = 1, INF = 2, QNAN = 3, SNAN = 4;

    public int fpcr, fpsr;

    /** The rounding mode FPCR selects. */
    public int rounding() { return (fpcr >>> 22) & 3; }

    // ---- formats ----

    static int expBits(int n) { return n == 64 ? 11 : n == 32 ? 8 : 5; }

    static int fracBits(int n) { return n == 64 ? 52 : n == 32 ? 23 : 10; }

    static long signBit(int n) { return 1L << (n - 1); }

    public static long defaultNaN(int n) {
        return n == 64 ? 0x7ff8000000000000L : n == 32 ? 0x7fc00000L : 0x7e00L;
    }

    static long infinity(boolean sign, int n) {
        long inf = n == 64 ? 0x7ff0000000000000L : n == 32 ? 0x7f800000L : 0x7c00L;
        return sign ? inf | signBit(n) : inf;
    }

    static long zero(boolean sign, int n) { return sign ? signBit(n) : 0; }

    static long maxNormal(boolean sign, int n) {
        long m = (((1L << expBits(n)) - 2) << fracBits(n)) | ((1L << fracBits(n)) - 1);
        return sign ? m | signBit(n) : m;
    }

    public static long mask(int n) { return n == 64 ? -1L : (1L << n) - 1; }

    // ---- unpack ----

    /** An unpacked operand: value = mant × 2^exp for NUMBER. */
    record Op(int type, boolean sign, long mant, int exp, long bits) {
        boolean nan() { return type >= QNAN; }
    }

    /** FPUnpack: denormals are flushed (setting IDC) when FPCR.FZ is set, for single and double. */
    Op unpack(long bits, int n) { return unpack(bits, n, (fpcr & FZ) != 0 && n != 16, (fpcr & AHP) != 0); }

    Op unpack(long bits, int n, boolean flush, boolean ahp) {
        bits &= mask(n);
        int eb = expBits(n), fb = fracBits(n);
        boolean sign = (bits & signBit(n)) != 0;
        int exp = (int) (bits >>> fb) & ((1 << eb) - 1);
        long frac = bits & ((1L << fb) - 1);
        int bias = (1 << (eb - 1)) - 1;
        if (exp == 0) {
            if (frac == 0) return new Op(ZERO, sign, 0, 0, bits);
            if (flush) {
                fpsr |= IDC;
                return new Op(ZERO, sign, 0, 0, bits);
            }
            return new Op(NUMBER, sign, frac, 1 - bias - fb, bits);
        }
        if (exp == (1 << eb) - 1 && !(n == 16 && ahp)) {
            if (frac == 0) return new Op(INF, sign, 0, 0, bits);
            boolean quiet = (frac & (1L << (fb - 1))) != 0;
            return new Op(quiet ? QNAN : SNAN, sign, 0, 0, bits);
        }
        return new Op(NUMBER, sign, frac | (1L << fb), exp - bias - fb, bits);
    }

    // ---- NaNs ----

    long processNaN(Op a, int n) {
        long r = a.bits;
        if (a.type == SNAN) {
            r |= 1L << (fracBits(n) - 1);
            fpsr |= IOC;
        }
        return (fpcr & DN) != 0 ? defaultNaN(n) : r;
    }

    /** FPProcessNaNs: the first signalling NaN, else the first quiet NaN; -1 marks "none" (never a valid result as n < 64 or sign bit). */
    private boolean nanResult;

    long processNaNs(Op a, Op b, int n) {
        nanResult = true;
        if (a.type == SNAN) return processNaN(a, n);
        if (b.type == SNAN) return processNaN(b, n);
        if (a.type == QNAN) return processNaN(a, n);
        if (b.type == QNAN) return processNaN(b, n);
        nanResult = false;
        return 0;
    }

    long processNaNs3(Op a, Op b, Op c, int n) {
        nanResult = true;
        if (a.type == SNAN) return processNaN(a, n);
        if (b.type == SNAN) return processNaN(b, n);
        if (c.type == SNAN) return processNaN(c, n);
        if (a.type == QNAN) return processNaN(a, n);
        if (b.type == QNAN) return processNaN(b, n);
        if (c.type == QNAN) return processNaN(c, n);
        nanResult = false;
        return 0;
    }

    private long invalid(int n) {
        fpsr |= IOC;
        return defaultNaN(n);
    }

    // ---- rounding ----

    /** FPRound of mag × 2^exp (mag > 0) with the FPCR's flush-to-zero. */
    long round(boolean sign, BigInteger mag, int exp, int n, int rounding) {
        return round(sign, mag, exp, n, rounding, (fpcr & FZ) != 0 && n != 16, false);
    }

    long round(boolean sign, BigInteger mag, int exp, int n, int rounding, boolean flush, boolean ahp) {
        int bl = mag.bitLength();
        long m;
        if (bl > 62) {
            int k = bl - 62;
            boolean sticky = mag.getLowestSetBit() < k;
            m = mag.shiftRight(k).longValue() | (sticky ? 1 : 0);
            exp += k;
        } else {
            m = mag.longValue();
        }
        return round(sign, m, exp, n, rounding, flush, ahp);
    }

    long round(boolean sign, long mant, int exp, int n, int rounding) {
        return round(sign, mant, exp, n, rounding, (fpcr & FZ) != 0 && n != 16, false);
    }

    /** FPRoundBase for mant × 2^exp, 0 < mant < 2^63 (its lowest bit may be a sticky bit). */
    long round(boolean sign, long mant, int exp, int n, int rounding, boolean flush, boolean ahp) {
        int eb = expBits(n), fb = fracBits(n);
        int minExp = 2 - (1 << (eb - 1));
        int bl = 64 - Long.numberOfLeadingZeros(mant);
        int e = exp + bl - 1;
        if (flush && e < minExp) {
            fpsr |= UFC; // flush-to-zero never raises Inexact
            return zero(sign, n);
        }
        int eP = Math.max(e, minExp);
        int biased = e < minExp ? 0 : e - minExp + 1;
        int s = exp + fb - eP;
        long intMant;
        int errCmp; // the discarded part against one half: <0, 0, >0
        boolean inexact;
        if (s >= 0) {
            intMant = mant << s;
            errCmp = -1;
            inexact = false;
        } else if (-s >= 63) {
            intMant = 0;
            errCmp = -1;
            inexact = true;
        } else {
            int r = -s;
            intMant = mant >>> r;
            long rem = mant & ((1L << r) - 1);
            errCmp = Long.compare(rem, 1L << (r - 1));
            inexact = rem != 0;
        }
        if (biased == 0 && inexact) fpsr |= UFC; // tininess before rounding, and only when inexact (traps disabled)
        boolean up, overflowToInf;
        switch (rounding) {
            case RN -> { up = errCmp > 0 || (errCmp == 0 && (intMant & 1) != 0); overflowToInf = true; }
            case RP -> { up = inexact && !sign; overflowToInf = !sign; }
            case RM -> { up = inexact && sign; overflowToInf = sign; }
            case TIEAWAY -> { up = inexact && errCmp >= 0; overflowToInf = true; }
            case ODD -> { up = false; overflowToInf = false; if (inexact) intMant |= 1; }
            default -> { up = false; overflowToInf = false; }
        }
        if (up) {
            intMant++;
            if (intMant == (1L << fb)) biased = 1;
            if (intMant == (1L << (fb + 1))) {
                biased++;
                intMant >>>= 1;
            }
        }
        long result;
        if (n == 16 && ahp) {
            if (biased >= (1 << eb)) {
                fpsr |= IOC;
                return (sign ? 0x8000L : 0) | 0x7fff;
            }
        } else if (biased >= (1 << eb) - 1) {
            result = overflowToInf ? infinity(sign, n) : maxNormal(sign, n);
            fpsr |= OFC | IXC;
            return result;
        }
        result = ((long) biased << fb) | (intMant & ((1L << fb) - 1));
        if (sign) result |= signBit(n);
        if (inexact) fpsr |= IXC;
        return result;
    }

    private static BigInteger big(long v) { return BigInteger.valueOf(v); }

    /** Exact sum of two numbers as (sign, magnitude, exponent); null when exactly zero. */
    private long roundSum(boolean sa, long ma, int ea, boolean sb, BigInteger mb, int eb, int n, int rounding) {
        int e = Math.min(ea, eb);
        BigInteger a = big(ma).shiftLeft(ea - e), b = mb.shiftLeft(eb - e);
        if (sa) a = a.negate();
        if (sb) b = b.negate();
        BigInteger s = a.add(b);
        if (s.signum() == 0) return zero(rounding == RM, n);
        return round(s.signum() < 0, s.abs(), e, n, rounding);
    }

    // ---- arithmetic ----

    public long add(long x, long y, int n) {
        if (fpcr == 0 && fastPath) {
            long r = n == 64 ? fastAdd64(x, y) : n == 32 ? fastAdd32(x, y) : NO_FAST;
            if (r != NO_FAST) return r;
        }
        return addSub(x, y, n, false);
    }

    public long sub(long x, long y, int n) {
        if (fpcr == 0 && fastPath) {
            long r = n == 64 ? fastAdd64(x, y ^ Long.MIN_VALUE) : n == 32 ? fastAdd32(x, y ^ 0x80000000L) : NO_FAST;
            if (r != NO_FAST) return r;
        }
        return addSub(x, y, n, true);
    }

    // ---- fast paths: default FPCR (round to nearest, no FZ/DN/AHP), operands well inside the
    // normal range, so Java's IEEE arithmetic gives the Arm result and an error-free
    // transformation (TwoSum, FMA residue) tells whether it was inexact. Anything else, and
    // any result near the overflow or underflow thresholds, takes the exact path. ----

    /** Turns the fast paths off (tests compare them with the exact path). */
    boolean fastPath = true;
    /** Marks "not handled here": not a valid result of a 32- or 64-bit operation. */
    private static final long NO_FAST = 0x5a5a_5a5a_0000_0001L;

    /** |x| in [2^-500, 2^500): exponent field 523..1522. */
    private static boolean tame64(long x) {
        int e = (int) (x >>> 52) & 0x7ff;
        return e >= 523 && e < 1523;
    }

    /** |x| in [2^-60, 2^60) for single precision: exponent field 67..186. */
    private static boolean tame32(long x) {
        int e = (int) (x >>> 23) & 0xff;
        return e >= 67 && e < 187;
    }

    private long fastAdd64(long x, long y) {
        if (!tame64(x) || !tame64(y)) return NO_FAST;
        double a = Double.longBitsToDouble(x), b = Double.longBitsToDouble(y), s = a + b;
        if (s == 0) return 0; // x + (-x): +0 when rounding to nearest, exact
        if (Math.abs(s) < 0x1p-900) return NO_FAST;
        double bb = s - a, err = (a - (s - bb)) + (b - bb);
        if (err != 0) fpsr |= IXC;
        return Double.doubleToRawLongBits(s);
    }

    private long fastAdd32(long x, long y) {
        if (!tame32(x) || !tame32(y)) return NO_FAST;
        double a = Float.intBitsToFloat((int) x), b = Float.intBitsToFloat((int) y), s = a + b;
        if (s == 0) return 0;
        if (Math.abs(s) < 0x1p-100) return NO_FAST;
        double bb = s - a, err = (a - (s - bb)) + (b - bb);
        float r = (float) s; // double then float rounding is exact-once for +,-,*,/ (53 >= 2*24+2)
        if (err != 0 || r != s) fpsr |= IXC;
        return Float.floatToRawIntBits(r) & 0xffffffffL;
    }

    private long fastMul64(long x, long y) {
        if (!tame64(x) || !tame64(y)) return NO_FAST;
        double a = Double.longBitsToDouble(x), b = Double.longBitsToDouble(y), p = a * b;
        if (Math.fma(a, b, -p) != 0) fpsr |= IXC;
        return Double.doubleToRawLongBits(p);
    }

    private long fastMul32(long x, long y) {
        if (!tame32(x) || !tame32(y)) return NO_FAST;
        double p = (double) Float.intBitsToFloat((int) x) * Float.intBitsToFloat((int) y); // exact: 48 bits
        float r = (float) p;
        if (r != p) fpsr |= IXC;
        return Float.floatToRawIntBits(r) & 0xffffffffL;
    }

    private long fastDiv64(long x, long y) {
        if (!tame64(x) || !tame64(y)) return NO_FAST;
        double a = Double.longBitsToDouble(x), b = Double.longBitsToDouble(y), q = a / b;
        if (Math.fma(q, b, -a) != 0) fpsr |= IXC;
        return Double.doubleToRawLongBits(q);
    }

    private long fastDiv32(long x, long y) {
        if (!tame32(x) || !tame32(y)) return NO_FAST;
        double a = Float.intBitsToFloat((int) x), b = Float.intBitsToFloat((int) y), q = a / b;
        float r = (float) q;
        if (r != q || Math.fma(q, b, -a) != 0) fpsr |= IXC;
        return Float.floatToRawIntBits(r) & 0xffffffffL;
    }

    private long fastSqrt64(long x) {
        if (!tame64(x) || x < 0) return NO_FAST;
        double a = Double.longBitsToDouble(x), r = Math.sqrt(a);
        if (Math.fma(r, r, -a) != 0) fpsr |= IXC;
        return Double.doubleToRawLongBits(r);
    }

    private long addSub(long x, long y, int n, boolean subtract) {
        Op a = unpack(x, n), b = unpack(y, n);
        long r = processNaNs(a, b, n);
        if (nanResult) return r;
        boolean sb = b.sign ^ subtract;
        if (a.type == INF && b.type == INF && a.sign != sb) return invalid(n);
        if (a.type == INF) return infinity(a.sign, n);
        if (b.type == INF) return infinity(sb, n);
        if (a.type == ZERO && b.type == ZERO && a.sign == sb) return zero(a.sign, n);
        if (a.type == ZERO && b.type == ZERO) return zero(rounding() == RM, n);
        if (a.type == ZERO) return round(sb, b.mant, b.exp, n, rounding());
        if (b.type == ZERO) return round(a.sign, a.mant, a.exp, n, rounding());
        return roundSum(a.sign, a.mant, a.exp, sb, big(b.mant), b.exp, n, rounding());
    }

    public long mul(long x, long y, int n) {
        if (fpcr == 0 && fastPath) {
            long r = n == 64 ? fastMul64(x, y) : n == 32 ? fastMul32(x, y) : NO_FAST;
            if (r != NO_FAST) return r;
        }
        return mul(x, y, n, false);
    }

    /** FMULX: as FMUL, except that infinity × zero is 2.0 with the product's sign. */
    public long mulx(long x, long y, int n) { return mul(x, y, n, true); }

    private long mul(long x, long y, int n, boolean mulx) {
        Op a = unpack(x, n), b = unpack(y, n);
        long r = processNaNs(a, b, n);
        if (nanResult) return r;
        boolean sign = a.sign ^ b.sign;
        if ((a.type == INF && b.type == ZERO) || (a.type == ZERO && b.type == INF)) {
            return mulx ? two(sign, n) : invalid(n);
        }
        if (a.type == INF || b.type == INF) return infinity(sign, n);
        if (a.type == ZERO || b.type == ZERO) return zero(sign, n);
        return round(sign, big(a.mant).multiply(big(b.mant)), a.exp + b.exp, n, rounding());
    }

    private static long two(boolean sign, int n) {
        long v = n == 64 ? 0x4000000000000000L : n == 32 ? 0x40000000L : 0x4000L;
        return sign ? v | signBit(n) : v;
    }

    public long div(long x, long y, int n) {
        if (fpcr == 0 && fastPath) {
            long r = n == 64 ? fastDiv64(x, y) : n == 32 ? fastDiv32(x, y) : NO_FAST;
            if (r != NO_FAST) return r;
        }
        Op a = unpack(x, n), b = unpack(y, n);
        long r = processNaNs(a, b, n);
        if (nanResult) return r;
        boolean sign = a.sign ^ b.sign;
        if ((a.type == INF && b.type == INF) || (a.type == ZERO && b.type == ZERO)) return invalid(n);
        if (a.type == INF || b.type == ZERO) {
            if (a.type != INF) fpsr |= DZC;
            return infinity(sign, n);
        }
        if (a.type == ZERO || b.type == INF) return zero(sign, n);
        // quotient with enough bits (≥ 64) and the remainder folded into a sticky bit
        int shift = 66 + 64 - Long.numberOfLeadingZeros(b.mant) - (64 - Long.numberOfLeadingZeros(a.mant));
        if (shift < 0) shift = 0;
        BigInteger[] qr = big(a.mant).shiftLeft(shift).divideAndRemainder(big(b.mant));
        BigInteger q = qr[0].shiftLeft(1);
        if (qr[1].signum() != 0) q = q.setBit(0);
        return round(sign, q, a.exp - b.exp - shift - 1, n, rounding());
    }

    public long sqrt(long x, int n) {
        if (fpcr == 0 && fastPath && n == 64) {
            long r = fastSqrt64(x);
            if (r != NO_FAST) return r;
        }
        Op a = unpack(x, n);
        if (a.nan()) return processNaN(a, n);
        if (a.type == ZERO) return zero(a.sign, n);
        if (a.sign) return invalid(n);
        if (a.type == INF) return infinity(false, n);
        // sqrt(m × 2^e) with e even, m scaled to ≥ 2^130 so the root has ≥ 65 bits
        long m = a.mant;
        int e = a.exp;
        int k = 130;
        if (((e - k) & 1) != 0) k++;
        BigInteger v = big(m).shiftLeft(k);
        BigInteger root = v.sqrt();
        boolean exact = root.multiply(root).equals(v);
        BigInteger q = root.shiftLeft(1);
        if (!exact) q = q.setBit(0);
        return round(false, q, (e - k) / 2 - 1, n, rounding());
    }

    /** FPMulAdd: addend + x × y with a single rounding; the NaN order is addend, x, y. */
    public long mulAdd(long addend, long x, long y, int n) {
        Op c = unpack(addend, n), a = unpack(x, n), b = unpack(y, n);
        boolean invalidProduct = (a.type == INF && b.type == ZERO) || (a.type == ZERO && b.type == INF);
        long r = processNaNs3(c, a, b, n);
        if (c.type == QNAN && invalidProduct) return invalid(n);
        if (nanResult) return r;
        boolean sp = a.sign ^ b.sign;
        boolean infP = a.type == INF || b.type == INF, zeroP = a.type == ZERO || b.type == ZERO;
        if (invalidProduct || (c.type == INF && infP && c.sign != sp)) return invalid(n);
        if ((c.type == INF && !c.sign) || (infP && !sp)) return infinity(false, n);
        if (c.type == INF || infP) return infinity(true, n);
        if (c.type == ZERO && zeroP && c.sign == sp) return zero(c.sign, n);
        if (zeroP) {
            if (c.type == ZERO) return zero(rounding() == RM, n);
            return round(c.sign, c.mant, c.exp, n, rounding());
        }
        BigInteger p = big(a.mant).multiply(big(b.mant));
        if (c.type == ZERO) return round(sp, p, a.exp + b.exp, n, rounding());
        int e = Math.min(c.exp, a.exp + b.exp);
        BigInteger pa = p.shiftLeft(a.exp + b.exp - e), ca = big(c.mant).shiftLeft(c.exp - e);
        BigInteger s = (sp ? pa.negate() : pa).add(c.sign ? ca.negate() : ca);
        if (s.signum() == 0) return zero(rounding() == RM, n);
        return round(s.signum() < 0, s.abs(), e, n, rounding());
    }

    /** FRECPS: 2 - x × y fused; infinity × zero gives 2.0. */
    public long recipStep(long x, long y, int n) { return step(x, y, n, false); }

    /** FRSQRTS: (3 - x × y) / 2 fused; infinity × zero gives 1.5. */
    public long rsqrtStep(long x, long y, int n) { return step(x, y, n, true); }

    private long step(long x, long y, int n, boolean rsqrt) {
        Op a = unpack(x ^ signBit(n), n), b = unpack(y, n);
        long r = processNaNs(a, b, n);
        if (nanResult) return r;
        boolean sign = a.sign ^ b.sign;
        if ((a.type == INF && b.type == ZERO) || (a.type == ZERO && b.type == INF)) {
            return rsqrt ? onePointFive(n) : two(false, n);
        }
        if (a.type == INF || b.type == INF) return infinity(sign, n);
        BigInteger p = a.type == ZERO || b.type == ZERO ? BigInteger.ZERO : big(a.mant).multiply(big(b.mant));
        int pe = a.type == ZERO || b.type == ZERO ? 0 : a.exp + b.exp;
        // value = k + sign·p·2^pe, then halved for FRSQRTS
        int e = Math.min(pe, 0);
        BigInteger s = BigInteger.valueOf(rsqrt ? 3 : 2).shiftLeft(-e);
        BigInteger pa = p.shiftLeft(pe - e);
        s = s.add(sign ? pa.negate() : pa);
        if (rsqrt) e -= 1;
        if (s.signum() == 0) return zero(rounding() == RM, n);
        return round(s.signum() < 0, s.abs(), e, n, rounding());
    }

    private static long onePointFive(int n) {
        return n == 64 ? 0x3ff8000000000000L : n == 32 ? 0x3fc00000L : 0x3e00L;
    }

    // ---- min/max ----

    public long max(long x, long y, int n) { return minMax(x, y, n, true, false); }

    public long min(long x, long y, int n) { return minMax(x, y, n, false, false); }

    public long maxNum(long x, long y, int n) { return minMax(x, y, n, true, true); }

    public long minNum(long x, long y, int n) { return minMax(x, y, n, false, true); }

    private long minMax(long x, long y, int n, boolean max, boolean num) {
        Op a = unpack(x, n), b = unpack(y, n);
        if (num) {
            // FMAXNM/FMINNM: a quiet NaN against a number loses (it becomes -inf/+inf)
            if (a.type == QNAN && !b.nan()) a = unpack(infinity(max, n), n);
            else if (b.type == QNAN && !a.nan()) b = unpack(infinity(max, n), n);
        }
        long r = processNaNs(a, b, n);
        if (nanResult) return r;
        if (a.type == ZERO && b.type == ZERO) return zero(max ? a.sign && b.sign : a.sign || b.sign, n);
        int c = compareValues(a, b);
        Op w = max ? (c > 0 ? a : b) : (c < 0 ? a : b);
        if (w.type == INF) return infinity(w.sign, n);
        if (w.type == ZERO) return zero(w.sign, n);
        return round(w.sign, w.mant, w.exp, n, rounding());
    }

    /** Orders two non-NaN operands by value (zeros equal). */
    private static int compareValues(Op a, Op b) {
        int sa = signum(a), sb = signum(b);
        if (sa != sb) return Integer.compare(sa, sb);
        if (sa == 0) return 0;
        int mag;
        if (a.type == INF || b.type == INF) mag = a.type == b.type ? 0 : a.type == INF ? 1 : -1;
        else {
            int ea = a.exp + 63 - Long.numberOfLeadingZeros(a.mant), eb = b.exp + 63 - Long.numberOfLeadingZeros(b.mant);
            if (ea != eb) mag = Integer.compare(ea, eb);
            else {
                int e = Math.min(a.exp, b.exp);
                mag = big(a.mant).shiftLeft(a.exp - e).compareTo(big(b.mant).shiftLeft(b.exp - e));
            }
        }
        return sa > 0 ? mag : -mag;
    }

    private static int signum(Op a) { return a.type == ZERO ? 0 : a.sign ? -1 : 1; }

    // ---- compare ----

    /** FPCompare as NZCV: unordered 0011, equal 0110, less 1000, greater 0010. */
    public int compare(long x, long y, int n, boolean signalAllNaNs) {
        Op a = unpack(x, n), b = unpack(y, n);
        if (a.nan() || b.nan()) {
            if (a.type == SNAN || b.type == SNAN || signalAllNaNs) fpsr |= IOC;
            return 0b0011;
        }
        int c = compareValues(a, b);
        return c == 0 ? 0b0110 : c < 0 ? 0b1000 : 0b0010;
    }

    /** Vector compares (FCMEQ/FCMGE/FCMGT): true/false; quiet NaNs signal only for GE/GT. */
    public boolean compareEq(long x, long y, int n) {
        Op a = unpack(x, n), b = unpack(y, n);
        if (a.nan() || b.nan()) {
            if (a.type == SNAN || b.type == SNAN) fpsr |= IOC;
            return false;
        }
        return compareValues(a, b) == 0;
    }

    public boolean compareGe(long x, long y, int n) {
        Op a = unpack(x, n), b = unpack(y, n);
        if (a.nan() || b.nan()) {
            fpsr |= IOC;
            return false;
        }
        return compareValues(a, b) >= 0;
    }

    public boolean compareGt(long x, long y, int n) {
        Op a = unpack(x, n), b = unpack(y, n);
        if (a.nan() || b.nan()) {
            fpsr |= IOC;
            return false;
        }
        return compareValues(a, b) > 0;
    }

    // ---- rounding to integral, conversions ----

    /** FPRoundInt (FRINT*): {@code exact} (FRINTX) raises Inexact when the value changes. */
    public long roundInt(long x, int n, int rounding, boolean exact) {
        Op a = unpack(x, n);
        if (a.nan()) return processNaN(a, n);
        if (a.type == INF) return infinity(a.sign, n);
        if (a.type == ZERO) return zero(a.sign, n);
        if (a.exp >= 0) return round(a.sign, a.mant, a.exp, n, rounding); // already integral
        BigInteger[] ir = integerPart(a, rounding);
        BigInteger i = ir[0];
        if (exact && ir[1].signum() != 0) fpsr |= IXC;
        if (i.signum() == 0) return zero(a.sign, n);
        return round(a.sign, i, 0, n, RN);
    }

    /** |a| rounded to an integer by {@code rounding} (sign-aware), and a nonzero marker when inexact. */
    private static BigInteger[] integerPart(Op a, int rounding) {
        BigInteger m = big(a.mant);
        if (a.exp >= 0) return new BigInteger[] {m.shiftLeft(a.exp), BigInteger.ZERO};
        int r = -a.exp;
        BigInteger i = m.shiftRight(r);
        BigInteger rem = m.subtract(i.shiftLeft(r));
        if (rem.signum() == 0) return new BigInteger[] {i, BigInteger.ZERO};
        int half = rem.compareTo(BigInteger.ONE.shiftLeft(r - 1));
        boolean up = switch (rounding) {
            case RN -> half > 0 || (half == 0 && i.testBit(0));
            case RP -> !a.sign;
            case RM -> a.sign;
            case TIEAWAY -> half >= 0;
            default -> false;
        };
        return new BigInteger[] {up ? i.add(BigInteger.ONE) : i, BigInteger.ONE};
    }

    /**
     * FPToFixed: x × 2^fbits rounded to a {@code bits}-bit signed or unsigned integer,
     * saturating with Invalid Operation; NaN gives 0.
     */
    public long toFixed(long x, int n, int fbits, boolean unsigned, int rounding, int bits) {
        Op a = unpack(x, n);
        if (a.nan()) {
            fpsr |= IOC;
            return 0;
        }
        long maxS = bits == 64 ? Long.MAX_VALUE : (1L << (bits - 1)) - 1;
        if (a.type == INF) {
            fpsr |= IOC;
            if (unsigned) return a.sign ? 0 : mask(bits);
            return a.sign ? (-maxS - 1) & mask(bits) : maxS;
        }
        if (a.type == ZERO) return 0;
        Op scaled = new Op(NUMBER, a.sign, a.mant, a.exp + fbits, 0);
        BigInteger[] ir = integerPart(scaled, rounding);
        BigInteger i = a.sign ? ir[0].negate() : ir[0];
        BigInteger lo = unsigned ? BigInteger.ZERO : BigInteger.valueOf(-maxS - 1);
        BigInteger hi = unsigned ? (bits == 64 ? BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE) : big(mask(bits))) : big(maxS);
        if (i.compareTo(lo) < 0) {
            fpsr |= IOC;
            return lo.longValue() & mask(bits);
        }
        if (i.compareTo(hi) > 0) {
            fpsr |= IOC;
            return hi.longValue() & mask(bits);
        }
        if (ir[1].signum() != 0) fpsr |= IXC;
        return i.longValue() & mask(bits);
    }

    /** FixedToFP: a {@code bits}-bit integer / 2^fbits, rounded to precision n. */
    public long fromFixed(long v, int bits, boolean unsigned, int fbits, int n, int rounding) {
        BigInteger i;
        if (unsigned) i = new BigInteger(1, toBytes(v & mask(bits)));
        else i = BigInteger.valueOf(bits == 64 ? v : (v << (64 - bits)) >> (64 - bits));
        if (i.signum() == 0) return 0;
        return round(i.signum() < 0, i.abs(), -fbits, n, rounding);
    }

    private static byte[] toBytes(long v) {
        byte[] b = new byte[8];
        for (int k = 0; k < 8; k++) b[k] = (byte) (v >>> (56 - 8 * k));
        return b;
    }

    /**
     * FPConvert between precisions (FCVT, FCVTN/FCVTL, FCVTXN with {@link #ODD}). Half-precision
     * inputs are never flushed; AHP selects the alternative half format on both sides.
     */
    public long convert(long x, int from, int to, int rounding) {
        boolean ahp = (fpcr & AHP) != 0;
        Op a = unpack(x, from, (fpcr & FZ) != 0 && from != 16, ahp);
        if (a.nan()) {
            if (to == 16 && ahp) {
                fpsr |= IOC;
                return zero(a.sign, 16);
            }
            if (a.type == SNAN) fpsr |= IOC;
            if ((fpcr & DN) != 0) return defaultNaN(to);
            // FPConvertNaN: keep the sign and the top payload bits, force quiet
            int ff = fracBits(from), tf = fracBits(to);
            long payload = a.bits & ((1L << ff) - 1);
            payload = tf >= ff ? payload << (tf - ff) : payload >>> (ff - tf);
            long r = infinity(a.sign, to) | payload | (1L << (tf - 1));
            return r;
        }
        if (a.type == INF) {
            if (to == 16 && ahp) {
                fpsr |= IOC;
                return (a.sign ? 0x8000L : 0) | 0x7fff;
            }
            return infinity(a.sign, to);
        }
        if (a.type == ZERO) return zero(a.sign, to);
        return round(a.sign, a.mant, a.exp, to, rounding, (fpcr & FZ) != 0 && to != 16, ahp);
    }

    // ---- estimates (FRECPE, FRSQRTE, URECPE, URSQRTE) and FRECPX ----

    /** RecipEstimate: 256 <= a < 512 (0.5..1.0 in steps of 1/512) to 256..511 (1.0..2.0). */
    static int recipEstimate(int a) {
        a = a * 2 + 1;
        int b = (1 << 19) / a;
        return (b + 1) / 2;
    }

    /** RecipSqrtEstimate: 128 <= a < 512 (0.25..1.0) to 256..511. */
    static int recipSqrtEstimate(int a) {
        if (a < 256) a = a * 2 + 1;
        else {
            a = (a >> 1) << 1;
            a = (a + 1) * 2;
        }
        long b = 512;
        while ((long) a * (b + 1) * (b + 1) < (1L << 28)) b++;
        return (int) ((b + 1) / 2);
    }

    public static long unsignedRecipEstimate(long x) {
        if ((x & 0x80000000L) == 0) return 0xffffffffL;
        return (long) (recipEstimate((int) (x >>> 23) & 0x1ff) & 0x1ff) << 23;
    }

    public static long unsignedRSqrtEstimate(long x) {
        if ((x & 0xc0000000L) == 0) return 0xffffffffL;
        return (long) (recipSqrtEstimate((int) (x >>> 23) & 0x1ff) & 0x1ff) << 23;
    }

    /** FPRecipEstimate (FRECPE) for single and double precision. */
    public long recipEstimate(long x, int n) {
        Op a = unpack(x, n);
        if (a.nan()) return processNaN(a, n);
        if (a.type == INF) return zero(a.sign, n);
        if (a.type == ZERO) {
            fpsr |= DZC;
            return infinity(a.sign, n);
        }
        int e = a.exp + 63 - Long.numberOfLeadingZeros(a.mant); // value in [2^e, 2^(e+1))
        if (e < (n == 32 ? -128 : -1024)) {
            boolean toInf = switch (rounding()) {
                case RN -> true;
                case RP -> !a.sign;
                case RM -> a.sign;
                default -> false;
            };
            fpsr |= OFC | IXC;
            return toInf ? infinity(a.sign, n) : maxNormal(a.sign, n);
        }
        if ((fpcr & FZ) != 0 && e >= (n == 32 ? 126 : 1022)) {
            fpsr |= UFC;
            return zero(a.sign, n);
        }
        long fraction;
        int exp;
        if (n == 32) {
            fraction = (x & 0x7fffffL) << 29;
            exp = (int) (x >>> 23) & 0xff;
        } else {
            fraction = x & 0xfffffffffffffL;
            exp = (int) (x >>> 52) & 0x7ff;
        }
        if (exp == 0) {
            if ((fraction & (1L << 51)) == 0) {
                exp = -1;
                fraction = (fraction << 2) & 0xfffffffffffffL;
            } else {
                fraction = (fraction << 1) & 0xfffffffffffffL;
            }
        }
        int scaled = (int) (0x100 | ((fraction >>> 44) & 0xff));
        int resultExp = (n == 32 ? 253 : 2045) - exp;
        int estimate = recipEstimate(scaled);
        fraction = (long) (estimate & 0xff) << 44;
        if (resultExp == 0) fraction = (1L << 51) | (fraction >>> 1);
        else if (resultExp == -1) {
            fraction = (1L << 50) | (fraction >>> 2);
            resultExp = 0;
        }
        long r = n == 32 ? ((long) (resultExp & 0xff) << 23) | (fraction >>> 29) : ((long) (resultExp & 0x7ff) << 52) | fraction;
        return a.sign ? r | signBit(n) : r;
    }

    /** FPRSqrtEstimate (FRSQRTE) for single and double precision. */
    public long rsqrtEstimate(long x, int n) {
        Op a = unpack(x, n);
        if (a.nan()) return processNaN(a, n);
        if (a.type == ZERO) {
            fpsr |= DZC;
            return infinity(a.sign, n);
        }
        if (a.sign) return invalid(n);
        if (a.type == INF) return zero(false, n);
        long fraction;
        int exp;
        if (n == 32) {
            fraction = (x & 0x7fffffL) << 29;
            exp = (int) (x >>> 23) & 0xff;
        } else {
            fraction = x & 0xfffffffffffffL;
            exp = (int) (x >>> 52) & 0x7ff;
        }
        if (exp == 0) {
            while ((fraction & (1L << 51)) == 0) {
                fraction = (fraction << 1) & 0xfffffffffffffL;
                exp--;
            }
            fraction = (fraction << 1) & 0xfffffffffffffL;
        }
        int scaled = (exp & 1) == 0 ? (int) (0x100 | ((fraction >>> 44) & 0xff)) : (int) (0x80 | ((fraction >>> 45) & 0x7f));
        int resultExp = ((n == 32 ? 380 : 3068) - exp) / 2;
        int estimate = recipSqrtEstimate(scaled);
        if (n == 32) return ((long) (resultExp & 0xff) << 23) | ((long) (estimate & 0xff) << 15);
        return ((long) (resultExp & 0x7ff) << 52) | ((long) (estimate & 0xff) << 44);
    }

    /** FPRecpX (FRECPX): the reciprocal exponent with a zero fraction. */
    public long recpX(long x, int n) {
        Op a = unpack(x, n);
        if (a.nan()) return processNaN(a, n);
        int eb = expBits(n), fb = fracBits(n);
        long exp = (x >>> fb) & ((1L << eb) - 1);
        long r = exp == 0 ? ((1L << eb) - 2) << fb : ((~exp) & ((1L << eb) - 1)) << fb;
        return a.sign ? r | signBit(n) : r;
    }

    // ---- immediates ----

    /** VFPExpandImm: the 8-bit FMOV immediate as an n-bit value. */
    public static long expandImm(int imm8, int n) {
        int e = expBits(n), f = fracBits(n);
        long sign = (imm8 >>> 7) & 1;
        long b6 = (imm8 >>> 6) & 1;
        long exp = ((b6 ^ 1) << (e - 1)) | ((b6 != 0 ? (1L << (e - 3)) - 1 : 0) << 2) | ((imm8 >>> 4) & 3);
        long frac = (long) (imm8 & 15) << (f - 4);
        return (sign << (n - 1)) | (exp << f) | frac;
    }
}
