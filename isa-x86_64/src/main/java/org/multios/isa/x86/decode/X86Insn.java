package org.multios.isa.x86.decode;

/**
 * One decoded instruction: what the length decoder found (prefixes, REX, opcode, ModRM,
 * SIB, displacement, immediates) and the opcode-map entry it selects. Reused by the CPU
 * (one instance per CPU) to keep the interpreter loop free of allocation.
 */
public final class X86Insn {
    public static final int NO_REG = -1, RIP = 16;

    public int length;
    public int map, opcode;
    public OpcodeEntry entry;
    /** Legacy prefixes seen: LOCK, REP (F3), REPNE (F2), operand size (66), address size (67). */
    public boolean lock, rep, repne, opsizePrefix, adsizePrefix;
    /** Segment override 0..5 (ES CS SS DS FS GS), or -1. */
    public int segment;
    /** How many 66 prefixes there were, and an ES/CS/SS/DS override 64-bit mode ignored (or -1): the disassembler names them. */
    public int opsizeCount, ignoredSegment;
    public int rex;
    /** Operand size and address size in bytes (2, 4, 8). */
    public int osize, asize;
    public int modrm;
    public int mod, reg, rm;
    /** Memory operand: base and index registers (0-15, {@link #RIP}, or {@link #NO_REG}), scale shift, displacement. */
    public int base, index, scale;
    public long disp;
    public long imm, imm2;
    /** Register number from the opcode's low three bits (with REX.B), for "Z" operands. */
    public int opReg;
    /** The code size (16, 32, 64) the instruction was decoded in. */
    public int codeBits;

    void clear() {
        length = 0;
        entry = null;
        lock = rep = repne = opsizePrefix = adsizePrefix = false;
        segment = -1;
        opsizeCount = 0;
        ignoredSegment = -1;
        rex = 0;
        modrm = -1;
        mod = reg = rm = 0;
        base = index = NO_REG;
        scale = 0;
        disp = imm = imm2 = 0;
        opReg = 0;
    }

    public boolean hasMemoryOperand() { return modrm >= 0 && mod != 3; }

    public boolean rexW() { return (rex & 8) != 0; }

    public String mnemonic() { return entry.mnemonic(); }
}
