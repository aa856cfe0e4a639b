package org.multios.isa.riscv.irq;

/**
 * Register blocks of the SiFive CLINT / RISC-V ACLINT (MSWI + MTIMER) as QEMU virt lays them
 * out: one 4-byte MSIP word per hart at 0x0000, one 8-byte MTIMECMP per hart at 0x4000, and the
 * shared 8-byte MTIME at 0xBFF8.
 */
public enum ClintRegister {
    MSIP(0x0000, 4),
    MTIMECMP(0x4000, 8),
    MTIME(0xbff8, 8);

    public final int base;
    /** Bytes per hart (MSIP, MTIMECMP) or the register's size (MTIME). */
    public final int stride;

    ClintRegister(int base, int stride) {
        this.base = base;
        this.stride = stride;
    }
}
