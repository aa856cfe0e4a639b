package org.multios.isa.riscv.block;

import java.util.EnumSet;
import org.multios.isa.riscv.decode.RvOp;

/** Static facts about operations that block building, execution and tracing need. */
public final class RvOpInfo {
    private RvOpInfo() {}

    private static final boolean[] WRITES_X = new boolean[RvOp.values().length];
    private static final boolean[] WRITES_F = new boolean[RvOp.values().length];
    private static final boolean[] ENDS_BLOCK = new boolean[RvOp.values().length];

    static {
        EnumSet<RvOp> noRd = EnumSet.of(RvOp.ILLEGAL, RvOp.BEQ, RvOp.BNE, RvOp.BLT, RvOp.BGE, RvOp.BLTU, RvOp.BGEU,
                RvOp.SB, RvOp.SH, RvOp.SW, RvOp.SD, RvOp.FSW, RvOp.FSD, RvOp.FENCE, RvOp.FENCE_I, RvOp.ECALL,
                RvOp.EBREAK, RvOp.SRET, RvOp.MRET, RvOp.WFI, RvOp.SFENCE_VMA, RvOp.NATIVE_CALL);
        EnumSet<RvOp> fpToInt = EnumSet.of(RvOp.FCVT_W_S, RvOp.FCVT_WU_S, RvOp.FCVT_L_S, RvOp.FCVT_LU_S,
                RvOp.FCVT_W_D, RvOp.FCVT_WU_D, RvOp.FCVT_L_D, RvOp.FCVT_LU_D, RvOp.FMV_X_W, RvOp.FMV_X_D,
                RvOp.FEQ_S, RvOp.FLT_S, RvOp.FLE_S, RvOp.FCLASS_S, RvOp.FEQ_D, RvOp.FLT_D, RvOp.FLE_D, RvOp.FCLASS_D);
        EnumSet<RvOp> ends = EnumSet.of(RvOp.ILLEGAL, RvOp.JAL, RvOp.JALR, RvOp.BEQ, RvOp.BNE, RvOp.BLT, RvOp.BGE,
                RvOp.BLTU, RvOp.BGEU, RvOp.ECALL, RvOp.EBREAK, RvOp.FENCE_I, RvOp.CSRRW, RvOp.CSRRS, RvOp.CSRRC,
                RvOp.CSRRWI, RvOp.CSRRSI, RvOp.CSRRCI, RvOp.SRET, RvOp.MRET, RvOp.WFI, RvOp.SFENCE_VMA, RvOp.NATIVE_CALL);
        for (RvOp op : RvOp.values()) {
            boolean fpFamily = op.name().startsWith("F") && op != RvOp.FENCE && op != RvOp.FENCE_I;
            boolean f = fpFamily && !noRd.contains(op) && !fpToInt.contains(op);
            WRITES_F[op.ordinal()] = f;
            WRITES_X[op.ordinal()] = !f && !noRd.contains(op);
            ENDS_BLOCK[op.ordinal()] = ends.contains(op);
        }
    }

    /** The op's rd names an integer register it writes. */
    public static boolean writesX(RvOp op) { return WRITES_X[op.ordinal()]; }

    /** The op's rd names an FP register it writes. */
    public static boolean writesF(RvOp op) { return WRITES_F[op.ordinal()]; }

    /** Control transfers and system operations end a block. */
    public static boolean endsBlock(RvOp op) { return ENDS_BLOCK[op.ordinal()]; }
}
