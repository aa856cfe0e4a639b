/*
 * Stage 1 firmware (docs/boot.md, docs/firmware.md): M-mode, entered from the reset ROM.
 * Console, memory and harts from the device tree, PCI enumeration with BAR assignment, NVMe
 * bring-up, GPT, the MFS boot partition, then /boot/stage2.bin at 0x80200000 in S-mode with
 * the delegation OpenSBI would set up. Stays resident as a minimal SBI (sbi.c).
 */
#include "fw.h"
#include "stage1.h"

const char *fw_stage_name = "stage1";

#define STAGE2_BASE 0x80200000UL
#define STAGE2_MAX  0x00200000UL      /* up to the kernel at 0x80400000 */

extern char __stage1_end[], __stage1_load_end[];
#define STAGE1_BASE 0x80000000UL

void fw_halt(void) {
    clear_csr(mstatus, 1 << 3);       /* MIE */
    write_csr(mie, 0);
    for (;;) __asm__ volatile("wfi");
}

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

static int count_harts(const void *fdt) {
    int cpus = fdt_path(fdt, "/cpus"), depth = 0, n = 0;
    if (cpus < 0) return 0;
    int base = 0;
    for (int c = fdt_next_node(fdt, -1, &depth); c >= 0; c = fdt_next_node(fdt, c, &depth))
        if (c == cpus) { base = depth; break; }
    int d = base;
    for (int c = fdt_next_node(fdt, cpus, &d); c >= 0 && d > base; c = fdt_next_node(fdt, c, &d)) {
        int len;
        const char *type = fdt_prop(fdt, c, "device_type", &len);
        if (d == base + 1 && type && fw_strcmp(type, "cpu") == 0) n++;
    }
    return n;
}

/* The boot device: /chosen/multios,boot-device = "net" (./multios boot --boot net) asks for
 * the network; "disk" or no property means the NVMe boot partition, except that a machine
 * with no NVMe controller but a virtio-net function boots from the network (QEMU -bios). */
static int boot_from_network(const void *fdt, const struct pci_host *host) {
    int len, chosen = fdt_path(fdt, "/chosen");
    const char *want = chosen >= 0 ? fdt_prop(fdt, chosen, "multios,boot-device", &len) : 0;
    if (want && fw_strcmp(want, "net") == 0) {
        fw_log("boot device: network (/chosen/multios,boot-device)");
        return 1;
    }
    if (want && fw_strcmp(want, "disk") != 0) fw_die("/chosen/multios,boot-device is '%s' (disk or net)", want);
    unsigned d, f;
    if (!want && pci_find_class(host, 0x010802, &d, &f) != 0 && vnet_find(host, &d, &f) == 0) {
        fw_log("boot device: network (no NVMe controller, a virtio-net function)");
        return 1;
    }
    return 0;
}

void stage1_main(unsigned long hartid, const void *fdt) {
    /* Our own image, hashed before anything writes .data: equals SHA-256(stage1.bin). */
    uint8_t self[32];
    sha256_of((const void *)STAGE1_BASE, (uintptr_t)__stage1_load_end - STAGE1_BASE, self);
    if (fdt_valid(fdt) != 0) {
        fw_log("MultiOS stage 1 firmware, hart %lu", hartid);
        fw_die("no valid device tree at a1 (%p)", fdt);
    }
    fw_console_init(fdt);
    fw_timebase_init(fdt);
    fw_log("MultiOS stage 1 firmware (M-mode), boot hart %lu", hartid);
    fw_log("device tree at %lx, timebase %lu Hz, %d hart%s", (uint64_t)(uintptr_t)fdt, fw_timebase_hz,
           count_harts(fdt), count_harts(fdt) == 1 ? "" : "s");
    uint64_t ram_lo, ram_hi;
    memory_from_fdt(fdt, &ram_lo, &ram_hi);
    sbi_init(fdt, hartid);

    /* Measured boot (docs/tpm.md): the static root of trust measures itself and the platform
     * configuration before it runs anything it did not measure. */
    const uint8_t *sb_key = 0;
    if (tpm_probe(fdt) == 0) {
        if ((uintptr_t)__stage1_end > TCGLOG_BASE) fw_die("stage 1 overlaps the event log at %lx", TCGLOG_BASE);
        tpm_startup();
        tcglog_init((void *)TCGLOG_BASE, TCGLOG_CAP);
        /* Event data: UEFI_PLATFORM_FIRMWARE_BLOB {u64 base, u64 length}, as the PFP prescribes. */
        uint8_t blob[16];
        put_le64(blob, STAGE1_BASE);
        put_le64(blob + 8, (uintptr_t)__stage1_load_end - STAGE1_BASE);
        tcglog_event(0, EV_S_CRTM_CONTENTS, self, blob, sizeof blob);
        fw_log("tpm: PCR 0 extended with %02x%02x%02x%02x... (stage 1 at %lx, %lu bytes)", self[0], self[1], self[2], self[3],
               STAGE1_BASE, (uint64_t)((uintptr_t)__stage1_load_end - STAGE1_BASE));
        tcglog_measure(1, EV_PLATFORM_CONFIG_FLAGS, fdt, fdt_size(fdt), "device tree");
        sb_key = secure_boot_key(fdt);
        if (sb_key) fw_log("secure boot: on (enrolled P-256 key %02x%02x%02x%02x... from /chosen)", sb_key[0], sb_key[1], sb_key[2], sb_key[3]);
    } else {
        int len, chosen = fdt_path(fdt, "/chosen");
        if (chosen >= 0 && fdt_prop(fdt, chosen, "multios,secure-boot", &len))
            fw_die("secure boot: no TPM (tcg,tpm-tis-mmio) to verify signatures with");
    }

    struct pci_host host;
    pci_host_from_fdt(fdt, &host);
    fw_log("pci: ECAM at %lx, memory window %lx-%lx", host.ecam, host.mem_base, host.mem_base + host.mem_size - 1);
    pci_enumerate(&host);
    if (STAGE2_BASE + STAGE2_MAX > ram_hi || STAGE2_BASE < ram_lo || (uintptr_t)__stage1_end > STAGE2_BASE)
        fw_die("RAM %lx-%lx cannot hold stage 2 at %lx", ram_lo, ram_hi - 1, STAGE2_BASE);
    /* Room for stage 2: up to the kernel, and never over the device tree. */
    uint64_t f0 = (uintptr_t)fdt, room = STAGE2_MAX;
    if (f0 >= STAGE2_BASE && f0 < STAGE2_BASE + room) room = f0 - STAGE2_BASE;
    if (f0 < STAGE2_BASE && f0 + fdt_size(fdt) > STAGE2_BASE) fw_die("the device tree at %lx lies where stage 2 goes", f0);

    unsigned dev, fn;
    int net = boot_from_network(fdt, &host);
    uint64_t size;
    const char *path;
    static const char disk_path[] = "/boot/stage2.bin";
    if (net) {
        if (sb_key) fw_die("secure boot: stage 2 from the network cannot be verified (signatures are read from the boot partition)");
        if (vnet_find(&host, &dev, &fn) != 0) fw_die("network boot: no virtio-net function (PCI 1af4:1041) found");
        vnet_init(&host, dev, fn, 1);
        memcpy(net_cfg.mac, vnet_mac, 6);
        dhcp_configure(1);
        if (!net_cfg.bootfile[0]) fw_die("dhcp: the server named no boot file (option 67 / 'file'): nothing to load");
        path = net_cfg.bootfile;
        size = tftp_get(net_cfg.server, path, (void *)STAGE2_BASE, room, 1);
        if (size == 0) fw_die("tftp: '%s' is empty", path);
    } else {
        if (pci_find_class(&host, 0x010802, &dev, &fn) != 0) fw_die("no disk: no NVMe controller (PCI class 01/08/02) found");
        uint64_t bar = pci_bar64(&host, dev, fn, 0);
        fw_log("nvme: controller at 00:%02x.%u, registers at %lx", dev, fn, bar);
        nvme_init((uintptr_t)bar, 1);

        struct gpt_part boot;
        gpt_find(GPT_TYPE_MULTIOS_BOOT, "boot", &boot, 1);
        mfs_mount(boot.first_lba * nvme_block_size, (boot.last_lba - boot.first_lba + 1) * nvme_block_size, 1);

        path = disk_path;
        struct mfs_inode n;
        if (mfs_lookup(path, &n) != 0) fw_die("%s not found on the boot partition", path);
        if (n.size == 0) fw_die("%s is empty", path);
        if (n.size > STAGE2_MAX) fw_die("%s is %lu bytes; stage 2 must fit in %lu bytes below the kernel", path, n.size, STAGE2_MAX);
        if (n.size > room) fw_die("the device tree at %lx lies where stage 2 goes", f0);
        mfs_read(&n, path, 0, (void *)STAGE2_BASE, n.size);
        size = n.size;
    }
    __asm__ volatile("fence.i" ::: "memory");
    fw_log("loaded %s (%lu bytes) at %lx", path, size, STAGE2_BASE);
    if (tpm_present()) {
        uint8_t d[32];
        sha256_of((const void *)STAGE2_BASE, size, d);
        if (sb_key) secure_boot_verify(sb_key, path, d);
        tcglog_separators(0, 7);   /* end of the pre-OS firmware's measurements */
        tcglog_event(4, EV_IPL, d, path, (uint32_t)fw_strlen(path));
        fw_log("tpm: PCR 4 extended with %02x%02x%02x%02x... (%s)", d[0], d[1], d[2], d[3], path);
    }
    if (net) vnet_shutdown();
    else nvme_disable();
    fw_log("entering stage 2 (S-mode) at %lx", STAGE2_BASE);
    enter_supervisor(hartid, fdt, STAGE2_BASE, net ? (uintptr_t)&net_cfg : 0);
}
