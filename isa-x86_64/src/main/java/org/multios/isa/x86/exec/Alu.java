package org.multios.isa.x86.exec;

import org.multios.isa.x86.LazyFlags;
import org.multios.isa.x86.X86Fault;

/**
 * Integer arithmetic of the general-purpose instructions (SDM Vol. 1 chapter 7, Vol. 2
 * instruction pages), producing results and the flags they define. Results are masked to
 * the operand size; flags go to {@link LazyFlags}.
 */
final class Alu {
    private Alu() {}

    static long mask(int size) { return LazyFlags.mask(size); }

    static long signBit(int size) { return 1L << (size * 8 - 1); }

    static long signExtend(long v, int size) {
        int s = 64 - size * 8;
        return size == 8 ? v : (v << s) >> s;
    }

    /** ADD OR ADC SBB AND SUB XOR CMP by their /r number (0-7). */
    static long binary(LazyFlags f, int op, int size, long a, long b) {
        long m = mask(size);
        a &= m;
        b &= m;
        long r;
        switch (op) {
            case 0 -> { r = (a + b) & m; f.setArith(LazyFlags.ADD, size, a, b, r); }
            case 1 -> { r = a | b; f.setArith(LazyFlags.LOGIC, size, a, b, r); }
            case 2 -> {
                boolean c = f.cf();
                r = (a + b + (c ? 1 : 0)) & m;
                f.setArithWithCarry(LazyFlags.ADC, size, a, b, r, c);
            }
            case 3 -> {
                boolean c = f.cf();
                r = (a - b - (c ? 1 : 0)) & m;
                f.setArithWithCarry(LazyFlags.SBB, size, a, b, r, c);
            }
            case 4 -> { r = a & b; f.setArith(LazyFlags.LOGIC, size, a, b, r); }
            case 5, 7 -> { r = (a - b) & m; f.setArith(LazyFlags.SUB, size, a, b, r); }
            case 6 -> { r = a ^ b; f.setArith(LazyFlags.LOGIC, size, a, b, r); }
            default -> throw new IllegalArgumentException("ALU op " + op);
        }
        return r;
    }

    static long inc(LazyFlags f, int size, long a) {
        long r = (a + 1) & mask(size);
        f.setArith(LazyFlags.INC, size, a, 1, r);
        return r;
    }

    static long dec(LazyFlags f, int size, long a) {
        long r = (a - 1) & mask(size);
        f.setArith(LazyFlags.DEC, size, a, 1, r);
        return r;
    }

    static long neg(LazyFlags f, int size, long a) {
        long r = (-a) & mask(size);
        f.setArith(LazyFlags.SUB, size, 0, a & mask(size), r);
        return r;
    }

    private static long szp(long r, int size) {
        long m = mask(size);
        return ((r & m) == 0 ? LazyFlags.ZF : 0) | ((r & signBit(size)) != 0 ? LazyFlags.SF : 0)
                | ((Long.bitCount(r & 0xff) & 1) == 0 ? LazyFlags.PF : 0);
    }

    /**
     * ROL ROR RCL RCR SHL SHR (SAL) SAR by their /r number. The count is masked to 5 bits
     * (6 for 64-bit operands); a zero count changes nothing, flags included.
     */
    static long shift(LazyFlags f, int op, int size, long a, int count) {
        int bits = size * 8;
        count &= size == 8 ? 0x3f : 0x1f;
        long m = mask(size);
        a &= m;
        if (count == 0) return a;
        long old = f.arith();
        long sb = signBit(size);
        long r;
        boolean cf, of;
        switch (op) {
            case 0 -> { // ROL
                int c = count % bits;
                r = c == 0 ? a : ((a << c) | (a >>> (bits - c))) & m;
                cf = (r & 1) != 0;
                of = ((r & sb) != 0) ^ cf;
                f.setExplicit((old & ~(LazyFlags.CF | LazyFlags.OF)) | (cf ? LazyFlags.CF : 0) | (of ? LazyFlags.OF : 0));
                return r;
            }
            case 1 -> { // ROR
                int c = count % bits;
                r = c == 0 ? a : ((a >>> c) | (a << (bits - c))) & m;
                cf = (r & sb) != 0;
                of = ((r & sb) != 0) ^ ((r & (sb >>> 1)) != 0);
                f.setExplicit((old & ~(LazyFlags.CF | LazyFlags.OF)) | (cf ? LazyFlags.CF : 0) | (of ? LazyFlags.OF : 0));
                return r;
            }
            case 2, 3 -> { // RCL, RCR through CF: rotate over bits+1
                int c = count % (bits + 1);
                boolean carry = (old & LazyFlags.CF) != 0;
                r = a;
                for (int i = 0; i < c; i++) {
                    if (op == 2) {
                        boolean out = (r & sb) != 0;
                        r = ((r << 1) | (carry ? 1 : 0)) & m;
                        carry = out;
                    } else {
                        boolean out = (r & 1) != 0;
                        r = (r >>> 1) | (carry ? sb : 0);
                        carry = out;
                    }
                }
                if (op == 2) of = ((r & sb) != 0) ^ carry;
                else of = ((r & sb) != 0) ^ ((r & (sb >>> 1)) != 0);
                f.setExplicit((old & ~(LazyFlags.CF | LazyFlags.OF)) | (carry ? LazyFlags.CF : 0) | (of ? LazyFlags.OF : 0));
                return r;
            }
            case 4, 6 -> { // SHL/SAL
                r = count >= 64 ? 0 : (a << count) & m;
                cf = count <= bits && ((a >>> (bits - count)) & 1) != 0;
                of = ((r & sb) != 0) ^ cf;
            }
            case 5 -> { // SHR
                r = a >>> count;
                cf = ((a >>> (count - 1)) & 1) != 0;
                of = (a & sb) != 0;
            }
            case 7 -> { // SAR
                long s = signExtend(a, size);
                r = (s >> count) & m;
                cf = ((s >> (count - 1)) & 1) != 0;
                of = false;
            }
            default -> throw new IllegalArgumentException("shift op " + op);
        }
        // AF is undefined for shifts; hardware leaves it as it was computed (we keep the old value)
        f.setExplicit(szp(r, size) | (cf ? LazyFlags.CF : 0) | (of ? LazyFlags.OF : 0) | (old & LazyFlags.AF));
        return r;
    }

    /** SHLD (left) / SHRD: shifts {@code a} filling from {@code b}. */
    static long doubleShift(LazyFlags f, boolean left, int size, long a, long b, int count) {
        int bits = size * 8;
        count &= size == 8 ? 0x3f : 0x1f;
        long m = mask(size);
        a &= m;
        b &= m;
        if (count == 0) return a;
        long r;
        boolean cf;
        if (size == 2 && count > 16) {
            // undefined result for 16-bit counts over 16; model as a 32-bit composite like hardware does
            count &= 0x1f;
        }
        if (left) {
            r = count == bits ? b : ((a << count) | (b >>> (bits - count))) & m;
            cf = ((a >>> (bits - count)) & 1) != 0;
        } else {
            r = count == bits ? b : ((a >>> count) | (b << (bits - count))) & m;
            cf = ((a >>> (count - 1)) & 1) != 0;
        }
        boolean of = ((r ^ a) & signBit(size)) != 0;
        f.setExplicit(szp(r, size) | (cf ? LazyFlags.CF : 0) | (of ? LazyFlags.OF : 0) | (f.arith() & LazyFlags.AF));
        return r;
    }

    /** Two-/three-operand IMUL: truncated product; CF = OF = the product did not fit. */
    static long imul(LazyFlags f, int size, long a, long b) {
        long sa = signExtend(a, size), sb = signExtend(b, size);
        long lo = sa * sb;
        boolean overflow;
        if (size == 8) overflow = Math.multiplyHigh(sa, sb) != (lo >> 63);
        else overflow = signExtend(lo, size) != lo;
        long r = lo & mask(size);
        f.setExplicit(szp(r, size) | (overflow ? LazyFlags.CF | LazyFlags.OF : 0));
        return r;
    }

    /** One-operand MUL/IMUL: returns {low, high}. */
    static long[] widenMul(LazyFlags f, boolean signed, int size, long a, long b) {
        long m = mask(size);
        long lo, hi;
        if (size == 8) {
            if (signed) {
                lo = a * b;
                hi = Math.multiplyHigh(a, b);
            } else {
                lo = a * b;
                hi = Math.unsignedMultiplyHigh(a, b);
            }
        } else {
            long p = signed ? signExtend(a, size) * signExtend(b, size) : (a & m) * (b & m);
            lo = p & m;
            hi = (p >> (size * 8)) & m;
        }
        boolean overflow = signed ? hi != (signExtend(lo, size) < 0 ? m : 0) : hi != 0;
        f.setExplicit(szp(lo, size) | (overflow ? LazyFlags.CF | LazyFlags.OF : 0));
        return new long[] {lo & m, hi & m};
    }

    /** DIV/IDIV of hi:lo by {@code d}: returns {quotient, remainder}; #DE on zero or overflow. */
    static long[] divide(boolean signed, int size, long hi, long lo, long d) {
        long m = mask(size);
        d &= m;
        if (d == 0) throw X86Fault.de();
        if (size == 8) {
            java.math.BigInteger n = new java.math.BigInteger(1, toBytes(hi, lo));
            java.math.BigInteger dv = java.math.BigInteger.valueOf(d);
            if (signed) {
                n = n.testBit(127) ? n.subtract(java.math.BigInteger.ONE.shiftLeft(128)) : n;
                dv = java.math.BigInteger.valueOf(d); // already a signed long
            } else if (d < 0) {
                dv = dv.add(java.math.BigInteger.ONE.shiftLeft(64));
            }
            java.math.BigInteger[] qr = n.divideAndRemainder(dv);
            java.math.BigInteger q = qr[0];
            if (signed ? q.bitLength() > 63 : q.signum() < 0 || q.bitLength() > 64) throw X86Fault.de();
            return new long[] {q.longValue(), qr[1].longValue()};
        }
        int bits = size * 8;
        long n = ((hi & m) << bits) | (lo & m);
        long q, r;
        if (signed) {
            long sn = signExtend(n, size * 2 > 8 ? 8 : size * 2);
            if (size == 4) sn = n; // 64-bit dividend already in a long
            long sd = signExtend(d, size);
            q = sn / sd;
            r = sn % sd;
            if (q != signExtend(q & m, size)) throw X86Fault.de();
        } else {
            q = Long.divideUnsigned(n, d);
            r = Long.remainderUnsigned(n, d);
            if (Long.compareUnsigned(q, m) > 0) throw X86Fault.de();
        }
        return new long[] {q & m, r & m};
    }

    private static byte[] toBytes(long hi, long lo) {
        byte[] b = new byte[16];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (hi >>> (56 - 8 * i));
            b[8 + i] = (byte) (lo >>> (56 - 8 * i));
        }
        return b;
    }
}
