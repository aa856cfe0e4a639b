/*
 * fdt: the device tree the board passes in a1, as firmware and kernels read it. For the
 * nodes a QEMU-virt guest relies on (memory, cpus, interrupt controllers, UART, test
 * finisher, RTC, CLINT, PLIC, PCIe host, poweroff/reboot) it prints chosen properties in a
 * fixed order, with phandles replaced by the path of the node they point to (phandle numbers
 * are arbitrary). Properties that legitimately differ between boards (riscv,isa, rng-seed,
 * the device tree's size and address) are not printed.
 */
#include "rt.h"

#define FDT_BEGIN_NODE 1
#define FDT_END_NODE 2
#define FDT_PROP 3
#define FDT_NOP 4
#define FDT_END 9

static const uint8_t *blob;
static uint32_t off_struct, off_strings;

static uint32_t be32(const void *p) {
    const uint8_t *b = p;
    return ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | b[3];
}

static int str_eq(const char *a, const char *b) {
    while (*a && *a == *b) { a++; b++; }
    return *a == *b;
}

static size_t str_len(const char *s) { size_t n = 0; while (s[n]) n++; return n; }

/* Walks the structure block; for every property calls fn(path, name, value, len). Stops
 * early when fn returns nonzero. */
typedef int (*prop_fn)(const char *path, const char *name, const uint8_t *val, uint32_t len, void *ctx);

static void walk(prop_fn fn, void *ctx) {
    char path[256];
    size_t depth_len[16];
    int depth = 0;
    size_t plen = 0;
    path[0] = 0;
    const uint8_t *p = blob + off_struct;
    for (;;) {
        uint32_t tok = be32(p);
        p += 4;
        if (tok == FDT_BEGIN_NODE) {
            const char *name = (const char *)p;
            size_t n = str_len(name);
            depth_len[depth++] = plen;
            if (depth > 1) {
                if (plen == 0 || path[plen - 1] != '/') path[plen++] = '/';
                for (size_t i = 0; i < n && plen < sizeof path - 1; i++) path[plen++] = name[i];
            } else {
                path[plen++] = '/';
            }
            path[plen] = 0;
            p += (n + 4) & ~3UL;
        } else if (tok == FDT_END_NODE) {
            plen = depth_len[--depth];
            path[plen] = 0;
        } else if (tok == FDT_PROP) {
            uint32_t len = be32(p), nameoff = be32(p + 4);
            const uint8_t *val = p + 8;
            if (fn(path, (const char *)blob + off_strings + nameoff, val, len, ctx)) return;
            p += 8 + ((len + 3) & ~3u);
        } else if (tok == FDT_NOP) {
            continue;
        } else {
            return;
        }
    }
}

struct find { const char *path, *name; const uint8_t *val; uint32_t len; int found; };

static int find_cb(const char *path, const char *name, const uint8_t *val, uint32_t len, void *ctx) {
    struct find *f = ctx;
    if (str_eq(path, f->path) && str_eq(name, f->name)) {
        f->val = val; f->len = len; f->found = 1;
        return 1;
    }
    return 0;
}

static int find_prop(const char *path, const char *name, const uint8_t **val, uint32_t *len) {
    struct find f = { path, name, 0, 0, 0 };
    walk(find_cb, &f);
    *val = f.val; *len = f.len;
    return f.found;
}

struct by_phandle { uint32_t phandle; char path[256]; int found; };

static int phandle_cb(const char *path, const char *name, const uint8_t *val, uint32_t len, void *ctx) {
    struct by_phandle *b = ctx;
    if (len == 4 && (str_eq(name, "phandle") || str_eq(name, "linux,phandle")) && be32(val) == b->phandle) {
        size_t i = 0;
        for (; path[i] && i < sizeof b->path - 1; i++) b->path[i] = path[i];
        b->path[i] = 0;
        b->found = 1;
        return 1;
    }
    return 0;
}

/* Path of the node with this phandle, and its #interrupt-cells (1 when absent). */
static const char *resolve(uint32_t phandle, uint32_t *icells) {
    static struct by_phandle b;
    b.phandle = phandle;
    b.found = 0;
    walk(phandle_cb, &b);
    if (!b.found) return "?";
    const uint8_t *v; uint32_t len;
    *icells = find_prop(b.path, "#interrupt-cells", &v, &len) && len == 4 ? be32(v) : 1;
    return b.path;
}

static int printable_strings(const uint8_t *v, uint32_t len) {
    if (len == 0 || v[len - 1] != 0) return 0;
    for (uint32_t i = 0; i < len; i++) {
        if (v[i] == 0) { if (i == 0 || v[i - 1] == 0) return 0; continue; }
        if (v[i] < 0x20 || v[i] > 0x7e) return 0;
    }
    return 1;
}

enum kind { CELLS, PHANDLE_LIST, INTERRUPTS_EXTENDED };

static void print_prop(const char *path, const char *name, enum kind kind) {
    const uint8_t *v; uint32_t len;
    rt_printf("  %s", name);
    if (!find_prop(path, name, &v, &len)) { rt_puts(" (absent)\n"); return; }
    if (len == 0) { rt_puts(" (empty)\n"); return; }
    if (kind == CELLS && printable_strings(v, len)) {
        rt_puts(" =");
        for (uint32_t i = 0; i < len; i += str_len((const char *)v + i) + 1)
            rt_printf(" \"%s\"", (const char *)v + i);
        rt_putc('\n');
        return;
    }
    if (len % 4) { rt_printf(" = [%u bytes]\n", len); return; }
    rt_puts(" = <");
    for (uint32_t i = 0; i < len / 4; i++) {
        uint32_t c = be32(v + 4 * i);
        if (kind == PHANDLE_LIST || (kind == INTERRUPTS_EXTENDED)) {
            uint32_t icells = 1;
            rt_printf("%s&%s", i ? " " : "", resolve(c, &icells));
            if (kind == INTERRUPTS_EXTENDED)
                for (uint32_t k = 0; k < icells && i + 1 < len / 4; k++) rt_printf(" %x", be32(v + 4 * ++i));
            continue;
        }
        rt_printf("%s%x", i ? " " : "", c);
    }
    rt_puts(">\n");
}

struct wanted { const char *path; const char *props[8]; };

/* Properties whose values are phandles (or start with one). */
static enum kind kind_of(const char *name) {
    if (str_eq(name, "interrupts-extended")) return INTERRUPTS_EXTENDED;
    if (str_eq(name, "interrupt-parent") || str_eq(name, "regmap") || str_eq(name, "cpu")) return PHANDLE_LIST;
    return CELLS;
}

static const struct wanted wanted[] = {
    { "/", { "#address-cells", "#size-cells", "compatible", "model" } },
    { "/chosen", { "stdout-path" } },
    { "/memory@80000000", { "device_type", "reg" } },
    { "/cpus", { "#address-cells", "#size-cells", "timebase-frequency" } },
    { "/cpus/cpu@0", { "device_type", "reg", "status", "compatible", "mmu-type" } },
    { "/cpus/cpu@0/interrupt-controller", { "compatible", "#interrupt-cells", "interrupt-controller" } },
    { "/soc", { "#address-cells", "#size-cells", "compatible", "ranges" } },
    { "/soc/serial@10000000", { "compatible", "reg", "interrupts", "interrupt-parent", "clock-frequency" } },
    { "/soc/test@100000", { "compatible", "reg" } },
    { "/soc/rtc@101000", { "compatible", "reg", "interrupts", "interrupt-parent" } },
    { "/soc/clint@2000000", { "compatible", "reg", "interrupts-extended" } },
    { "/soc/plic@c000000", { "compatible", "reg", "#interrupt-cells", "interrupt-controller",
                             "interrupts-extended" } },
    { "/soc/pci@30000000", { "compatible", "device_type", "reg", "bus-range", "#address-cells",
                             "#size-cells", "#interrupt-cells" } },
    { "/poweroff", { "compatible", "regmap", "offset", "value" } },
    { "/reboot", { "compatible", "regmap", "offset", "value" } },
};

int main(unsigned long hartid, const void *fdt) {
    (void)hartid;
    rt_puts("fdt: the device tree in a1\n");
    blob = fdt;
    rt_printf("magic %08x, version %u, last compatible version %u, boot cpu %u\n",
              be32(blob), be32(blob + 20), be32(blob + 24), be32(blob + 28));
    off_struct = be32(blob + 8);
    off_strings = be32(blob + 12);
    for (unsigned i = 0; i < sizeof wanted / sizeof wanted[0]; i++) {
        rt_printf("%s\n", wanted[i].path);
        for (int k = 0; k < 8 && wanted[i].props[k]; k++)
            print_prop(wanted[i].path, wanted[i].props[k], kind_of(wanted[i].props[k]));
    }
    /* riscv,ndev differs between QEMU versions (7.2 has sources 1..96, later ones 1..95):
     * check only that it covers the sources virt wires up (UART 10, RTC 11, PCIe INTx 32..35). */
    const uint8_t *v; uint32_t len;
    int ndev_ok = find_prop("/soc/plic@c000000", "riscv,ndev", &v, &len) && len == 4 && be32(v) >= 35;
    rt_printf("plic riscv,ndev covers sources 10, 11 and 32..35: %s\n", ndev_ok ? "yes" : "no");
    rt_puts("fdt done\n");
    return 0;
}
