/* A read-only flattened device tree reader (devicetree specification v0.4, chapter 5). */
#include "fw.h"

#define FDT_BEGIN_NODE 1
#define FDT_END_NODE 2
#define FDT_PROP 3
#define FDT_NOP 4
#define FDT_END 9

static const uint8_t *hdr(const void *fdt) { return fdt; }
static uint32_t h(const void *fdt, unsigned off) { return be32(hdr(fdt) + off); }
static const uint8_t *structs(const void *fdt) { return hdr(fdt) + h(fdt, 8); }
static const char *strs(const void *fdt) { return (const char *)hdr(fdt) + h(fdt, 12); }

int fdt_valid(const void *fdt) {
    if (!fdt || ((uintptr_t)fdt & 3)) return -1;
    if (h(fdt, 0) != FDT_MAGIC) return -1;
    if (h(fdt, 20) < 16 || h(fdt, 24) > 17) return -1;     /* version / last compatible version */
    uint32_t total = h(fdt, 4);
    if (h(fdt, 8) >= total || h(fdt, 12) >= total || total < 40) return -1;
    return 0;
}

uint32_t fdt_size(const void *fdt) { return h(fdt, 4); }

static uint32_t tok(const void *fdt, int off) { return be32(structs(fdt) + off); }

/* Offset just past the current token (node name or property padded to 4 bytes). */
static int skip(const void *fdt, int off) {
    uint32_t t = tok(fdt, off);
    if (t == FDT_BEGIN_NODE) {
        const char *n = (const char *)structs(fdt) + off + 4;
        return off + 4 + (int)align_up(fw_strlen(n) + 1, 4);
    }
    if (t == FDT_PROP) return off + 12 + (int)align_up(be32(structs(fdt) + off + 4), 4);
    return off + 4;
}

int fdt_next_node(const void *fdt, int node, int *depth) {
    int off = node < 0 ? 0 : skip(fdt, node);
    uint32_t limit = h(fdt, 36);   /* size_dt_struct */
    if (node < 0) { *depth = -1; }
    while ((uint32_t)off < limit) {
        uint32_t t = tok(fdt, off);
        if (t == FDT_BEGIN_NODE) { (*depth)++; return off; }
        if (t == FDT_END_NODE) (*depth)--;
        else if (t == FDT_END) return -1;
        else if (t != FDT_PROP && t != FDT_NOP) return -1;
        off = skip(fdt, off);
    }
    return -1;
}

const char *fdt_name(const void *fdt, int node) { return (const char *)structs(fdt) + node + 4; }

const void *fdt_prop(const void *fdt, int node, const char *name, int *len) {
    int off = skip(fdt, node);
    for (;;) {
        uint32_t t = tok(fdt, off);
        if (t == FDT_NOP) { off += 4; continue; }
        if (t != FDT_PROP) return 0;
        const uint8_t *p = structs(fdt) + off;
        if (fw_strcmp(strs(fdt) + be32(p + 8), name) == 0) {
            if (len) *len = (int)be32(p + 4);
            return p + 12;
        }
        off = skip(fdt, off);
    }
}

/* "serial" matches "serial@10000000"; "serial@10000000" matches only itself. */
static int name_matches(const char *node, const char *want, size_t wlen) {
    if (fw_strncmp(node, want, wlen) != 0) return 0;
    if (node[wlen] == 0) return 1;
    if (node[wlen] != '@') return 0;
    for (size_t i = 0; i < wlen; i++) if (want[i] == '@') return 0;
    return 1;
}

int fdt_path(const void *fdt, const char *path) {
    int depth, node = fdt_next_node(fdt, -1, &depth);   /* the root */
    if (node < 0 || path[0] != '/') return -1;
    const char *p = path + 1;
    int want_depth = 0;
    while (*p) {
        size_t n = 0;
        while (p[n] && p[n] != '/') n++;
        /* search the children of node (depth want_depth + 1) */
        int d = depth, found = -1;
        for (int c = fdt_next_node(fdt, node, &d); c >= 0 && d > want_depth; c = fdt_next_node(fdt, c, &d)) {
            if (d == want_depth + 1 && name_matches(fdt_name(fdt, c), p, n)) { found = c; break; }
        }
        if (found < 0) return -1;
        node = found;
        depth = d;
        want_depth++;
        p += n;
        while (*p == '/') p++;
    }
    return node;
}

int fdt_parent(const void *fdt, int node) {
    int stack[32], depth;
    for (int c = fdt_next_node(fdt, -1, &depth); c >= 0; c = fdt_next_node(fdt, c, &depth)) {
        if (depth < 0 || depth >= 32) return -1;
        stack[depth] = c;
        if (c == node) return depth > 0 ? stack[depth - 1] : -1;
    }
    return -1;
}

int fdt_compatible(const void *fdt, int node, const char *compat) {
    int len;
    const char *c = fdt_prop(fdt, node, "compatible", &len);
    if (!c) return 0;
    for (int i = 0; i < len;) {
        if (fw_strcmp(c + i, compat) == 0) return 1;
        i += (int)fw_strlen(c + i) + 1;
    }
    return 0;
}

int fdt_find_compatible(const void *fdt, const char *compat) {
    int depth;
    for (int c = fdt_next_node(fdt, -1, &depth); c >= 0; c = fdt_next_node(fdt, c, &depth))
        if (fdt_compatible(fdt, c, compat)) return c;
    return -1;
}

int fdt_cells(const void *fdt, int node, const char *which, int dflt) {
    int len;
    const uint32_t *v = node >= 0 ? fdt_prop(fdt, node, which, &len) : 0;
    return v && len == 4 ? (int)be32(v) : dflt;
}

uint64_t fdt_read_cells(const uint32_t *p, int cells) {
    uint64_t v = 0;
    for (int i = 0; i < cells; i++) v = v << 32 | be32(p + i);
    return v;
}

int fdt_reg(const void *fdt, int node, int i, uint64_t *base, uint64_t *size) {
    int parent = fdt_parent(fdt, node);
    int ac = fdt_cells(fdt, parent, "#address-cells", 2), sc = fdt_cells(fdt, parent, "#size-cells", 1);
    int len;
    const uint32_t *r = fdt_prop(fdt, node, "reg", &len);
    if (!r || ac < 1 || ac > 2 || sc < 0 || sc > 2) return -1;
    int stride = (ac + sc) * 4;
    if ((i + 1) * stride > len) return -1;
    r += i * (ac + sc);
    *base = fdt_read_cells(r, ac);
    *size = sc ? fdt_read_cells(r + ac, sc) : 0;
    return 0;
}

int fdt_memreserve(const void *fdt, int i, uint64_t *base, uint64_t *size) {
    const uint8_t *m = hdr(fdt) + h(fdt, 16) + 16 * i;
    uint64_t b = (uint64_t)be32(m) << 32 | be32(m + 4), s = (uint64_t)be32(m + 8) << 32 | be32(m + 12);
    if (b == 0 && s == 0) return -1;
    *base = b;
    *size = s;
    return 0;
}
