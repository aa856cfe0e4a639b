/*
 * Stage 1 firmware for arm64-virt (docs/boot.md, docs/firmware.md): EL1 from the reset vector
 * in flash, running from its RAM copy. Console, memory and CPUs from the device tree the
 * board put at the start of RAM, PCI enumeration with BAR assignment, NVMe bring-up, GPT, the
 * MFS boot partition, then /boot/stage2.bin at 0x40200000, entered at EL1 with
 * x0 = device tree. Nothing stays resident: PSCI is the board's (HVC), there is no SBI.
 */
#include "fw.h"

const char *fw_stage_name = "stage1";

#define DT_BASE     0x40000000UL
#define STAGE2_BASE 0x40200000UL
#define STAGE2_MAX  0x00200000UL      /* up to the kernel at 0x40400000 */
#define STAGE2_FIRST_INSN 0xd5034fdfu /* msr daifset, #0xf */

extern char _start[], __stage1_end[];

static void memory_from_fdt(const void *fdt, uint64_t *lo, uint64_t *hi) {
    int depth, found = 0;
    *lo = ~0ull;
    *hi = 0;
    for (int n = fdt_next_node(fdt, -1, &depth); n >= 0; n = fdt_next_node(fdt, n, &depth)) {
        int len;
        const char *type = fdt_prop(fdt, n, "device_type", &len);
        if (!type || fw_strcmp(type, "memory") != 0) continue;
        uint64_t base, size;
        for (int i = 0; fdt_reg(fdt, n, i, &base, &size) == 0; i++) {
            if (!size) continue;
            fw_log("memory: %lx-%lx (%lu MiB)", base, base + size - 1, size >> 20);
            if (base < *lo) *lo = base;
            if (base + size > *hi) *hi = base + size;
            found = 1;
        }
    }
    if (!found) fw_die("no memory node in the device tree");
}

static int count_cpus(const void *fdt) {
    int depth, n = 0;
    for (int c = fdt_next_node(fdt, -1, &depth); c >= 0; c = fdt_next_node(fdt, c, &depth)) {
        int len;
        const char *type = fdt_prop(fdt, c, "device_type", &len);
        if (type && fw_strcmp(type, "cpu") == 0) n++;
    }
    return n;
}

void stage1_main(const void *fdt) {
    uint64_t el = read_sysreg(CurrentEL) >> 2 & 3;
    if (fdt_valid(fdt) != 0) {
        fw_log("MultiOS stage 1 firmware (arm64, EL%lu)", el);
        fw_die("no valid device tree at the start of RAM (%p)", fdt);
    }
    fw_console_init(fdt);
    fw_timebase_init(fdt);
    fw_log("MultiOS stage 1 firmware (arm64, EL%lu), CPU %lx", el, read_sysreg(mpidr_el1) & 0xffffff);
    int ncpu = count_cpus(fdt);
    fw_log("device tree at %lx (%u bytes), counter %lu Hz, %d CPU%s", (uint64_t)(uintptr_t)fdt, fdt_size(fdt), fw_timebase_hz,
           ncpu, ncpu == 1 ? "" : "s");
    if (el != 1) fw_die("entered at EL%lu; this firmware runs at EL1 (a board with EL2/EL3 must drop to EL1 first)", el);
    uint64_t ram_lo, ram_hi;
    memory_from_fdt(fdt, &ram_lo, &ram_hi);
    if ((uintptr_t)fdt + fdt_size(fdt) > (uintptr_t)_start) fw_die("the device tree (%u bytes) runs into stage 1 at %p", fdt_size(fdt), _start);
    int len, chosen = fdt_path(fdt, "/chosen");
    if (chosen >= 0 && fdt_prop(fdt, chosen, "multios,secure-boot", &len))
        fw_die("secure boot: not available on arm64 yet (no TPM driver in this firmware)");

    struct pci_host host;
    pci_host_from_fdt(fdt, &host);
    fw_log("pci: ECAM at %lx, memory window %lx-%lx", host.ecam, host.mem_base, host.mem_base + host.mem_size - 1);
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
    if (n.size > STAGE2_MAX) fw_die("%s is %lu bytes; stage 2 must fit in %lu bytes below the kernel", path, n.size, STAGE2_MAX);
    if (STAGE2_BASE + STAGE2_MAX > ram_hi || DT_BASE < ram_lo || (uintptr_t)__stage1_end > STAGE2_BASE)
        fw_die("RAM %lx-%lx cannot hold stage 2 at %lx", ram_lo, ram_hi - 1, STAGE2_BASE);
    mfs_read(&n, path, 0, (void *)STAGE2_BASE, n.size);
    if (memcmp((const void *)STAGE2_BASE, "\177ELF", 4) == 0) fw_die("%s is an ELF file; stage 2 is a flat binary (stage2.bin)", path);
    /* stage2/start.S begins with msr daifset, #0xf: anything else (riscv64's stage 2 on a disk made
     * for another architecture) would run as garbage A64 code */
    if (*(const volatile uint32_t *)STAGE2_BASE != STAGE2_FIRST_INSN)
        fw_die("%s is not an arm64 stage 2 (first word %08x; a disk made for another architecture? image create --arch arm64)",
               path, *(const volatile uint32_t *)STAGE2_BASE);
    __asm__ volatile("dsb sy\n\tic iallu\n\tdsb sy\n\tisb" ::: "memory");
    fw_log("loaded %s (%lu bytes) at %lx", path, n.size, STAGE2_BASE);
    nvme_disable();
    fw_log("entering stage 2 (EL1) at %lx", STAGE2_BASE);
    register uint64_t x0 __asm__("x0") = (uintptr_t)fdt;
    __asm__ volatile("br %1" :: "r"(x0), "r"(STAGE2_BASE) : "memory");
    __builtin_unreachable();
}
