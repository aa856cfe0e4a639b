/* The BootInfo record of docs/boot.md: 136-byte header (112 + the measured-boot extension),
 * the command line, the memory map. */
#include "stage2.h"

#define BI_MAGIC 0x31544F4F42534F4DULL   /* "MOSBOOT1" */
#define BI_EXT_MAGIC 0x3154584542534F4DULL   /* "MOSBEXT1": fields from offset 112 */
#define HEADER 136
#define MAX_MM 64
#define MAX_CMDLINE 4095   /* the kernel reads up to 4096 bytes with the NUL */

static uint8_t record[HEADER + MAX_CMDLINE + 1 + 8 + MAX_MM * 24] __attribute__((aligned(8)));

static const char *kind_name(uint32_t k) {
    static const char *names[] = {"?", "USABLE", "RESERVED", "FIRMWARE", "KERNEL", "INITRD", "DEVICE_TREE", "BOOTLOADER"};
    return k < 8 ? names[k] : "?";
}

/* Splits RAM at every boundary, gives each piece the kind of the first typed range covering
 * it (USABLE when none), and merges neighbours of one kind: sorted, disjoint, covering RAM. */
static int memory_map(const struct bootinfo_in *in, uint8_t *out) {
    uint64_t pts[2 * (8 + 24)];
    int np = 0, n = 0;
    for (int i = 0; i < in->nram; i++) { pts[np++] = in->ram[i].lo; pts[np++] = in->ram[i].hi; }
    for (int i = 0; i < in->ntyped; i++) { pts[np++] = in->typed[i].lo; pts[np++] = in->typed[i].hi; }
    for (int i = 1; i < np; i++)       /* insertion sort: a few dozen points */
        for (int j = i; j > 0 && pts[j] < pts[j - 1]; j--) { uint64_t t = pts[j]; pts[j] = pts[j - 1]; pts[j - 1] = t; }
    uint64_t last_hi = 0;
    uint32_t last_kind = 0;
    for (int i = 0; i + 1 < np; i++) {
        uint64_t a = pts[i], b = pts[i + 1];
        if (a == b) continue;
        int in_ram = 0;
        for (int r = 0; r < in->nram; r++) if (a >= in->ram[r].lo && b <= in->ram[r].hi) in_ram = 1;
        if (!in_ram) continue;
        uint32_t kind = MM_USABLE;
        for (int t = 0; t < in->ntyped; t++)
            if (a >= in->typed[t].lo && b <= in->typed[t].hi) { kind = in->typed[t].kind; break; }
        if (n > 0 && last_kind == kind && last_hi == a) {
            uint8_t *e = out + (n - 1) * 24;
            put_le64(e + 8, le64(e + 8) + (b - a));
        } else {
            if (n == MAX_MM) fw_die("memory map has more than %d entries", MAX_MM);
            uint8_t *e = out + n * 24;
            put_le64(e, a);
            put_le64(e + 8, b - a);
            put_le32(e + 16, kind);
            put_le32(e + 20, 0);
            n++;
        }
        last_hi = b;
        last_kind = kind;
    }
    return n;
}

uint8_t *bootinfo_build(const struct bootinfo_in *in) {
    uint8_t *r = record;
    memset(r, 0, sizeof record);
    size_t at = HEADER;
    uint64_t cmd = 0;
    if (in->cmdline) {
        size_t len = fw_strlen(in->cmdline);
        if (len > MAX_CMDLINE) fw_die("command line longer than %d bytes", MAX_CMDLINE);
        memcpy(r + at, in->cmdline, len + 1);
        cmd = (uintptr_t)(r + at);
        at += len + 1;
    }
    at = align_up(at, 8);
    int n = memory_map(in, r + at);
    put_le64(r + 0, BI_MAGIC);
    put_le32(r + 8, 1);
    put_le32(r + 12, (uint32_t)(at + 24 * (size_t)n));
    put_le64(r + 16, cmd);
    put_le64(r + 24, in->initrd);
    put_le64(r + 32, in->initrd_size);
    put_le64(r + 40, in->fdt);
    put_le64(r + 48, (uintptr_t)(r + at));
    put_le32(r + 56, (uint32_t)n);
    put_le32(r + 60, (uint32_t)in->hart);
    put_le64(r + 64, in->fb_base);   /* all zero without a display */
    put_le32(r + 72, in->fb_width);
    put_le32(r + 76, in->fb_height);
    put_le32(r + 80, in->fb_stride);
    put_le32(r + 84, in->fb_bpp);
    if (in->part_guid) {
        memcpy(r + 96, in->part_guid, 16);   /* the GPT entry's bytes as stored: first 8, last 8 */
    }
    put_le64(r + 112, BI_EXT_MAGIC);
    put_le64(r + 120, in->tcg_log);          /* 0 = no TPM, no log */
    put_le32(r + 128, in->tcg_log_size);
    put_le32(r + 132, in->boot_flags);
    return r;
}

void bootinfo_stamp(uint8_t *bi) { put_le64(bi + 88, fw_rdtime()); }

void bootinfo_dump(const uint8_t *bi) {
    fw_printf("BootInfo at %lx: version %u, %u bytes, hart %u\n", (uint64_t)(uintptr_t)bi, le32(bi + 8), le32(bi + 12), le32(bi + 60));
    uint64_t cmd = le64(bi + 16);
    fw_printf("  cmdline      \"%s\"\n", cmd ? (const char *)(uintptr_t)cmd : "");
    fw_printf("  initrd       %lx, %lu bytes\n", le64(bi + 24), le64(bi + 32));
    fw_printf("  device tree  %lx\n", le64(bi + 40));
    if (le64(bi + 64))
        fw_printf("  framebuffer  %lx, %ux%u, stride %u, %u bpp\n", le64(bi + 64), le32(bi + 72), le32(bi + 76), le32(bi + 80), le32(bi + 84));
    fw_printf("  boot GUID    %016lx %016lx\n", le64(bi + 96), le64(bi + 104));
    if (le64(bi + 120)) fw_printf("  TCG log      %lx, %u bytes, flags %x\n", le64(bi + 120), le32(bi + 128), le32(bi + 132));
    uint32_t n = le32(bi + 56);
    const uint8_t *mm = (const uint8_t *)(uintptr_t)le64(bi + 48);
    fw_printf("  memory map   %u entries\n", n);
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *e = mm + 24 * i;
        fw_printf("    %016lx-%016lx %s\n", le64(e), le64(e) + le64(e + 8) - 1, kind_name(le32(e + 16)));
    }
}
