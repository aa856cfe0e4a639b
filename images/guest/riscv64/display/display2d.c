/* The MultiOS 2D engine (BAR 4 of the display, docs/display.md) driven as a kernel driver would:
 * a command ring in RAM, FILL / COPY / BLIT with raster operations, fences written to memory and
 * signalled by interrupt status, error reporting. Every operation is replayed by the CPU on a
 * shadow copy of the screen with an independent implementation, and the whole visible picture
 * is compared after each step. */
#include "bochs.h"

#define W 640
#define H 480
#define E(r) (ENGINE_BASE + (r))
enum { ID = 0x00, VERSION = 0x04, CONTROL = 0x08, STATUS = 0x0c, RING_LO = 0x10, RING_HI = 0x14, RING_LOG2 = 0x18,
       HEAD = 0x1c, TAIL = 0x20, FENCE = 0x24, IRQ_STATUS = 0x28, IRQ_ENABLE = 0x2c, ERROR = 0x30, ERROR_AT = 0x34 };
enum { OP_NOP, OP_FILL, OP_COPY, OP_BLIT, OP_FENCE };
enum { SRC_GUEST = 1, FENCE_IRQ = 2, FENCE_WRITE = 4 };

struct cmd {
    uint8_t op, rop, format, flags;
    uint32_t w, h, color;
    uint64_t dst;
    uint32_t dst_pitch, dst_x, dst_y, src_pitch;
    uint64_t src;
    uint32_t src_x, src_y;
    uint64_t fence;
};
_Static_assert(sizeof(struct cmd) == 64, "ring entries are 64 bytes");

#define RING_ENTRIES 64
static struct cmd ring[RING_ENTRIES] __attribute__((aligned(64)));
static unsigned tail;
static volatile uint64_t fence_word;
static uint64_t fence_seq;
static uint32_t shadow[W * H];
static uint32_t sprite[32 * 32];
static int failures;

static uint32_t fb(unsigned x, unsigned y) { return mmio_read32(FB_BASE + 4 * ((uintptr_t)y * W + x)); }

/* ROP3 from its definition: for every bit, index (P<<2)|(S<<1)|D into the code. */
static uint32_t rop3(unsigned rop, uint32_t p, uint32_t s, uint32_t d) {
    uint32_t r = 0;
    for (unsigned bit = 0; bit < 32; bit++) {
        unsigned i = ((p >> bit & 1) << 2) | ((s >> bit & 1) << 1) | (d >> bit & 1);
        r |= (uint32_t)((rop >> i) & 1) << bit;
    }
    return r;
}

static struct cmd *next(uint8_t op) {
    struct cmd *c = &ring[tail];
    rt_memset(c, 0, sizeof *c);
    c->op = op;
    c->format = 32;
    c->dst_pitch = W * 4;
    tail = (tail + 1) % RING_ENTRIES;
    return c;
}

/* Queues a fence that writes its value to fence_word, rings the doorbell and waits for it. */
static void sync_engine(int irq) {
    struct cmd *f = next(OP_FENCE);
    f->flags = FENCE_WRITE | (irq ? FENCE_IRQ : 0);
    f->src = (uintptr_t)&fence_word;
    f->fence = ++fence_seq;
    __asm__ volatile("fence w, o" ::: "memory");
    mmio_write32(E(TAIL), tail);
    for (long spin = 0; fence_word != fence_seq; spin++) {
        if (mmio_read32(E(ERROR)) || spin > 50000000L) return;
    }
}

static void check(const char *what) {
    unsigned bad = 0, first = 0;
    for (unsigned i = 0; i < W * H; i++)
        if (fb(i % W, i / W) != shadow[i]) { if (!bad++) first = i; }
    if (bad) {
        rt_printf("%s: FAIL, %u pixels differ, first at %u,%u: %08x, expected %08x\n", what, bad, first % W, first / W,
                  fb(first % W, first / W), shadow[first]);
        failures++;
    } else {
        rt_printf("%s: ok\n", what);
    }
}

static void fill(unsigned x, unsigned y, unsigned w, unsigned h, uint32_t color, unsigned rop) {
    struct cmd *c = next(OP_FILL);
    c->rop = (uint8_t)rop; c->w = w; c->h = h; c->color = color; c->dst_x = x; c->dst_y = y;
    for (unsigned j = 0; j < h; j++)
        for (unsigned i = 0; i < w; i++) {
            uint32_t *d = &shadow[(y + j) * W + x + i];
            *d = rop3(rop ? rop : 0xf0, color, 0, *d);
        }
}

static void copy(unsigned sx, unsigned sy, unsigned dx, unsigned dy, unsigned w, unsigned h) {
    struct cmd *c = next(OP_COPY);
    c->w = w; c->h = h; c->dst_x = dx; c->dst_y = dy; c->src_pitch = W * 4; c->src_x = sx; c->src_y = sy;
    static uint32_t tmp[W * H];
    for (unsigned j = 0; j < h; j++) for (unsigned i = 0; i < w; i++) tmp[j * w + i] = shadow[(sy + j) * W + sx + i];
    for (unsigned j = 0; j < h; j++) for (unsigned i = 0; i < w; i++) shadow[(dy + j) * W + dx + i] = tmp[j * w + i];
}

static void blit(unsigned rop, uint32_t pattern, unsigned dx, unsigned dy) {
    struct cmd *c = next(OP_BLIT);
    c->rop = (uint8_t)rop; c->flags = SRC_GUEST; c->w = 32; c->h = 32; c->color = pattern; c->dst_x = dx; c->dst_y = dy;
    c->src = (uintptr_t)sprite; c->src_pitch = 32 * 4;
    for (unsigned j = 0; j < 32; j++)
        for (unsigned i = 0; i < 32; i++) {
            uint32_t *d = &shadow[(dy + j) * W + dx + i];
            *d = rop3(rop, pattern, sprite[j * 32 + i], *d);
        }
}

int main(unsigned long hartid, const void *fdt) {
    (void)hartid; (void)fdt;
    uint32_t s0, s2, s4;
    if (bochs_probe(&s0, &s2, &s4) < 0) { rt_printf("no display on bus 0\n"); rt_exit(1); }
    if (!s4) { rt_printf("no 2D engine (BAR 4 absent): not a MultiOS display\n"); rt_exit(1); }
    rt_printf("engine id %08x version %08x, BAR 4 %u KiB\n", mmio_read32(E(ID)), mmio_read32(E(VERSION)), s4 >> 10);
    bochs_set_mode(W, H, 32);
    for (unsigned i = 0; i < W * H; i++) mmio_write32(FB_BASE + 4 * i, 0);
    rt_memset(shadow, 0, sizeof shadow);
    for (unsigned i = 0; i < 32 * 32; i++) sprite[i] = ((i * 2654435761u) >> 8) & 0xffffff;

    mmio_write32(E(RING_LO), (uint32_t)(uintptr_t)ring);
    mmio_write32(E(RING_HI), (uint32_t)((uint64_t)(uintptr_t)ring >> 32));
    mmio_write32(E(RING_LOG2), 6);
    mmio_write32(E(IRQ_ENABLE), 3);
    mmio_write32(E(CONTROL), 1);
    rt_printf("status %x\n", mmio_read32(E(STATUS)));

    uint64_t t0 = mmio_read64(CLINT_MTIME);
    fill(0, 0, W, H, 0x00204060, 0);
    sync_engine(0);
    uint64_t t1 = mmio_read64(CLINT_MTIME);
    check("full-screen fill");
    rt_printf("full-screen fill took %s virtual time\n", t1 > t0 ? "some" : "NO");

    fill(10, 10, 200, 100, 0x336699, 0);
    fill(50, 50, 100, 100, 0x00ff00ff, 0x5a); /* PATINVERT: pattern xor destination */
    sync_engine(0);
    check("fill, PATINVERT fill");

    copy(10, 10, 20, 15, 200, 100);   /* overlaps itself, destination below: must read before it writes */
    copy(300, 200, 290, 190, 100, 80); /* overlap the other way */
    sync_engine(0);
    check("overlapping copies");

    static const unsigned rops[] = {0xcc, 0x66, 0x88, 0xee, 0x33, 0xb8, 0xe2, 0x1b};
    for (unsigned i = 0; i < sizeof rops / sizeof rops[0]; i++) blit(rops[i], 0x00ff8000, 400 + 36 * (i % 4), 300 + 36 * (i / 4));
    sync_engine(1);
    check("blits from memory with raster operations");
    unsigned irq = mmio_read32(E(IRQ_STATUS));
    mmio_write32(E(IRQ_STATUS), irq);
    rt_printf("fence %u, irq status %x -> %x after clearing\n", mmio_read32(E(FENCE)), irq & 1, mmio_read32(E(IRQ_STATUS)) & 1);

    /* A command the engine does not know stops it with an error naming the ring slot. */
    unsigned slot = tail;
    next(0x7f);
    mmio_write32(E(TAIL), tail);
    for (long spin = 0; !mmio_read32(E(ERROR)) && spin < 50000000L; spin++) {}
    rt_printf("bad opcode: error %u at slot %s, status %x\n", mmio_read32(E(ERROR)), mmio_read32(E(ERROR_AT)) == slot ? "right" : "WRONG",
              mmio_read32(E(STATUS)));
    mmio_write32(E(CONTROL), 2); /* reset */
    rt_printf("after reset: error %u head %u status %x\n", mmio_read32(E(ERROR)), mmio_read32(E(HEAD)), mmio_read32(E(STATUS)));

    rt_printf(failures ? "2d: %d FAILED\n" : "2d: all ok\n", failures);
    rt_printf("READY\n");
    for (;;) __asm__ volatile("wfi");
}
