package org.multios.isa.arm64.decode;

/**
 * The A64 encoding classes the decode table ({@code a64.decode}) names, one per class of
 * the Arm ARM's top-level encoding index (C4.1). The executor splits a class further by
 * its opc/size fields, as the manual's per-class decode pseudocode does.
 */
public enum A64Op {
    UNDEFINED,
    ADR, ADRP, ADDSUB_IMM, LOGIC_IMM, MOVE_WIDE, BITFIELD, EXTR,
    B, BL, CBZ, TBZ, B_COND, EXCEPTION, SYSTEM, BRANCH_REG,
    LDST_EXCL, LDR_LIT, LDST_PAIR, LDST_IMM9, LDST_REGOFF, ATOMIC, LDST_UIMM,
    LOGIC_REG, ADDSUB_SHIFT, ADDSUB_EXT, ADC, COND_CMP, COND_SEL, DP_2SRC, DP_1SRC, DP_3SRC,
    SIMD_LDST_MULT, SIMD_LDST_SINGLE,
    FP_FIXED, FP_INT, FP_DP1, FP_CMP, FP_IMM, FP_CCMP, FP_DP2, FP_CSEL, FP_DP3,
    SIMD_TBL, SIMD_PERMUTE, SIMD_EXT, SIMD_COPY, SIMD_3SAME, SIMD_3DIFF, SIMD_2MISC, SIMD_ACROSS,
    SIMD_MODIMM, SIMD_SHIFT_IMM, SIMD_INDEXED,
    SIMD_S_COPY, SIMD_S_3SAME, SIMD_S_3DIFF, SIMD_S_2MISC, SIMD_S_PAIRWISE, SIMD_S_SHIFT_IMM, SIMD_S_INDEXED,
    SIMD_AES, SIMD_SHA3, SIMD_SHA2
}
