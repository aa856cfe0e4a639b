/* PCI Express over ECAM (pci-host-ecam-generic): configuration access, bus-0 enumeration, BAR
 * sizing and assignment into the host bridge's windows from the device tree "ranges". */
#include "fw.h"

static uintptr_t cfg_addr(const struct pci_host *h, unsigned bus, unsigned dev, unsigned fn, unsigned reg) {
    return (uintptr_t)(h->ecam + ((uint64_t)bus << 20) + ((uint64_t)dev << 15) + ((uint64_t)fn << 12) + reg);
}
uint32_t pci_cfg_r32(const struct pci_host *h, unsigned b, unsigned d, unsigned f, unsigned r) { return mmio_r32(cfg_addr(h, b, d, f, r)); }
void pci_cfg_w32(const struct pci_host *h, unsigned b, unsigned d, unsigned f, unsigned r, uint32_t v) { mmio_w32(cfg_addr(h, b, d, f, r), v); }
uint16_t pci_cfg_r16(const struct pci_host *h, unsigned b, unsigned d, unsigned f, unsigned r) { return mmio_r16(cfg_addr(h, b, d, f, r)); }
void pci_cfg_w16(const struct pci_host *h, unsigned b, unsigned d, unsigned f, unsigned r, uint16_t v) { mmio_w16(cfg_addr(h, b, d, f, r), v); }

#define SPACE_IO    1
#define SPACE_MEM32 2
#define SPACE_MEM64 3

void pci_host_from_fdt(const void *fdt, struct pci_host *h) {
    memset(h, 0, sizeof *h);
    int node = fdt_find_compatible(fdt, "pci-host-ecam-generic");
    if (node < 0) fw_die("no PCIe host bridge (pci-host-ecam-generic) in the device tree");
    if (fdt_reg(fdt, node, 0, &h->ecam, &h->ecam_size) != 0) fw_die("PCIe host bridge has no usable reg");
    int pac = fdt_cells(fdt, fdt_parent(fdt, node), "#address-cells", 2);
    int sc = fdt_cells(fdt, node, "#size-cells", 2);
    int len;
    const uint32_t *r = fdt_prop(fdt, node, "ranges", &len);
    int stride = 3 + pac + sc;
    for (int i = 0; r && (i + 1) * stride * 4 <= len; i++) {
        const uint32_t *e = r + i * stride;
        unsigned space = (be32(e) >> 24) & 3;
        uint64_t pci = fdt_read_cells(e + 1, 2), cpu = fdt_read_cells(e + 3, pac), size = fdt_read_cells(e + 3 + pac, sc);
        if (space == SPACE_IO && !h->io_size) { h->io_pci = pci; h->io_cpu = cpu; h->io_size = size; }
        /* BARs go below 4 GiB (a 64-bit BAR may live there too), identity-mapped windows only */
        if (space == SPACE_MEM32 && !h->mem_size && pci == cpu && cpu + size <= (1ULL << 32)) { h->mem_base = cpu; h->mem_size = size; }
    }
    if (!h->mem_size) fw_die("PCIe host bridge has no 32-bit memory window in its ranges");
}

static uint64_t mem_next, io_next;

static uint64_t place(uint64_t *next, uint64_t base, uint64_t size, uint64_t want, const char *what, unsigned d, unsigned f) {
    uint64_t at = align_up(*next < base ? base : *next, want);
    if (at + want > base + size) fw_die("pci 00:%02x.%u: no room for a %lu-byte %s BAR in the window", d, f, want, what);
    *next = at + want;
    return at;
}

static void size_str(char *buf, size_t cap, uint64_t size) {
    if (size >= (1 << 20) && size % (1 << 20) == 0) fw_snprintf(buf, cap, "%lu MiB", size >> 20);
    else if (size >= 1024 && size % 1024 == 0) fw_snprintf(buf, cap, "%lu KiB", size >> 10);
    else fw_snprintf(buf, cap, "%lu bytes", size);
}

/* Sizes and places the BARs of one type-0 function; returns the command bits it needs. */
static uint16_t assign_bars(const struct pci_host *h, unsigned d, unsigned f) {
    uint16_t need = 0;
    for (unsigned b = 0; b < 6; b++) {
        unsigned reg = 0x10 + 4 * b;
        uint32_t orig = pci_cfg_r32(h, 0, d, f, reg);
        pci_cfg_w32(h, 0, d, f, reg, 0xffffffffu);
        uint32_t lo = pci_cfg_r32(h, 0, d, f, reg);
        if (lo == 0) { pci_cfg_w32(h, 0, d, f, reg, orig); continue; }   /* not implemented */
        char sz[24];
        if (lo & 1) { /* I/O */
            uint64_t size = (uint64_t)(~(lo & ~3u) + 1) & 0xffff;
            if (!h->io_size) { fw_log("pci 00:%02x.%u: BAR%u: I/O BAR but no I/O window, left off", d, f, b); continue; }
            uint64_t at = place(&io_next, h->io_pci + 0x1000, h->io_size - 0x1000, size, "I/O", d, f);
            pci_cfg_w32(h, 0, d, f, reg, (uint32_t)at);
            size_str(sz, sizeof sz, size);
            fw_log("pci 00:%02x.%u: BAR%u I/O %s at %lx", d, f, b, sz, at);
            need |= 1;
            continue;
        }
        int is64 = ((lo >> 1) & 3) == 2;
        uint64_t mask = lo & ~0xfull;
        if (is64) {
            pci_cfg_w32(h, 0, d, f, reg + 4, 0xffffffffu);
            mask |= (uint64_t)pci_cfg_r32(h, 0, d, f, reg + 4) << 32;
        } else mask |= 0xffffffff00000000ull;
        uint64_t size = ~mask + 1;
        uint64_t at = place(&mem_next, h->mem_base, h->mem_size, size, "memory", d, f);
        pci_cfg_w32(h, 0, d, f, reg, (uint32_t)at);
        if (is64) pci_cfg_w32(h, 0, d, f, reg + 4, (uint32_t)(at >> 32));
        size_str(sz, sizeof sz, size);
        fw_log("pci 00:%02x.%u: BAR%u %s-bit memory %s at %lx", d, f, b, is64 ? "64" : "32", sz, at);
        need |= 2;
        if (is64) b++;
    }
    return need;
}

int pci_enumerate(const struct pci_host *h) {
    int count = 0;
    mem_next = h->mem_base;
    io_next = h->io_pci + 0x1000;   /* keep I/O address 0 unused */
    for (unsigned d = 0; d < 32; d++) {
        for (unsigned f = 0; f < 8; f++) {
            uint32_t id = pci_cfg_r32(h, 0, d, f, 0);
            if ((id & 0xffff) == 0xffff) { if (f == 0) break; continue; }
            uint32_t cls = pci_cfg_r32(h, 0, d, f, 8) >> 8;
            uint8_t htype = (uint8_t)(pci_cfg_r32(h, 0, d, f, 0xc) >> 16);
            count++;
            fw_log("pci 00:%02x.%u: %04x:%04x class %06x", d, f, id & 0xffff, id >> 16, cls);
            uint16_t cmd = pci_cfg_r16(h, 0, d, f, 4);
            pci_cfg_w16(h, 0, d, f, 4, cmd & ~7u);       /* no decoding while the BARs move */
            if ((htype & 0x7f) == 0) {
                uint16_t need = assign_bars(h, d, f);
                if (need) pci_cfg_w16(h, 0, d, f, 4, (uint16_t)((cmd & ~7u) | need | 4));   /* + bus master */
            } else {
                fw_log("pci 00:%02x.%u: header type %u (bridge) not configured", d, f, htype & 0x7f);
            }
            if (f == 0 && !(htype & 0x80)) break;
        }
    }
    return count;
}

int pci_find_class(const struct pci_host *h, uint32_t cls, unsigned *dev, unsigned *fn) {
    for (unsigned d = 0; d < 32; d++)
        for (unsigned f = 0; f < 8; f++) {
            uint32_t id = pci_cfg_r32(h, 0, d, f, 0);
            if ((id & 0xffff) == 0xffff) { if (f == 0) break; continue; }
            if ((pci_cfg_r32(h, 0, d, f, 8) >> 8) == cls) { *dev = d; *fn = f; return 0; }
            if (f == 0 && !(pci_cfg_r32(h, 0, d, f, 0xc) & 0x800000)) break;
        }
    return -1;
}

uint64_t pci_bar64(const struct pci_host *h, unsigned d, unsigned f, unsigned bar) {
    uint32_t lo = pci_cfg_r32(h, 0, d, f, 0x10 + 4 * bar);
    uint64_t v = lo & ~0xfull;
    if (((lo >> 1) & 3) == 2) v |= (uint64_t)pci_cfg_r32(h, 0, d, f, 0x14 + 4 * bar) << 32;
    return v;
}
