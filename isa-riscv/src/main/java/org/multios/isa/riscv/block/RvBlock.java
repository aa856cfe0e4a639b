package org.multios.isa.riscv.block;

import org.multios.core.cache.CodeBlock;

/**
 * A decoded block of RISC-V instructions from one physical page, ending at a control
 * transfer, a system instruction, the page end or {@link RvBlockBuilder#MAX_INSNS}.
 * <p>
 * Blocks are position independent (pc-relative operations use the run-time pc), so a
 * block found by physical address serves any virtual alias. Chain links remember the
 * virtual pc they led to and the owning hart, besides the fetch-TLB generation, because
 * the block cache is shared between harts.
 */
public final class RvBlock extends CodeBlock {
    public final RvUop[] uops;
    /** Byte offset of each instruction from the block's start. */
    public final int[] offsets;
    /** Executions so far (counts up to the JIT threshold) and the compiled form, if any. */
    public int executions;
    public RvCompiledBlock compiled;
    /** Virtual pc and hart of each chain link (valid together with chainAGen/chainBGen). */
    public long chainAPc, chainBPc;
    public int chainAHart = -1, chainBHart = -1;

    public RvBlock(long physPc, long virtPc, int mode, RvUop[] uops) {
        super(physPc, virtPc, mode);
        this.uops = uops;
        this.offsets = new int[uops.length];
        for (int k = 1; k < uops.length; k++) offsets[k] = offsets[k - 1] + uops[k - 1].len;
    }

    @Override
    public long lastPhysPage() { return physPage(); }

    @Override
    public int length() { return uops.length; }
}
