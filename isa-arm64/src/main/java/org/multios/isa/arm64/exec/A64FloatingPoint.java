package org.multios.isa.arm64.exec;

import org.multios.isa.arm64.A64Cpu;
import org.multios.isa.arm64.decode.A64Op;
import org.multios.isa.arm64.fp.FpArithmetic;

/**
 * Scalar floating-point (Arm ARM C4.1.90: "Floating-point data-processing", compare,
 * conditional compare/select, immediate, and conversions to and from integers and
 * fixed-point). {@code ftype} 00 is single, 01 double; 11 (half) exists only as FCVT's
 * source and destination since FEAT_FP16 arithmetic is not implemented.
 */
final class A64FloatingPoint {
    private final A64Cpu cpu;
    private final A64Executor ex;
    private final long[] v;
    private final FpArithmetic fp;

    A64FloatingPoint(A64Cpu cpu, A64Executor ex) {
        this.cpu = cpu;
        this.ex = ex;
        this.v = cpu.vreg;
        this.fp = cpu.fp;
    }

    void execute(A64Op op, int i) {
        cpu.checkFpEnabled();
        switch (op) {
            case FP_DP1 -> dataProcessing1(i);
            case FP_DP2 -> dataProcessing2(i);
            case FP_DP3 -> dataProcessing3(i);
            case FP_CMP -> compare(i);
            case FP_CCMP -> conditionalCompare(i);
            case FP_CSEL -> conditionalSelect(i);
            case FP_IMM -> immediate(i);
            case FP_INT -> integerConversion(i);
            case FP_FIXED -> fixedConversion(i);
            default -> throw cpu.undefined();
        }
    }

    /** Operand width from ftype (bits 23:22): 32 or 64; half and 10 are UNDEFINED here. */
    private int width(int i) {
        if ((i & 0xa0000000) != 0) throw cpu.undefined(); // M and S must be zero
        return switch ((i >>> 22) & 3) {
            case 0 -> 32;
            case 1 -> 64;
            default -> throw cpu.undefined();
        };
    }

    private long reg(int r, int n) { return v[2 * r] & FpArithmetic.mask(n); }

    private void setReg(int r, long value, int n) { Vec.writeScalar(v, r, value, n); }

    private static long signBit(int n) { return 1L << (n - 1); }

    private void dataProcessing1(int i) {
        int opcode = (i >>> 15) & 0x3f, rn = A64Executor.rn(i), rd = A64Executor.rd(i);
        if ((opcode & 0x3c) == 0x04 && (i & 0xa0000000) == 0) { // FCVT between precisions
            int from = switch ((i >>> 22) & 3) { case 0 -> 32; case 1 -> 64; case 3 -> 16; default -> 0; };
            int to = switch (opcode & 3) { case 0 -> 32; case 1 -> 64; case 3 -> 16; default -> 0; };
            if (from == 0 || to == 0 || from == to) throw cpu.undefined();
            setReg(rd, fp.convert(reg(rn, from), from, to, fp.rounding()), to);
            return;
        }
        int n = width(i);
        long a = reg(rn, n);
        long r = switch (opcode) {
            case 0 -> a;                          // FMOV
            case 1 -> a & ~signBit(n);            // FABS
            case 2 -> a ^ signBit(n);             // FNEG
            case 3 -> fp.sqrt(a, n);              // FSQRT
            case 8 -> fp.roundInt(a, n, FpArithmetic.RN, false);
            case 9 -> fp.roundInt(a, n, FpArithmetic.RP, false);
            case 10 -> fp.roundInt(a, n, FpArithmetic.RM, false);
            case 11 -> fp.roundInt(a, n, FpArithmetic.RZ, false);
            case 12 -> fp.roundInt(a, n, FpArithmetic.TIEAWAY, false);
            case 14 -> fp.roundInt(a, n, fp.rounding(), true);  // FRINTX
            case 15 -> fp.roundInt(a, n, fp.rounding(), false); // FRINTI
            default -> throw cpu.undefined();
        };
        setReg(rd, r, n);
    }

    private void dataProcessing2(int i) {
        int n = width(i);
        int opcode = (i >>> 12) & 15;
        long a = reg(A64Executor.rn(i), n), b = reg(A64Executor.rm(i), n);
        long r = switch (opcode) {
            case 0 -> fp.mul(a, b, n);
            case 1 -> fp.div(a, b, n);
            case 2 -> fp.add(a, b, n);
            case 3 -> fp.sub(a, b, n);
            case 4 -> fp.max(a, b, n);
            case 5 -> fp.min(a, b, n);
            case 6 -> fp.maxNum(a, b, n);
            case 7 -> fp.minNum(a, b, n);
            case 8 -> fp.mul(a, b, n) ^ signBit(n); // FNMUL negates the rounded product, NaN included
            default -> throw cpu.undefined();
        };
        setReg(A64Executor.rd(i), r, n);
    }

    private void dataProcessing3(int i) {
        int n = width(i);
        boolean o1 = (i & (1 << 21)) != 0, o0 = (i & (1 << 15)) != 0;
        long a = reg(A64Executor.rn(i), n), b = reg(A64Executor.rm(i), n), c = reg((i >>> 10) & 31, n);
        // FMADD: c + a·b; FMSUB: c + (-a)·b; FNMADD: -c + (-a)·b; FNMSUB: -c + a·b (FPNeg flips NaNs too)
        if (o0 != o1) a ^= signBit(n);
        if (o1) c ^= signBit(n);
        setReg(A64Executor.rd(i), fp.mulAdd(c, a, b, n), n);
    }

    private void compare(int i) {
        int n = width(i);
        if (((i >>> 14) & 3) != 0 || (i & 7) != 0) throw cpu.undefined();
        boolean withZero = (i & 8) != 0, signal = (i & 16) != 0;
        long a = reg(A64Executor.rn(i), n), b = withZero ? 0 : reg(A64Executor.rm(i), n);
        cpu.setNzcv(fp.compare(a, b, n, signal));
    }

    private void conditionalCompare(int i) {
        int n = width(i);
        int cond = (i >>> 12) & 15;
        if (ex.conditionHolds(cond)) {
            cpu.setNzcv(fp.compare(reg(A64Executor.rn(i), n), reg(A64Executor.rm(i), n), n, (i & 16) != 0));
        } else {
            cpu.setNzcv(i & 15);
        }
    }

    private void conditionalSelect(int i) {
        int n = width(i);
        int cond = (i >>> 12) & 15;
        long r = ex.conditionHolds(cond) ? reg(A64Executor.rn(i), n) : reg(A64Executor.rm(i), n);
        setReg(A64Executor.rd(i), r, n);
    }

    private void immediate(int i) {
        int n = width(i);
        if (((i >>> 5) & 31) != 0) throw cpu.undefined();
        setReg(A64Executor.rd(i), FpArithmetic.expandImm((i >>> 13) & 0xff, n), n);
    }

    /** FPDecodeRounding of rmode: N, P, M, Z. */
    private static int rounding(int rmode) {
        return switch (rmode) {
            case 0 -> FpArithmetic.RN;
            case 1 -> FpArithmetic.RP;
            case 2 -> FpArithmetic.RM;
            default -> FpArithmetic.RZ;
        };
    }

    private void integerConversion(int i) {
        boolean sf = i < 0;
        int ftype = (i >>> 22) & 3, rmode = (i >>> 19) & 3, opcode = (i >>> 16) & 7;
        int rn = A64Executor.rn(i), rd = A64Executor.rd(i);
        int intBits = sf ? 64 : 32;
        if ((i & (1 << 29)) != 0) throw cpu.undefined();
        if (opcode >= 6) { // FMOV between general and FP registers
            boolean toGeneral = opcode == 6;
            if (ftype == 0 && !sf && rmode == 0) {
                if (toGeneral) ex.setX(rd, v[2 * rn] & 0xffffffffL);
                else setReg(rd, ex.xr(rn), 32);
            } else if (ftype == 1 && sf && rmode == 0) {
                if (toGeneral) ex.setX(rd, v[2 * rn]);
                else setReg(rd, ex.xr(rn), 64);
            } else if (ftype == 2 && sf && rmode == 1) { // the top half: Vn.D[1]
                if (toGeneral) ex.setX(rd, v[2 * rn + 1]);
                else v[2 * rd + 1] = ex.xr(rn);
            } else {
                throw cpu.undefined();
            }
            return;
        }
        int n = switch (ftype) { case 0 -> 32; case 1 -> 64; default -> throw cpu.undefined(); };
        switch (opcode) {
            case 0, 1 -> ex.setX(rd, fp.toFixed(reg(rn, n), n, 0, opcode == 1, rounding(rmode), intBits));
            case 2, 3 -> {
                if (rmode != 0) throw cpu.undefined();
                setReg(rd, fp.fromFixed(ex.xr(rn), intBits, opcode == 3, 0, n, fp.rounding()), n);
            }
            case 4, 5 -> {
                if (rmode != 0) throw cpu.undefined();
                ex.setX(rd, fp.toFixed(reg(rn, n), n, 0, opcode == 5, FpArithmetic.TIEAWAY, intBits));
            }
            default -> throw cpu.undefined();
        }
    }

    private void fixedConversion(int i) {
        boolean sf = i < 0;
        int ftype = (i >>> 22) & 3, rmode = (i >>> 19) & 3, opcode = (i >>> 16) & 7, scale = (i >>> 10) & 63;
        if ((i & (1 << 29)) != 0 || (!sf && scale < 32)) throw cpu.undefined();
        int n = switch (ftype) { case 0 -> 32; case 1 -> 64; default -> throw cpu.undefined(); };
        int fbits = 64 - scale, intBits = sf ? 64 : 32;
        int rn = A64Executor.rn(i), rd = A64Executor.rd(i);
        if (rmode == 3 && opcode < 2) {
            ex.setX(rd, fp.toFixed(reg(rn, n), n, fbits, opcode == 1, FpArithmetic.RZ, intBits));
        } else if (rmode == 0 && (opcode == 2 || opcode == 3)) {
            setReg(rd, fp.fromFixed(ex.xr(rn), intBits, opcode == 3, fbits, n, fp.rounding()), n);
        } else {
            throw cpu.undefined();
        }
    }
}
