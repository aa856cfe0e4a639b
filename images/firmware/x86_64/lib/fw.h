/*
 * The x86_64 boot stages' view of the shared firmware library (images/firmware/riscv64/lib).
 * build.sh force-includes this file (-include) before every source, so the arch-neutral C of
 * the riscv64 tree (string, fdt, pci over ECAM, nvme, hash, lz4, gpt, mfs) compiles unchanged:
 * the riscv64 header is read here with its two RISC-V inline functions renamed out of the way
 * (never used, so never emitted), and x86 versions take their names. The library's own
 * #include "fw.h" then finds FW_H defined and adds nothing.
 */
#if !defined(FW_X86_H) && !defined(__ASSEMBLER__)   /* also force-included into the .S files */
#define FW_X86_H

#define fw_fence fw_fence_riscv_unused
#define fw_rdtime fw_rdtime_riscv_unused
#include "../../riscv64/lib/fw.h"
#undef fw_fence
#undef fw_rdtime

/* Device memory is uncached and ordered on this board; the barrier keeps the compiler honest. */
static inline void fw_fence(void) { __asm__ volatile("mfence" ::: "memory"); }
/* The time base is the TSC: virtual nanoseconds on the MultiOS board (fw_timebase_hz = 1 GHz). */
static inline uint64_t fw_rdtime(void) {
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" :: "a"(v), "Nd"(port) : "memory"); }
static inline uint8_t inb(uint16_t port) { uint8_t v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port) : "memory"); return v; }
static inline void outw(uint16_t port, uint16_t v) { __asm__ volatile("outw %0, %1" :: "a"(v), "Nd"(port) : "memory"); }
static inline void outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" :: "a"(v), "Nd"(port) : "memory"); }
static inline uint32_t inl(uint16_t port) { uint32_t v; __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port) : "memory"); return v; }

/* The PC's fixed devices (docs/x86_64.md): COM1, the 8259 pair, the 8254, CMOS, reset and ACPI PM. */
#define PC_COM1 0x3f8
#define PC_PIC1 0x20
#define PC_PIC2 0xa0
#define PC_PIT 0x40
#define PC_CMOS 0x70
#define PC_RESET 0xcf9
#define PC_PM1A_CNT 0x604

/* The board's ECAM (what an ACPI MCFG table would give) and 32-bit PCI memory window. */
#define PC_ECAM 0xb0000000UL
#define PC_ECAM_SIZE 0x10000000UL
#define PC_PCI_MEM 0xc0000000UL
#define PC_PCI_MEM_SIZE 0x20000000UL

/* Where the stages live (docs/boot.md, x86_64). */
#define X86_STAGE1_RAM 0x10000UL      /* stage 1 copies itself here from the ROM */
#define X86_DT_BASE 0x1f0000UL        /* the device tree stage 1 hands on */
#define X86_DT_MAX 0x10000UL
#define X86_STAGE2_BASE 0x200000UL
#define X86_STAGE2_MAX 0x200000UL     /* up to the kernel at 0x400000 */

/* lib/pc.c */
void pc_pic_init(uint8_t mask1, uint8_t mask2);   /* ICW1-4: vectors 0x20-0x2f, then the masks */
uint8_t cmos_read(uint8_t reg);
void pc_virtual_wire(void);                       /* with a local APIC: LINT0 = ExtINT */
void pc_open_ecam(void);                          /* Q35: PCIEXBAR at 0xb0000000 (QEMU -M q35) */
void pci_host_pc(struct pci_host *h);             /* ECAM + memory window of the x86_64-pc board */
void pc_ram(uint64_t *low_top, uint64_t *high_size);     /* from CMOS, as SeaBIOS reads it */
size_t fwcfg_cmdline(char *buf, size_t cap);            /* QEMU -append / boot --cmdline; 0 = none */

#endif
