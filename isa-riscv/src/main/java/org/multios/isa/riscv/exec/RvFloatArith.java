package org.multios.isa.riscv.exec;

import java.math.BigInteger;

/**
 * IEEE 754-2008 binary32/binary64 arithmetic with the five RISC-V rounding modes and
 * exact exception flags, as the F and D chapters of the unprivileged spec require.
 * <p>
 * Approach: every finite operand is unpacked to an exact value {@code m * 2^e}; the
 * operation is computed exactly (add, multiply, fused multiply-add) or to enough bits plus
 * a sticky bit (divide, square root); one rounding routine then produces the result and
 * flags. Tininess is detected after rounding, as RISC-V specifies. NaN results are the
 * canonical NaN; a signaling NaN operand raises NV.
 * <p>
 * Values are raw bit patterns in a {@code long} (binary32 in the low 32 bits). Flags
 * accumulate in {@link #flags} until the caller collects them.
 */
public final class RvFloatArith {
    public static final int NX = 1, UF = 2, OF = 4, DZ = 8, NV = 16;
    public static final int RNE = 0, RTZ = 1, RDN = 2, RUP = 3, RMM = 4;

    /** A binary interchange format. */
    public static final class Fmt {
        public final int p, ebits, bias, bits;
        public final long signBit, expMask, fracMask, canonicalNaN, quietBit;

        Fmt(int p, int ebits) {
            this.p = p;
            this.ebits = ebits;
            this.bias = (1 << (ebits - 1)) - 1;
            this.bits = p + ebits;
            this.signBit = 1L << (bits - 1);
            this.fracMask = (1L << (p - 1)) - 1;
            this.expMask = ((1L << ebits) - 1) << (p - 1);
            this.quietBit = 1L << (p - 2);
            this.canonicalNaN = expMask | quietBit;
        }

        public boolean isNaN(long v) { return (v & expMask) == expMask && (v & fracMask) != 0; }
        public boolean isSignalingNaN(long v) { return isNaN(v) && (v & quietBit) == 0; }
        public boolean isInf(long v) { return (v & ~signBit) == expMask; }
        public boolean isZero(long v) { return (v & ~signBit) == 0; }
        public boolean sign(long v) { return (v & signBit) != 0; }
        public long inf(boolean neg) { return (neg ? signBit : 0) | expMask; }
        public long zero(boolean neg) { return neg ? signBit : 0; }
        public long maxFinite(boolean neg) { return (neg ? signBit : 0) | (expMask - (1L << (p - 1))) | fracMask; }
        int exponentField(long v) { return (int) ((v & expMask) >>> (p - 1)); }
        /** Significand as an integer (with the hidden bit) and the exponent of its lsb. */
        long mant(long v) { return exponentField(v) == 0 ? v & fracMask : (v & fracMask) | (1L << (p - 1)); }
        int lsbExp(long v) { int ef = exponentField(v); return (ef == 0 ? 1 : ef) - bias - (p - 1); }
    }

    public static final Fmt SINGLE = new Fmt(24, 8), DOUBLE = new Fmt(53, 11);

    public int flags;

    // ---- arithmetic ----

    public long add(Fmt f, long a, long b, int rm) {
        if (rm == RNE && fastEnabled) {
            long r = f == DOUBLE ? fastAddD(a, b) : fastAddS(a, b);
            if (r != NO_FAST) return r;
        }
        return addSlow(f, a, b, rm);
    }

    long addSlow(Fmt f, long a, long b, int rm) {
        if (f.isNaN(a) || f.isNaN(b)) return nanResult(f, a, b);
        boolean ia = f.isInf(a), ib = f.isInf(b);
        if (ia || ib) {
            if (ia && ib && f.sign(a) != f.sign(b)) { flags |= NV; return f.canonicalNaN; }
            return ia ? a : b;
        }
        return addFinite(f, f.sign(a), big(f.mant(a)), f.lsbExp(a), f.sign(b), big(f.mant(b)), f.lsbExp(b), rm);
    }

    public long sub(Fmt f, long a, long b, int rm) {
        if (f.isNaN(b)) return nanResult(f, a, b);
        return add(f, a, b ^ f.signBit, rm);
    }

    // ---- fast paths: Java arithmetic is IEEE round-to-nearest-even; exactness is checked
    // with error-free transformations (TwoSum, FMA residuals, exact double products of
    // floats). Anything near overflow or underflow, or with NaN/infinite operands, returns
    // NO_FAST and takes the exact path. ----

    /** Off only in tests that compare the fast paths with the exact ones. */
    boolean fastEnabled = true;
    static final long NO_FAST = 0x7ff4_dead_beef_0001L; // a signaling NaN: never a result here
    // Operands in these ranges keep products, quotients and their error terms well inside
    // the normal range, so the residuals below are exact.
    private static final double SAFE_LOW = 0x1p-400, SAFE_HIGH = 0x1p400;

    private static boolean safe(double v) {
        double m = Math.abs(v);
        return m >= SAFE_LOW && m <= SAFE_HIGH;
    }

    long fastAddD(long a, long b) {
        double x = Double.longBitsToDouble(a), y = Double.longBitsToDouble(b);
        if (!Double.isFinite(x) || !Double.isFinite(y)) return NO_FAST;
        double s = x + y;
        if (!Double.isFinite(s)) return NO_FAST;
        double bb = s - x;
        double err = (x - (s - bb)) + (y - bb);
        if (err != 0) flags |= NX;
        return Double.doubleToRawLongBits(s);
    }

    long fastMulD(long a, long b) {
        double x = Double.longBitsToDouble(a), y = Double.longBitsToDouble(b);
        if (!safe(x) || !safe(y)) return NO_FAST;
        double p = x * y;
        if (Math.fma(x, y, -p) != 0) flags |= NX;
        return Double.doubleToRawLongBits(p);
    }

    long fastDivD(long a, long b) {
        double x = Double.longBitsToDouble(a), y = Double.longBitsToDouble(b);
        if (!safe(x) || !safe(y)) return NO_FAST;
        double q = x / y;
        if (Math.fma(-q, y, x) != 0) flags |= NX;
        return Double.doubleToRawLongBits(q);
    }

    long fastSqrtD(long a) {
        double x = Double.longBitsToDouble(a);
        if (!(x > 0) || !safe(x)) return NO_FAST;
        double r = Math.sqrt(x);
        if (Math.fma(-r, r, x) != 0) flags |= NX;
        return Double.doubleToRawLongBits(r);
    }

    private static final float SAFE_LOW_S = 0x1p-60f, SAFE_HIGH_S = 0x1p60f;

    private static boolean safeS(float v) {
        float m = Math.abs(v);
        return m >= SAFE_LOW_S && m <= SAFE_HIGH_S;
    }

    private static long bitsS(float v) { return Float.floatToRawIntBits(v) & 0xffff_ffffL; }

    long fastAddS(long a, long b) {
        float x = Float.intBitsToFloat((int) a), y = Float.intBitsToFloat((int) b);
        if (!Float.isFinite(x) || !Float.isFinite(y)) return NO_FAST;
        float r = x + y;
        if (!Float.isFinite(r)) return NO_FAST;
        double dx = x, dy = y, s = dx + dy, bb = s - dx, err = (dx - (s - bb)) + (dy - bb);
        if (err != 0 || (double) r != s) flags |= NX;
        return bitsS(r);
    }

    long fastMulS(long a, long b) {
        float x = Float.intBitsToFloat((int) a), y = Float.intBitsToFloat((int) b);
        if (!safeS(x) || !safeS(y)) return NO_FAST;
        float r = x * y;
        if ((double) r != (double) x * (double) y) flags |= NX; // the double product is exact
        return bitsS(r);
    }

    long fastDivS(long a, long b) {
        float x = Float.intBitsToFloat((int) a), y = Float.intBitsToFloat((int) b);
        if (!safeS(x) || !safeS(y)) return NO_FAST;
        float q = x / y;
        if ((double) q * (double) y != (double) x) flags |= NX;
        return bitsS(q);
    }

    long fastSqrtS(long a) {
        float x = Float.intBitsToFloat((int) a);
        if (!(x > 0) || !safeS(x)) return NO_FAST;
        float r = (float) Math.sqrt(x); // double rounding is harmless for sqrt (53 >= 2*24+2)
        if ((double) r * (double) r != (double) x) flags |= NX;
        return bitsS(r);
    }

    public long mul(Fmt f, long a, long b, int rm) {
        if (rm == RNE && fastEnabled) {
            long r = f == DOUBLE ? fastMulD(a, b) : fastMulS(a, b);
            if (r != NO_FAST) return r;
        }
        if (f.isNaN(a) || f.isNaN(b)) return nanResult(f, a, b);
        boolean s = f.sign(a) ^ f.sign(b);
        if (f.isInf(a) || f.isInf(b)) {
            if (f.isZero(a) || f.isZero(b)) { flags |= NV; return f.canonicalNaN; }
            return f.inf(s);
        }
        if (f.isZero(a) || f.isZero(b)) return f.zero(s);
        return round(f, s, big(f.mant(a)).multiply(big(f.mant(b))), f.lsbExp(a) + f.lsbExp(b), rm);
    }

    /** (a * b) + c with one rounding; negations are applied by the caller to the operands. */
    public long fma(Fmt f, long a, long b, long c, int rm) {
        boolean invalidProduct = (f.isInf(a) && f.isZero(b)) || (f.isZero(a) && f.isInf(b));
        if (f.isNaN(a) || f.isNaN(b) || f.isNaN(c)) {
            if (invalidProduct) flags |= NV; // required even when c is a quiet NaN
            if (f.isSignalingNaN(a) || f.isSignalingNaN(b) || f.isSignalingNaN(c)) flags |= NV;
            return f.canonicalNaN;
        }
        if (invalidProduct) { flags |= NV; return f.canonicalNaN; }
        boolean ps = f.sign(a) ^ f.sign(b);
        boolean pInf = f.isInf(a) || f.isInf(b);
        if (pInf) {
            if (f.isInf(c) && f.sign(c) != ps) { flags |= NV; return f.canonicalNaN; }
            return f.inf(ps);
        }
        if (f.isInf(c)) return c;
        BigInteger pm = big(f.mant(a)).multiply(big(f.mant(b)));
        int pe = f.lsbExp(a) + f.lsbExp(b);
        return addFinite(f, ps, pm, pe, f.sign(c), big(f.mant(c)), f.lsbExp(c), rm);
    }

    public long div(Fmt f, long a, long b, int rm) {
        if (rm == RNE && fastEnabled) {
            long r = f == DOUBLE ? fastDivD(a, b) : fastDivS(a, b);
            if (r != NO_FAST) return r;
        }
        if (f.isNaN(a) || f.isNaN(b)) return nanResult(f, a, b);
        boolean s = f.sign(a) ^ f.sign(b);
        boolean ia = f.isInf(a), ib = f.isInf(b), za = f.isZero(a), zb = f.isZero(b);
        if ((ia && ib) || (za && zb)) { flags |= NV; return f.canonicalNaN; }
        if (ia) return f.inf(s);
        if (ib) return f.zero(s);
        if (zb) { flags |= DZ; return f.inf(s); }
        if (za) return f.zero(s);
        BigInteger ma = big(f.mant(a)), mb = big(f.mant(b));
        int k = Math.max(0, f.p + 3 + mb.bitLength() - ma.bitLength());
        BigInteger[] qr = ma.shiftLeft(k).divideAndRemainder(mb);
        BigInteger q = qr[0].shiftLeft(1);
        if (qr[1].signum() != 0) q = q.setBit(0); // sticky
        return round(f, s, q, f.lsbExp(a) - f.lsbExp(b) - k - 1, rm);
    }

    public long sqrt(Fmt f, long a, int rm) {
        if (rm == RNE && fastEnabled) {
            long r = f == DOUBLE ? fastSqrtD(a) : fastSqrtS(a);
            if (r != NO_FAST) return r;
        }
        if (f.isNaN(a)) return nanResult(f, a, a);
        if (f.isZero(a)) return a;
        if (f.sign(a)) { flags |= NV; return f.canonicalNaN; }
        if (f.isInf(a)) return a;
        BigInteger m = big(f.mant(a));
        int e = f.lsbExp(a);
        if ((e & 1) != 0) { m = m.shiftLeft(1); e -= 1; }
        int k = Math.max(0, f.p + 3 - m.bitLength() / 2);
        BigInteger scaled = m.shiftLeft(2 * k);
        BigInteger[] sr = scaled.sqrtAndRemainder();
        BigInteger s = sr[0].shiftLeft(1);
        if (sr[1].signum() != 0) s = s.setBit(0);
        return round(f, false, s, e / 2 - k - 1, rm);
    }

    private long addFinite(Fmt f, boolean sa, BigInteger ma, int ea, boolean sb, BigInteger mb, int eb, int rm) {
        int e = Math.min(ea, eb);
        BigInteger va = ma.shiftLeft(ea - e), vb = mb.shiftLeft(eb - e);
        if (sa) va = va.negate();
        if (sb) vb = vb.negate();
        BigInteger sum = va.add(vb);
        if (sum.signum() == 0) {
            // Exact zero: same-signed zeros keep their sign; otherwise +0, or -0 when rounding down.
            return f.zero(sa == sb ? sa : rm == RDN);
        }
        return round(f, sum.signum() < 0, sum.abs(), e, rm);
    }

    private long nanResult(Fmt f, long a, long b) {
        if (f.isSignalingNaN(a) || f.isSignalingNaN(b)) flags |= NV;
        return f.canonicalNaN;
    }

    private static BigInteger big(long v) { return BigInteger.valueOf(v); }

    // ---- rounding ----

    /** Rounds {@code (-1)^sign * m * 2^e} (m > 0) to format {@code f}, raising flags. */
    public long round(Fmt f, boolean sign, BigInteger m, int e, int rm) {
        int emin = 1 - f.bias, emax = f.bias;
        int top = e + m.bitLength() - 1; // exponent of the leading bit
        int q = Math.max(top, emin) - (f.p - 1);
        BigInteger r = roundToQuantum(m, e, q, sign, rm);
        boolean inexact = lastInexact;
        if (r.bitLength() > f.p) { r = r.shiftRight(1); q++; } // carry out of the significand
        if (top < emin) {
            // Tiny if the result rounded with unbounded exponent range is below 2^emin.
            int qu = top - (f.p - 1);
            BigInteger ru = roundToQuantum(m, e, qu, sign, rm);
            boolean tiny = ru.bitLength() - 1 + qu < emin;
            if (tiny && inexact) flags |= UF;
        }
        if (inexact) flags |= NX;
        if (r.signum() == 0) return f.zero(sign);
        int resultTop = q + r.bitLength() - 1;
        if (resultTop > emax) {
            flags |= OF | NX;
            boolean toInf = switch (rm) {
                case RTZ -> false;
                case RDN -> sign;
                case RUP -> !sign;
                default -> true;
            };
            return toInf ? f.inf(sign) : f.maxFinite(sign);
        }
        long sig = r.longValue();
        long bits;
        if (r.bitLength() < f.p) {
            bits = sig; // subnormal (q == emin - (p-1))
        } else {
            long biased = resultTop + f.bias;
            bits = (biased << (f.p - 1)) | (sig & f.fracMask);
        }
        return (sign ? f.signBit : 0) | bits;
    }

    private boolean lastInexact;

    /** m * 2^e rounded to a multiple of 2^q, returned as the multiple; sets {@link #lastInexact}. */
    private BigInteger roundToQuantum(BigInteger m, int e, int q, boolean sign, int rm) {
        if (q <= e) { lastInexact = false; return m.shiftLeft(e - q); }
        int sh = q - e;
        BigInteger r = m.shiftRight(sh);
        BigInteger rem = m.subtract(r.shiftLeft(sh));
        if (rem.signum() == 0) { lastInexact = false; return r; }
        lastInexact = true;
        int cmp = rem.compareTo(BigInteger.ONE.shiftLeft(sh - 1)); // against half a quantum
        boolean up = switch (rm) {
            case RNE -> cmp > 0 || (cmp == 0 && r.testBit(0));
            case RTZ -> false;
            case RDN -> sign;
            case RUP -> !sign;
            case RMM -> cmp >= 0;
            default -> throw new IllegalArgumentException("rounding mode " + rm);
        };
        return up ? r.add(BigInteger.ONE) : r;
    }

    // ---- conversions ----

    /** Integer (signed or unsigned 64-bit value) to format {@code f}. */
    public long fromInteger(Fmt f, long v, boolean unsigned, int rm) {
        if (v == 0) return 0;
        boolean neg = !unsigned && v < 0;
        BigInteger m = unsigned ? new BigInteger(Long.toUnsignedString(v)) : big(v).abs();
        return round(f, neg, m, 0, rm);
    }

    /**
     * Format {@code f} to a signed/unsigned integer of {@code width} (32 or 64) bits,
     * saturating with NV on NaN and out-of-range values. 32-bit results are sign-extended.
     */
    public long toInteger(Fmt f, long a, int width, boolean unsigned, int rm) {
        BigInteger min = unsigned ? BigInteger.ZERO : BigInteger.ONE.shiftLeft(width - 1).negate();
        BigInteger max = unsigned ? BigInteger.ONE.shiftLeft(width).subtract(BigInteger.ONE)
                : BigInteger.ONE.shiftLeft(width - 1).subtract(BigInteger.ONE);
        if (f.isNaN(a)) { flags |= NV; return narrow(max, width); }
        boolean s = f.sign(a);
        if (f.isInf(a)) { flags |= NV; return narrow(s ? min : max, width); }
        if (f.isZero(a)) return 0;
        BigInteger r = roundToQuantum(big(f.mant(a)), f.lsbExp(a), 0, s, rm);
        boolean inexact = lastInexact;
        if (s) r = r.negate();
        if (r.compareTo(min) < 0) { flags |= NV; return narrow(min, width); }
        if (r.compareTo(max) > 0) { flags |= NV; return narrow(max, width); }
        if (inexact) flags |= NX;
        return narrow(r, width);
    }

    private static long narrow(BigInteger v, int width) {
        long l = v.longValue();
        return width == 32 ? (int) l : l;
    }

    /** Between formats (fcvt.s.d, fcvt.d.s). */
    public long convert(Fmt from, Fmt to, long a, int rm) {
        if (from.isNaN(a)) { if (from.isSignalingNaN(a)) flags |= NV; return to.canonicalNaN; }
        boolean s = from.sign(a);
        if (from.isInf(a)) return to.inf(s);
        if (from.isZero(a)) return to.zero(s);
        return round(to, s, big(from.mant(a)), from.lsbExp(a), rm);
    }

    // ---- comparisons, min/max, classify ----

    /** feq (quiet), flt/fle (signaling): 1 or 0. */
    public long compare(Fmt f, long a, long b, int kind) {
        boolean nan = f.isNaN(a) || f.isNaN(b);
        if (nan) {
            if (kind != 0 || f.isSignalingNaN(a) || f.isSignalingNaN(b)) flags |= NV;
            return 0;
        }
        int c = compareOrdered(f, a, b);
        return switch (kind) {
            case 0 -> c == 0 ? 1 : 0;
            case 1 -> c < 0 ? 1 : 0;
            default -> c <= 0 ? 1 : 0;
        };
    }

    /** Total order on non-NaN values where -0 == +0. */
    private static int compareOrdered(Fmt f, long a, long b) {
        if (f.isZero(a) && f.isZero(b)) return 0;
        long ka = key(f, a), kb = key(f, b);
        return Long.compare(ka, kb);
    }

    private static long key(Fmt f, long v) {
        long mag = v & ~f.signBit;
        return f.sign(v) ? -mag : mag;
    }

    /** fmin/fmax (IEEE 754-2019 minimumNumber/maximumNumber; -0 below +0). */
    public long minMax(Fmt f, long a, long b, boolean max) {
        if (f.isSignalingNaN(a) || f.isSignalingNaN(b)) flags |= NV;
        boolean na = f.isNaN(a), nb = f.isNaN(b);
        if (na && nb) return f.canonicalNaN;
        if (na) return b;
        if (nb) return a;
        if (f.isZero(a) && f.isZero(b)) {
            // -0 counts as less than +0 here.
            boolean pickA = max ? !f.sign(a) : f.sign(a);
            return pickA ? a : b;
        }
        int c = Long.compare(key(f, a), key(f, b));
        if (max) return c >= 0 ? a : b;
        return c <= 0 ? a : b;
    }

    public static long classify(Fmt f, long a) {
        boolean s = f.sign(a);
        if (f.isNaN(a)) return f.isSignalingNaN(a) ? 1 << 8 : 1 << 9;
        if (f.isInf(a)) return s ? 1 : 1 << 7;
        if (f.isZero(a)) return s ? 1 << 3 : 1 << 4;
        boolean sub = f.exponentField(a) == 0;
        if (sub) return s ? 1 << 2 : 1 << 5;
        return s ? 1 << 1 : 1 << 6;
    }
}
