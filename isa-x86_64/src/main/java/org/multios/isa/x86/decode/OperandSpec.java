package org.multios.isa.x86.decode;

/**
 * One operand in the Intel SDM's opcode-map notation (Vol. 2 Appendix A.2): an addressing
 * method letter and a size letter, or a fixed register.
 *
 * @param method E G M R I J O S C D X Y Z A V W, or 'F' for a fixed register, '1' for the constant 1
 * @param size   b w d q v z y p x, 's' for a sign-extended byte immediate, or 0
 * @param fixed  for 'F': the register name as written in the table (AL, CL, DX, rAX, eAX, ES..GS)
 */
public record OperandSpec(char method, char size, String fixed) {
    static OperandSpec parse(String s) {
        if (s.equals("1")) return new OperandSpec('1', 'b', null);
        if (s.equals("Ibs")) return new OperandSpec('I', 's', null);
        if (s.length() == 2 && "EGMRIJOSCDXYZAVW".indexOf(s.charAt(0)) >= 0 && "bwdqvzypx".indexOf(s.charAt(1)) >= 0) {
            return new OperandSpec(s.charAt(0), s.charAt(1), null);
        }
        if (s.equals("M")) return new OperandSpec('M', '\0', null);
        return switch (s) {
            case "AL", "CL", "DX", "rAX", "eAX", "ES", "CS", "SS", "DS", "FS", "GS" -> new OperandSpec('F', '\0', s);
            default -> throw new IllegalArgumentException("unknown operand notation " + s);
        };
    }

    /** True when the operand is a ModRM r/m operand (register or memory). */
    public boolean isRm() { return method == 'E' || method == 'M' || method == 'R' || method == 'W'; }

    /** True when decoding the operand needs a ModRM byte. */
    boolean needsModrm() { return "EGMRSCDVW".indexOf(method) >= 0; }
}
