package org.multios.devices.pci;

/**
 * Where a board puts its PCI host bridge: the ECAM window (1 MiB per bus), the I/O port
 * window (CPU address of PCI I/O address 0) and the 32-bit and 64-bit memory windows
 * (identity-mapped: PCI address = CPU address, as on QEMU's virt boards).
 */
public record PciHostLayout(long ecamBase, long ecamSize, long ioBase, long ioSize,
                            long mmioBase, long mmioSize, long mmioHighBase, long mmioHighSize) {
    public PciHostLayout {
        if (ecamSize < 1 << 20 || (ecamSize & ((1 << 20) - 1)) != 0 || ecamSize > 256L << 20) {
            throw new IllegalArgumentException("ECAM size must be 1..256 MiB in whole buses");
        }
        if (mmioSize <= 0) throw new IllegalArgumentException("a PCI host needs a memory window");
    }

    /** Highest bus number the ECAM window reaches. */
    public int lastBus() { return (int) (ecamSize >>> 20) - 1; }

    /** QEMU riscv64 virt with up to 14 GiB of RAM: ECAM 0x30000000 (256 MiB), I/O 0x3000000 (64 KiB), MMIO 0x40000000 (1 GiB), high MMIO 16 GiB at 16 GiB. */
    public static PciHostLayout riscvVirt() { return riscvVirt(0); }

    /** PLIC source of INTA's wire 0 on riscv64-virt (wires 0..3 are sources 32..35). */
    public static final int RISCV_VIRT_FIRST_IRQ = 0x20;

    /**
     * QEMU riscv64 virt for a machine with {@code ramSize} bytes of RAM at 0x80000000: the
     * 16 GiB high MMIO window starts at the first 16 GiB boundary above RAM, as virt.c places it.
     */
    public static PciHostLayout riscvVirt(long ramSize) {
        long highSize = 0x4_0000_0000L;
        long highBase = Math.max(highSize, (0x8000_0000L + ramSize + highSize - 1) & -highSize);
        return new PciHostLayout(0x3000_0000L, 0x1000_0000L, 0x0300_0000L, 0x1_0000L,
                0x4000_0000L, 0x4000_0000L, highBase, highSize);
    }
}
