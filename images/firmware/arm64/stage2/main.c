/*
 * Stage 2 boot loader for arm64 (docs/boot.md, docs/firmware.md): EL1 at 0x40200000, MMU off.
 * Finds the NVMe disk again (stage 1 assigned the BARs), reads /boot/multios.cfg, shows the
 * menu, loads the chosen kernel ELF and initrd, builds the BootInfo record (the riscv64
 * stage 2's cfg.c and bootinfo.c, compiled unchanged) and jumps to the kernel entry with
 * x0 = BootInfo, x1 = CPU number (MPIDR_EL1 Aff0), MMU off, DAIF masked, VBAR_EL1 = our
 * reporting vectors until the kernel sets its own.
 */
#include "stage2.h"

const char *fw_stage_name = "stage2";

#define DT_BASE 0x40000000UL
#define STAGE2_BASE 0x40200000UL
#define CFG_MAX 16384
/* The kernel entry stub's native call 16 (docs/boot.md): HVC #0x4d50. */
#define NATIVE_CALL_KERNEL_ENTRY (0xd4000002u | (0x4d50u << 5))

extern char __stage2_end[];

static struct bootinfo_in bi;
static uint8_t *record;
static char cfg_text[CFG_MAX + 1];
static struct boot_config cfg;

static void add_typed(uint64_t lo, uint64_t hi, uint32_t kind) {
    if (bi.ntyped == (int)(sizeof bi.typed / sizeof bi.typed[0])) fw_die("too many reserved ranges");
    bi.typed[bi.ntyped++] = (struct range){lo & ~0xfffull, align_up(hi, 4096), kind};
}

static int in_ram(uint64_t lo, uint64_t hi) {
    for (int i = 0; i < bi.nram; i++) if (lo >= bi.ram[i].lo && hi <= bi.ram[i].hi) return 1;
    return 0;
}

/* First typed range [lo,hi) overlaps, or NULL. */
static const struct range *overlap(uint64_t lo, uint64_t hi) {
    for (int i = 0; i < bi.ntyped; i++) if (lo < bi.typed[i].hi && hi > bi.typed[i].lo) return &bi.typed[i];
    return 0;
}

static const char *kind_word(uint32_t k) {
    switch (k) {
    case MM_BOOTLOADER: return "the boot loader";
    case MM_DEVICE_TREE: return "the device tree";
    case MM_KERNEL: return "the kernel";
    case MM_INITRD: return "the initrd";
    default: return "reserved memory";
    }
}

static void check_segment(uint64_t lo, uint64_t hi, const char *path) {
    if (!in_ram(lo, hi)) fw_die("%s: segment %lx-%lx is not in RAM", path, lo, hi - 1);
    const struct range *r = overlap(lo, hi);
    if (r) fw_die("%s: segment %lx-%lx overlaps %s (%lx-%lx)", path, lo, hi - 1, kind_word(r->kind), r->lo, r->hi - 1);
}

static void ram_from_fdt(const void *fdt) {
    int depth;
    for (int n = fdt_next_node(fdt, -1, &depth); n >= 0; n = fdt_next_node(fdt, n, &depth)) {
        int len;
        const char *type = fdt_prop(fdt, n, "device_type", &len);
        if (!type || fw_strcmp(type, "memory") != 0) continue;
        uint64_t base, size;
        for (int i = 0; fdt_reg(fdt, n, i, &base, &size) == 0 && bi.nram < 8; i++)
            if (size) bi.ram[bi.nram++] = (struct range){base, base + size, MM_USABLE};
    }
    if (!bi.nram) fw_die("no memory node in the device tree");
    uint64_t b, s;
    for (int i = 0; fdt_memreserve(fdt, i, &b, &s) == 0 && i < 8; i++) add_typed(b, b + s, MM_RESERVED);
}

static void load_initrd(const struct boot_entry *e, uint64_t kernel_hi) {
    struct mfs_inode n;
    if (mfs_lookup(e->initrd, &n) != 0) fw_die("initrd %s not found on the boot partition", e->initrd);
    if (n.size < 6) fw_die("initrd %s is too short to be a cpio archive (%lu bytes)", e->initrd, n.size);
    uint64_t cands[2] = {align_up(kernel_hi, 4096), 0};
    for (int i = 0; i < bi.ntyped; i++) if (bi.typed[i].kind == MM_BOOTLOADER) cands[1] = bi.typed[i].hi;
    uint64_t at = 0;
    for (int c = 0; c < 2 && !at; c++)
        if (cands[c] && in_ram(cands[c], cands[c] + n.size) && !overlap(cands[c], cands[c] + n.size)) at = cands[c];
    if (!at) fw_die("initrd %s (%lu bytes) does not fit in free RAM", e->initrd, n.size);
    mfs_read(&n, e->initrd, 0, (void *)(uintptr_t)at, n.size);
    if (memcmp((void *)(uintptr_t)at, "07070", 5) != 0 || (((char *)(uintptr_t)at)[5] != '1' && ((char *)(uintptr_t)at)[5] != '2'))
        fw_die("initrd %s is not a newc cpio archive (no 070701 magic)", e->initrd);
    bi.initrd = at;
    bi.initrd_size = n.size;
    add_typed(at, at + n.size, MM_INITRD);
    fw_log("loaded initrd %s (%lu bytes) at %lx", e->initrd, n.size, at);
}

void stage2_main(const void *fdt) {
    if (fdt_valid(fdt) != 0) fw_die("no valid device tree in x0 (%p)", fdt);
    fw_console_init(fdt);
    fw_timebase_init(fdt);
    uint64_t cpu = read_sysreg(mpidr_el1) & 0xff;
    fw_log("MultiOS stage 2 boot loader (arm64, EL%lu), CPU %lu", read_sysreg(CurrentEL) >> 2 & 3, cpu);
    bi.hart = cpu;
    bi.fdt = (uintptr_t)fdt;
    ram_from_fdt(fdt);
    if (gic_init(fdt) != 0) fw_log("no GICv3 (arm,gic-v3) for this CPU: the menu countdown polls");
    add_typed(STAGE2_BASE, (uintptr_t)__stage2_end, MM_BOOTLOADER);
    add_typed((uintptr_t)fdt, (uintptr_t)fdt + fdt_size(fdt), MM_DEVICE_TREE);

    struct pci_host host;
    pci_host_from_fdt(fdt, &host);
    unsigned dev, fn;
    if (pci_find_class(&host, 0x010802, &dev, &fn) != 0) fw_die("no disk: no NVMe controller (PCI class 01/08/02) found");
    uint64_t bar = pci_bar64(&host, dev, fn, 0);
    if (!bar || !(pci_cfg_r16(&host, 0, dev, fn, 4) & 2)) fw_die("nvme: BAR 0 of 00:%02x.%u is not assigned (stage 1 assigns it)", dev, fn);
    nvme_init((uintptr_t)bar, 0);
    display_setup(&host, &bi);   /* a bochs-display compatible PCI display: linear 32 bpp mode into BootInfo */
    struct gpt_part boot;
    gpt_find(GPT_TYPE_MULTIOS_BOOT, "boot", &boot, 0);
    bi.part_guid = boot.unique;
    mfs_mount(boot.first_lba * nvme_block_size, (boot.last_lba - boot.first_lba + 1) * nvme_block_size, 0);

    static const char cfg_path[] = "/boot/multios.cfg";
    struct mfs_inode n;
    if (mfs_lookup(cfg_path, &n) != 0) fw_die("%s not found on the boot partition", cfg_path);
    if (n.size > CFG_MAX) fw_die("%s is %lu bytes; at most %u are read", cfg_path, n.size, CFG_MAX);
    mfs_read(&n, cfg_path, 0, cfg_text, n.size);
    cfg_text[n.size] = 0;
    cfg_parse(cfg_text, &cfg);
    fw_log("%s: %d entr%s, default entry %d, timeout %d s", cfg_path, cfg.count, cfg.count == 1 ? "y" : "ies", cfg.dflt + 1, cfg.timeout);

    int choice = menu_choose(&cfg);
    const struct boot_entry *e = &cfg.e[choice];
    fw_log("booting entry %d: %s", choice + 1, e->title);
    if (!e->kernel[0]) fw_die("entry %d '%s' has no kernel line", choice + 1, e->title);

    struct mfs_inode kn;
    if (mfs_lookup(e->kernel, &kn) != 0) fw_die("kernel %s not found on the boot partition", e->kernel);
    struct elf_image img;
    elf_load(&kn, e->kernel, &img, check_segment);
    add_typed(img.lo, img.hi, MM_KERNEL);
    fw_log("loaded kernel %s: %u segment%s at %lx-%lx, entry %lx", e->kernel, img.segments, img.segments == 1 ? "" : "s",
           img.lo, img.hi - 1, img.entry);
    if (e->initrd[0]) load_initrd(e, img.hi);

    int len;
    int chosen = fdt_path(fdt, "/chosen");
    const char *bootargs = chosen >= 0 ? fdt_prop(fdt, chosen, "bootargs", &len) : 0;
    bi.cmdline = e->cmdline;
    if (bootargs && len > 1 && bootargs[0]) {
        bi.cmdline = bootargs;
        fw_log("command line from /chosen/bootargs replaces the entry's");
    }
    fw_log("command line: %s", bi.cmdline);
    record = bootinfo_build(&bi);
    fw_log("BootInfo at %lx (%u bytes, %u memory map entries)", (uint64_t)(uintptr_t)record, le32(record + 12), le32(record + 56));
    nvme_disable();
    gic_quiesce();
    fw_log("jumping to the kernel at %lx", img.entry);

    bootinfo_stamp(record);
    register uint64_t x0 __asm__("x0") = (uintptr_t)record;
    register uint64_t x1 __asm__("x1") = cpu;
    __asm__ volatile("dsb sy\n\tisb\n\tbr %2" :: "r"(x0), "r"(x1), "r"(img.entry) : "memory");
    __builtin_unreachable();
}

/* After the hand-off our vectors are still VBAR_EL1's: a kernel stub that comes back (its
 * native call is not a MultiOS emulator's here) or traps is reported, then the machine is
 * powered off with PSCI. */
void fw_trap_hook(unsigned vector, uint64_t esr, uint64_t elr, uint64_t far) {
    if (!record) return;
    (void)far;
    /* HVC without EL2 is UNDEFINED (ELR = the hvc); a PSCI-only HVC returns (ELR = the udf after it) */
    const uint32_t *w = (const uint32_t *)(uintptr_t)elr;
    uint64_t at = (elr & 3) || elr < 4 ? 0 : w[0] == NATIVE_CALL_KERNEL_ENTRY ? elr : w[-1] == NATIVE_CALL_KERNEL_ENTRY ? elr - 4 : 0;
    if (at) {
        fw_log("the kernel entry stub needs the MultiOS emulator: native call 16 (hvc #0x4d50) at %lx did not enter a kernel", at);
    } else {
        fw_log("unexpected exception after the kernel hand-off: vector %u, ESR %lx, ELR %lx", vector, esr, elr);
    }
    bootinfo_dump(record);
    fw_log("powering off");
    psci_call(PSCI_SYSTEM_OFF, 0, 0, 0);
    fw_halt();
}
