package org.multios.isa.x86.fp;

import java.math.BigInteger;

/**
 * Exact IEEE 754 binary arithmetic in software for the three x86 formats (single, double,
 * 80-bit extended), with the four rounding modes, precision control, flush-to-zero and the
 * exception flags. Values are unpacked into sign, an integer significand and a binary
 * exponent (value = m * 2^e), combined exactly with {@link BigInteger}s, and rounded once
 * by {@link #round}: the result is then correctly rounded by construction, including
 * subnormal results, which is what bit-exact agreement with hardware needs.
 * <p>
 * Flags use the x86 bit layout shared by MXCSR and the x87 status word:
 * IE=1 DE=2 ZE=4 OE=8 UE=16 PE=32.
 */
public final class SoftFloat {
    public static final int IE = 1, DE = 2, ZE = 4, OE = 8, UE = 16, PE = 32;
    /** Returned with the flags by {@link #toInt}: the magnitude was rounded up (x87 C1). */
    public static final int ROUNDED_UP = 1 << 16;
    /** Rounding control values (MXCSR.RC, x87 CW.RC). */
    public static final int RN = 0, RD = 1, RU = 2, RZ = 3;

    /** A binary floating-point format: significand bits p (with the integer bit), normal exponent range. */
    /**
     * @param unmasked which of OE ({@link #OE}) and UE ({@link #UE}) are unmasked: an unmasked UE
     *                 is reported for every tiny result, exact or not; with {@code wrap} the x87
     *                 response applies: the result is delivered with its exponent adjusted by
     *                 ∓24576 into range (SDM Vol. 1 8.5.4, 8.5.5)
     */
    public record Format(int p, int emin, int emax, int bias, int expBits, boolean explicitInt, int unmasked, boolean wrap) {
        /** The same exponent range at a smaller precision (x87 precision control). */
        public Format withPrecision(int bits) { return new Format(bits, emin, emax, bias, expBits, explicitInt, unmasked, wrap); }

        public Format withUnmasked(int flags, boolean wrapExponent) {
            return new Format(p, emin, emax, bias, expBits, explicitInt, flags & (OE | UE), wrapExponent);
        }
    }

    /** The exponent adjustment of the unmasked overflow/underflow response: 192, 1536, 24576. */
    static int wrap(Format f) { return 3 << (f.expBits() - 2); }

    public static final Format F32 = new Format(24, -126, 127, 127, 8, false, 0, false);
    public static final Format F64 = new Format(53, -1022, 1023, 1023, 11, false, 0, false);
    public static final Format F80 = new Format(64, -16382, 16383, 16383, 15, true, 0, false);

    /** An unpacked finite value: (-1)^sign * m * 2^e; m == 0 is a zero. */
    public static final class Value {
        public boolean sign;
        public BigInteger m;
        public int e;

        public Value(boolean sign, BigInteger m, int e) { this.sign = sign; this.m = m; this.e = e; }

        public boolean isZero() { return m.signum() == 0; }
    }

    /** A rounded result: sign, biased exponent field and significand field (with the integer bit for F80). */
    public static final class Packed {
        public boolean sign;
        public int exp;
        public long sig;
        public int flags;
        /** The significand was incremented in rounding (the x87 reports this in C1). */
        public boolean up;

        /** The single or double encoding. */
        public long bits(Format f) {
            long frac = f.explicitInt() ? sig : sig & ((1L << (f.p() - 1)) - 1);
            return (sign ? 1L << (f.expBits() + f.p() - 1) : 0) | ((long) exp << (f.p() - 1)) | frac;
        }
    }

    private SoftFloat() {}

    /**
     * Rounds (-1)^sign * (m + sticky·ε) * 2^e to format f (with f.p() significant bits).
     * Sets PE, OE, UE as x86 does: tininess after rounding, UE only with inexactness unless
     * {@code ueUnmasked}; with ftz a tiny result becomes zero (UE|PE).
     */
    public static Packed round(boolean sign, BigInteger m, int e, boolean sticky, Format f, int rc, boolean ftz) {
        Packed r = new Packed();
        r.sign = sign;
        if (m.signum() == 0) {
            if (sticky) { // below every representable magnitude
                m = BigInteger.ONE;
                e -= 4 * f.p() + 8 - f.emin();
            } else {
                return r; // exact zero (sign chosen by the caller)
            }
        }
        int n = m.bitLength();
        int top = e + n - 1; // exponent of the leading bit
        int shift = n - f.p();
        boolean tiny = false;
        if (top < f.emin()) {
            shift += f.emin() - top;
        }
        BigInteger q;
        boolean inexact = sticky;
        boolean half = false, rest = sticky;
        if (shift > 0) {
            q = m.shiftRight(shift);
            half = m.testBit(shift - 1);
            if (!rest) rest = m.getLowestSetBit() < shift - 1;
            inexact |= half || rest;
        } else {
            q = m.shiftLeft(-shift);
        }
        int qe = e + shift; // value = q * 2^qe
        boolean up = switch (rc) {
            case RN -> half && (rest || q.testBit(0));
            case RD -> sign && inexact;
            case RU -> !sign && inexact;
            default -> false;
        };
        r.up = up;
        if (up) {
            q = q.add(BigInteger.ONE);
            if (q.bitLength() > f.p()) {
                q = q.shiftRight(1);
                qe++;
            }
        }
        int qtop = qe + q.bitLength() - 1;
        if (q.signum() == 0 || q.bitLength() < f.p()) tiny = true; // subnormal or zero after rounding
        if (q.signum() != 0 && qtop > f.emax() && (f.unmasked() & OE) != 0) {
            // unmasked overflow: PE as for the result rounded with the exponent brought into range
            // (the x87 delivers that result; SSE faults, so only the flags matter)
            Packed w = round(sign, m, e - wrap(f), sticky, f.withUnmasked(0, false), rc, false);
            w.flags = (w.flags & PE) | OE;
            return w;
        }
        if (q.signum() != 0 && qtop > f.emax()) {
            r.flags |= OE | PE;
            boolean toInf = rc == RN || rc == RU && !sign || rc == RD && sign;
            r.up = toInf;
            if (toInf) {
                r.exp = (1 << f.expBits()) - 1;
                r.sig = f.explicitInt() ? 1L << 63 : 0;
            } else {
                r.exp = (1 << f.expBits()) - 2;
                r.sig = f.explicitInt() ? -1L << (64 - f.p()) : (1L << (f.p() - 1)) - 1 | (1L << (f.p() - 1));
            }
            return r;
        }
        if (tiny && (f.unmasked() & UE) != 0) {
            // unmasked underflow: PE if rounding to p bits with an unbounded exponent is inexact;
            // the x87 delivers the result with the exponent raised by the wrap constant
            Format unbounded = new Format(f.p(), -(1 << 30), 1 << 30, f.bias(), f.expBits(), f.explicitInt(), 0, false);
            int pe = round(sign, m, e, sticky, unbounded, rc, false).flags & PE;
            Packed w = f.wrap() ? round(sign, m, e + wrap(f), sticky, f.withUnmasked(0, false), rc, false) : r;
            w.flags = pe | UE;
            return w;
        }
        if (inexact) r.flags |= PE;
        if (tiny && (inexact || (f.unmasked() & UE) != 0)) r.flags |= UE;
        if (tiny && ftz && (inexact || q.signum() != 0)) {
            r.flags |= UE | PE;
            r.exp = 0;
            r.sig = 0;
            return r;
        }
        long sig = q.longValue();
        if (q.bitLength() == f.p()) {
            r.exp = qtop + f.bias();
        } else {
            r.exp = 0; // subnormal: q already aligned to emin
        }
        if (f.explicitInt()) sig <<= (64 - f.p());
        r.sig = sig;
        return r;
    }

    // ------------------------------------------------------------------ exact operations

    /** The exact sum, rounded. An exact zero sum of opposite signs is +0 (-0 when rounding down). */
    public static Packed add(Value a, Value b, Format f, int rc, boolean ftz) {
        if (a.isZero() && b.isZero()) {
            Packed z = new Packed();
            z.sign = a.sign == b.sign ? a.sign : rc == RD;
            return z;
        }
        if (a.isZero()) return round(b.sign, b.m, b.e, false, f, rc, ftz);
        if (b.isZero()) return round(a.sign, a.m, a.e, false, f, rc, ftz);
        // exact: align both significands to the smaller exponent
        int e = Math.min(a.e, b.e);
        BigInteger x = a.m.shiftLeft(a.e - e), y = b.m.shiftLeft(b.e - e);
        if (a.sign) x = x.negate();
        if (b.sign) y = y.negate();
        BigInteger s = x.add(y);
        if (s.signum() == 0) {
            Packed z = new Packed();
            z.sign = rc == RD;
            return z;
        }
        return round(s.signum() < 0, s.abs(), e, false, f, rc, ftz);
    }

    public static Packed mul(Value a, Value b, Format f, int rc, boolean ftz) {
        boolean sign = a.sign ^ b.sign;
        if (a.isZero() || b.isZero()) {
            Packed z = new Packed();
            z.sign = sign;
            return z;
        }
        return round(sign, a.m.multiply(b.m), a.e + b.e, false, f, rc, ftz);
    }

    /** a / b for b != 0. */
    public static Packed div(Value a, Value b, Format f, int rc, boolean ftz) {
        boolean sign = a.sign ^ b.sign;
        if (a.isZero()) {
            Packed z = new Packed();
            z.sign = sign;
            return z;
        }
        int k = f.p() + 3 + b.m.bitLength() - a.m.bitLength();
        if (k < 0) k = 0;
        BigInteger[] qr = a.m.shiftLeft(k).divideAndRemainder(b.m);
        return round(sign, qr[0], a.e - b.e - k, qr[1].signum() != 0, f, rc, ftz);
    }

    /** The square root of a non-negative value. */
    public static Packed sqrt(Value a, Format f, int rc, boolean ftz) {
        if (a.isZero()) {
            Packed z = new Packed();
            z.sign = a.sign;
            return z;
        }
        BigInteger m = a.m;
        int e = a.e;
        int k = 2 * (f.p() + 3) - m.bitLength() + 2;
        if (k < 0) k = 0;
        if (((e - k) & 1) != 0) k++;
        m = m.shiftLeft(k);
        e -= k;
        BigInteger s = m.sqrt();
        boolean sticky = !s.multiply(s).equals(m);
        return round(false, s, e / 2, sticky, f, rc, ftz);
    }

    /** Round to an integer value in the same format (ROUNDSS, FRNDINT). */
    public static Packed roundToIntegral(Value a, Format f, int rc, boolean inexactSignal) {
        if (a.isZero() || a.e >= 0) return round(a.sign, a.m, a.e, false, f, rc, false);
        int shift = -a.e;
        BigInteger q = shift > a.m.bitLength() + 1 ? BigInteger.ZERO : a.m.shiftRight(shift);
        boolean half = shift <= a.m.bitLength() && a.m.testBit(shift - 1);
        boolean rest = a.m.getLowestSetBit() < shift - 1;
        boolean inexact = half || rest;
        boolean up = switch (rc) {
            case RN -> half && (rest || q.testBit(0));
            case RD -> a.sign && inexact;
            case RU -> !a.sign && inexact;
            default -> false;
        };
        if (up) q = q.add(BigInteger.ONE);
        Packed p = round(a.sign, q, 0, false, f, RN, false);
        if (inexact && inexactSignal) p.flags |= PE;
        p.up = up;
        return p;
    }

    /**
     * Converts to a signed integer of {@code bits} bits with rounding mode rc; returns null on
     * overflow (the caller produces the "integer indefinite" and IE).
     */
    public static Long toInt(Value a, int bits, int rc, int[] flags) {
        if (a.isZero()) return 0L;
        BigInteger q;
        boolean inexact = false;
        if (a.e >= 0) {
            if (a.e > bits + 1) return null;
            q = a.m.shiftLeft(a.e);
        } else {
            int shift = -a.e;
            q = shift > a.m.bitLength() + 1 ? BigInteger.ZERO : a.m.shiftRight(shift);
            boolean half = shift <= a.m.bitLength() && a.m.testBit(shift - 1);
            boolean rest = a.m.getLowestSetBit() < shift - 1;
            inexact = half || rest;
            boolean up = switch (rc) {
                case RN -> half && (rest || q.testBit(0));
                case RD -> a.sign && inexact;
                case RU -> !a.sign && inexact;
                default -> false;
            };
            if (up) q = q.add(BigInteger.ONE);
            if (up) flags[0] |= ROUNDED_UP;
        }
        if (a.sign) q = q.negate();
        if (q.bitLength() > bits - 1) return null;
        if (inexact) flags[0] |= PE;
        return q.longValue();
    }

    /** Compares two finite values: -1, 0, 1. */
    public static int compare(Value a, Value b) {
        if (a.isZero() && b.isZero()) return 0;
        int sa = a.isZero() ? 0 : a.sign ? -1 : 1, sb = b.isZero() ? 0 : b.sign ? -1 : 1;
        if (sa != sb) return Integer.compare(sa, sb);
        int e = Math.min(a.e, b.e);
        int c = a.m.shiftLeft(a.e - e).compareTo(b.m.shiftLeft(b.e - e));
        return sa < 0 ? -c : c;
    }

    // ------------------------------------------------------------------ unpacking

    /** Unpacks a finite single (exponent field below 255). */
    public static Value unpack32(int bits) {
        int ex = (bits >>> 23) & 0xff;
        long frac = bits & 0x7fffff;
        boolean s = bits < 0;
        if (ex == 0) return new Value(s, BigInteger.valueOf(frac), -149);
        return new Value(s, BigInteger.valueOf(frac | 0x800000), ex - 150);
    }

    public static Value unpack64(long bits) {
        int ex = (int) (bits >>> 52) & 0x7ff;
        long frac = bits & 0xfffffffffffffL;
        boolean s = bits < 0;
        if (ex == 0) return new Value(s, BigInteger.valueOf(frac), -1074);
        return new Value(s, BigInteger.valueOf(frac | 1L << 52), ex - 1075);
    }

    /** Unpacks a finite extended value (exponent field below 0x7fff); the integer bit is taken as stored. */
    public static Value unpack80(int se, long sig) {
        int ex = se & 0x7fff;
        BigInteger m = new BigInteger(Long.toUnsignedString(sig));
        return new Value((se & 0x8000) != 0, m, (ex == 0 ? 1 : ex) - 16383 - 63);
    }

    public static Value fromLong(long v) {
        if (v == Long.MIN_VALUE) return new Value(true, BigInteger.ONE.shiftLeft(63), 0);
        return new Value(v < 0, BigInteger.valueOf(Math.abs(v)), 0);
    }
}
