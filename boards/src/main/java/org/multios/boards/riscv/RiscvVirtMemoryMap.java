package org.multios.boards.riscv;

/** QEMU virt's RISC-V memory map (hw/riscv/virt.c), for the devices this board has. */
public enum RiscvVirtMemoryMap {
    /** Reset ROM ("mrom"): the reset vector and the fw_dynamic info block. */
    MROM(0x1000L, 0xf000L),
    /** SiFive test finisher (also the syscon behind poweroff/reboot). */
    TEST(0x100000L, 0x1000L),
    /** Goldfish RTC. */
    RTC(0x101000L, 0x1000L),
    /** CLINT (MSWI + MTIMER). */
    CLINT(0x2000000L, 0x10000L),
    /** QEMU's platform bus: where {@code -device tpm-tis-device} lands first. */
    PLATFORM_BUS(0x4000000L, 0x2000000L),
    /** PLIC. */
    PLIC(0xc000000L, 0x600000L),
    /** NS16550A UART 0. */
    UART0(0x10000000L, 0x100L),
    /** Main memory (its size is the machine's). */
    DRAM(0x80000000L, 0);

    public final long base;
    public final long size;

    RiscvVirtMemoryMap(long base, long size) {
        this.base = base;
        this.size = size;
    }

    /** PLIC source numbers on virt. */
    public static final int UART0_IRQ = 10, RTC_IRQ = 11;
    /** PLIC source IDs 0..95 (0 is reserved), as QEMU virt's VIRT_IRQCHIP_NUM_SOURCES. */
    public static final int PLIC_SOURCES = 96;
    /** Clock of the UART's baud generator, as QEMU's device tree says. */
    public static final int UART_CLOCK_HZ = 3_686_400;
}
