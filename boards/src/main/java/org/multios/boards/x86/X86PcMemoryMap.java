package org.multios.boards.x86;

/** Where things are on the x86_64-pc board (QEMU's "pc" machine layout, hw/i386/pc.c). */
public final class X86PcMemoryMap {
    private X86PcMemoryMap() {}

    /** Conventional memory below the VGA hole. */
    public static final long LOW_RAM_END = 0xa0000;
    /** Option ROM and BIOS area, RAM shadowing the top of the firmware image (PAM set to read/write). */
    public static final long SHADOW_BASE = 0xc0000, SHADOW_END = 0x100000;
    /** The last 128 KiB of the firmware image also appear below 1 MiB (the "isa-bios" alias). */
    public static final long ISA_BIOS_BASE = 0xe0000, ISA_BIOS_SIZE = 0x20000;
    /** RAM above 1 MiB ends here at most; the rest goes above 4 GiB. */
    public static final long LOW_RAM_LIMIT = 0xb000_0000L;
    /** PCI memory windows as U-Boot's qemu-x86 device tree declares them. */
    public static final long PCI_MMIO_BASE = 0xc000_0000L, PCI_MMIO_SIZE = 0x2000_0000L;
    public static final long FOUR_GIB = 0x1_0000_0000L;
    /** PCI Express ECAM (MMCONFIG), 256 buses, where QEMU's q35 puts it and an ACPI MCFG table would say. */
    public static final long PCI_ECAM_BASE = 0xb000_0000L, PCI_ECAM_SIZE = 0x1000_0000L;
    /** ACPI PM1a control block (QEMU's PM base 0x600 + 4): SLP_EN with SLP_TYP 0 (QEMU's S5) powers off. */
    public static final int PM1A_CNT = 0x604;

    // I/O ports
    public static final int PIC_MASTER = 0x20, PIT = 0x40, PORT_B = 0x61, CMOS = 0x70, PORT_A = 0x92, POST = 0x80,
            PIC_SLAVE = 0xa0, COM1 = 0x3f8, FW_CFG = 0x510, PCI_CONFIG = 0xcf8;
    public static final int COM1_IRQ = 4, PIT_IRQ = 0;
    /** IO-APIC inputs of PCI INTA-INTD (PIRQ A-D) in APIC mode; ISA IRQ n is GSI n except IRQ 0 on GSI 2. */
    public static final int PIRQ_GSI_BASE = 16;
}
