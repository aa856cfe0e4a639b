package org.multios.isa.riscv.decode;

import java.util.List;

/**
 * One line of the encoding table: the fixed bits ({@code mask}/{@code match}) that
 * identify an operation, how each {@link RvInsn} slot is filled (a {@link BitField} or
 * a constant), and the disassembly rules declared with it.
 */
public final class EncodingPattern {
    private final RvOp op;
    private final int length;
    private final int mask, match;
    private final BitField[] fields;   // indexed by InsnSlot ordinal (RD..IMM); null = constant
    private final long[] constants;
    private final int group;           // overlap group number, 0 = none
    private final int line;
    private final List<String> extensions;
    private final List<DisasmRule> disasm;

    EncodingPattern(RvOp op, int length, int mask, int match, BitField[] fields, long[] constants,
                    int group, int line, List<String> extensions, List<DisasmRule> disasm) {
        this.op = op;
        this.length = length;
        this.mask = mask;
        this.match = match;
        this.fields = fields;
        this.constants = constants;
        this.group = group;
        this.line = line;
        this.extensions = extensions;
        this.disasm = disasm;
    }

    public RvOp op() { return op; }
    /** 2 for RVC patterns, 4 otherwise. */
    public int length() { return length; }
    public int mask() { return mask; }
    public int match() { return match; }
    public int group() { return group; }
    /** Line of the table that declared the pattern, for error messages. */
    public int line() { return line; }
    public List<DisasmRule> disasm() { return disasm; }
    /** The extensions (lower-case names as in an ISA string, "priv" for the privileged set) that define this encoding. */
    public List<String> extensions() { return extensions; }

    public boolean matches(int bits) { return (bits & mask) == match; }

    /** The field that fills {@code slot}, or null when the slot is a constant. */
    public BitField field(InsnSlot slot) { return fields[slot.ordinal()]; }

    /** The constant value of {@code slot} when it has no field. */
    public long constant(InsnSlot slot) { return constants[slot.ordinal()]; }

    private long value(int slot, int bits) {
        BitField f = fields[slot];
        return f != null ? f.extract(bits) : constants[slot];
    }

    /** Builds the decoded instruction; {@code bits} must match this pattern. */
    public RvInsn decode(int bits) {
        int raw = length == 2 ? bits & 0xffff : bits;
        return new RvInsn(op, (int) value(0, raw), (int) value(1, raw), (int) value(2, raw),
                (int) value(3, raw), (int) value(4, raw), value(5, raw), raw, length);
    }

    @Override
    public String toString() {
        return op + " (line " + line + ")";
    }
}
