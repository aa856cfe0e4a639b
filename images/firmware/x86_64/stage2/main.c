/*
 * Stage 2 boot loader, x86_64 (docs/boot.md, docs/firmware.md): long mode at 0x200000. Finds
 * the NVMe disk again through the device tree's ECAM (BARs are assigned), reads
 * /boot/multios.cfg, shows the menu, loads the chosen kernel ELF and initrd, builds the
 * BootInfo record and jumps to the kernel entry with rdi = BootInfo, rsi = boot CPU. The
 * menu, configuration parser, BootInfo builder and display set-up are the riscv64 stage 2's.
 */
#include "stage2.h"

const char *fw_stage_name = "stage2";

#define CFG_MAX 16384
#define LOW_RAM_END 0xa0000ULL

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

static const struct range *overlap(uint64_t lo, uint64_t hi) {
    for (int i = 0; i < bi.ntyped; i++) if (lo < bi.typed[i].hi && hi > bi.typed[i].lo) return &bi.typed[i];
    return 0;
}

static const char *kind_word(uint32_t k) {
    switch (k) {
    case MM_FIRMWARE: return "the firmware";
    case MM_BOOTLOADER: return "the boot loader";
    case MM_DEVICE_TREE: return "the device tree";
    case MM_KERNEL: return "the kernel";
    case MM_INITRD: return "the initrd";
    default: return "reserved memory";
    }
}

/* The kernel's RAM is the region from 1 MiB: segments must lie there, clear of everything typed. */
static void check_segment(uint64_t lo, uint64_t hi, const char *path) {
    if (lo < bi.ram[1].lo || !in_ram(lo, hi)) fw_die("%s: segment %lx-%lx is not in RAM above 1 MiB", path, lo, hi - 1);
    const struct range *r = overlap(lo, hi);
    if (r) fw_die("%s: segment %lx-%lx overlaps %s (%lx-%lx)", path, lo, hi - 1, kind_word(r->kind), r->lo, r->hi - 1);
}

static void load_initrd(const struct boot_entry *e, uint64_t kernel_hi) {
    struct mfs_inode n;
    if (mfs_lookup(e->initrd, &n) != 0) fw_die("initrd %s not found on the boot partition", e->initrd);
    if (n.size < 6) fw_die("initrd %s is too short to be a cpio archive (%lu bytes)", e->initrd, n.size);
    uint64_t at = align_up(kernel_hi, 4096);
    if (!in_ram(at, at + n.size) || overlap(at, at + n.size)) fw_die("initrd %s (%lu bytes) does not fit in free RAM", e->initrd, n.size);
    mfs_read(&n, e->initrd, 0, (void *)(uintptr_t)at, n.size);
    if (memcmp((void *)(uintptr_t)at, "07070", 5) != 0 || (((char *)(uintptr_t)at)[5] != '1' && ((char *)(uintptr_t)at)[5] != '2'))
        fw_die("initrd %s is not a newc cpio archive (no 070701 magic)", e->initrd);
    bi.initrd = at;
    bi.initrd_size = n.size;
    add_typed(at, at + n.size, MM_INITRD);
    fw_log("loaded initrd %s (%lu bytes) at %lx", e->initrd, n.size, at);
}

void stage2_main(unsigned long cpu, const void *fdt) {
    fw_console_init(0);
    fw_timebase_init(0);
    fw_log("MultiOS stage 2 boot loader (x86_64 long mode), CPU %lu", cpu);
    if (fdt_valid(fdt) != 0) fw_die("no valid device tree in rsi (%p)", fdt);
    bi.hart = cpu;
    bi.fdt = (uintptr_t)fdt;
    uint64_t low_top, high;
    pc_ram(&low_top, &high);
    bi.ram[bi.nram++] = (struct range){0, LOW_RAM_END, MM_USABLE};
    bi.ram[bi.nram++] = (struct range){1ULL << 20, low_top, MM_USABLE};
    if (high) bi.ram[bi.nram++] = (struct range){1ULL << 32, (1ULL << 32) + high, MM_USABLE};
    /* below 640 KiB: the page tables (still in use until the kernel loads CR3), stage 1, its stack */
    add_typed(0, LOW_RAM_END, MM_FIRMWARE);
    add_typed(X86_STAGE2_BASE, (uintptr_t)__stage2_end, MM_BOOTLOADER);
    add_typed((uintptr_t)fdt, (uintptr_t)fdt + fdt_size(fdt), MM_DEVICE_TREE);
    struct pci_host host;
    pci_host_from_fdt(fdt, &host);
    unsigned dev, fn;
    if (pci_find_class(&host, 0x010802, &dev, &fn) != 0) fw_die("no disk: no NVMe controller (PCI class 01/08/02) found");
    uint64_t bar = pci_bar64(&host, dev, fn, 0);
    if (!bar || !(pci_cfg_r16(&host, 0, dev, fn, 4) & 2)) fw_die("nvme: BAR 0 of 00:%02x.%u is not assigned (stage 1 assigns it)", dev, fn);
    nvme_init((uintptr_t)bar, 0);
    display_setup(&host, &bi);
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
    static char fwcfg_args[4096];
    if (fwcfg_cmdline(fwcfg_args, sizeof fwcfg_args) > 0) {
        bi.cmdline = fwcfg_args;
        fw_log("command line from fw_cfg replaces the entry's");
    } else if (bootargs && len > 1 && bootargs[0]) {
        bi.cmdline = bootargs;
        fw_log("command line from /chosen/bootargs replaces the entry's");
    }
    fw_log("command line: %s", bi.cmdline);
    record = bootinfo_build(&bi);
    fw_log("BootInfo at %lx (%u bytes, %u memory map entries)", (uint64_t)(uintptr_t)record, le32(record + 12), le32(record + 56));
    nvme_disable();
    fw_log("jumping to the kernel at %lx", img.entry);
    bootinfo_stamp(record);
    register uint64_t rdi __asm__("rdi") = (uintptr_t)record;
    register uint64_t rsi __asm__("rsi") = cpu;
    __asm__ volatile("jmp *%2" :: "r"(rdi), "r"(rsi), "r"(img.entry) : "memory");
    __builtin_unreachable();
}

/* From start.S: an exception before the kernel took over the IDT (the CPU's frame at f). */
void stage2_exception(uint64_t vector, uint64_t error, const uint64_t *f, uint64_t cr2) {
    uint64_t rip = f[0];
    if (vector == 6 && rip >= 3 && ((const uint8_t *)rip)[0] == 0x0f && ((const uint8_t *)rip)[1] == 0x01 && ((const uint8_t *)rip)[2] == 0xc1) {
        fw_log("the kernel entry stub needs the MultiOS emulator: native call 2 (vmcall) at %lx is an invalid opcode on this machine", rip);
    } else {
        fw_log("unexpected exception %lu (error %lx) at rip %lx, cs %lx, rflags %lx, cr2 %lx", vector, error, rip, f[1], f[2], cr2);
    }
    if (record) bootinfo_dump(record);
    fw_log("halted");
    fw_halt();
}
