package org.multios.isa.x86.fp;

import static org.multios.isa.x86.fp.SoftFloat.DE;
import static org.multios.isa.x86.fp.SoftFloat.IE;
import static org.multios.isa.x86.fp.SoftFloat.PE;
import static org.multios.isa.x86.fp.SoftFloat.ZE;

/**
 * One lane of SSE floating point (SDM Vol. 1 chapter 11, Vol. 2 per instruction) on raw
 * single (low 32 bits of a long) or double bit patterns, under an MXCSR: rounding control,
 * DAZ (denormal inputs read as zero), FTZ (tiny results flushed), and the flags collected in
 * {@link #flags}. NaNs follow the x86 rules, not Java's: a NaN result is the first NaN
 * operand made quiet, and an invalid operation gives the "QNaN floating-point indefinite"
 * (sign set, top fraction bit set). Round-to-nearest results in the normal range take a fast
 * path through Java's own (IEEE, round-to-nearest) arithmetic with an exact error term for
 * the inexact flag; everything else goes through {@link SoftFloat}.
 */
public final class SseMath {
    public static final long QNAN32 = 0xffc00000L, QNAN64 = 0xfff8000000000000L;

    public int rc;
    public boolean daz, ftz;
    /** Exception flags raised since the caller last cleared them (MXCSR bit layout). */
    public int flags;

    /** F32/F64 carrying MXCSR's UE mask (an unmasked UE reports exact tiny results too). */
    private SoftFloat.Format f32 = SoftFloat.F32, f64 = SoftFloat.F64;

    private int loaded = -1;

    public void load(int mxcsr) {
        flags = 0;
        if (mxcsr == loaded) return;
        loaded = mxcsr;
        int unmasked = ~(mxcsr >> 7) & 0x3f;
        f32 = SoftFloat.F32.withUnmasked(unmasked, false);
        f64 = SoftFloat.F64.withUnmasked(unmasked, false);
        rc = (mxcsr >> 13) & 3;
        daz = (mxcsr & 0x40) != 0;
        ftz = (mxcsr & 0x8000) != 0 && (mxcsr & 0x800) != 0; // FTZ applies while UE is masked
    }

    // ------------------------------------------------------------------ classification

    static boolean isNaN(long v, boolean d) {
        return d ? (v & 0x7fffffffffffffffL) > 0x7ff0000000000000L : (v & 0x7fffffffL) > 0x7f800000L;
    }

    static boolean isSNaN(long v, boolean d) {
        return isNaN(v, d) && (d ? (v & 0x0008000000000000L) == 0 : (v & 0x00400000L) == 0);
    }

    static long quiet(long v, boolean d) { return d ? v | 0x0008000000000000L : (v | 0x00400000L) & 0xffffffffL; }

    static boolean isInf(long v, boolean d) {
        return d ? (v & 0x7fffffffffffffffL) == 0x7ff0000000000000L : (v & 0x7fffffffL) == 0x7f800000L;
    }

    static boolean isDenormal(long v, boolean d) {
        return d ? (v & 0x7ff0000000000000L) == 0 && (v & 0xfffffffffffffL) != 0
                : (v & 0x7f800000L) == 0 && (v & 0x7fffffL) != 0;
    }

    static boolean isZero(long v, boolean d) { return d ? (v & 0x7fffffffffffffffL) == 0 : (v & 0x7fffffffL) == 0; }

    static boolean sign(long v, boolean d) { return d ? v < 0 : (v & 0x80000000L) != 0; }

    private static long inf(boolean s, boolean d) {
        return d ? (s ? 0xfff0000000000000L : 0x7ff0000000000000L) : (s ? 0xff800000L : 0x7f800000L);
    }

    private static long zero(boolean s, boolean d) { return s ? (d ? Long.MIN_VALUE : 0x80000000L) : 0; }

    /** Applies DAZ and raises DE for a denormal operand; returns the operand to use. */
    private long input(long v, boolean d) {
        if (isDenormal(v, d)) {
            if (daz) return zero(sign(v, d), d);
            flags |= DE;
        }
        return v;
    }

    private long daz(long v, boolean d) { return daz && isDenormal(v, d) ? zero(sign(v, d), d) : v; }

    private static SoftFloat.Value unpack(long v, boolean d) {
        return d ? SoftFloat.unpack64(v) : SoftFloat.unpack32((int) v);
    }

    private long pack(SoftFloat.Packed p, boolean d) {
        flags |= p.flags;
        return p.bits(d ? SoftFloat.F64 : SoftFloat.F32) & (d ? -1L : 0xffffffffL);
    }

    /** NaN propagation for two operands: the first NaN, quieted; IE if either is signalling. */
    private long nan2(long a, long b, boolean d) {
        if (isSNaN(a, d) || isSNaN(b, d)) flags |= IE;
        return isNaN(a, d) ? quiet(a, d) : quiet(b, d);
    }

    // ------------------------------------------------------------------ arithmetic

    public static final int ADD = 0, SUB = 1, MUL = 2, DIV = 3;

    /** ADDSS/SUBSD/MULPS/DIVPD... on one lane. */
    public long arith(int op, long a, long b, boolean d) {
        if (isNaN(a, d) || isNaN(b, d)) return nan2(a, b, d);
        if (op == DIV && isZero(daz(b, d), d) && !isZero(daz(a, d), d) && !isInf(a, d)) {
            flags |= ZE; // x / 0: ZE alone, even for a denormal dividend (as the host reports)
            return inf(sign(a, d) ^ sign(b, d), d);
        }
        a = input(a, d);
        b = input(b, d);
        boolean ia = isInf(a, d), ib = isInf(b, d);
        boolean sa = sign(a, d), sb = sign(b, d);
        if (op == SUB) { b ^= d ? Long.MIN_VALUE : 0x80000000L; sb = !sb; op = ADD; }
        switch (op) {
            case ADD -> {
                if (ia && ib && sa != sb) { flags |= IE; return d ? QNAN64 : QNAN32; }
                if (ia) return a;
                if (ib) return b;
            }
            case MUL -> {
                if ((ia && isZero(b, d)) || (ib && isZero(a, d))) { flags |= IE; return d ? QNAN64 : QNAN32; }
                if (ia || ib) return inf(sa ^ sb, d);
            }
            default -> { // DIV
                if (ia && ib || isZero(a, d) && isZero(b, d)) { flags |= IE; return d ? QNAN64 : QNAN32; }
                if (ia) return inf(sa ^ sb, d);
                if (ib) return zero(sa ^ sb, d);
                if (isZero(b, d)) { flags |= ZE; return inf(sa ^ sb, d); }
            }
        }
        if (rc == SoftFloat.RN && !isZero(a, d) && !isZero(b, d)) {
            long fast = d ? fast64(op, a, b) : fast32(op, a, b);
            if (fast != NO_FAST) return fast;
        }
        SoftFloat.Format f = d ? f64 : f32;
        SoftFloat.Value x = unpack(a, d), y = unpack(b, d);
        return pack(switch (op) {
            case ADD -> SoftFloat.add(x, y, f, rc, ftz);
            case MUL -> SoftFloat.mul(x, y, f, rc, ftz);
            default -> SoftFloat.div(x, y, f, rc, ftz);
        }, d);
    }

    private static final long NO_FAST = 0x7ff4000000000badL;

    private long fast64(int op, long a, long b) {
        double x = Double.longBitsToDouble(a), y = Double.longBitsToDouble(b);
        double r, err;
        switch (op) {
            case ADD -> {
                r = x + y;
                double bv = r - x;
                err = (x - (r - bv)) + (y - bv);
            }
            case MUL -> {
                r = x * y;
                err = Math.fma(x, y, -r);
            }
            default -> {
                r = x / y;
                err = Math.fma(-r, y, x);
            }
        }
        // the error terms are exact only away from the subnormal range
        double ar = Math.abs(r);
        if (!(ar >= 0x1p-900 && ar <= Double.MAX_VALUE) || Math.abs(x) < 0x1p-900 || Math.abs(y) < 0x1p-900) return NO_FAST;
        if (err != 0) flags |= PE;
        return Double.doubleToRawLongBits(r);
    }

    private long fast32(int op, long a, long b) {
        double x = Float.intBitsToFloat((int) a), y = Float.intBitsToFloat((int) b);
        double r, err;
        switch (op) {
            case ADD -> {
                r = x + y;
                double bv = r - x;
                err = (x - (r - bv)) + (y - bv);
            }
            case MUL -> {
                r = x * y;
                err = 0;
            }
            default -> {
                r = x / y;
                err = Math.fma(-r, y, x);
            }
        }
        float f = (float) r;
        float af = Math.abs(f);
        if (!(af >= Float.MIN_NORMAL && af <= Float.MAX_VALUE)) return NO_FAST;
        if (err != 0 || f != r) flags |= PE;
        return Float.floatToRawIntBits(f) & 0xffffffffL;
    }

    public long sqrt(long a, boolean d) {
        if (isNaN(a, d)) {
            if (isSNaN(a, d)) flags |= IE;
            return quiet(a, d);
        }
        if (isDenormal(a, d) && daz) a = zero(sign(a, d), d);
        if (isZero(a, d)) return a;
        if (sign(a, d)) { flags |= IE; return d ? QNAN64 : QNAN32; } // a negative denormal: IE, not DE
        a = input(a, d);
        if (isInf(a, d)) return a;
        if (rc == SoftFloat.RN && !isDenormal(a, d) && Math.abs(d ? Double.longBitsToDouble(a) : Float.intBitsToFloat((int) a)) >= 0x1p-900) {
            if (d) {
                double x = Double.longBitsToDouble(a), r = Math.sqrt(x);
                if (Math.fma(-r, r, x) != 0) flags |= PE;
                return Double.doubleToRawLongBits(r);
            }
            double x = Float.intBitsToFloat((int) a), r = Math.sqrt(x);
            float f = (float) r;
            if (f != r || Math.fma(-r, r, x) != 0) flags |= PE;
            return Float.floatToRawIntBits(f) & 0xffffffffL;
        }
        return pack(SoftFloat.sqrt(unpack(a, d), d ? f64 : f32, rc, ftz), d);
    }

    /** MINPS/MAXSD...: the second operand when either is a NaN or both are zeros; IE for any NaN. */
    public long minMax(boolean max, long a, long b, boolean d) {
        if (isNaN(a, d) || isNaN(b, d)) {
            flags |= IE;
            return isDenormal(b, d) && daz ? zero(sign(b, d), d) : b;
        }
        long x = input(a, d), y = input(b, d); // with DAZ a denormal operand is returned as zero
        if (isZero(x, d) && isZero(y, d)) return y;
        int c = compareOrdered(x, y, d);
        if (max) return c > 0 ? x : y;
        return c < 0 ? x : y;
    }

    private static int compareOrdered(long a, long b, boolean d) {
        if (d) return Double.compare(Double.longBitsToDouble(a) + 0.0, Double.longBitsToDouble(b) + 0.0);
        return Float.compare(Float.intBitsToFloat((int) a) + 0.0f, Float.intBitsToFloat((int) b) + 0.0f);
    }

    /** CMPPS/CMPSD predicate 0-7 (SSE); true for an all-ones lane. */
    public boolean compare(int pred, long a, long b, boolean d) {
        boolean unordered = isNaN(a, d) || isNaN(b, d);
        boolean signalling = pred == 1 || pred == 2 || pred == 5 || pred == 6;
        if (unordered) {
            if (signalling || isSNaN(a, d) || isSNaN(b, d)) flags |= IE;
        } else {
            a = input(a, d);
            b = input(b, d);
        }
        int c = unordered ? 0 : compareOrdered(a, b, d);
        return switch (pred & 7) {
            case 0 -> !unordered && c == 0;
            case 1 -> !unordered && c < 0;
            case 2 -> !unordered && c <= 0;
            case 3 -> unordered;
            case 4 -> unordered || c != 0;
            case 5 -> unordered || c >= 0;
            case 6 -> unordered || c > 0;
            default -> !unordered;
        };
    }

    /** COMISS/UCOMISD: ZF PF CF as 0 (greater), CF (less), ZF (equal), all three (unordered). */
    public int comi(long a, long b, boolean d, boolean signalling) {
        if (isNaN(a, d) || isNaN(b, d)) {
            if (signalling || isSNaN(a, d) || isSNaN(b, d)) flags |= IE;
            return 0x45; // ZF | PF | CF
        }
        int c = compareOrdered(input(a, d), input(b, d), d);
        return c == 0 ? 0x40 : c < 0 ? 0x01 : 0;
    }

    // ------------------------------------------------------------------ conversions

    /** CVTSS2SD / CVTSD2SS and the packed forms. */
    public long convert(long a, boolean fromDouble) {
        boolean d = fromDouble;
        if (isNaN(a, d)) {
            if (isSNaN(a, d)) flags |= IE;
            long q = quiet(a, d);
            if (d) return ((q >>> 32) & 0x80000000L) | 0x7fc00000L | ((q >>> 29) & 0x3fffffL);
            return ((q & 0x80000000L) << 32) | 0x7ff8000000000000L | ((q & 0x3fffffL) << 29);
        }
        a = input(a, d);
        if (isInf(a, d)) return inf(sign(a, d), !d);
        if (isZero(a, d)) return zero(sign(a, d), !d);
        if (!d) return Double.doubleToRawLongBits(Float.intBitsToFloat((int) a)); // exact
        return pack(SoftFloat.round(sign(a, d), unpack(a, d).m, unpack(a, d).e, false, f32, rc, ftz), false);
    }

    /** CVT(T)SS2SI & co.: the integer indefinite (sign bit only) and IE on NaN or overflow. */
    public long toInt(long a, boolean d, int bits, boolean truncate) {
        long indefinite = bits == 64 ? Long.MIN_VALUE : 0x80000000L;
        if (isNaN(a, d) || isInf(a, d)) { flags |= IE; return indefinite; }
        if (isDenormal(a, d) && daz) a = zero(sign(a, d), d); // conversions to integer never raise DE
        int[] fl = {0};
        Long v = SoftFloat.toInt(unpack(a, d), bits, truncate ? SoftFloat.RZ : rc, fl);
        if (v == null) { flags |= IE; return indefinite; }
        flags |= fl[0] & 0x3f;
        return bits == 64 ? v : v & 0xffffffffL;
    }

    /** CVTSI2SS/SD, CVTDQ2PS/PD. */
    public long fromInt(long v, boolean d) {
        if (v == 0) return 0;
        SoftFloat.Value x = SoftFloat.fromLong(v);
        return pack(SoftFloat.round(x.sign, x.m, 0, false, d ? SoftFloat.F64 : SoftFloat.F32, rc, false), d);
    }

    /** ROUNDSS/SD/PS/PD: imm bits 1:0 mode, bit 2 use MXCSR.RC, bit 3 suppress PE. */
    public long roundIntegral(long a, boolean d, int imm) {
        if (isNaN(a, d)) {
            if (isSNaN(a, d)) flags |= IE;
            return quiet(a, d);
        }
        if (isDenormal(a, d) && daz) a = zero(sign(a, d), d); // ROUNDxx never raises DE
        if (isInf(a, d) || isZero(a, d)) return a;
        int mode = (imm & 4) != 0 ? rc : imm & 3;
        SoftFloat.Packed p = SoftFloat.roundToIntegral(unpack(a, d), d ? SoftFloat.F64 : SoftFloat.F32, mode, (imm & 8) == 0);
        if (p.exp == 0 && p.sig == 0) p.sign = sign(a, d); // a zero result keeps the operand's sign
        return pack(p, d);
    }

    /** True when DE, IE etc. of the lane would raise #XM under the given masks. */
    public static boolean unmasked(int flags, int mxcsr) { return (flags & ~(mxcsr >> 7) & 0x3f) != 0; }
}
