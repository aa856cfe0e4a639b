package org.multios.isa.riscv.block;

import org.multios.isa.riscv.decode.RvOp;

/**
 * Dense dispatch codes for the operations the executor runs inline: switching on an int
 * field of the micro-op is one load shorter than switching on the enum (no ordinal and
 * switch-map lookups) on the hottest path. Everything else has code {@link #SLOW}.
 */
public final class RvUopCode {
    private RvUopCode() {}

    public static final int SLOW = 0;
    public static final int LUI = 1;
    public static final int AUIPC = 2;
    public static final int JAL = 3;
    public static final int JALR = 4;
    public static final int BEQ = 5;
    public static final int BNE = 6;
    public static final int BLT = 7;
    public static final int BGE = 8;
    public static final int BLTU = 9;
    public static final int BGEU = 10;
    public static final int LB = 11;
    public static final int LH = 12;
    public static final int LW = 13;
    public static final int LD = 14;
    public static final int LBU = 15;
    public static final int LHU = 16;
    public static final int LWU = 17;
    public static final int SB = 18;
    public static final int SH = 19;
    public static final int SW = 20;
    public static final int SD = 21;
    public static final int ADDI = 22;
    public static final int SLTI = 23;
    public static final int SLTIU = 24;
    public static final int XORI = 25;
    public static final int ORI = 26;
    public static final int ANDI = 27;
    public static final int SLLI = 28;
    public static final int SRLI = 29;
    public static final int SRAI = 30;
    public static final int ADD = 31;
    public static final int SUB = 32;
    public static final int SLL = 33;
    public static final int SLT = 34;
    public static final int SLTU = 35;
    public static final int XOR = 36;
    public static final int SRL = 37;
    public static final int SRA = 38;
    public static final int OR = 39;
    public static final int AND = 40;
    public static final int ADDIW = 41;
    public static final int SLLIW = 42;
    public static final int SRLIW = 43;
    public static final int SRAIW = 44;
    public static final int ADDW = 45;
    public static final int SUBW = 46;
    public static final int SLLW = 47;
    public static final int SRLW = 48;
    public static final int SRAW = 49;
    public static final int FENCE = 50;
    public static final int MUL = 51;
    public static final int MULH = 52;
    public static final int MULHSU = 53;
    public static final int MULHU = 54;
    public static final int DIV = 55;
    public static final int DIVU = 56;
    public static final int REM = 57;
    public static final int REMU = 58;
    public static final int MULW = 59;
    public static final int DIVW = 60;
    public static final int DIVUW = 61;
    public static final int REMW = 62;
    public static final int REMUW = 63;
    /** Zba/Zbb/Zbs register-register (or unary) forms. */
    public static final int BITMANIP_RR = 64;
    /** Zba/Zbb/Zbs forms whose second operand is the immediate. */
    public static final int BITMANIP_RI = 65;

    private static final int[] CODES = new int[RvOp.values().length];

    static {
        CODES[RvOp.LUI.ordinal()] = LUI;
        CODES[RvOp.AUIPC.ordinal()] = AUIPC;
        CODES[RvOp.JAL.ordinal()] = JAL;
        CODES[RvOp.JALR.ordinal()] = JALR;
        CODES[RvOp.BEQ.ordinal()] = BEQ;
        CODES[RvOp.BNE.ordinal()] = BNE;
        CODES[RvOp.BLT.ordinal()] = BLT;
        CODES[RvOp.BGE.ordinal()] = BGE;
        CODES[RvOp.BLTU.ordinal()] = BLTU;
        CODES[RvOp.BGEU.ordinal()] = BGEU;
        CODES[RvOp.LB.ordinal()] = LB;
        CODES[RvOp.LH.ordinal()] = LH;
        CODES[RvOp.LW.ordinal()] = LW;
        CODES[RvOp.LD.ordinal()] = LD;
        CODES[RvOp.LBU.ordinal()] = LBU;
        CODES[RvOp.LHU.ordinal()] = LHU;
        CODES[RvOp.LWU.ordinal()] = LWU;
        CODES[RvOp.SB.ordinal()] = SB;
        CODES[RvOp.SH.ordinal()] = SH;
        CODES[RvOp.SW.ordinal()] = SW;
        CODES[RvOp.SD.ordinal()] = SD;
        CODES[RvOp.ADDI.ordinal()] = ADDI;
        CODES[RvOp.SLTI.ordinal()] = SLTI;
        CODES[RvOp.SLTIU.ordinal()] = SLTIU;
        CODES[RvOp.XORI.ordinal()] = XORI;
        CODES[RvOp.ORI.ordinal()] = ORI;
        CODES[RvOp.ANDI.ordinal()] = ANDI;
        CODES[RvOp.SLLI.ordinal()] = SLLI;
        CODES[RvOp.SRLI.ordinal()] = SRLI;
        CODES[RvOp.SRAI.ordinal()] = SRAI;
        CODES[RvOp.ADD.ordinal()] = ADD;
        CODES[RvOp.SUB.ordinal()] = SUB;
        CODES[RvOp.SLL.ordinal()] = SLL;
        CODES[RvOp.SLT.ordinal()] = SLT;
        CODES[RvOp.SLTU.ordinal()] = SLTU;
        CODES[RvOp.XOR.ordinal()] = XOR;
        CODES[RvOp.SRL.ordinal()] = SRL;
        CODES[RvOp.SRA.ordinal()] = SRA;
        CODES[RvOp.OR.ordinal()] = OR;
        CODES[RvOp.AND.ordinal()] = AND;
        CODES[RvOp.ADDIW.ordinal()] = ADDIW;
        CODES[RvOp.SLLIW.ordinal()] = SLLIW;
        CODES[RvOp.SRLIW.ordinal()] = SRLIW;
        CODES[RvOp.SRAIW.ordinal()] = SRAIW;
        CODES[RvOp.ADDW.ordinal()] = ADDW;
        CODES[RvOp.SUBW.ordinal()] = SUBW;
        CODES[RvOp.SLLW.ordinal()] = SLLW;
        CODES[RvOp.SRLW.ordinal()] = SRLW;
        CODES[RvOp.SRAW.ordinal()] = SRAW;
        CODES[RvOp.FENCE.ordinal()] = FENCE;
        CODES[RvOp.MUL.ordinal()] = MUL;
        CODES[RvOp.MULH.ordinal()] = MULH;
        CODES[RvOp.MULHSU.ordinal()] = MULHSU;
        CODES[RvOp.MULHU.ordinal()] = MULHU;
        CODES[RvOp.DIV.ordinal()] = DIV;
        CODES[RvOp.DIVU.ordinal()] = DIVU;
        CODES[RvOp.REM.ordinal()] = REM;
        CODES[RvOp.REMU.ordinal()] = REMU;
        CODES[RvOp.MULW.ordinal()] = MULW;
        CODES[RvOp.DIVW.ordinal()] = DIVW;
        CODES[RvOp.DIVUW.ordinal()] = DIVUW;
        CODES[RvOp.REMW.ordinal()] = REMW;
        CODES[RvOp.REMUW.ordinal()] = REMUW;
        CODES[RvOp.ADD_UW.ordinal()] = BITMANIP_RR;
        CODES[RvOp.SH1ADD.ordinal()] = BITMANIP_RR;
        CODES[RvOp.SH2ADD.ordinal()] = BITMANIP_RR;
        CODES[RvOp.SH3ADD.ordinal()] = BITMANIP_RR;
        CODES[RvOp.SH1ADD_UW.ordinal()] = BITMANIP_RR;
        CODES[RvOp.SH2ADD_UW.ordinal()] = BITMANIP_RR;
        CODES[RvOp.SH3ADD_UW.ordinal()] = BITMANIP_RR;
        CODES[RvOp.ANDN.ordinal()] = BITMANIP_RR;
        CODES[RvOp.ORN.ordinal()] = BITMANIP_RR;
        CODES[RvOp.XNOR.ordinal()] = BITMANIP_RR;
        CODES[RvOp.CLZ.ordinal()] = BITMANIP_RR;
        CODES[RvOp.CLZW.ordinal()] = BITMANIP_RR;
        CODES[RvOp.CTZ.ordinal()] = BITMANIP_RR;
        CODES[RvOp.CTZW.ordinal()] = BITMANIP_RR;
        CODES[RvOp.CPOP.ordinal()] = BITMANIP_RR;
        CODES[RvOp.CPOPW.ordinal()] = BITMANIP_RR;
        CODES[RvOp.MAX.ordinal()] = BITMANIP_RR;
        CODES[RvOp.MAXU.ordinal()] = BITMANIP_RR;
        CODES[RvOp.MIN.ordinal()] = BITMANIP_RR;
        CODES[RvOp.MINU.ordinal()] = BITMANIP_RR;
        CODES[RvOp.SEXT_B.ordinal()] = BITMANIP_RR;
        CODES[RvOp.SEXT_H.ordinal()] = BITMANIP_RR;
        CODES[RvOp.ZEXT_H.ordinal()] = BITMANIP_RR;
        CODES[RvOp.ROL.ordinal()] = BITMANIP_RR;
        CODES[RvOp.ROLW.ordinal()] = BITMANIP_RR;
        CODES[RvOp.ROR.ordinal()] = BITMANIP_RR;
        CODES[RvOp.RORW.ordinal()] = BITMANIP_RR;
        CODES[RvOp.ORC_B.ordinal()] = BITMANIP_RR;
        CODES[RvOp.REV8.ordinal()] = BITMANIP_RR;
        CODES[RvOp.BCLR.ordinal()] = BITMANIP_RR;
        CODES[RvOp.BEXT.ordinal()] = BITMANIP_RR;
        CODES[RvOp.BINV.ordinal()] = BITMANIP_RR;
        CODES[RvOp.BSET.ordinal()] = BITMANIP_RR;
        CODES[RvOp.SLLI_UW.ordinal()] = BITMANIP_RI;
        CODES[RvOp.RORI.ordinal()] = BITMANIP_RI;
        CODES[RvOp.RORIW.ordinal()] = BITMANIP_RI;
        CODES[RvOp.BCLRI.ordinal()] = BITMANIP_RI;
        CODES[RvOp.BEXTI.ordinal()] = BITMANIP_RI;
        CODES[RvOp.BINVI.ordinal()] = BITMANIP_RI;
        CODES[RvOp.BSETI.ordinal()] = BITMANIP_RI;
    }

    public static int of(RvOp op) { return CODES[op.ordinal()]; }
}
