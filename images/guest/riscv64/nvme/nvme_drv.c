#include "nvme_drv.h"

#define ECAM_BASE   0x30000000UL
#define MMIO_BASE   0x40000000UL

/* Controller registers (NVMe 1.4 section 3.1) */
#define REG_CAP   0x00
#define REG_VS    0x08
#define REG_CC    0x14
#define REG_CSTS  0x1c
#define REG_AQA   0x24
#define REG_ASQ   0x28
#define REG_ACQ   0x30
#define ADMIN_ENTRIES 16

/* Each queue starts on its own page (queue bases must be page aligned). */
static struct { struct nvme_sqe e[NVME_QENTRIES]; } __attribute__((aligned(NVME_PAGE))) sqs[NVME_MAX_IOQ + 1];
static struct { struct nvme_cqe e[NVME_QENTRIES]; } __attribute__((aligned(NVME_PAGE))) cqs[NVME_MAX_IOQ + 1];
static uint8_t ident[NVME_PAGE] __attribute__((aligned(NVME_PAGE)));

uint64_t nvme_nsze;
unsigned nvme_mdts;
static uintptr_t bar;
static unsigned dstrd;
static unsigned entries[NVME_MAX_IOQ + 1];
static unsigned sq_tail[NVME_MAX_IOQ + 1], cq_head[NVME_MAX_IOQ + 1];
static unsigned cq_phase[NVME_MAX_IOQ + 1];
static uint16_t next_cid = 1;

static uintptr_t cfg(unsigned dev, unsigned reg) { return ECAM_BASE + ((uintptr_t)dev << 15) + reg; }
static uint32_t cfg_read32(unsigned dev, unsigned reg) { return mmio_read32(cfg(dev, reg)); }
static void cfg_write32(unsigned dev, unsigned reg, uint32_t v) { mmio_write32(cfg(dev, reg), v); }
static uint32_t reg32(unsigned off) { return mmio_read32(bar + off); }
static void reg32w(unsigned off, uint32_t v) { mmio_write32(bar + off, v); }
static void reg64w(unsigned off, uint64_t v) { mmio_write32(bar + off, (uint32_t)v); mmio_write32(bar + off + 4, (uint32_t)(v >> 32)); }
static void fence(void) { __asm__ volatile("fence rw, rw" ::: "memory"); }

void nvme_fail(const char *what) {
    rt_printf("FAIL: %s\n", what);
    rt_exit(1);
}

static int wait_csts(uint32_t mask, uint32_t want) {
    for (long i = 0; i < 50000000L; i++) {
        uint32_t s = reg32(REG_CSTS);
        if (s & 2) nvme_fail("controller fatal status (CSTS.CFS)");
        if ((s & mask) == want) return 1;
    }
    return 0;
}

struct nvme_sqe nvme_cmd(uint8_t opcode, uint32_t nsid) {
    struct nvme_sqe c;
    rt_memset(&c, 0, sizeof c);
    c.cdw0 = opcode;
    c.nsid = nsid;
    return c;
}

uint16_t nvme_queue(unsigned q, struct nvme_sqe *cmd) {
    uint16_t cid = next_cid++;
    cmd->cdw0 = (cmd->cdw0 & 0xffff) | ((uint32_t)cid << 16);
    sqs[q].e[sq_tail[q]] = *cmd;
    sq_tail[q] = (sq_tail[q] + 1) % entries[q];
    return cid;
}

void nvme_ring(unsigned q) {
    fence();
    reg32w(0x1000 + (2 * q) * (4u << dstrd), sq_tail[q]);
}

unsigned nvme_reap(unsigned q, uint16_t *cid) {
    volatile struct nvme_cqe *e = &cqs[q].e[cq_head[q]];
    long spins = 0;
    while ((e->status & 1) != cq_phase[q]) {
        if (++spins > 100000000L) nvme_fail("no completion");
    }
    fence();
    if (cid) *cid = e->cid;
    unsigned status = e->status >> 1;
    cq_head[q] = (cq_head[q] + 1) % entries[q];
    if (cq_head[q] == 0) cq_phase[q] ^= 1;
    reg32w(0x1000 + (2 * q + 1) * (4u << dstrd), cq_head[q]);
    return status;
}

unsigned nvme_submit(unsigned q, struct nvme_sqe *cmd, uint32_t *dw0) {
    uint16_t cid = nvme_queue(q, cmd), got;
    volatile struct nvme_cqe *e = &cqs[q].e[cq_head[q]];
    nvme_ring(q);
    unsigned status = nvme_reap(q, &got);
    if (got != cid) nvme_fail("completion for another command");
    if (dw0) *dw0 = e->dw0;
    return status;
}

void nvme_must(unsigned q, struct nvme_sqe *cmd, const char *what) {
    unsigned st = nvme_submit(q, cmd, 0);
    if (st != 0) {
        rt_printf("%s: status %x\n", what, st);
        nvme_fail(what);
    }
}

static uint64_t le64(const uint8_t *p) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = v << 8 | p[i];
    return v;
}

void nvme_init(void) {
    /* Find the NVMe function (class 01/08/02) on bus 0. */
    int dev = -1;
    for (unsigned d = 0; d < 32 && dev < 0; d++) {
        if (cfg_read32(d, 0) == 0xffffffffu) continue;
        if ((cfg_read32(d, 8) >> 8) == 0x010802) dev = (int)d;
    }
    if (dev < 0) nvme_fail("no NVMe controller on PCI bus 0");
    rt_printf("nvme: found controller at 00:%02x.0, vendor %04x device %04x\n",
              dev, cfg_read32(dev, 0) & 0xffff, cfg_read32(dev, 0) >> 16);

    /* Size BAR 0 and place it at the start of the MMIO window; memory + bus master on. */
    cfg_write32(dev, 0x10, 0xffffffffu);
    uint32_t lo = cfg_read32(dev, 0x10);
    if ((lo & 0x6) != 0x4) nvme_fail("BAR 0 is not a 64-bit memory BAR");
    rt_printf("nvme: BAR 0 is 64-bit, %u KiB\n", (~(lo & ~0xfu) + 1) / 1024);
    cfg_write32(dev, 0x10, (uint32_t)MMIO_BASE);
    cfg_write32(dev, 0x14, 0);
    cfg_write32(dev, 0x04, (cfg_read32(dev, 0x04) & 0xffff0000u) | 0x6);
    bar = MMIO_BASE;

    uint64_t cap = (uint64_t)reg32(REG_CAP) | (uint64_t)reg32(REG_CAP + 4) << 32;
    dstrd = (cap >> 32) & 0xf;
    if (((cap >> 37) & 1) == 0) nvme_fail("no NVM command set");
    if ((cap & 0xffff) + 1 < NVME_QENTRIES) nvme_fail("MQES too small");
    rt_printf("nvme: version %x.%x\n", reg32(REG_VS) >> 16, (reg32(REG_VS) >> 8) & 0xff);
    reg32w(REG_CC, 0);
    if (!wait_csts(1, 0)) nvme_fail("controller did not stop");
    entries[0] = ADMIN_ENTRIES;
    reg32w(REG_AQA, (ADMIN_ENTRIES - 1) | (ADMIN_ENTRIES - 1) << 16);
    reg64w(REG_ASQ, (uintptr_t)sqs[0].e);
    reg64w(REG_ACQ, (uintptr_t)cqs[0].e);
    cq_phase[0] = 1;
    reg32w(REG_CC, 1 | 6 << 16 | 4 << 20);
    if (!wait_csts(1, 1)) nvme_fail("controller did not become ready");
    rt_puts("nvme: controller ready\n");

    struct nvme_sqe c = nvme_cmd(0x06, 0);
    c.prp1 = (uintptr_t)ident;
    c.cdw10 = 1;
    nvme_must(0, &c, "identify controller");
    if (ident[512] != 0x66 || ident[513] != 0x44) nvme_fail("SQES/CQES");
    nvme_mdts = ident[77];
    rt_printf("nvme: identify controller ok, MDTS %u\n", nvme_mdts);
    c = nvme_cmd(0x06, 1);
    c.prp1 = (uintptr_t)ident;
    nvme_must(0, &c, "identify namespace 1");
    nvme_nsze = le64(ident);
    unsigned lbads = ident[128 + 4 * (ident[26] & 0xf) + 2];
    rt_printf("nvme: namespace 1: %lu blocks of %u bytes\n", (unsigned long)nvme_nsze, 1u << lbads);
    if (lbads != 9) nvme_fail("expected 512-byte blocks");
}

void nvme_create_queues(unsigned n) {
    struct nvme_sqe c = nvme_cmd(0x09, 0);
    c.cdw10 = 0x07;
    c.cdw11 = (n - 1) | (n - 1) << 16;
    uint32_t granted;
    if (nvme_submit(0, &c, &granted) != 0) nvme_fail("set features: number of queues");
    if ((granted & 0xffff) + 1 < n || (granted >> 16) + 1 < n) nvme_fail("not enough queues granted");
    for (unsigned q = 1; q <= n; q++) {
        entries[q] = NVME_QENTRIES;
        c = nvme_cmd(0x05, 0);
        c.prp1 = (uintptr_t)cqs[q].e;
        c.cdw10 = q | (NVME_QENTRIES - 1) << 16;
        c.cdw11 = 1; /* physically contiguous, interrupts off */
        nvme_must(0, &c, "create I/O completion queue");
        c = nvme_cmd(0x01, 0);
        c.prp1 = (uintptr_t)sqs[q].e;
        c.cdw10 = q | (NVME_QENTRIES - 1) << 16;
        c.cdw11 = 1 | q << 16;
        nvme_must(0, &c, "create I/O submission queue");
        sq_tail[q] = cq_head[q] = 0;
        cq_phase[q] = 1;
    }
}

void nvme_delete_queues(unsigned n) {
    for (unsigned q = 1; q <= n; q++) {
        struct nvme_sqe c = nvme_cmd(0x00, 0);
        c.cdw10 = q;
        nvme_must(0, &c, "delete I/O submission queue");
        c = nvme_cmd(0x04, 0);
        c.cdw10 = q;
        nvme_must(0, &c, "delete I/O completion queue");
    }
}

void nvme_shutdown(void) {
    reg32w(REG_CC, reg32(REG_CC) | 1 << 14);
    if (!wait_csts(0xc, 0x8)) nvme_fail("shutdown did not complete");
}
