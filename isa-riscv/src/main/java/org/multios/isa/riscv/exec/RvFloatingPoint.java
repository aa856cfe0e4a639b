package org.multios.isa.riscv.exec;

import static org.multios.isa.riscv.exec.RvFloatArith.DOUBLE;
import static org.multios.isa.riscv.exec.RvFloatArith.SINGLE;

import org.multios.isa.riscv.RvCpu;
import org.multios.isa.riscv.block.RvUop;
import org.multios.isa.riscv.csr.Mstatus;
import org.multios.isa.riscv.csr.RvCsrFile;
import org.multios.isa.riscv.exec.RvFloatArith.Fmt;
import org.multios.isa.riscv.mmu.RvMmu;
import org.multios.isa.riscv.trap.RvTrap;

/**
 * "F" and "D" extension instructions: operand access (NaN-boxing of binary32 values in the
 * 64-bit registers), the FS gate (FS = Off makes every FP instruction illegal), rounding
 * mode selection (rm = 7 means frm; reserved values are illegal), fflags accumulation and
 * FS dirty tracking. The arithmetic itself is in {@link RvFloatArith}.
 */
public final class RvFloatingPoint {
    private static final long BOX = 0xffff_ffff_0000_0000L;

    private RvFloatingPoint() {}

    static long unboxS(long v) { return (v & BOX) == BOX ? v & 0xffff_ffffL : SINGLE.canonicalNaN; }

    static long boxS(long v) { return BOX | (v & 0xffff_ffffL); }

    public static void exec(RvCpu cpu, RvUop u) {
        RvCsrFile csr = cpu.csr;
        if ((csr.mstatus & Mstatus.FS) == 0) throw RvTrap.illegal(u.raw());
        long[] x = cpu.x, f = cpu.f;
        RvMmu mmu = cpu.mmu();
        switch (u.op) {
            case FLW -> { long v = mmu.load32(x[u.rs1] + u.imm); f[u.rd] = boxS(v); cpu.markFpDirty(); return; }
            case FLD -> { f[u.rd] = mmu.load64(x[u.rs1] + u.imm); cpu.markFpDirty(); return; }
            case FSW -> { mmu.store32(x[u.rs1] + u.imm, f[u.rs2]); return; }
            case FSD -> { mmu.store64(x[u.rs1] + u.imm, f[u.rs2]); return; }
            case FMV_X_W -> { x[u.rd] = (int) f[u.rs1]; return; }
            case FMV_X_D -> { x[u.rd] = f[u.rs1]; return; }
            case FMV_W_X -> { f[u.rd] = boxS(x[u.rs1]); cpu.markFpDirty(); return; }
            case FMV_D_X -> { f[u.rd] = x[u.rs1]; cpu.markFpDirty(); return; }
            default -> {}
        }
        RvFloatArith ar = cpu.fpu;
        ar.flags = 0;
        boolean single = isSingle(u);
        Fmt fm = single ? SINGLE : DOUBLE;
        long a = single ? unboxS(f[u.rs1]) : f[u.rs1];
        long b = single ? unboxS(f[u.rs2]) : f[u.rs2];
        long r; // result for an FP destination
        boolean toF = true;
        switch (u.op) {
            case FADD_S, FADD_D -> r = ar.add(fm, a, b, rm(cpu, u));
            case FSUB_S, FSUB_D -> r = ar.sub(fm, a, b, rm(cpu, u));
            case FMUL_S, FMUL_D -> r = ar.mul(fm, a, b, rm(cpu, u));
            case FDIV_S, FDIV_D -> r = ar.div(fm, a, b, rm(cpu, u));
            case FSQRT_S, FSQRT_D -> r = ar.sqrt(fm, a, rm(cpu, u));
            case FMADD_S, FMADD_D, FMSUB_S, FMSUB_D, FNMSUB_S, FNMSUB_D, FNMADD_S, FNMADD_D -> {
                long c = single ? unboxS(f[u.rs3]) : f[u.rs3];
                boolean negProduct = switch (u.op) { case FNMSUB_S, FNMSUB_D, FNMADD_S, FNMADD_D -> true; default -> false; };
                boolean negAddend = switch (u.op) { case FMSUB_S, FMSUB_D, FNMADD_S, FNMADD_D -> true; default -> false; };
                r = ar.fma(fm, negProduct ? a ^ fm.signBit : a, b, negAddend ? c ^ fm.signBit : c, rm(cpu, u));
            }
            case FSGNJ_S, FSGNJ_D -> r = (a & ~fm.signBit) | (b & fm.signBit);
            case FSGNJN_S, FSGNJN_D -> r = (a & ~fm.signBit) | (~b & fm.signBit);
            case FSGNJX_S, FSGNJX_D -> r = a ^ (b & fm.signBit);
            case FMIN_S, FMIN_D -> r = ar.minMax(fm, a, b, false);
            case FMAX_S, FMAX_D -> r = ar.minMax(fm, a, b, true);
            case FCVT_S_D -> r = ar.convert(DOUBLE, SINGLE, f[u.rs1], rm(cpu, u));
            case FCVT_D_S -> r = ar.convert(SINGLE, DOUBLE, unboxS(f[u.rs1]), rm(cpu, u));
            case FCVT_S_W, FCVT_D_W -> r = ar.fromInteger(fm, (int) x[u.rs1], false, rm(cpu, u));
            case FCVT_S_WU, FCVT_D_WU -> r = ar.fromInteger(fm, x[u.rs1] & 0xffff_ffffL, false, rm(cpu, u));
            case FCVT_S_L, FCVT_D_L -> r = ar.fromInteger(fm, x[u.rs1], false, rm(cpu, u));
            case FCVT_S_LU, FCVT_D_LU -> r = ar.fromInteger(fm, x[u.rs1], true, rm(cpu, u));
            default -> {
                toF = false;
                r = 0;
                long v = switch (u.op) {
                    case FCVT_W_S, FCVT_W_D -> ar.toInteger(fm, a, 32, false, rm(cpu, u));
                    case FCVT_WU_S, FCVT_WU_D -> ar.toInteger(fm, a, 32, true, rm(cpu, u));
                    case FCVT_L_S, FCVT_L_D -> ar.toInteger(fm, a, 64, false, rm(cpu, u));
                    case FCVT_LU_S, FCVT_LU_D -> ar.toInteger(fm, a, 64, true, rm(cpu, u));
                    case FEQ_S, FEQ_D -> ar.compare(fm, a, b, 0);
                    case FLT_S, FLT_D -> ar.compare(fm, a, b, 1);
                    case FLE_S, FLE_D -> ar.compare(fm, a, b, 2);
                    case FCLASS_S, FCLASS_D -> RvFloatArith.classify(fm, a);
                    default -> throw RvTrap.illegal(u.raw());
                };
                x[u.rd] = v;
            }
        }
        if (toF) {
            f[u.rd] = single ? boxS(r) : r;
            cpu.markFpDirty();
        }
        if (ar.flags != 0) {
            csr.fflags |= ar.flags;
            cpu.markFpDirty();
        }
    }

    /** Ops whose operands and FP result are binary32 (for FCVT.S.D/FCVT.D.S: the result). */
    private static final boolean[] SINGLE_OPS = new boolean[org.multios.isa.riscv.decode.RvOp.values().length];

    static {
        for (org.multios.isa.riscv.decode.RvOp op : org.multios.isa.riscv.decode.RvOp.values()) {
            String n = op.name();
            SINGLE_OPS[op.ordinal()] = n.startsWith("F") && (n.endsWith("_S") || n.startsWith("FCVT_S_"));
        }
        // Conversions between the formats: the flag gives the destination's format.
        SINGLE_OPS[org.multios.isa.riscv.decode.RvOp.FCVT_D_S.ordinal()] = false;
        SINGLE_OPS[org.multios.isa.riscv.decode.RvOp.FCVT_S_D.ordinal()] = true;
    }

    private static boolean isSingle(RvUop u) { return SINGLE_OPS[u.op.ordinal()]; }

    /** The instruction's rounding mode: rm, or frm when rm = 7; reserved modes are illegal. */
    private static int rm(RvCpu cpu, RvUop u) {
        int rm = u.rm == 7 ? cpu.csr.frm : u.rm;
        if (rm > 4) throw RvTrap.illegal(u.raw());
        return rm;
    }
}
