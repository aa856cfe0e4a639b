/*
 * Stage 1 firmware, x86_64 (docs/boot.md, docs/firmware.md): long mode, CPL 0, entered from
 * start.S after the real -> protected -> long mode switch. COM1 console, RAM from CMOS, the
 * 8259s masked, PCI enumeration over ECAM with BAR assignment, NVMe, GPT, the MFS boot
 * partition, then /boot/stage2.bin at 0x200000 with rdi = boot CPU (0) and rsi = the device
 * tree, copied to 0x1f0000. The page tables at 0x1000 stay in place for stage 2.
 */
#include "fw.h"

const char *fw_stage_name = "stage1";

extern const uint8_t pc_dtb[], pc_dtb_end[];
extern char __stage1_end[], __scratch_end[];

#define MARKS 0x7000

void fw_halt(void) {
    for (;;) __asm__ volatile("cli; hlt");
}

static uint64_t rdmsr(uint32_t msr) {
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return (uint64_t)hi << 32 | lo;
}

static void report_modes(void) {
    const volatile uint32_t *m = (const volatile uint32_t *)MARKS;
    uint64_t cr0, cr3, cr4;
    __asm__ volatile("mov %%cr0, %0; mov %%cr3, %1; mov %%cr4, %2" : "=r"(cr0), "=r"(cr3), "=r"(cr4));
    uint64_t efer = rdmsr(0xc0000080);
    fw_log("reset: real mode at F000:FFF0, CR0 %x, processor signature %x", m[1], m[0]);
    fw_log("protected mode: CR0 %x (PE), flat 32-bit GDT", m[2]);
    fw_log("long mode: CR0 %lx CR4 %lx (PAE) EFER %lx (LME%s) CR3 %lx, 4 GiB identity-mapped",
           cr0, cr4, efer, (efer & 0x400) ? " LMA" : "", cr3);
}

void stage1_main(void) {
    fw_console_init(0);
    fw_timebase_init(0);
    fw_log("MultiOS stage 1 firmware (x86_64-pc), boot CPU 0");
    report_modes();
    pc_pic_init(0xff, 0xff);           /* nothing interrupts the firmware */
    pc_virtual_wire();
    uint64_t low_top, high;
    pc_ram(&low_top, &high);
    fw_log("memory: 0-9ffff, 100000-%lx (%lu MiB)%s", low_top - 1, low_top >> 20, high ? ", more above 4 GiB" : "");
    if (high) fw_log("memory: 100000000-%lx (%lu MiB)", (uint64_t)(1ULL << 32) + high - 1, high >> 20);
    if (low_top < X86_STAGE2_BASE + X86_STAGE2_MAX + (4ULL << 20))
        fw_die("%lu MiB of RAM is too little to boot (stage 2 at %lx, kernel at %lx)", low_top >> 20, (uint64_t)X86_STAGE2_BASE,
               (uint64_t)(X86_STAGE2_BASE + X86_STAGE2_MAX));

    struct pci_host host;
    uint32_t dtsize = (uint32_t)(pc_dtb_end - pc_dtb);
    pc_open_ecam();
    pci_host_from_fdt(pc_dtb, &host);
    fw_log("pci: ECAM at %lx, memory window %lx-%lx", host.ecam, host.mem_base, host.mem_base + host.mem_size - 1);
    /* I/O BARs get port numbers from 0x1000 up (the device tree lists no I/O window for the kernel) */
    host.io_pci = host.io_cpu = 0;
    host.io_size = 0x10000;
    pci_enumerate(&host);
    unsigned dev, fn;
    if (pci_find_class(&host, 0x010802, &dev, &fn) != 0) fw_die("no disk: no NVMe controller (PCI class 01/08/02) found");
    uint64_t bar = pci_bar64(&host, dev, fn, 0);
    fw_log("nvme: controller at 00:%02x.%u, registers at %lx", dev, fn, bar);
    nvme_init((uintptr_t)bar, 1);
    struct gpt_part boot;
    gpt_find(GPT_TYPE_MULTIOS_BOOT, "boot", &boot, 1);
    mfs_mount(boot.first_lba * nvme_block_size, (boot.last_lba - boot.first_lba + 1) * nvme_block_size, 1);
    static const char path[] = "/boot/stage2.bin";
    struct mfs_inode n;
    if (mfs_lookup(path, &n) != 0) fw_die("%s not found on the boot partition", path);
    if (n.size == 0) fw_die("%s is empty", path);
    if (n.size > X86_STAGE2_MAX) fw_die("%s is %lu bytes; stage 2 must fit in %lu bytes below the kernel", path, n.size, X86_STAGE2_MAX);
    mfs_read(&n, path, 0, (void *)X86_STAGE2_BASE, n.size);
    if (n.size < 10 || memcmp((const uint8_t *)X86_STAGE2_BASE + 2, "MOSX86S2", 8) != 0)
        fw_die("%s is not an x86_64 stage 2 (no MOSX86S2 signature at byte 2): a disk made for another architecture?", path);
    fw_log("loaded %s (%lu bytes) at %lx", path, n.size, X86_STAGE2_BASE);
    if (dtsize > X86_DT_MAX) fw_die("device tree of %u bytes does not fit at %lx", dtsize, X86_DT_BASE);
    memcpy((void *)X86_DT_BASE, pc_dtb, dtsize);
    nvme_disable();
    fw_log("entering stage 2 (long mode) at %lx, device tree at %lx", X86_STAGE2_BASE, X86_DT_BASE);
    register uint64_t rdi __asm__("rdi") = 0;
    register uint64_t rsi __asm__("rsi") = X86_DT_BASE;
    __asm__ volatile("jmp *%2" :: "r"(rdi), "r"(rsi), "r"((uint64_t)X86_STAGE2_BASE) : "memory");
    __builtin_unreachable();
}

/* From start.S: an exception in long mode before stage 2 has its own IDT (frame = rip, cs, rflags). */
void stage1_exception(uint64_t vector, uint64_t error, const uint64_t *frame, uint64_t cr2) {
    fw_die("exception %lu (error %lx) at rip %lx, rflags %lx, cr2 %lx", vector, error, frame[0], frame[2], cr2);
}

/* The device tree, compiled from pc.dts by build.sh. */
__asm__(".section .rodata\n.balign 8\n.globl pc_dtb\npc_dtb:\n.incbin \"" PC_DTB "\"\n.globl pc_dtb_end\npc_dtb_end:\n.previous");
