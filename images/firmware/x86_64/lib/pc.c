/* PC chipset helpers: the 8259 pair, CMOS, and the board's PCI host (ECAM at 0xb0000000). */
#include "fw.h"

void pc_pic_init(uint8_t mask1, uint8_t mask2) {
    outb(PC_PIC1, 0x11); outb(PC_PIC2, 0x11);       /* ICW1: edge, cascade, ICW4 follows */
    outb(PC_PIC1 + 1, 0x20); outb(PC_PIC2 + 1, 0x28); /* ICW2: vector bases */
    outb(PC_PIC1 + 1, 0x04); outb(PC_PIC2 + 1, 0x02); /* ICW3: slave on IRQ 2 */
    outb(PC_PIC1 + 1, 0x01); outb(PC_PIC2 + 1, 0x01); /* ICW4: 8086 mode */
    outb(PC_PIC1 + 1, mask1); outb(PC_PIC2 + 1, mask2);
}

uint8_t cmos_read(uint8_t reg) {
    outb(PC_CMOS, reg | 0x80);   /* bit 7: NMI stays disabled */
    return inb(PC_CMOS + 1);
}

void pci_host_pc(struct pci_host *h) {
    memset(h, 0, sizeof *h);
    h->ecam = PC_ECAM;
    h->ecam_size = PC_ECAM_SIZE;
    h->mem_base = PC_PCI_MEM;
    h->mem_size = PC_PCI_MEM_SIZE;
    h->io_pci = 0;                 /* I/O BARs are port numbers */
    h->io_cpu = 0;
    h->io_size = 0x10000;
}

/* RAM as the board's CMOS reports it, the way SeaBIOS reads QEMU's: 0x34/0x35 = RAM between
 * 16 MiB and the PCI hole in 64 KiB units (0x30/0x31 = KiB above 1 MiB when that is 0), and
 * 0x5b-0x5d = RAM above 4 GiB in 64 KiB units. */
void pc_ram(uint64_t *low_top, uint64_t *high_size) {
    uint64_t above16 = (uint64_t)(cmos_read(0x34) | cmos_read(0x35) << 8) << 16;
    if (above16) *low_top = (16ULL << 20) + above16;
    else *low_top = (1ULL << 20) + ((uint64_t)(cmos_read(0x30) | cmos_read(0x31) << 8) << 10);
    *high_size = (uint64_t)(cmos_read(0x5b) | cmos_read(0x5c) << 8 | (uint32_t)cmos_read(0x5d) << 16) << 16;
}

/* QEMU's fw_cfg (traditional I/O interface, selector 0x510, data 0x511): the -append command
 * line (FW_CFG_CMDLINE_SIZE 0x14 / _DATA 0x15). Returns its length, 0 when there is none. */
size_t fwcfg_cmdline(char *buf, size_t cap) {
    char sig[4];
    outw(0x510, 0x00);
    for (int i = 0; i < 4; i++) sig[i] = (char)inb(0x511);
    if (memcmp(sig, "QEMU", 4) != 0) return 0;
    outw(0x510, 0x14);
    uint32_t size = 0;
    for (int i = 0; i < 4; i++) size |= (uint32_t)inb(0x511) << (8 * i);
    if (size <= 1 || cap == 0) return 0;
    if (size > cap) size = (uint32_t)cap;
    outw(0x510, 0x15);
    for (uint32_t i = 0; i < size; i++) buf[i] = (char)inb(0x511);
    buf[size - 1] = 0;
    return fw_strlen(buf);
}

/* QEMU's q35 (Intel Q35 host bridge 8086:29c0) decodes ECAM only once firmware opens it in
 * PCIEXBAR (config 0x60 of 00:00.0; SeaBIOS does the same): base 0xb0000000, 256 buses, enable.
 * The MultiOS board's ECAM is always there; its host bridge is another, so nothing is written. */
void pc_open_ecam(void) {
    outl(0xcf8, 0x80000000u);                       /* mechanism #1: 00:00.0, register 0 */
    if (inl(0xcfc) != 0x29c08086u) return;
    outl(0xcf8, 0x80000064u);
    outl(0xcfc, 0);
    outl(0xcf8, 0x80000060u);
    outl(0xcfc, (uint32_t)PC_ECAM | 1);
    fw_log("pci: Q35 host bridge: ECAM opened at %lx (PCIEXBAR)", (uint64_t)PC_ECAM);
}

/* A CPU with a local APIC (CPUID.1:EDX bit 9; QEMU's, not the MultiOS board's) takes the 8259's
 * interrupts only in virtual-wire mode: the APIC software-enabled, LINT0 as ExtINT, LINT1 as NMI
 * (MP specification 3.6.2.2; SeaBIOS sets the same). Without it the menu's PIT naps never end. */
void pc_virtual_wire(void) {
    uint32_t a, b, c, d;
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1), "c"(0));
    if (!(d & (1u << 9))) return;
    uintptr_t apic = 0xfee00000UL;
    mmio_w32(apic + 0xf0, 0x1ff);      /* spurious vector 0xff, APIC enabled */
    mmio_w32(apic + 0x350, 0x700);     /* LVT LINT0: ExtINT */
    mmio_w32(apic + 0x360, 0x400);     /* LVT LINT1: NMI */
    fw_log("local APIC: virtual wire mode (8259 through LINT0)");
}
