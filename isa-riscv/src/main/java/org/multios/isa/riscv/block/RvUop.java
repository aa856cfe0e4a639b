package org.multios.isa.riscv.block;

import org.multios.isa.riscv.decode.RvInsn;
import org.multios.isa.riscv.decode.RvOp;

/**
 * One pre-decoded instruction as the block executor runs it: the decoder's fields, with
 * an integer destination x0 redirected to the scratch register 32 so that the executor
 * writes results unconditionally (x0 stays zero without a test per instruction).
 */
public final class RvUop {
    /** Index of the write-only scratch register that stands in for x0 as a destination. */
    public static final int X0_SINK = 32;

    public final RvOp op;
    /** {@link RvUopCode} of the op: the executor's dispatch key. */
    public final int code;
    public final int rd, rs1, rs2, rs3, rm;
    public final long imm;
    public final int len;
    public final RvInsn insn;

    public RvUop(RvInsn in) {
        this.op = in.op;
        this.code = RvUopCode.of(in.op);
        this.rd = in.rd == 0 && RvOpInfo.writesX(in.op) ? X0_SINK : in.rd;
        this.rs1 = in.rs1;
        this.rs2 = in.rs2;
        this.rs3 = in.rs3;
        this.rm = in.rm;
        this.imm = in.imm;
        this.len = in.length;
        this.insn = in;
    }

    public int raw() { return insn.raw; }
}
