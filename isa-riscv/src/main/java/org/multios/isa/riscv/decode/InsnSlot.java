package org.multios.isa.riscv.decode;

/** The parts of an {@link RvInsn} an encoding pattern fills, plus the raw encoding for conditions. */
public enum InsnSlot {
    RD, RS1, RS2, RS3, RM, IMM, RAW;

    static InsnSlot parse(String s) {
        return switch (s) {
            case "rd" -> RD;
            case "rs1" -> RS1;
            case "rs2" -> RS2;
            case "rs3" -> RS3;
            case "rm" -> RM;
            case "imm" -> IMM;
            case "raw" -> RAW;
            default -> null;
        };
    }

    /** This slot's value in a decoded instruction. */
    public long of(RvInsn insn) {
        return switch (this) {
            case RD -> insn.rd;
            case RS1 -> insn.rs1;
            case RS2 -> insn.rs2;
            case RS3 -> insn.rs3;
            case RM -> insn.rm;
            case IMM -> insn.imm;
            case RAW -> insn.raw & (insn.length == 2 ? 0xffffL : 0xffffffffL);
        };
    }
}
