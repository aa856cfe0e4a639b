package org.multios.boards.arm64;

/** QEMU's arm {@code virt} machine memory map (hw/arm/virt.c, base_memmap) and interrupt numbers. */
public enum Arm64VirtMemoryMap {
    FLASH0(0x0000_0000L, 0x0400_0000L),
    FLASH1(0x0400_0000L, 0x0400_0000L),
    GIC_DIST(0x0800_0000L, 0x0001_0000L),
    GIC_REDIST(0x080a_0000L, 0x00f6_0000L),
    UART(0x0900_0000L, 0x0000_1000L),
    RTC(0x0901_0000L, 0x0000_1000L),
    PCIE_MMIO(0x1000_0000L, 0x2eff_0000L),
    PCIE_PIO(0x3eff_0000L, 0x0001_0000L),
    DRAM(0x4000_0000L, 0),
    PCIE_ECAM_HIGH(0x40_1000_0000L, 0x1000_0000L),
    PCIE_MMIO_HIGH(0x80_0000_0000L, 0x80_0000_0000L);

    public final long base, size;

    Arm64VirtMemoryMap(long base, long size) {
        this.base = base;
        this.size = size;
    }

    /** SPI numbers (GIC INTID = 32 + n) of the devices, as virt.c's a15irqmap. */
    public static final int UART_SPI = 1, RTC_SPI = 2, PCIE_FIRST_SPI = 3;
    /** PPI INTIDs of the generic timer outputs (virt.c: ARCH_TIMER_*_IRQ + 16). */
    public static final int TIMER_PHYS_NS_PPI = 30, TIMER_VIRT_PPI = 27, TIMER_PHYS_S_PPI = 29, TIMER_HYP_PPI = 26;
    public static final int GIC_SPIS = 256;
}
