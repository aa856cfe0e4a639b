package org.multios.isa.riscv.decode;

import java.util.List;

/**
 * One disassembly line of a pattern: the assembler text (a mnemonic and an operand
 * template such as {@code {x:rd},{d:imm}({x:rs1})}) and the conditions on the decoded
 * fields under which objdump prints it (its pseudo-instructions and aliases).
 */
public record DisasmRule(String mnemonic, String operands, List<Condition> conditions) {

    /** {@code slot[hi:lo] (=|!=) constant-or-slot}. */
    public record Condition(InsnSlot slot, int hi, int lo, boolean equal, InsnSlot otherSlot, long constant) {
        public boolean holds(RvInsn insn) {
            long v = slot.of(insn);
            if (hi >= 0) v = (v >>> lo) & ((1L << (hi - lo + 1)) - 1);
            long w = otherSlot != null ? otherSlot.of(insn) : constant;
            return (v == w) == equal;
        }
    }

    public boolean matches(RvInsn insn) {
        for (Condition c : conditions) {
            if (!c.holds(insn)) return false;
        }
        return true;
    }
}
