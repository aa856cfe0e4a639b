/*
 * Stage 2 boot loader (docs/boot.md, docs/firmware.md): S-mode at 0x80200000. Finds the NVMe
 * disk again (BARs are assigned), reads /boot/multios.cfg, shows the menu, loads the chosen
 * kernel ELF and initrd, builds the BootInfo record and jumps to the kernel entry with
 * a0 = BootInfo, a1 = hart id, satp = 0.
 */
#include "stage2.h"

const char *fw_stage_name = "stage2";

#define FW_BASE 0x80000000UL
#define STAGE2_BASE 0x80200000UL
#define CFG_MAX 16384
#define NATIVE_CALL_KERNEL_ENTRY 0x0020000bu

extern char __stage2_end[];
extern void stage2_trap_entry(void);

static struct bootinfo_in bi;
static uint8_t *record;
static char cfg_text[CFG_MAX + 1];
static struct boot_config cfg;
static int measured;               /* a TPM and stage 1's event log */
static const uint8_t *sb_key;      /* secure boot's enrolled key, or NULL */
static uint8_t chunk[16384] FW_NOINIT;

/* SHA-256 of a whole file on the boot partition, read in chunks (the kernel may be large). */
static void file_digest(const struct mfs_inode *n, const char *path, uint8_t out[32]) {
    struct sha256 s;
    sha256_init(&s);
    for (uint64_t off = 0; off < n->size;) {
        uint64_t len = n->size - off < sizeof chunk ? n->size - off : sizeof chunk;
        mfs_read(n, path, off, chunk, len);
        sha256_update(&s, chunk, len);
        off += len;
    }
    sha256_final(&s, out);
}

/* Verifies (under secure boot) and measures one boot file by its digest. */
static void check_and_measure(unsigned pcr, const char *path, const uint8_t d[32]) {
    if (sb_key) secure_boot_verify(sb_key, path, d);
    if (measured) {
        tcglog_event(pcr, EV_IPL, d, path, (uint32_t)fw_strlen(path));
        fw_log("tpm: PCR %u extended with %02x%02x%02x%02x... (%s)", pcr, d[0], d[1], d[2], d[3], path);
    }
}

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
    case MM_FIRMWARE: return "the firmware";
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
    for (int i = 0; i < bi.ntyped; i++) if (bi.typed[i].kind == MM_DEVICE_TREE) cands[1] = bi.typed[i].hi;
    uint64_t at = 0;
    for (int c = 0; c < 2 && !at; c++)
        if (cands[c] && in_ram(cands[c], cands[c] + n.size) && !overlap(cands[c], cands[c] + n.size)) at = cands[c];
    if (!at) fw_die("initrd %s (%lu bytes) does not fit in free RAM", e->initrd, n.size);
    mfs_read(&n, e->initrd, 0, (void *)(uintptr_t)at, n.size);
    if (memcmp((void *)(uintptr_t)at, "07070", 5) != 0 || (((char *)(uintptr_t)at)[5] != '1' && ((char *)(uintptr_t)at)[5] != '2'))
        fw_die("initrd %s is not a newc cpio archive (no 070701 magic)", e->initrd);
    uint8_t d[32];
    sha256_of((const void *)(uintptr_t)at, n.size, d);
    check_and_measure(9, e->initrd, d);
    bi.initrd = at;
    bi.initrd_size = n.size;
    add_typed(at, at + n.size, MM_INITRD);
    fw_log("loaded initrd %s (%lu bytes) at %lx", e->initrd, n.size, at);
}

/* ---- network boot (a4 from stage 1): files come over TFTP from the boot server ---- */
static int netboot;                /* started from the network */
static char net_dir[128];          /* the boot file's directory: relative names resolve there */
static uint64_t scratch_lo, scratch_hi;   /* download buffer for the kernel ELF */
static char name_buf[256];

static const char *net_name(const char *path) {
    if (path[0] == '/') return path;
    fw_snprintf(name_buf, sizeof name_buf, "%s%s", net_dir, path);
    return name_buf;
}

static void check_segment_net(uint64_t lo, uint64_t hi, const char *path) {
    check_segment(lo, hi, path);
    if (lo < scratch_hi && hi > scratch_lo)
        fw_die("%s: segment %lx-%lx overlaps the download buffer %lx-%lx", path, lo, hi - 1, scratch_lo, scratch_hi - 1);
}

/* Free RAM from at up to the next typed range or the end of its RAM bank. */
static uint64_t room_at(uint64_t at) {
    uint64_t end = 0;
    for (int i = 0; i < bi.nram; i++) if (at >= bi.ram[i].lo && at < bi.ram[i].hi) end = bi.ram[i].hi;
    for (int i = 0; i < bi.ntyped; i++) {
        if (at >= bi.typed[i].lo && at < bi.typed[i].hi) return 0;
        if (bi.typed[i].lo > at && bi.typed[i].lo < end) end = bi.typed[i].lo;
    }
    return end > at ? end - at : 0;
}

static void net_setup(const struct pci_host *host, const struct netboot *nb) {
    if ((uintptr_t)nb < FW_BASE || (uintptr_t)nb + sizeof *nb > STAGE2_BASE)
        fw_die("network boot: stage 1's lease at %p is outside the firmware", (const void *)nb);
    net_cfg = *nb;
    net_cfg.bootfile[sizeof net_cfg.bootfile - 1] = 0;
    unsigned dev, fn;
    if (vnet_find(host, &dev, &fn) != 0) fw_die("network boot: no virtio-net function (PCI 1af4:1041) found");
    vnet_init(host, dev, fn, 0);
    if (memcmp(vnet_mac, net_cfg.mac, 6) != 0) fw_die("network boot: the NIC's MAC differs from the one stage 1 used");
    const char *slash = 0;
    for (const char *p = net_cfg.bootfile; *p; p++) if (*p == '/') slash = p;
    size_t dl = slash ? (size_t)(slash - net_cfg.bootfile) + 1 : 0;
    if (dl >= sizeof net_dir) dl = 0;
    memcpy(net_dir, net_cfg.bootfile, dl);
    net_dir[dl] = 0;
    char a[16], s[16];
    ip_str(net_cfg.ip, a);
    ip_str(net_cfg.server, s);
    fw_log("network boot: address %s, files from tftp://%s/%s", a, s, net_dir);
    /* The kernel ELF is downloaded into the upper half of RAM (below the device tree when
     * that lies there), then loaded from it; the initrd goes straight to its place. */
    scratch_lo = align_up(bi.ram[0].lo + (bi.ram[0].hi - bi.ram[0].lo) / 2, 4096);
    scratch_hi = bi.ram[0].hi;
    const struct range *r;
    while ((r = overlap(scratch_lo, scratch_hi)) != 0) {
        if (r->lo > scratch_lo) scratch_hi = r->lo;
        else scratch_lo = r->hi;
        if (scratch_lo >= scratch_hi) fw_die("network boot: no free RAM for the download buffer");
    }
}

static void load_initrd_net(const struct boot_entry *e, uint64_t kernel_hi) {
    const char *name = net_name(e->initrd);
    uint64_t at = align_up(kernel_hi, 4096), room = room_at(at);
    if (!room) fw_die("initrd %s: no free RAM after the kernel", name);
    uint64_t size = tftp_get(net_cfg.server, name, (void *)(uintptr_t)at, room, 1);
    if (size < 6) fw_die("initrd %s is too short to be a cpio archive (%lu bytes)", name, size);
    if (memcmp((void *)(uintptr_t)at, "07070", 5) != 0 || (((char *)(uintptr_t)at)[5] != '1' && ((char *)(uintptr_t)at)[5] != '2'))
        fw_die("initrd %s is not a newc cpio archive (no 070701 magic)", name);
    uint8_t d[32];
    sha256_of((const void *)(uintptr_t)at, size, d);
    check_and_measure(9, name, d);
    bi.initrd = at;
    bi.initrd_size = size;
    add_typed(at, at + size, MM_INITRD);
    fw_log("loaded initrd %s (%lu bytes) at %lx", name, size, at);
}

void stage2_main(unsigned long hartid, const void *fdt, uint64_t log_base, uint64_t log_size, const struct netboot *nb) {
    if (fdt_valid(fdt) != 0) fw_die("no valid device tree in a1 (%p)", fdt);
    fw_console_init(fdt);
    fw_timebase_init(fdt);
    fw_log("MultiOS stage 2 boot loader (S-mode), hart %lu", hartid);
    bi.hart = hartid;
    bi.fdt = (uintptr_t)fdt;
    ram_from_fdt(fdt);
    if (tpm_probe(fdt) == 0) {
        if (log_base) {
            tcglog_attach((void *)(uintptr_t)log_base, (uint32_t)log_size, TCGLOG_CAP);
            measured = 1;
            fw_log("tpm: TIS at %lx, event log from stage 1 at %lx (%lu bytes)", tpm_base(), log_base, log_size);
        } else {
            fw_log("tpm: TIS at %lx but stage 1 passed no event log: nothing is measured", tpm_base());
        }
    }
    sb_key = secure_boot_key(fdt);
    add_typed(FW_BASE, STAGE2_BASE, MM_FIRMWARE);
    add_typed(STAGE2_BASE, (uintptr_t)__stage2_end, MM_BOOTLOADER);
    add_typed((uintptr_t)fdt, (uintptr_t)fdt + fdt_size(fdt), MM_DEVICE_TREE);

    struct pci_host host;
    pci_host_from_fdt(fdt, &host);
    static const uint8_t no_guid[16];
    netboot = nb && nb->magic == NETBOOT_MAGIC;
    if (netboot && sb_key) fw_die("secure boot: files from the network cannot be verified (signatures are read from the boot partition)");
    if (netboot) {
        net_setup(&host, nb);
        display_setup(&host, &bi);
        bi.part_guid = no_guid;
        static char cfg_name[160];
        fw_snprintf(cfg_name, sizeof cfg_name, "%smultios.cfg", net_dir);
        uint64_t size = tftp_get(net_cfg.server, cfg_name, cfg_text, CFG_MAX, 0);
        cfg_text[size] = 0;
        if (measured) tcglog_measure(5, EV_IPL, cfg_text, size, cfg_name);
        cfg_parse(cfg_text, &cfg);
        fw_log("%s: %d entr%s, default entry %d, timeout %d s", cfg_name, cfg.count, cfg.count == 1 ? "y" : "ies", cfg.dflt + 1, cfg.timeout);
    } else {
    unsigned dev, fn;
    if (pci_find_class(&host, 0x010802, &dev, &fn) != 0) fw_die("no disk: no NVMe controller (PCI class 01/08/02) found");
    uint64_t bar = pci_bar64(&host, dev, fn, 0);
    if (!bar || !(pci_cfg_r16(&host, 0, dev, fn, 4) & 2)) fw_die("nvme: BAR 0 of 00:%02x.%u is not assigned (stage 1 assigns it)", dev, fn);
    nvme_init((uintptr_t)bar, 0);
    display_setup(&host, &bi);
    static struct gpt_part boot;   /* bi.part_guid points into it after this block */
    gpt_find(GPT_TYPE_MULTIOS_BOOT, "boot", &boot, 0);
    bi.part_guid = boot.unique;
    mfs_mount(boot.first_lba * nvme_block_size, (boot.last_lba - boot.first_lba + 1) * nvme_block_size, 0);

    static const char cfg_path[] = "/boot/multios.cfg";
    struct mfs_inode n;
    if (mfs_lookup(cfg_path, &n) != 0) fw_die("%s not found on the boot partition", cfg_path);
    if (n.size > CFG_MAX) fw_die("%s is %lu bytes; at most %u are read", cfg_path, n.size, CFG_MAX);
    mfs_read(&n, cfg_path, 0, cfg_text, n.size);
    cfg_text[n.size] = 0;
    if (measured) tcglog_measure(5, EV_IPL, cfg_text, n.size, cfg_path);
    cfg_parse(cfg_text, &cfg);
    fw_log("%s: %d entr%s, default entry %d, timeout %d s", cfg_path, cfg.count, cfg.count == 1 ? "y" : "ies", cfg.dflt + 1, cfg.timeout);
    }

    int choice = menu_choose(&cfg);
    const struct boot_entry *e = &cfg.e[choice];
    fw_log("booting entry %d: %s", choice + 1, e->title);
    if (!e->kernel[0]) fw_die("entry %d '%s' has no kernel line", choice + 1, e->title);

    struct elf_image img;
    const char *kname = e->kernel;
    if (netboot) {
        kname = net_name(e->kernel);
        uint64_t ksize = tftp_get(net_cfg.server, kname, (void *)(uintptr_t)scratch_lo, scratch_hi - scratch_lo, 1);
        if (measured) {
            uint8_t kd[32];
            sha256_of((const void *)(uintptr_t)scratch_lo, ksize, kd);
            check_and_measure(4, kname, kd);
        }
        elf_load_mem((const void *)(uintptr_t)scratch_lo, ksize, kname, &img, check_segment_net);
    } else {
        struct mfs_inode kn;
        if (mfs_lookup(e->kernel, &kn) != 0) fw_die("kernel %s not found on the boot partition", e->kernel);
        uint8_t kd[32];
        if (measured || sb_key) {
            file_digest(&kn, e->kernel, kd);
            check_and_measure(4, e->kernel, kd);
        }
        elf_load(&kn, e->kernel, &img, check_segment);
    }
    add_typed(img.lo, img.hi, MM_KERNEL);
    fw_log("loaded kernel %s: %u segment%s at %lx-%lx, entry %lx", kname, img.segments, img.segments == 1 ? "" : "s",
           img.lo, img.hi - 1, img.entry);
    if (e->initrd[0]) {
        if (netboot) load_initrd_net(e, img.hi);
        else load_initrd(e, img.hi);
    }

    int len;
    int chosen = fdt_path(fdt, "/chosen");
    const char *bootargs = chosen >= 0 ? fdt_prop(fdt, chosen, "bootargs", &len) : 0;
    bi.cmdline = e->cmdline;
    if (bootargs && len > 1 && bootargs[0]) {
        bi.cmdline = bootargs;
        fw_log("command line from /chosen/bootargs replaces the entry's");
    }
    fw_log("command line: %s", bi.cmdline);
    if (measured) {
        tcglog_measure(8, EV_IPL, bi.cmdline, fw_strlen(bi.cmdline), bi.cmdline);
        bi.tcg_log = tcglog_base();
        bi.tcg_log_size = tcglog_size();
        bi.boot_flags = BOOT_MEASURED | (sb_key ? BOOT_VERIFIED : 0);
    }
    record = bootinfo_build(&bi);
    fw_log("BootInfo at %lx (%u bytes, %u memory map entries)", (uint64_t)(uintptr_t)record, le32(record + 12), le32(record + 56));
    if (netboot) vnet_shutdown();
    else nvme_disable();
    fw_log("jumping to the kernel at %lx", img.entry);

    /* On a machine without the MultiOS native call, the stub's first instruction traps here. */
    write_csr(stvec, (uintptr_t)stage2_trap_entry);
    write_csr(sie, 0);
    write_csr(satp, 0);
    sbi_set_timer(~0ull);
    bootinfo_stamp(record);
    register uint64_t a0 __asm__("a0") = (uintptr_t)record;
    register uint64_t a1 __asm__("a1") = hartid;
    __asm__ volatile("fence.i\n\tjr %2" :: "r"(a0), "r"(a1), "r"(img.entry) : "memory");
    __builtin_unreachable();
}

void stage2_trap(void) {
    uint64_t cause = read_csr(scause), epc = read_csr(sepc), tval = read_csr(stval);
    if (cause == 2 && (epc & 3) == 0 && *(volatile uint32_t *)(uintptr_t)epc == NATIVE_CALL_KERNEL_ENTRY) {
        fw_log("the kernel entry stub needs the MultiOS emulator: native call 2 at %lx is an illegal instruction on this machine", epc);
    } else {
        fw_log("unexpected trap after the kernel hand-off: scause %lx, sepc %lx, stval %lx", cause, epc, tval);
    }
    if (record) bootinfo_dump(record);
    fw_log("shutting down");
    sbi_shutdown(1);
}
