package org.multios.isa.x86.decode;

/**
 * One operand in the Intel SDM's opcode-map notation (Vol. 2 Appendix A.2): an addressing
 * method letter and a size letter, or a fixed register.
 *
 * @param method E G M R I J O S C D X Y Z A V W U, or 'F' for a fixed register, '1' for the constant 1
 *               (V: XMM in ModRM.reg; W: XMM or memory in ModRM.rm; U: XMM in ModRM.rm, register form;
 *               P, Q, N: the same for the MMX registers)
 * @param size   b w d q v z y p x (16 bytes) t (80-bit), 's' for a sign-extended byte immediate, or 0
 * @param fixed  for 'F': the register name as written in the table (AL, CL, DX, rAX, eAX, ES..GS,
 *               ST for st(0), STi for st(ModRM.rm), XMM0 for the implicit mask of BLENDV*)
 */
public record OperandSpec(char method, char size, String fixed) {
    static OperandSpec parse(String s) {
        if (s.equals("1")) return new OperandSpec('1', 'b', null);
        if (s.equals("Ibs")) return new OperandSpec('I', 's', null);
        if (s.length() == 2 && "EGMRIJOSCDXYZAVWUPQN".indexOf(s.charAt(0)) >= 0 && "bwdqvzypxt".indexOf(s.charAt(1)) >= 0) {
            return new OperandSpec(s.charAt(0), s.charAt(1), null);
        }
        if (s.equals("M")) return new OperandSpec('M', '\0', null);
        return switch (s) {
            case "AL", "CL", "DX", "rAX", "eAX", "ES", "CS", "SS", "DS", "FS", "GS", "ST", "STi", "XMM0", "AX" -> new OperandSpec('F', '\0', s);
            default -> throw new IllegalArgumentException("unknown operand notation " + s);
        };
    }

    /** True when the operand is a ModRM r/m operand (register or memory). */
    public boolean isRm() { return "EMRWUQN".indexOf(method) >= 0; }

    /** True when decoding the operand needs a ModRM byte. */
    boolean needsModrm() { return "EGMRSCDVWUPQN".indexOf(method) >= 0; }
}
