package org.multios.isa.arm64.exec;

import java.math.BigInteger;
import org.multios.isa.arm64.A64Cpu;
import org.multios.isa.arm64.decode.A64Op;
import org.multios.isa.arm64.fp.FpArithmetic;

/**
 * Advanced SIMD arithmetic (Arm ARM C4.1.90), vector and scalar: three registers of the
 * same type, three different (widening/narrowing), two-register miscellaneous, across
 * lanes, pairwise, by element, and shift by immediate. Integer lanes use {@link SimdInteger};
 * floating-point lanes use the CPU's {@link FpArithmetic} under FPCR, as A64 does.
 */
final class A64SimdArithmetic {
    private final A64Cpu cpu;
    private final A64Executor ex;
    private final long[] v;
    private final FpArithmetic fp;
    private final SimdInteger si = new SimdInteger();

    A64SimdArithmetic(A64Cpu cpu, A64Executor ex) {
        this.cpu = cpu;
        this.ex = ex;
        this.v = cpu.vreg;
        this.fp = cpu.fp;
    }

    void execute(A64Op op, int i) {
        cpu.checkFpEnabled();
        si.saturated = false;
        switch (op) {
            case SIMD_3SAME -> threeSame(i, false);
            case SIMD_S_3SAME -> threeSame(i, true);
            case SIMD_3DIFF -> threeDifferent(i);
            case SIMD_S_3DIFF -> scalarThreeDifferent(i);
            case SIMD_2MISC -> twoMisc(i, false);
            case SIMD_S_2MISC -> twoMisc(i, true);
            case SIMD_ACROSS -> acrossLanes(i);
            case SIMD_S_PAIRWISE -> scalarPairwise(i);
            case SIMD_INDEXED -> byElement(i, false);
            case SIMD_S_INDEXED -> byElement(i, true);
            case SIMD_SHIFT_IMM -> shiftImmediate(i, false);
            case SIMD_S_SHIFT_IMM -> shiftImmediate(i, true);
            default -> throw cpu.undefined();
        }
        if (si.saturated) fp.fpsr |= FpArithmetic.QC;
    }

    private static boolean bit(int i, int b) { return (i & (1 << b)) != 0; }

    private long[] reg(int r) { return Vec.read(v, r); }

    // ---------------------------------------------------------------- three same

    private void threeSame(int i, boolean scalar) {
        boolean q = !scalar && bit(i, 30), u = bit(i, 29);
        int size = (i >>> 22) & 3, opcode = (i >>> 11) & 31;
        int rd = A64Executor.rd(i);
        long[] n = reg(A64Executor.rn(i)), m = reg(A64Executor.rm(i)), d = reg(rd);
        if (opcode >= 0x18) {
            fpThreeSame(i, scalar, q, u, opcode, n, m, d);
            return;
        }
        if (opcode == 3) { // bitwise: whole register
            if (scalar) throw cpu.undefined();
            long[] r = new long[2];
            for (int k = 0; k < 2; k++) {
                long a = n[k], b = m[k], c = d[k];
                r[k] = switch ((u ? 4 : 0) | size) {
                    case 0 -> a & b;
                    case 1 -> a & ~b;
                    case 2 -> a | b;
                    case 3 -> a | ~b;
                    case 4 -> a ^ b;
                    case 5 -> (c & a) | (~c & b);   // BSL
                    case 6 -> (b & a) | (~b & c);   // BIT
                    default -> (~b & a) | (b & c);  // BIF
                };
            }
            Vec.write(v, rd, r, q);
            return;
        }
        int esize = 8 << size;
        if (scalar) {
            boolean ok = switch (opcode) {
                case 1, 5, 9, 11 -> true;
                case 6, 7, 8, 10, 16, 17 -> size == 3;
                case 22 -> size == 1 || size == 2;
                default -> false;
            };
            if (!ok) throw cpu.undefined();
            Vec.writeScalar(v, rd, intSame(u, opcode, n[0] & Vec.mask(esize), m[0] & Vec.mask(esize), d[0], esize), esize);
            return;
        }
        if (size == 3 && !q) throw cpu.undefined();
        boolean ok = switch (opcode) {
            case 0, 2, 4, 12, 13, 14, 15, 18, 20, 21 -> size != 3;
            case 19 -> u ? size == 0 : size != 3;
            case 22 -> size == 1 || size == 2;
            case 23 -> !u;
            default -> true;
        };
        if (!ok) throw cpu.undefined();
        int elements = (q ? 128 : 64) / esize;
        long[] r = new long[2];
        if (opcode == 20 || opcode == 21 || opcode == 23) { // pairwise over n:m
            for (int e = 0; e < elements; e++) {
                long[] src = 2 * e < elements ? n : m;
                int k = (2 * e) % elements;
                long a = Vec.get(src, k, esize), b = Vec.get(src, k + 1, esize);
                long x = opcode == 23 ? a + b : intSame(u, opcode - 8, a, b, 0, esize); // MAXP/MINP as MAX/MIN
                Vec.set(r, e, esize, x);
            }
        } else {
            for (int e = 0; e < elements; e++) {
                Vec.set(r, e, esize, intSame(u, opcode, Vec.get(n, e, esize), Vec.get(m, e, esize), Vec.get(d, e, esize), esize));
            }
        }
        Vec.write(v, rd, r, q);
    }

    /** One lane of an integer three-same operation (operands zero-extended esize-bit values). */
    private long intSame(boolean u, int opcode, long a, long b, long acc, int esize) {
        long sa = Vec.sx(a, esize), sb = Vec.sx(b, esize);
        long mask = Vec.mask(esize);
        long r = switch (opcode) {
            case 0 -> u ? (a + b) >>> 1 : (sa + sb) >> 1;
            case 1 -> sat(u, SimdInteger.value(a, esize, u).add(SimdInteger.value(b, esize, u)), esize);
            case 2 -> u ? (a + b + 1) >>> 1 : (sa + sb + 1) >> 1;
            case 4 -> u ? (a - b) >> 1 : (sa - sb) >> 1;
            case 5 -> sat(u, SimdInteger.value(a, esize, u).subtract(SimdInteger.value(b, esize, u)), esize);
            case 6 -> (u ? Long.compareUnsigned(a, b) > 0 : sa > sb) ? -1 : 0;
            case 7 -> (u ? Long.compareUnsigned(a, b) >= 0 : sa >= sb) ? -1 : 0;
            case 8 -> si.shiftByRegister(a, b, esize, u, false, false);
            case 9 -> si.shiftByRegister(a, b, esize, u, false, true);
            case 10 -> si.shiftByRegister(a, b, esize, u, true, false);
            case 11 -> si.shiftByRegister(a, b, esize, u, true, true);
            case 12 -> (u ? Long.compareUnsigned(a, b) >= 0 : sa >= sb) ? a : b;
            case 13 -> (u ? Long.compareUnsigned(a, b) <= 0 : sa <= sb) ? a : b;
            case 14 -> u ? Math.abs(a - b) : Math.abs(sa - sb);
            case 15 -> acc + (u ? Math.abs(a - b) : Math.abs(sa - sb));
            case 16 -> u ? a - b : a + b;
            case 17 -> u ? (((a ^ b) & mask) == 0 ? -1 : 0) : ((a & b & mask) != 0 ? -1 : 0);
            case 18 -> u ? acc - a * b : acc + a * b;
            case 19 -> u ? SimdInteger.polyMul(a, b, esize) : a * b;
            case 22 -> { // SQDMULH / SQRDMULH
                BigInteger p = BigInteger.valueOf(sa).multiply(BigInteger.valueOf(sb)).shiftLeft(1);
                if (u) p = p.add(BigInteger.ONE.shiftLeft(esize - 1));
                yield si.satSigned(p.shiftRight(esize), esize);
            }
            default -> throw cpu.undefined();
        };
        return r & mask;
    }

    private long sat(boolean uns, BigInteger x, int esize) {
        return uns ? si.satUnsigned(x, esize) : si.satSigned(x, esize);
    }

    private void fpThreeSame(int i, boolean scalar, boolean q, boolean u, int opcode, long[] n, long[] m, long[] d) {
        boolean a = bit(i, 23);
        int sz = (i >>> 22) & 1, esize = 32 << sz;
        if (!scalar && sz == 1 && !q) throw cpu.undefined();
        int key = (u ? 0x40 : 0) | (a ? 0x20 : 0) | opcode;
        int rd = A64Executor.rd(i);
        boolean pairwise = key == 0x58 || key == 0x78 || key == 0x5a || key == 0x5e || key == 0x7e;
        if (scalar) {
            boolean ok = key == 0x1b || key == 0x1c || key == 0x5c || key == 0x7c || key == 0x5d || key == 0x7d
                    || key == 0x1f || key == 0x3f || key == 0x7a;
            if (!ok) throw cpu.undefined();
            Vec.writeScalar(v, rd, fpSame(key, n[0] & Vec.mask(esize), m[0] & Vec.mask(esize), 0, esize), esize);
            return;
        }
        int elements = (q ? 128 : 64) / esize;
        long[] r = new long[2];
        for (int e = 0; e < elements; e++) {
            long x, y;
            if (pairwise) {
                long[] src = 2 * e < elements ? n : m;
                int k = (2 * e) % elements;
                x = Vec.get(src, k, esize);
                y = Vec.get(src, k + 1, esize);
            } else {
                x = Vec.get(n, e, esize);
                y = Vec.get(m, e, esize);
            }
            Vec.set(r, e, esize, fpSame(key, x, y, Vec.get(d, e, esize), esize));
        }
        Vec.write(v, rd, r, q);
    }

    /** One lane of a floating-point three-same operation; key = U:a:opcode. */
    private long fpSame(int key, long x, long y, long acc, int n) {
        long sign = 1L << (n - 1), ones = Vec.mask(n);
        return switch (key) {
            case 0x18, 0x58 -> fp.maxNum(x, y, n);
            case 0x38, 0x78 -> fp.minNum(x, y, n);
            case 0x19 -> fp.mulAdd(acc, x, y, n);
            case 0x39 -> fp.mulAdd(acc, x ^ sign, y, n);
            case 0x1a, 0x5a -> fp.add(x, y, n);
            case 0x3a -> fp.sub(x, y, n);
            case 0x7a -> fp.sub(x, y, n) & ~sign;          // FABD
            case 0x1b -> fp.mulx(x, y, n);
            case 0x5b -> fp.mul(x, y, n);
            case 0x1c -> fp.compareEq(x, y, n) ? ones : 0;
            case 0x5c -> fp.compareGe(x, y, n) ? ones : 0;
            case 0x7c -> fp.compareGt(x, y, n) ? ones : 0;
            case 0x5d -> fp.compareGe(x & ~sign, y & ~sign, n) ? ones : 0; // FACGE
            case 0x7d -> fp.compareGt(x & ~sign, y & ~sign, n) ? ones : 0; // FACGT
            case 0x1e, 0x5e -> fp.max(x, y, n);
            case 0x3e, 0x7e -> fp.min(x, y, n);
            case 0x1f -> fp.recipStep(x, y, n);
            case 0x3f -> fp.rsqrtStep(x, y, n);
            case 0x5f -> fp.div(x, y, n);
            default -> throw cpu.undefined();
        };
    }

    // ---------------------------------------------------------------- three different

    private void threeDifferent(int i) {
        boolean q = bit(i, 30), u = bit(i, 29);
        int size = (i >>> 22) & 3, opcode = (i >>> 12) & 15;
        int rd = A64Executor.rd(i);
        long[] n = reg(A64Executor.rn(i)), m = reg(A64Executor.rm(i)), d = reg(rd);
        if (opcode == 14 && !u && (size == 0 || size == 3)) { // PMULL / PMULL2
            long[] r = new long[2];
            if (size == 3) {
                long[] p = SimdInteger.polyMulWide(n[q ? 1 : 0], m[q ? 1 : 0], 64);
                r[0] = p[0];
                r[1] = p[1];
            } else {
                for (int e = 0; e < 8; e++) {
                    long a = Vec.get(n, e + (q ? 8 : 0), 8), b = Vec.get(m, e + (q ? 8 : 0), 8);
                    Vec.set(r, e, 16, SimdInteger.polyMulWide(a, b, 8)[0]);
                }
            }
            Vec.write(v, rd, r, true);
            return;
        }
        if (size == 3) throw cpu.undefined();
        boolean ok = switch (opcode) {
            case 9, 11, 13 -> !u && (size == 1 || size == 2);
            case 14, 15 -> false;
            default -> true;
        };
        if (!ok) throw cpu.undefined();
        int esize = 8 << size, wide = 2 * esize, elements = 64 / esize, part = q ? elements : 0;
        long[] r = new long[2];
        if (opcode == 4 || opcode == 6) { // ADDHN/RADDHN/SUBHN/RSUBHN: high halves of wide sums
            for (int e = 0; e < elements; e++) {
                long a = Vec.get(n, e, wide), b = Vec.get(m, e, wide);
                long s = opcode == 4 ? a + b : a - b;
                long hi;
                if (wide == 64) {
                    BigInteger bs = SimdInteger.unsigned(a, 64).add(opcode == 4 ? SimdInteger.unsigned(b, 64) : SimdInteger.unsigned(b, 64).negate());
                    if (u) bs = bs.add(BigInteger.ONE.shiftLeft(31));
                    hi = bs.shiftRight(32).longValue();
                } else {
                    if (u) s += 1L << (esize - 1);
                    hi = s >>> esize;
                }
                Vec.set(r, e, esize, hi);
            }
            long[] out = q ? new long[] {d[0], r[0]} : new long[] {r[0], 0};
            Vec.write(v, rd, out, q);
            return;
        }
        for (int e = 0; e < elements; e++) {
            long a = Vec.get(n, e + part, esize), b = Vec.get(m, e + part, esize);
            BigInteger ea = SimdInteger.value(a, esize, u), eb = SimdInteger.value(b, esize, u);
            long acc = Vec.get(d, e, wide);
            long res = switch (opcode) {
                case 0 -> ea.add(eb).longValue();
                case 1 -> Vec.get(n, e, wide) + eb.longValue();
                case 2 -> ea.subtract(eb).longValue();
                case 3 -> Vec.get(n, e, wide) - eb.longValue();
                case 5 -> acc + ea.subtract(eb).abs().longValue();
                case 7 -> ea.subtract(eb).abs().longValue();
                case 8 -> acc + ea.multiply(eb).longValue();
                case 10 -> acc - ea.multiply(eb).longValue();
                case 12 -> ea.multiply(eb).longValue();
                case 9 -> si.satSigned(SimdInteger.signed(acc, wide).add(si_sat2(ea.multiply(eb), wide)), wide);
                case 11 -> si.satSigned(SimdInteger.signed(acc, wide).subtract(si_sat2(ea.multiply(eb), wide)), wide);
                case 13 -> si_sat2(ea.multiply(eb), wide).longValue();
                default -> throw cpu.undefined();
            };
            // ADDW/SUBW read the wide first operand elementwise from n
            if (opcode == 1 || opcode == 3) {
                res = opcode == 1 ? Vec.get(n, e, wide) + eb.longValue() : Vec.get(n, e, wide) - eb.longValue();
            }
            Vec.set(r, e, wide, res);
        }
        Vec.write(v, rd, r, true);
    }

    /** SQDMLAL, SQDMLSL, SQDMULL (scalar): h×h→s or s×s→d. */
    private void scalarThreeDifferent(int i) {
        int size = (i >>> 22) & 3, opcode = (i >>> 12) & 15, rd = A64Executor.rd(i);
        if (bit(i, 29) || (size != 1 && size != 2)) throw cpu.undefined();
        int esize = 8 << size, wide = 2 * esize;
        long a = Vec.get(reg(A64Executor.rn(i)), 0, esize), b = Vec.get(reg(A64Executor.rm(i)), 0, esize);
        long acc = Vec.get(reg(rd), 0, wide);
        BigInteger p = SimdInteger.signed(a, esize).multiply(SimdInteger.signed(b, esize));
        long res = switch (opcode) {
            case 9 -> si.satSigned(SimdInteger.signed(acc, wide).add(si_sat2(p, wide)), wide);
            case 11 -> si.satSigned(SimdInteger.signed(acc, wide).subtract(si_sat2(p, wide)), wide);
            case 13 -> si_sat2(p, wide).longValue();
            default -> throw cpu.undefined();
        };
        Vec.writeScalar(v, rd, res, wide);
    }

    /** The doubled product of SQDMULL/SQDMLAL, saturated to the wide element. */
    private BigInteger si_sat2(BigInteger product, int wide) {
        return BigInteger.valueOf(Vec.sx(si.satSigned(product.shiftLeft(1), wide), wide));
    }

    // ---------------------------------------------------------------- two-register miscellaneous

    private void twoMisc(int i, boolean scalar) {
        boolean q = !scalar && bit(i, 30), u = bit(i, 29);
        int size = (i >>> 22) & 3, opcode = (i >>> 12) & 31;
        int rd = A64Executor.rd(i);
        long[] n = reg(A64Executor.rn(i)), d = reg(rd);
        int key = (u ? 0x20 : 0) | opcode;
        boolean fpOp = (opcode >= 0x0c && opcode <= 0x0f && size >= 2) || (opcode >= 0x16 && opcode <= 0x1d)
                || (opcode == 0x1f && size >= 2);
        if (fpOp) {
            fpTwoMisc(i, scalar, q, u, size, opcode, n, d);
            return;
        }
        int esize = 8 << size;
        int datasize = scalar ? esize : q ? 128 : 64;
        int elements = datasize / esize;
        long[] r = new long[2];
        switch (key) {
            case 0x00, 0x20, 0x01 -> { // REV64, REV32, REV16
                if (scalar) throw cpu.undefined();
                int container = key == 0x00 ? 64 : key == 0x20 ? 32 : 16;
                if (esize >= container) throw cpu.undefined();
                int per = container / esize;
                for (int e = 0; e < elements; e++) {
                    int base = e - e % per;
                    Vec.set(r, e, esize, Vec.get(n, base + per - 1 - e % per, esize));
                }
            }
            case 0x02, 0x22, 0x06, 0x26 -> { // SADDLP/UADDLP, SADALP/UADALP
                if (scalar || size == 3) throw cpu.undefined();
                int wide = 2 * esize;
                for (int e = 0; e < datasize / wide; e++) {
                    long a = Vec.get(n, 2 * e, esize), b = Vec.get(n, 2 * e + 1, esize);
                    long s = u ? a + b : Vec.sx(a, esize) + Vec.sx(b, esize);
                    if ((opcode & 4) != 0) s += Vec.get(d, e, wide);
                    Vec.set(r, e, wide, s);
                }
            }
            case 0x03, 0x23 -> { // SUQADD / USQADD
                if (!scalar && size == 3 && !q) throw cpu.undefined();
                for (int e = 0; e < elements; e++) {
                    long a = Vec.get(n, e, esize), acc = Vec.get(d, e, esize);
                    BigInteger s = u ? SimdInteger.unsigned(acc, esize).add(SimdInteger.signed(a, esize))
                            : SimdInteger.signed(acc, esize).add(SimdInteger.unsigned(a, esize));
                    Vec.set(r, e, esize, u ? si.satUnsigned(s, esize) : si.satSigned(s, esize));
                }
            }
            case 0x04, 0x24 -> { // CLS, CLZ
                if (scalar || size == 3) throw cpu.undefined();
                for (int e = 0; e < elements; e++) {
                    long a = Vec.get(n, e, esize);
                    Vec.set(r, e, esize, u ? SimdInteger.countLeadingZeros(a, esize) : SimdInteger.countLeadingSign(a, esize));
                }
            }
            case 0x05 -> { // CNT
                if (scalar || size != 0) throw cpu.undefined();
                for (int e = 0; e < elements; e++) Vec.set(r, e, 8, Long.bitCount(Vec.get(n, e, 8)));
            }
            case 0x25 -> { // NOT, RBIT
                if (scalar || size > 1) throw cpu.undefined();
                for (int e = 0; e < datasize / 8; e++) { // size selects the operation; lanes are bytes
                    long a = Vec.get(n, e, 8);
                    Vec.set(r, e, 8, size == 0 ? ~a : Integer.reverse((int) a) >>> 24);
                }
            }
            case 0x07, 0x27, 0x08, 0x28, 0x09, 0x29, 0x0a, 0x0b, 0x2b -> {
                boolean needs64 = key != 0x07 && key != 0x27;
                if (scalar ? needs64 && size != 3 : size == 3 && !q) throw cpu.undefined();
                for (int e = 0; e < elements; e++) {
                    long a = Vec.get(n, e, esize), s = Vec.sx(a, esize);
                    long x = switch (key) {
                        case 0x07 -> si.satSigned(SimdInteger.signed(a, esize).abs(), esize);
                        case 0x27 -> si.satSigned(SimdInteger.signed(a, esize).negate(), esize);
                        case 0x08 -> s > 0 ? -1 : 0;
                        case 0x28 -> s >= 0 ? -1 : 0;
                        case 0x09 -> s == 0 ? -1 : 0;
                        case 0x29 -> s <= 0 ? -1 : 0;
                        case 0x0a -> s < 0 ? -1 : 0;
                        case 0x0b -> Math.abs(s);
                        default -> -s;
                    };
                    Vec.set(r, e, esize, x);
                }
            }
            case 0x12, 0x32, 0x14, 0x34 -> { // XTN, SQXTUN, SQXTN, UQXTN
                if (size == 3 || (scalar && key == 0x12)) throw cpu.undefined();
                int wide = 2 * esize;
                int count = scalar ? 1 : 64 / esize;
                long[] narrow = new long[2];
                for (int e = 0; e < count; e++) {
                    long a = Vec.get(n, e, wide);
                    long x = switch (key) {
                        case 0x12 -> a;
                        case 0x32 -> si.satUnsigned(SimdInteger.signed(a, wide), esize);
                        case 0x14 -> si.satSigned(SimdInteger.signed(a, wide), esize);
                        default -> si.satUnsigned(SimdInteger.unsigned(a, wide), esize);
                    };
                    Vec.set(narrow, e, esize, x);
                }
                if (scalar) {
                    Vec.writeScalar(v, rd, narrow[0], esize);
                    return;
                }
                writePart(rd, d, narrow[0], q);
                return;
            }
            case 0x33 -> { // SHLL, SHLL2
                if (scalar || size == 3) throw cpu.undefined();
                int count = 64 / esize, part = q ? count : 0;
                for (int e = 0; e < count; e++) Vec.set(r, e, 2 * esize, Vec.get(n, e + part, esize) << esize);
                Vec.write(v, rd, r, true);
                return;
            }
            default -> throw cpu.undefined();
        }
        if (scalar) Vec.writeScalar(v, rd, r[0], esize);
        else Vec.write(v, rd, r, q);
    }

    /** Vpart: a narrowing result goes to the low half (clearing the high) or, for the "2" forms, the high half. */
    private void writePart(int rd, long[] d, long narrow, boolean upper) {
        if (upper) {
            v[2 * rd] = d[0];
            v[2 * rd + 1] = narrow;
        } else {
            v[2 * rd] = narrow;
            v[2 * rd + 1] = 0;
        }
    }

    private void fpTwoMisc(int i, boolean scalar, boolean q, boolean u, int size, int opcode, long[] n, long[] d) {
        int sz = size & 1, rd = A64Executor.rd(i);
        boolean a = (size & 2) != 0;
        int key = (u ? 0x40 : 0) | (a ? 0x20 : 0) | opcode;
        if (opcode == 0x16 || opcode == 0x17) { // FCVTN, FCVTXN, FCVTL
            if (a) throw cpu.undefined();
            if (opcode == 0x16) {
                if (u && sz == 0) throw cpu.undefined();
                int from = sz == 1 ? 64 : 32, to = from / 2;
                int count = scalar ? 1 : 64 / to;
                if (scalar && !u) throw cpu.undefined();
                long[] narrow = new long[2];
                for (int e = 0; e < count; e++) {
                    long x = Vec.get(n, e, from);
                    Vec.set(narrow, e, to, u ? fp.convert(x, 64, 32, FpArithmetic.ODD) : fp.convert(x, from, to, fp.rounding()));
                }
                if (scalar) Vec.writeScalar(v, rd, narrow[0], to);
                else writePart(rd, d, narrow[0], q);
            } else {
                if (u || scalar) throw cpu.undefined();
                int to = sz == 1 ? 64 : 32, from = to / 2;
                int count = 64 / from, part = q ? count : 0;
                long[] r = new long[2];
                for (int e = 0; e < count; e++) Vec.set(r, e, to, fp.convert(Vec.get(n, e + part, from), from, to, fp.rounding()));
                Vec.write(v, rd, r, true);
            }
            return;
        }
        int esize = 32 << sz;
        if (!scalar && sz == 1 && !q) throw cpu.undefined();
        if (scalar && (key == 0x2f || key == 0x6f || key == 0x7f || (opcode >= 0x18 && opcode <= 0x19))) throw cpu.undefined();
        if (!scalar && key == 0x3f) throw cpu.undefined(); // FRECPX is scalar only
        int elements = scalar ? 1 : (q ? 128 : 64) / esize;
        long sign = 1L << (esize - 1), ones = Vec.mask(esize);
        long[] r = new long[2];
        for (int e = 0; e < elements; e++) {
            long x = Vec.get(n, e, esize);
            long y = switch (key) {
                case 0x2c -> fp.compareGt(x, 0, esize) ? ones : 0;
                case 0x6c -> fp.compareGe(x, 0, esize) ? ones : 0;
                case 0x2d -> fp.compareEq(x, 0, esize) ? ones : 0;
                case 0x6d -> fp.compareGe(0, x, esize) ? ones : 0;
                case 0x2e -> fp.compareGt(0, x, esize) ? ones : 0;
                case 0x2f -> x & ~sign;
                case 0x6f -> x ^ sign;
                case 0x7f -> fp.sqrt(x, esize);
                case 0x18 -> fp.roundInt(x, esize, FpArithmetic.RN, false);
                case 0x38 -> fp.roundInt(x, esize, FpArithmetic.RP, false);
                case 0x58 -> fp.roundInt(x, esize, FpArithmetic.TIEAWAY, false);
                case 0x19 -> fp.roundInt(x, esize, FpArithmetic.RM, false);
                case 0x39 -> fp.roundInt(x, esize, FpArithmetic.RZ, false);
                case 0x59 -> fp.roundInt(x, esize, fp.rounding(), true);
                case 0x79 -> fp.roundInt(x, esize, fp.rounding(), false);
                case 0x1a, 0x5a -> fp.toFixed(x, esize, 0, u, FpArithmetic.RN, esize);
                case 0x3a, 0x7a -> fp.toFixed(x, esize, 0, u, FpArithmetic.RP, esize);
                case 0x1b, 0x5b -> fp.toFixed(x, esize, 0, u, FpArithmetic.RM, esize);
                case 0x3b, 0x7b -> fp.toFixed(x, esize, 0, u, FpArithmetic.RZ, esize);
                case 0x1c, 0x5c -> fp.toFixed(x, esize, 0, u, FpArithmetic.TIEAWAY, esize);
                case 0x1d, 0x5d -> fp.fromFixed(x, esize, u, 0, esize, fp.rounding());
                case 0x3d -> fp.recipEstimate(x, esize);   // FRECPE
                case 0x7d -> fp.rsqrtEstimate(x, esize);   // FRSQRTE
                case 0x3f -> fp.recpX(x, esize);           // FRECPX (scalar only)
                case 0x3c, 0x7c -> {                       // URECPE, URSQRTE (32-bit lanes)
                    if (scalar || sz != 0) throw cpu.undefined();
                    yield u ? FpArithmetic.unsignedRSqrtEstimate(x) : FpArithmetic.unsignedRecipEstimate(x);
                }
                default -> throw cpu.undefined();
            };
            Vec.set(r, e, esize, y);
        }
        if (scalar) Vec.writeScalar(v, rd, r[0], esize);
        else Vec.write(v, rd, r, q);
    }

    // ---------------------------------------------------------------- across lanes, pairwise

    private void acrossLanes(int i) {
        boolean q = bit(i, 30), u = bit(i, 29);
        int size = (i >>> 22) & 3, opcode = (i >>> 12) & 31, rd = A64Executor.rd(i);
        long[] n = reg(A64Executor.rn(i));
        if (opcode == 0x0c || opcode == 0x0f) { // FMAXNMV, FMINNMV, FMAXV, FMINV (single precision, 4 lanes)
            if (!u || (size & 1) != 0 || !q) throw cpu.undefined();
            boolean min = (size & 2) != 0, num = opcode == 0x0c;
            long[] l = {Vec.get(n, 0, 32), Vec.get(n, 1, 32), Vec.get(n, 2, 32), Vec.get(n, 3, 32)};
            long lo = fpMinMax(l[0], l[1], min, num), hi = fpMinMax(l[2], l[3], min, num);
            Vec.writeScalar(v, rd, fpMinMax(lo, hi, min, num), 32);
            return;
        }
        if (size == 3 || (size == 2 && !q)) throw cpu.undefined();
        int esize = 8 << size, elements = (q ? 128 : 64) / esize;
        switch (opcode) {
            case 0x03 -> { // SADDLV / UADDLV
                long s = 0;
                for (int e = 0; e < elements; e++) {
                    long a = Vec.get(n, e, esize);
                    s += u ? a : Vec.sx(a, esize);
                }
                Vec.writeScalar(v, rd, s, 2 * esize);
            }
            case 0x0a, 0x1a -> { // SMAXV/UMAXV, SMINV/UMINV
                boolean max = opcode == 0x0a;
                long best = Vec.get(n, 0, esize);
                for (int e = 1; e < elements; e++) {
                    long a = Vec.get(n, e, esize);
                    int c = u ? Long.compareUnsigned(a, best) : Long.compare(Vec.sx(a, esize), Vec.sx(best, esize));
                    if (max ? c > 0 : c < 0) best = a;
                }
                Vec.writeScalar(v, rd, best, esize);
            }
            case 0x1b -> { // ADDV
                if (u) throw cpu.undefined();
                long s = 0;
                for (int e = 0; e < elements; e++) s += Vec.get(n, e, esize);
                Vec.writeScalar(v, rd, s, esize);
            }
            default -> throw cpu.undefined();
        }
    }

    private long fpMinMax(long x, long y, boolean min, boolean num) {
        if (num) return min ? fp.minNum(x, y, 32) : fp.maxNum(x, y, 32);
        return min ? fp.min(x, y, 32) : fp.max(x, y, 32);
    }

    private void scalarPairwise(int i) {
        boolean u = bit(i, 29);
        int size = (i >>> 22) & 3, opcode = (i >>> 12) & 31, rd = A64Executor.rd(i);
        long[] n = reg(A64Executor.rn(i));
        if (!u) {
            if (opcode != 0x1b || size != 3) throw cpu.undefined();
            Vec.writeScalar(v, rd, n[0] + n[1], 64); // ADDP (scalar)
            return;
        }
        int sz = size & 1, esize = 32 << sz;
        boolean a = (size & 2) != 0;
        long x = Vec.get(n, 0, esize), y = Vec.get(n, 1, esize);
        long r = switch ((a ? 0x20 : 0) | opcode) {
            case 0x0c -> fp.maxNum(x, y, esize);
            case 0x2c -> fp.minNum(x, y, esize);
            case 0x0d -> fp.add(x, y, esize);
            case 0x0f -> fp.max(x, y, esize);
            case 0x2f -> fp.min(x, y, esize);
            default -> throw cpu.undefined();
        };
        Vec.writeScalar(v, rd, r, esize);
    }

    // ---------------------------------------------------------------- by element

    private void byElement(int i, boolean scalar) {
        boolean q = !scalar && bit(i, 30), u = bit(i, 29);
        int size = (i >>> 22) & 3, opcode = (i >>> 12) & 15, rd = A64Executor.rd(i);
        int l = (i >>> 21) & 1, mBit = (i >>> 20) & 1, h = (i >>> 11) & 1;
        int rmLow = (i >>> 16) & 15;
        long[] n = reg(A64Executor.rn(i)), d = reg(rd);
        boolean fpOp = opcode == 1 || opcode == 5 || opcode == 9;
        if (fpOp) {
            if (size < 2 || (u && opcode != 9)) throw cpu.undefined();
            int sz = size & 1, esize = 32 << sz;
            if (sz == 1 && l == 1) throw cpu.undefined();
            if (!scalar && sz == 1 && !q) throw cpu.undefined();
            int index = sz == 0 ? (h << 1) | l : h;
            long y = Vec.get(reg((mBit << 4) | rmLow), index, esize);
            int elements = scalar ? 1 : (q ? 128 : 64) / esize;
            long sign = 1L << (esize - 1);
            long[] r = new long[2];
            for (int e = 0; e < elements; e++) {
                long x = Vec.get(n, e, esize);
                long res = switch (opcode) {
                    case 1 -> fp.mulAdd(Vec.get(d, e, esize), x, y, esize);
                    case 5 -> fp.mulAdd(Vec.get(d, e, esize), x ^ sign, y, esize);
                    default -> u ? fp.mulx(x, y, esize) : fp.mul(x, y, esize);
                };
                Vec.set(r, e, esize, res);
            }
            if (scalar) Vec.writeScalar(v, rd, r[0], esize);
            else Vec.write(v, rd, r, q);
            return;
        }
        int index, rm;
        switch (size) {
            case 1 -> { index = (h << 2) | (l << 1) | mBit; rm = rmLow; }
            case 2 -> { index = (h << 1) | l; rm = (mBit << 4) | rmLow; }
            default -> throw cpu.undefined();
        }
        int esize = 8 << size;
        long y = Vec.get(reg(rm), index, esize);
        long sy = Vec.sx(y, esize);
        int key = (u ? 0x10 : 0) | opcode;
        long[] r = new long[2];
        if (scalar) { // SQDMULH, SQRDMULH, SQDMLAL, SQDMLSL, SQDMULL (by element)
            long x = Vec.get(n, 0, esize);
            int wide = 2 * esize;
            long res;
            switch (key) {
                case 0x0c, 0x0d -> {
                    Vec.writeScalar(v, rd, intSame(key == 0x0d, 22, x, y, 0, esize), esize);
                    return;
                }
                case 0x03, 0x07, 0x0b -> {
                    BigInteger p = SimdInteger.signed(x, esize).multiply(BigInteger.valueOf(sy));
                    long acc = Vec.get(d, 0, wide);
                    res = switch (key) {
                        case 0x03 -> si.satSigned(SimdInteger.signed(acc, wide).add(si_sat2(p, wide)), wide);
                        case 0x07 -> si.satSigned(SimdInteger.signed(acc, wide).subtract(si_sat2(p, wide)), wide);
                        default -> si_sat2(p, wide).longValue();
                    };
                }
                default -> throw cpu.undefined();
            }
            Vec.writeScalar(v, rd, res, wide);
            return;
        }
        switch (key) {
            case 0x08, 0x10, 0x14, 0x0c, 0x0d -> { // MUL, MLA, MLS, SQDMULH, SQRDMULH
                int elements = (q ? 128 : 64) / esize;
                for (int e = 0; e < elements; e++) {
                    long x = Vec.get(n, e, esize), acc = Vec.get(d, e, esize);
                    long res = switch (key) {
                        case 0x08 -> x * y;
                        case 0x10 -> acc + x * y;
                        case 0x14 -> acc - x * y;
                        default -> intSame(key == 0x0d, 22, x, y, 0, esize);
                    };
                    Vec.set(r, e, esize, res);
                }
                Vec.write(v, rd, r, q);
            }
            case 0x02, 0x12, 0x06, 0x16, 0x0a, 0x1a, 0x03, 0x07, 0x0b -> { // long forms
                int elements = 64 / esize, part = q ? elements : 0, wide = 2 * esize;
                BigInteger by = u ? SimdInteger.unsigned(y, esize) : BigInteger.valueOf(sy);
                for (int e = 0; e < elements; e++) {
                    long x = Vec.get(n, e + part, esize);
                    BigInteger p = SimdInteger.value(x, esize, u).multiply(by);
                    long acc = Vec.get(d, e, wide);
                    long res = switch (opcode) {
                        case 0x02 -> acc + p.longValue();
                        case 0x06 -> acc - p.longValue();
                        case 0x0a -> p.longValue();
                        case 0x03 -> si.satSigned(SimdInteger.signed(acc, wide).add(si_sat2(p, wide)), wide);
                        case 0x07 -> si.satSigned(SimdInteger.signed(acc, wide).subtract(si_sat2(p, wide)), wide);
                        default -> si_sat2(p, wide).longValue();
                    };
                    Vec.set(r, e, wide, res);
                }
                Vec.write(v, rd, r, true);
            }
            default -> throw cpu.undefined();
        }
    }

    // ---------------------------------------------------------------- shift by immediate

    private void shiftImmediate(int i, boolean scalar) {
        boolean q = !scalar && bit(i, 30), u = bit(i, 29);
        int immh = (i >>> 19) & 15, immhb = (i >>> 16) & 127, opcode = (i >>> 11) & 31;
        int rd = A64Executor.rd(i);
        if (immh == 0) throw cpu.undefined();
        int log = 31 - Integer.numberOfLeadingZeros(immh);
        int esize = 8 << log;
        long[] n = reg(A64Executor.rn(i)), d = reg(rd);
        int key = (u ? 0x20 : 0) | opcode;
        boolean narrow = opcode >= 0x10 && opcode <= 0x13, lengthen = opcode == 0x14;
        if (narrow || lengthen) {
            if (immh >= 8) throw cpu.undefined();
            if (lengthen && scalar) throw cpu.undefined();
            if (scalar && (key == 0x10 || key == 0x11)) throw cpu.undefined();
            int wide = 2 * esize;
            if (lengthen) {
                int shift = immhb - esize, count = 64 / esize, part = q ? count : 0;
                long[] r = new long[2];
                for (int e = 0; e < count; e++) {
                    long x = Vec.get(n, e + part, esize);
                    Vec.set(r, e, wide, (u ? x : Vec.sx(x, esize)) << shift);
                }
                Vec.write(v, rd, r, true);
                return;
            }
            int shift = wide - immhb;
            boolean round = (opcode & 1) != 0;
            int count = scalar ? 1 : 64 / esize;
            long[] out = new long[2];
            for (int e = 0; e < count; e++) {
                long x = Vec.get(n, e, wide);
                // SHRN/RSHRN and the unsigned saturating forms read the source unsigned; SQ* signed
                boolean srcUnsigned = key == 0x10 || key == 0x11 || key == 0x32 || key == 0x33;
                BigInteger bx = srcUnsigned ? SimdInteger.unsigned(x, wide) : SimdInteger.signed(x, wide);
                if (round) bx = bx.add(BigInteger.ONE.shiftLeft(shift - 1));
                bx = bx.shiftRight(shift);
                long res = switch (key) {
                    case 0x10, 0x11 -> bx.longValue();
                    case 0x30, 0x31 -> si.satUnsigned(bx, esize);   // SQSHRUN, SQRSHRUN
                    case 0x12, 0x13 -> si.satSigned(bx, esize);     // SQSHRN, SQRSHRN
                    default -> si.satUnsigned(bx, esize);           // UQSHRN, UQRSHRN
                };
                Vec.set(out, e, esize, res);
            }
            if (scalar) Vec.writeScalar(v, rd, out[0], esize);
            else writePart(rd, d, out[0], q);
            return;
        }
        if (!scalar && immh >= 8 && !q) throw cpu.undefined();
        boolean only64 = switch (key) { case 0x0c, 0x0e, 0x2c, 0x2e, 0x1c, 0x3c, 0x1f, 0x3f -> false; default -> true; };
        if (scalar && only64 && immh < 8) throw cpu.undefined();
        int elements = scalar ? 1 : (q ? 128 : 64) / esize;
        int shiftR = 2 * esize - immhb, shiftL = immhb - esize;
        long mask = Vec.mask(esize);
        long[] r = new long[2];
        if (opcode == 0x1c || opcode == 0x1f) { // SCVTF/UCVTF, FCVTZS/FCVTZU (fixed-point)
            if (immh < 4) throw cpu.undefined(); // half precision needs FEAT_FP16
            int fbits = shiftR;
            for (int e = 0; e < elements; e++) {
                long x = Vec.get(n, e, esize);
                long y = opcode == 0x1c ? fp.fromFixed(x, esize, u, fbits, esize, fp.rounding())
                        : fp.toFixed(x, esize, fbits, u, FpArithmetic.RZ, esize);
                Vec.set(r, e, esize, y);
            }
        } else {
            for (int e = 0; e < elements; e++) {
                long x = Vec.get(n, e, esize), acc = Vec.get(d, e, esize);
                long res = switch (key) {
                    case 0x00, 0x20 -> shiftRight(x, shiftR, esize, u, false);
                    case 0x02, 0x22 -> acc + shiftRight(x, shiftR, esize, u, false);
                    case 0x04, 0x24 -> shiftRight(x, shiftR, esize, u, true);
                    case 0x06, 0x26 -> acc + shiftRight(x, shiftR, esize, u, true);
                    case 0x28 -> { // SRI
                        long m = shiftR >= 64 ? 0 : mask >>> shiftR;
                        yield (acc & ~m) | (shiftR >= 64 ? 0 : x >>> shiftR);
                    }
                    case 0x0a -> x << shiftL;
                    case 0x2a -> { // SLI
                        long m = (mask << shiftL) & mask;
                        yield (acc & ~m) | (x << shiftL);
                    }
                    case 0x2c -> si.satUnsigned(SimdInteger.signed(x, esize).shiftLeft(shiftL), esize); // SQSHLU
                    case 0x0e -> si.satSigned(SimdInteger.signed(x, esize).shiftLeft(shiftL), esize);
                    case 0x2e -> si.satUnsigned(SimdInteger.unsigned(x, esize).shiftLeft(shiftL), esize);
                    default -> throw cpu.undefined();
                };
                Vec.set(r, e, esize, res & mask);
            }
        }
        if (scalar) Vec.writeScalar(v, rd, r[0], esize);
        else Vec.write(v, rd, r, q);
    }

    /** Shift right by 1..esize, arithmetic or logical, optionally rounding (exact in 65+ bits). */
    private static long shiftRight(long x, int shift, int esize, boolean uns, boolean round) {
        BigInteger b = SimdInteger.value(x, esize, uns);
        if (round) b = b.add(BigInteger.ONE.shiftLeft(shift - 1));
        return b.shiftRight(shift).longValue();
    }
}
