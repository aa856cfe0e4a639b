package org.multios.isa.riscv.decode;

/**
 * One decoded instruction, as the executor and disassembler consume it.
 * <ul>
 * <li>{@code rd, rs1, rs2, rs3}: register numbers (integer or FP as the op implies).
 * <li>{@code imm}: the sign-extended immediate (I/S/B/U/J forms, shift amounts, the
 *     CSR number for Zicsr ops, fence fm/pred/succ bits for FENCE, the call number for
 *     NATIVE_CALL). For CSRR*I the 5-bit zimm is in {@code rs1}.
 * <li>{@code rm}: the FP rounding-mode field (funct3) for F/D ops.
 * <li>{@code length}: 2 for RVC encodings, 4 otherwise; {@code raw}: the encoding bits.
 * </ul>
 * AMO aq/rl bits are {@code raw} bits 26 and 25.
 */
public final class RvInsn {
    public final RvOp op;
    public final int rd, rs1, rs2, rs3, rm;
    public final long imm;
    public final int raw;
    public final int length;

    public RvInsn(RvOp op, int rd, int rs1, int rs2, int rs3, int rm, long imm, int raw, int length) {
        this.op = op;
        this.rd = rd;
        this.rs1 = rs1;
        this.rs2 = rs2;
        this.rs3 = rs3;
        this.rm = rm;
        this.imm = imm;
        this.raw = raw;
        this.length = length;
    }

    public boolean compressed() { return length == 2; }

    public boolean aq() { return (raw & (1 << 26)) != 0; }

    public boolean rl() { return (raw & (1 << 25)) != 0; }

    @Override
    public String toString() {
        return String.format("%s rd=%d rs1=%d rs2=%d rs3=%d rm=%d imm=%d raw=%08x/%d",
                op.mnemonic(), rd, rs1, rs2, rs3, rm, imm, raw, length);
    }
}
