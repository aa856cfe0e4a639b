package org.multios.isa.riscv.decode;

/**
 * Every RISC-V operation this emulator implements, named as in the ISA manual with
 * dots written as underscores. Compressed (RVC) encodings decode to these base
 * operations, so execution never needs to know about the 16-bit forms.
 * <p>
 * The decoder's encoding table ({@code riscv.decode}) maps bit patterns to these names;
 * the executor switches on them; the disassembler prints them.
 */
public enum RvOp {
    ILLEGAL,

    // RV64I (chapter "RV32I/RV64I Base Integer Instruction Set")
    LUI, AUIPC, JAL, JALR,
    BEQ, BNE, BLT, BGE, BLTU, BGEU,
    LB, LH, LW, LD, LBU, LHU, LWU,
    SB, SH, SW, SD,
    ADDI, SLTI, SLTIU, XORI, ORI, ANDI, SLLI, SRLI, SRAI,
    ADD, SUB, SLL, SLT, SLTU, XOR, SRL, SRA, OR, AND,
    ADDIW, SLLIW, SRLIW, SRAIW, ADDW, SUBW, SLLW, SRLW, SRAW,
    FENCE, ECALL, EBREAK,

    // Zifencei, Zicsr
    FENCE_I,
    CSRRW, CSRRS, CSRRC, CSRRWI, CSRRSI, CSRRCI,

    // M
    MUL, MULH, MULHSU, MULHU, DIV, DIVU, REM, REMU,
    MULW, DIVW, DIVUW, REMW, REMUW,

    // A
    LR_W, SC_W, AMOSWAP_W, AMOADD_W, AMOXOR_W, AMOAND_W, AMOOR_W, AMOMIN_W, AMOMAX_W, AMOMINU_W, AMOMAXU_W,
    LR_D, SC_D, AMOSWAP_D, AMOADD_D, AMOXOR_D, AMOAND_D, AMOOR_D, AMOMIN_D, AMOMAX_D, AMOMINU_D, AMOMAXU_D,

    // F
    FLW, FSW,
    FMADD_S, FMSUB_S, FNMSUB_S, FNMADD_S,
    FADD_S, FSUB_S, FMUL_S, FDIV_S, FSQRT_S,
    FSGNJ_S, FSGNJN_S, FSGNJX_S, FMIN_S, FMAX_S,
    FCVT_W_S, FCVT_WU_S, FCVT_L_S, FCVT_LU_S,
    FCVT_S_W, FCVT_S_WU, FCVT_S_L, FCVT_S_LU,
    FMV_X_W, FMV_W_X, FEQ_S, FLT_S, FLE_S, FCLASS_S,

    // D
    FLD, FSD,
    FMADD_D, FMSUB_D, FNMSUB_D, FNMADD_D,
    FADD_D, FSUB_D, FMUL_D, FDIV_D, FSQRT_D,
    FSGNJ_D, FSGNJN_D, FSGNJX_D, FMIN_D, FMAX_D,
    FCVT_S_D, FCVT_D_S,
    FCVT_W_D, FCVT_WU_D, FCVT_L_D, FCVT_LU_D,
    FCVT_D_W, FCVT_D_WU, FCVT_D_L, FCVT_D_LU,
    FMV_X_D, FMV_D_X, FEQ_D, FLT_D, FLE_D, FCLASS_D,

    // Zba
    ADD_UW, SH1ADD, SH2ADD, SH3ADD, SH1ADD_UW, SH2ADD_UW, SH3ADD_UW, SLLI_UW,
    // Zbb
    ANDN, ORN, XNOR, CLZ, CLZW, CTZ, CTZW, CPOP, CPOPW, MAX, MAXU, MIN, MINU,
    SEXT_B, SEXT_H, ZEXT_H, ROL, ROLW, ROR, RORI, RORIW, RORW, ORC_B, REV8,
    // Zbs
    BCLR, BCLRI, BEXT, BEXTI, BINV, BINVI, BSET, BSETI,

    // Privileged
    SRET, MRET, WFI, SFENCE_VMA,

    /**
     * MultiOS native call: custom-0 major opcode (0b0001011), I-type, funct3 = 0,
     * imm[11:0] = call number. Hands the hart to a Java handler registered on the CPU;
     * illegal instruction when no handler is registered.
     */
    NATIVE_CALL;

    /** The mnemonic as assembly writes it ({@code fcvt.w.s}, {@code amoadd.w}). */
    public String mnemonic() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '.');
    }
}
