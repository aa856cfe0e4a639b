/* A polled NVMe driver for the boot stages (NVM Express 1.4): one admin queue, one I/O queue
 * pair, Read only. Bounded waits measured in rdtime, so a dead controller gives an error. */
#include "fw.h"

#define PAGE 4096u
#define REG_CAP  0x00
#define REG_VS   0x08
#define REG_CC   0x14
#define REG_CSTS 0x1c
#define REG_AQA  0x24
#define REG_ASQ  0x28
#define REG_ACQ  0x30
#define QN 8                       /* entries per queue (we have one command in flight) */
#define BOUNCE (64u * 1024)        /* largest transfer per command */

struct sqe { uint32_t cdw0, nsid, rsvd[2]; uint64_t mptr, prp1, prp2; uint32_t cdw10, cdw11, cdw12, cdw13, cdw14, cdw15; };
struct cqe { uint32_t dw0, dw1; uint16_t sqhd, sqid, cid, status; };

static struct sqe asq[QN] __attribute__((aligned(PAGE)));
static struct cqe acq[QN] __attribute__((aligned(PAGE)));
static struct sqe iosq[QN] __attribute__((aligned(PAGE)));
static struct cqe iocq[QN] __attribute__((aligned(PAGE)));
static uint8_t bounce[BOUNCE] FW_NOINIT __attribute__((aligned(PAGE)));
static uint64_t prp_list[PAGE / 8] FW_NOINIT __attribute__((aligned(PAGE)));

static uintptr_t bar;
static unsigned dstrd, tail[2], head[2], phase[2];
static uint16_t cid;
static uint32_t max_bytes = BOUNCE;
uint64_t nvme_ns_blocks;
uint32_t nvme_block_size;

static uint32_t r32(unsigned off) { return mmio_r32(bar + off); }
static void w32(unsigned off, uint32_t v) { mmio_w32(bar + off, v); }
static void w64(unsigned off, uint64_t v) { w32(off, (uint32_t)v); w32(off + 4, (uint32_t)(v >> 32)); }

static int wait_ready(uint32_t want, uint64_t timeout_ms) {
    uint64_t end = fw_rdtime() + timeout_ms * (fw_timebase_hz / 1000);
    while (fw_rdtime() < end) {
        uint32_t s = r32(REG_CSTS);
        if (s == 0xffffffffu) fw_die("nvme: controller registers read all-ones (BAR not decoded?)");
        if (s & 2) fw_die("nvme: controller fatal status (CSTS.CFS)");
        if ((s & 1) == want) return 0;
    }
    return -1;
}

/* Submits on queue q (0 admin, 1 I/O), waits for the completion; returns the status field. */
static unsigned submit(unsigned q, struct sqe *c, uint32_t *dw0) {
    struct sqe *sq = q ? iosq : asq;
    volatile struct cqe *cq = q ? iocq : acq;
    c->cdw0 = (c->cdw0 & 0xffff) | (uint32_t)(++cid) << 16;
    sq[tail[q]] = *c;
    tail[q] = (tail[q] + 1) % QN;
    fw_fence();
    w32(0x1000 + (2 * q) * (4u << dstrd), tail[q]);
    uint64_t end = fw_rdtime() + 5 * fw_timebase_hz;   /* NVMe CAP.TO is 7.5 s at most here; 5 s is plenty */
    volatile struct cqe *e = &cq[head[q]];
    while ((e->status & 1) != phase[q]) {
        if (fw_rdtime() > end) fw_die("nvme: command %02x timed out (no completion in 5 s)", c->cdw0 & 0xff);
    }
    fw_fence();
    unsigned status = e->status >> 1;
    if (e->cid != cid) fw_die("nvme: completion for command %u, expected %u", e->cid, cid);
    if (dw0) *dw0 = e->dw0;
    head[q] = (head[q] + 1) % QN;
    if (head[q] == 0) phase[q] ^= 1;
    w32(0x1000 + (2 * q + 1) * (4u << dstrd), head[q]);
    return status;
}

static void must(unsigned q, struct sqe *c, const char *what) {
    unsigned st = submit(q, c, 0);
    if (st) fw_die("nvme: %s failed, status %x (SCT %u SC %02x)", what, st, (st >> 8) & 7, st & 0xff);
}

static struct sqe cmd(uint8_t op, uint32_t nsid) {
    struct sqe c;
    memset(&c, 0, sizeof c);
    c.cdw0 = op;
    c.nsid = nsid;
    return c;
}

static void trim_copy(char *dst, const uint8_t *src, int n) {
    int len = n;
    while (len > 0 && (src[len - 1] == ' ' || src[len - 1] == 0)) len--;
    for (int i = 0; i < len; i++) dst[i] = (src[i] >= 32 && src[i] < 127) ? (char)src[i] : '?';
    dst[len] = 0;
}

void nvme_init(uintptr_t base, int verbose) {
    bar = base;
    uint64_t cap = (uint64_t)r32(REG_CAP) | (uint64_t)r32(REG_CAP + 4) << 32;
    if (cap == ~0ull) fw_die("nvme: controller registers read all-ones (BAR not decoded?)");
    dstrd = (cap >> 32) & 0xf;
    if (!((cap >> 37) & 1)) fw_die("nvme: controller lacks the NVM command set");
    if (((cap >> 48) & 0xf) > 0) fw_die("nvme: controller does not support 4 KiB pages");
    uint64_t to_ms = ((cap >> 24) & 0xff) * 500 + 500;
    w32(REG_CC, 0);
    if (wait_ready(0, to_ms)) fw_die("nvme: controller did not stop (CSTS.RDY stays 1)");
    memset(asq, 0, sizeof asq); memset(acq, 0, sizeof acq);
    memset(iosq, 0, sizeof iosq); memset(iocq, 0, sizeof iocq);
    tail[0] = head[0] = tail[1] = head[1] = 0;
    phase[0] = phase[1] = 1;
    w32(REG_AQA, (QN - 1) | (QN - 1) << 16);
    w64(REG_ASQ, (uintptr_t)asq);
    w64(REG_ACQ, (uintptr_t)acq);
    w32(REG_CC, 1 | 6 << 16 | 4 << 20);   /* EN, IOSQES 64 B, IOCQES 16 B, MPS 4 KiB, NVM */
    if (wait_ready(1, to_ms)) fw_die("nvme: controller did not become ready in %lu ms", to_ms);

    struct sqe c = cmd(0x06, 0);          /* Identify Controller */
    c.prp1 = (uintptr_t)bounce;
    c.cdw10 = 1;
    must(0, &c, "Identify Controller");
    char model[41], serial[21];
    trim_copy(serial, bounce + 4, 20);
    trim_copy(model, bounce + 24, 40);
    unsigned mdts = bounce[77];
    if (mdts && (PAGE << mdts) < max_bytes) max_bytes = PAGE << mdts;
    c = cmd(0x06, 1);                     /* Identify Namespace 1 */
    c.prp1 = (uintptr_t)bounce;
    must(0, &c, "Identify Namespace 1");
    nvme_ns_blocks = le64(bounce);
    unsigned lbads = bounce[128 + 4 * (bounce[26] & 0xf) + 2];
    if (nvme_ns_blocks == 0) fw_die("nvme: namespace 1 is empty or inactive");
    if (lbads < 9 || lbads > 12) fw_die("nvme: namespace 1 has %u-byte blocks (512 to 4096 supported)", 1u << lbads);
    nvme_block_size = 1u << lbads;
    uint32_t vs = r32(REG_VS);
    if (verbose) {
        fw_log("nvme: %s, serial %s, NVMe %u.%u", model, serial, vs >> 16, (vs >> 8) & 0xff);
        fw_log("nvme: namespace 1: %lu blocks of %u bytes (%lu MiB)", nvme_ns_blocks, nvme_block_size,
               (nvme_ns_blocks * nvme_block_size) >> 20);
    }

    c = cmd(0x09, 0);                     /* Set Features: Number of Queues = 1 pair */
    c.cdw10 = 0x07;
    must(0, &c, "Set Features (number of queues)");
    c = cmd(0x05, 0);                     /* Create I/O CQ 1, contiguous, polled */
    c.prp1 = (uintptr_t)iocq;
    c.cdw10 = 1 | (QN - 1) << 16;
    c.cdw11 = 1;
    must(0, &c, "Create I/O Completion Queue");
    c = cmd(0x01, 0);                     /* Create I/O SQ 1 on CQ 1 */
    c.prp1 = (uintptr_t)iosq;
    c.cdw10 = 1 | (QN - 1) << 16;
    c.cdw11 = 1 | 1 << 16;
    must(0, &c, "Create I/O Submission Queue");
}

/* Reads nblk whole blocks at lba into the bounce buffer. */
static void read_blocks(uint64_t lba, uint32_t nblk) {
    uint32_t bytes = nblk * nvme_block_size;
    struct sqe c = cmd(0x02, 1);
    c.prp1 = (uintptr_t)bounce;
    if (bytes > 2 * PAGE) {
        for (uint32_t i = 1; i < (bytes + PAGE - 1) / PAGE; i++) prp_list[i - 1] = (uintptr_t)bounce + i * PAGE;
        c.prp2 = (uintptr_t)prp_list;
    } else if (bytes > PAGE) c.prp2 = (uintptr_t)bounce + PAGE;
    c.cdw10 = (uint32_t)lba;
    c.cdw11 = (uint32_t)(lba >> 32);
    c.cdw12 = nblk - 1;
    unsigned st = submit(1, &c, 0);
    if (st) fw_die("nvme: read of %u blocks at LBA %lu failed, status %x", nblk, lba, st);
}

void disk_read(uint64_t off, void *dst, uint64_t len) {
    uint8_t *out = dst;
    uint64_t bs = nvme_block_size;
    if (off + len < off || (off + len + bs - 1) / bs > nvme_ns_blocks)
        fw_die("disk read of %lu bytes at offset %lu is beyond the end of the disk (%lu bytes)", len, off, nvme_ns_blocks * bs);
    while (len) {
        uint64_t lba = off / bs, skip = off % bs;
        uint64_t want = skip + len;
        if (want > max_bytes) want = max_bytes;
        uint32_t nblk = (uint32_t)((want + bs - 1) / bs);
        read_blocks(lba, nblk);
        uint64_t got = (uint64_t)nblk * bs - skip;
        if (got > len) got = len;
        memcpy(out, bounce + skip, got);
        out += got; off += got; len -= got;
    }
}

void nvme_disable(void) {
    if (!bar) return;
    w32(REG_CC, 0);
    wait_ready(0, 1000);
}
