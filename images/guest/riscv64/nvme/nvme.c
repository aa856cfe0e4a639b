/* nvme: a bare-metal NVMe driver for riscv64-virt and QEMU virt (-device nvme).
 * Finds the controller by scanning ECAM, places BAR 0, brings the controller up through
 * the admin queue, creates three I/O queue pairs, and on each writes a pattern (one
 * command with PRP1+PRP2, one with a PRP list), flushes, reads it back and compares;
 * then Write Zeroes, Identify checks and a clean shutdown. Polled completions (phase
 * tags), no interrupts. Prints only what QEMU and our board must agree on. */
#include "rt.h"

#define ECAM_BASE   0x30000000UL
#define MMIO_BASE   0x40000000UL
#define PAGE        4096u

/* Controller registers (NVMe 1.4 section 3.1) */
#define REG_CAP   0x00
#define REG_VS    0x08
#define REG_CC    0x14
#define REG_CSTS  0x1c
#define REG_AQA   0x24
#define REG_ASQ   0x28
#define REG_ACQ   0x30

#define IOQ       3       /* I/O queue pairs used */
#define QENTRIES  16

struct sqe { uint32_t cdw0, nsid, rsvd[2]; uint64_t mptr, prp1, prp2; uint32_t cdw10, cdw11, cdw12, cdw13, cdw14, cdw15; };
struct cqe { uint32_t dw0, dw1; uint16_t sqhd, sqid, cid, status; };

/* Each queue starts on its own page (queue bases must be page aligned). */
static struct { struct sqe e[QENTRIES]; } __attribute__((aligned(PAGE))) sqs[IOQ + 1];
static struct { struct cqe e[QENTRIES]; } __attribute__((aligned(PAGE))) cqs[IOQ + 1];
#define sq(q) (sqs[q].e)
#define cq(q) (cqs[q].e)
static uint8_t ident[PAGE] __attribute__((aligned(PAGE)));
static uint8_t wbuf[IOQ][4 * PAGE] __attribute__((aligned(PAGE)));
static uint8_t rbuf[IOQ][4 * PAGE] __attribute__((aligned(PAGE)));
static uint64_t prplist[IOQ][PAGE / 8] __attribute__((aligned(PAGE)));

static uintptr_t bar;
static unsigned dstrd;
static unsigned sq_tail[IOQ + 1], cq_head[IOQ + 1];
static unsigned cq_phase[IOQ + 1];
static uint16_t next_cid = 1;

static uintptr_t cfg(unsigned dev, unsigned reg) { return ECAM_BASE + ((uintptr_t)dev << 15) + reg; }
static uint32_t cfg_read32(unsigned dev, unsigned reg) { return mmio_read32(cfg(dev, reg)); }
static void cfg_write32(unsigned dev, unsigned reg, uint32_t v) { mmio_write32(cfg(dev, reg), v); }
static uint32_t reg32(unsigned off) { return mmio_read32(bar + off); }
static void reg32w(unsigned off, uint32_t v) { mmio_write32(bar + off, v); }
static void reg64w(unsigned off, uint64_t v) { mmio_write32(bar + off, (uint32_t)v); mmio_write32(bar + off + 4, (uint32_t)(v >> 32)); }

static void fail(const char *what) {
    rt_printf("FAIL: %s\n", what);
    rt_exit(1);
}

static void fence(void) { __asm__ volatile("fence rw, rw" ::: "memory"); }

static int wait_csts(uint32_t mask, uint32_t want) {
    for (long i = 0; i < 50000000L; i++) {
        uint32_t s = reg32(REG_CSTS);
        if (s & 2) fail("controller fatal status (CSTS.CFS)");
        if ((s & mask) == want) return 1;
    }
    return 0;
}

/* Submits one command on queue q and waits for its completion; returns the status field. */
static unsigned submit(unsigned q, struct sqe *cmd, uint32_t *dw0) {
    uint16_t cid = next_cid++;
    cmd->cdw0 = (cmd->cdw0 & 0xffff) | ((uint32_t)cid << 16);
    sq(q)[sq_tail[q]] = *cmd;
    sq_tail[q] = (sq_tail[q] + 1) % QENTRIES;
    fence();
    reg32w(0x1000 + (2 * q) * (4u << dstrd), sq_tail[q]);
    volatile struct cqe *e = &cq(q)[cq_head[q]];
    long spins = 0;
    while (((e->status & 1) != cq_phase[q])) {
        if (++spins > 50000000L) fail("no completion");
    }
    fence();
    if (e->cid != cid) fail("completion for another command");
    unsigned status = e->status >> 1;
    if (dw0) *dw0 = e->dw0;
    cq_head[q] = (cq_head[q] + 1) % QENTRIES;
    if (cq_head[q] == 0) cq_phase[q] ^= 1;
    reg32w(0x1000 + (2 * q + 1) * (4u << dstrd), cq_head[q]);
    return status;
}

static void must(unsigned q, struct sqe *cmd, const char *what) {
    unsigned st = submit(q, cmd, 0);
    if (st != 0) {
        rt_printf("%s: status %x\n", what, st);
        fail(what);
    }
}

static struct sqe cmd(uint8_t opcode, uint32_t nsid) {
    struct sqe c;
    rt_memset(&c, 0, sizeof c);
    c.cdw0 = opcode;
    c.nsid = nsid;
    return c;
}

static uint64_t le64(const uint8_t *p) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = v << 8 | p[i];
    return v;
}

static uint8_t pattern(unsigned q, unsigned i) { return (uint8_t)(q * 37 + i * 11 + (i >> 9)); }

int main(unsigned long hartid, const void *fdt) {
    (void)hartid; (void)fdt;
    /* 1. Find the NVMe function (class 01/08/02) on bus 0. */
    int dev = -1;
    for (unsigned d = 0; d < 32 && dev < 0; d++) {
        uint32_t id = cfg_read32(d, 0);
        if (id == 0xffffffffu) continue;
        if ((cfg_read32(d, 8) >> 8) == 0x010802) dev = (int)d;
    }
    if (dev < 0) fail("no NVMe controller on PCI bus 0");
    rt_printf("nvme: found controller at 00:%02x.0, vendor %04x device %04x\n",
              dev, cfg_read32(dev, 0) & 0xffff, cfg_read32(dev, 0) >> 16);

    /* 2. Size BAR 0 and place it at the start of the MMIO window; memory + bus master on. */
    cfg_write32(dev, 0x10, 0xffffffffu);
    uint32_t lo = cfg_read32(dev, 0x10);
    if ((lo & 0x6) != 0x4) fail("BAR 0 is not a 64-bit memory BAR");
    rt_printf("nvme: BAR 0 is 64-bit, %u KiB\n", (~(lo & ~0xfu) + 1) / 1024);
    cfg_write32(dev, 0x10, (uint32_t)MMIO_BASE);
    cfg_write32(dev, 0x14, 0);
    cfg_write32(dev, 0x04, (cfg_read32(dev, 0x04) & 0xffff0000u) | 0x6);
    bar = MMIO_BASE;

    /* 3. Controller bring-up. */
    uint64_t cap = (uint64_t)reg32(REG_CAP) | (uint64_t)reg32(REG_CAP + 4) << 32;
    dstrd = (cap >> 32) & 0xf;
    if (((cap >> 37) & 1) == 0) fail("no NVM command set");
    if ((cap & 0xffff) + 1 < QENTRIES * 4) fail("MQES too small");
    rt_printf("nvme: version %x.%x\n", reg32(REG_VS) >> 16, (reg32(REG_VS) >> 8) & 0xff);
    reg32w(REG_CC, 0);
    if (!wait_csts(1, 0)) fail("controller did not stop");
    reg32w(REG_AQA, (QENTRIES - 1) | (QENTRIES - 1) << 16);
    reg64w(REG_ASQ, (uintptr_t)sq(0));
    reg64w(REG_ACQ, (uintptr_t)cq(0));
    cq_phase[0] = 1;
    reg32w(REG_CC, 1 | 6 << 16 | 4 << 20);
    if (!wait_csts(1, 1)) fail("controller did not become ready");
    rt_puts("nvme: controller ready\n");

    /* 4. Identify. */
    struct sqe c = cmd(0x06, 0);
    c.prp1 = (uintptr_t)ident;
    c.cdw10 = 1;
    must(0, &c, "identify controller");
    if (ident[512] != 0x66 || ident[513] != 0x44) fail("SQES/CQES");
    rt_printf("nvme: identify controller ok, MDTS %u\n", ident[77]);
    c = cmd(0x06, 1);
    c.prp1 = (uintptr_t)ident;
    must(0, &c, "identify namespace 1");
    uint64_t nsze = le64(ident);
    unsigned lbads = ident[128 + 4 * (ident[26] & 0xf) + 2];
    rt_printf("nvme: namespace 1: %lu blocks of %u bytes\n", (unsigned long)nsze, 1u << lbads);
    if (lbads != 9) fail("expected 512-byte blocks");
    if (nsze < 4 * 64) fail("namespace too small (need 128 KiB)");

    /* 5. Queues: ask for IOQ pairs, create them (polled: no interrupts). */
    c = cmd(0x09, 0);
    c.cdw10 = 0x07;
    c.cdw11 = (IOQ - 1) | (IOQ - 1) << 16;
    uint32_t granted;
    if (submit(0, &c, &granted) != 0) fail("set features: number of queues");
    if ((granted & 0xffff) + 1 < IOQ || (granted >> 16) + 1 < IOQ) fail("not enough queues granted");
    for (unsigned q = 1; q <= IOQ; q++) {
        c = cmd(0x05, 0);
        c.prp1 = (uintptr_t)cq(q);
        c.cdw10 = q | (QENTRIES - 1) << 16;
        c.cdw11 = 1; /* physically contiguous, interrupts off */
        must(0, &c, "create I/O completion queue");
        c = cmd(0x01, 0);
        c.prp1 = (uintptr_t)sq(q);
        c.cdw10 = q | (QENTRIES - 1) << 16;
        c.cdw11 = 1 | q << 16;
        must(0, &c, "create I/O submission queue");
        cq_phase[q] = 1;
    }
    rt_printf("nvme: %d I/O queue pairs created\n", IOQ);

    /* 6. Per queue: write 16 KiB (PRP list) + 8 KiB (PRP1+PRP2), flush, read back, compare. */
    for (unsigned q = 1; q <= IOQ; q++) {
        uint8_t *w = wbuf[q - 1], *r = rbuf[q - 1];
        for (unsigned i = 0; i < 4 * PAGE; i++) w[i] = pattern(q, i);
        uint64_t lba = 64 * q;
        c = cmd(0x01, 1);                                   /* 16 KiB: PRP1 + list of 3 */
        c.prp1 = (uintptr_t)w;
        for (unsigned k = 1; k < 4; k++) prplist[q - 1][k - 1] = (uintptr_t)w + k * PAGE;
        c.prp2 = (uintptr_t)prplist[q - 1];
        c.cdw10 = (uint32_t)lba;
        c.cdw12 = 32 - 1;
        must(q, &c, "write (PRP list)");
        c = cmd(0x01, 1);                                   /* first 8 KiB again at lba+32, FUA */
        c.prp1 = (uintptr_t)w;
        c.prp2 = (uintptr_t)w + PAGE;
        c.cdw10 = (uint32_t)(lba + 32);
        c.cdw12 = (16 - 1) | 1u << 30;
        must(q, &c, "write (PRP1+PRP2, FUA)");
        c = cmd(0x00, 1);
        must(q, &c, "flush");
        rt_memset(r, 0, 4 * PAGE);
        c = cmd(0x02, 1);
        c.prp1 = (uintptr_t)r;
        c.prp2 = (uintptr_t)prplist[q - 1];
        for (unsigned k = 1; k < 4; k++) prplist[q - 1][k - 1] = (uintptr_t)r + k * PAGE;
        c.cdw10 = (uint32_t)lba;
        c.cdw12 = 32 - 1;
        must(q, &c, "read (PRP list)");
        for (unsigned i = 0; i < 4 * PAGE; i++)
            if (r[i] != pattern(q, i)) fail("read back differs from what was written");
        rt_memset(r, 0, 2 * PAGE);
        c = cmd(0x02, 1);
        c.prp1 = (uintptr_t)r;
        c.prp2 = (uintptr_t)r + PAGE;
        c.cdw10 = (uint32_t)(lba + 32);
        c.cdw12 = 16 - 1;
        must(q, &c, "read (PRP1+PRP2)");
        for (unsigned i = 0; i < 2 * PAGE; i++)
            if (r[i] != pattern(q, i)) fail("second read back differs");
        rt_printf("nvme: queue %u: wrote, flushed and read back 24 KiB at LBA %lu\n", q, (unsigned long)lba);
    }

    /* 7. Write Zeroes over 8 blocks of queue 1's area, read back zeros. */
    c = cmd(0x08, 1);
    c.cdw10 = 64;
    c.cdw12 = 8 - 1;
    must(1, &c, "write zeroes");
    rt_memset(rbuf[0], 0xaa, PAGE);
    c = cmd(0x02, 1);
    c.prp1 = (uintptr_t)rbuf[0];
    c.cdw10 = 64;
    c.cdw12 = 8 - 1;
    must(2, &c, "read zeroed blocks");
    for (unsigned i = 0; i < PAGE; i++) if (rbuf[0][i] != 0) fail("write zeroes left data");
    rt_puts("nvme: write zeroes ok\n");

    /* 8. Errors the spec defines. */
    c = cmd(0x02, 1);
    c.prp1 = (uintptr_t)rbuf[0];
    c.cdw10 = (uint32_t)nsze;
    c.cdw12 = 0;
    rt_printf("nvme: read past the end -> status %x (LBA out of range is 80)\n", submit(1, &c, 0) & 0xff);
    c = cmd(0x7e, 1);
    rt_printf("nvme: unknown I/O opcode -> status %x (invalid opcode is 1)\n", submit(1, &c, 0) & 0xff);

    /* 9. Tear down and shut down. */
    for (unsigned q = 1; q <= IOQ; q++) {
        c = cmd(0x00, 0);
        c.cdw10 = q;
        must(0, &c, "delete I/O submission queue");
        c = cmd(0x04, 0);
        c.cdw10 = q;
        must(0, &c, "delete I/O completion queue");
    }
    reg32w(REG_CC, reg32(REG_CC) | 1 << 14);
    if (!wait_csts(0xc, 0x8)) fail("shutdown did not complete");
    rt_puts("nvme: shutdown complete\nPASS\n");
    return 0;
}
