/* nvmebench: NVMe performance as the guest sees it, timed with the CLINT's mtime
 * (10 MHz on QEMU virt and riscv64-virt): 4 KiB random reads at queue depth 1 and 16,
 * and 128 KiB sequential reads at queue depth 4. Under QEMU mtime is wall-clock time;
 * under MultiOS it is virtual time (device service model + retired instructions). */
#include "nvme_drv.h"

#define PAGE NVME_PAGE
#define DEPTH 16
#define SEQ_PAGES 32                     /* 128 KiB per command */

static uint8_t buf[DEPTH][SEQ_PAGES * PAGE] __attribute__((aligned(PAGE)));
static uint64_t prplist[DEPTH][PAGE / 8] __attribute__((aligned(PAGE)));
static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t mtime(void) { return mmio_read64(CLINT_MTIME); }

static uint64_t next_random(void) {
    rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
    return rng;
}

/* A read of `pages` pages at `lba` into slot `s`'s buffer (PRP list when over 2 pages). */
static struct nvme_sqe read_cmd(unsigned s, uint64_t lba, unsigned pages) {
    struct nvme_sqe c = nvme_cmd(0x02, 1);
    c.prp1 = (uintptr_t)buf[s];
    if (pages == 2) c.prp2 = (uintptr_t)buf[s] + PAGE;
    if (pages > 2) {
        for (unsigned k = 1; k < pages; k++) prplist[s][k - 1] = (uintptr_t)buf[s] + k * PAGE;
        c.prp2 = (uintptr_t)prplist[s];
    }
    c.cdw10 = (uint32_t)lba;
    c.cdw11 = (uint32_t)(lba >> 32);
    c.cdw12 = pages * 8 - 1;
    return c;
}

/* Runs `total` reads keeping `depth` in flight; returns elapsed mtime ticks. */
static uint64_t run(unsigned total, unsigned depth, unsigned pages, int sequential) {
    uint64_t blocks = nvme_nsze - pages * 8, seq = 0;
    unsigned issued = 0, done = 0;
    uint64_t t0 = mtime();
    while (done < total) {
        while (issued < total && issued - done < depth) {
            uint64_t lba = sequential ? seq : (next_random() % (blocks / 8)) * 8;
            seq = (seq + pages * 8) % blocks;
            struct nvme_sqe c = read_cmd(issued % DEPTH, lba, pages);
            nvme_queue(1, &c);
            issued++;
        }
        nvme_ring(1);
        unsigned st = nvme_reap(1, 0);
        if (st != 0) { rt_printf("read status %x\n", st); nvme_fail("read"); }
        done++;
    }
    return mtime() - t0;
}

int main(unsigned long hartid, const void *fdt) {
    (void)hartid; (void)fdt;
    nvme_init();
    if (nvme_nsze < 2 * SEQ_PAGES * 8) nvme_fail("disk too small for the benchmark (need 256 KiB)");
    nvme_create_queues(1);
    run(64, 1, 1, 0); /* warm up */
    unsigned n = 2000;
    uint64_t t = run(n, 1, 1, 0);
    rt_printf("randread 4k qd1:   %lu IOPS (%lu ticks)\n", (unsigned long)((uint64_t)n * 10000000ULL / (t ? t : 1)), (unsigned long)t);
    n = 4000;
    t = run(n, DEPTH, 1, 0);
    rt_printf("randread 4k qd16:  %lu IOPS (%lu ticks)\n", (unsigned long)((uint64_t)n * 10000000ULL / (t ? t : 1)), (unsigned long)t);
    n = 256;
    t = run(n, 4, SEQ_PAGES, 1);
    uint64_t bytes = (uint64_t)n * SEQ_PAGES * PAGE;
    rt_printf("seqread 128k qd4:  %lu MB/s (%lu MiB in %lu ticks)\n", (unsigned long)(bytes * 10 / (t ? t : 1)),
              (unsigned long)(bytes >> 20), (unsigned long)t);
    nvme_delete_queues(1);
    nvme_shutdown();
    rt_puts("PASS\n");
    return 0;
}
