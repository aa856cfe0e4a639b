package org.multios.isa.riscv.irq;

/**
 * Register blocks of the RISC-V PLIC (riscv-plic-spec 1.0.0, SiFive layout), as byte offsets
 * of the first element and the stride between elements.
 */
public enum PlicRegister {
    /** Interrupt source priority, one 32-bit word per source (source 0 does not exist). */
    PRIORITY(0x000000, 4),
    /** Interrupt pending bits, 32 sources per word (read-only). */
    PENDING(0x001000, 4),
    /** Per-context enable bits, 0x80 bytes per context. */
    ENABLE(0x002000, 0x80),
    /** Per-context priority threshold, 0x1000 bytes per context. */
    THRESHOLD(0x200000, 0x1000),
    /** Per-context claim (read) / complete (write), 4 bytes after the threshold. */
    CLAIM_COMPLETE(0x200004, 0x1000);

    public final int base;
    public final int stride;

    PlicRegister(int base, int stride) {
        this.base = base;
        this.stride = stride;
    }
}
