package org.multios.isa.x86.fp;

import java.math.BigInteger;

/**
 * An x87 80-bit extended-precision value (SDM Vol. 1 4.2.2): sign and 15-bit exponent in
 * {@code se}, the 64-bit significand with its explicit integer bit in {@code sig}. Classes
 * and the exact conversions from and to the memory formats live here; arithmetic is
 * {@link SoftFloat} at the precision the control word selects.
 */
public record Extended(int se, long sig) {
    public static final Extended INDEFINITE = new Extended(0xffff, 0xc000000000000000L);
    public static final Extended ZERO = new Extended(0, 0), ONE = new Extended(0x3fff, 1L << 63);
    static final long J = 1L << 63;

    public boolean sign() { return (se & 0x8000) != 0; }

    public int exp() { return se & 0x7fff; }

    public boolean isNaN() { return exp() == 0x7fff && (sig & J) != 0 && (sig << 1) != 0; }

    public boolean isSNaN() { return isNaN() && (sig & (1L << 62)) == 0; }

    public boolean isInf() { return exp() == 0x7fff && sig == J; }

    public boolean isZero() { return exp() == 0 && sig == 0; }

    public boolean isDenormal() { return exp() == 0 && sig != 0; }

    /** Unnormals, pseudo-infinities and pseudo-NaNs: invalid operands on every x87 since the 387. */
    public boolean isUnsupported() { return exp() != 0 && (sig & J) == 0; }

    public Extended quiet() { return new Extended(se, sig | (1L << 62)); }

    public Extended negate() { return new Extended(se ^ 0x8000, sig); }

    public Extended abs() { return new Extended(se & 0x7fff, sig); }

    public static Extended of(SoftFloat.Packed p) { return new Extended((p.sign ? 0x8000 : 0) | p.exp, p.sig); }

    public static Extended inf(boolean sign) { return new Extended((sign ? 0x8000 : 0) | 0x7fff, J); }

    public static Extended zero(boolean sign) { return new Extended(sign ? 0x8000 : 0, 0); }

    public SoftFloat.Value unpack() { return SoftFloat.unpack80(se, sig); }

    /** From a single (exact; an SNaN becomes quiet with IE in flags[0]; a denormal raises DE). */
    public static Extended fromFloat(int bits, int[] flags) {
        boolean s = bits < 0;
        int ex = (bits >>> 23) & 0xff;
        long frac = bits & 0x7fffffL;
        if (ex == 0xff) {
            if (frac == 0) return inf(s);
            if ((frac & 0x400000) == 0) flags[0] |= SoftFloat.IE;
            return new Extended((s ? 0x8000 : 0) | 0x7fff, J | (1L << 62) | (frac << 40));
        }
        if (ex == 0 && frac == 0) return zero(s);
        if (ex == 0) flags[0] |= SoftFloat.DE;
        return of(SoftFloat.round(s, SoftFloat.unpack32(bits).m, SoftFloat.unpack32(bits).e, false, SoftFloat.F80, 0, false));
    }

    public static Extended fromDouble(long bits, int[] flags) {
        boolean s = bits < 0;
        int ex = (int) (bits >>> 52) & 0x7ff;
        long frac = bits & 0xfffffffffffffL;
        if (ex == 0x7ff) {
            if (frac == 0) return inf(s);
            if ((frac & (1L << 51)) == 0) flags[0] |= SoftFloat.IE;
            return new Extended((s ? 0x8000 : 0) | 0x7fff, J | (1L << 62) | (frac << 11));
        }
        if (ex == 0 && frac == 0) return zero(s);
        if (ex == 0) flags[0] |= SoftFloat.DE;
        SoftFloat.Value v = SoftFloat.unpack64(bits);
        return of(SoftFloat.round(s, v.m, v.e, false, SoftFloat.F80, 0, false));
    }

    public static Extended fromLong(long v) {
        if (v == 0) return ZERO;
        SoftFloat.Value x = SoftFloat.fromLong(v);
        return of(SoftFloat.round(x.sign, x.m, 0, false, SoftFloat.F80, 0, false));
    }

    /** As {@link #fromFloat} but a signalling NaN stays signalling (an arithmetic operand). */
    public static Extended rawFromFloat(int bits, int[] flags) {
        if ((bits & 0x7f800000) == 0x7f800000 && (bits & 0x7fffff) != 0) {
            return new Extended((bits < 0 ? 0x8000 : 0) | 0x7fff, J | ((bits & 0x7fffffL) << 40));
        }
        return fromFloat(bits, flags);
    }

    public static Extended rawFromDouble(long bits, int[] flags) {
        if ((bits & 0x7ff0000000000000L) == 0x7ff0000000000000L && (bits & 0xfffffffffffffL) != 0) {
            return new Extended((bits < 0 ? 0x8000 : 0) | 0x7fff, J | ((bits & 0xfffffffffffffL) << 11));
        }
        return fromDouble(bits, flags);
    }

    /** To a single or double with rounding mode rc; NaNs keep their top payload bits. */
    public long toBinary(boolean dbl, int rc, int[] flags) {
        boolean s = sign();
        if (isNaN() || isUnsupported()) {
            Extended q = isUnsupported() ? INDEFINITE : this;
            if (isSNaN() || isUnsupported()) flags[0] |= SoftFloat.IE;
            long payload = q.sig << 1; // drop the integer bit
            if (dbl) return (q.sign() ? Long.MIN_VALUE : 0) | 0x7ff8000000000000L | (payload >>> 12);
            return (q.sign() ? 0x80000000L : 0) | 0x7fc00000L | (payload >>> 41);
        }
        if (isInf()) return dbl ? (s ? 0xfff0000000000000L : 0x7ff0000000000000L) : (s ? 0xff800000L : 0x7f800000L);
        if (isZero()) return s ? (dbl ? Long.MIN_VALUE : 0x80000000L) : 0; // FST raises no DE
        SoftFloat.Value v = unpack();
        SoftFloat.Packed p = SoftFloat.round(s, v.m, v.e, false, dbl ? SoftFloat.F64 : SoftFloat.F32, rc, false);
        flags[0] |= p.flags;
        if (p.up) flags[0] |= C1_UP;
        return p.bits(dbl ? SoftFloat.F64 : SoftFloat.F32) & (dbl ? -1L : 0xffffffffL);
    }

    /** A pseudo-flag returned with the exception flags: the result was rounded up (x87 C1). */
    public static final int C1_UP = 1 << 16;

    public BigInteger significand() { return new BigInteger(Long.toUnsignedString(sig)); }
}
