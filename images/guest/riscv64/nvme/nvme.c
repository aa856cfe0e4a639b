/* nvme: a bare-metal NVMe driver for riscv64-virt and QEMU virt (-device nvme).
 * Finds the controller by scanning ECAM, places BAR 0, brings the controller up through
 * the admin queue, creates three I/O queue pairs, and on each writes a pattern (one
 * command with PRP1+PRP2, one with a PRP list), flushes, reads it back and compares;
 * then Write Zeroes, Identify checks and a clean shutdown. Polled completions (phase
 * tags), no interrupts. Prints only what QEMU and our board must agree on. */
#include "nvme_drv.h"

#define PAGE NVME_PAGE
#define IOQ  3       /* I/O queue pairs used */

static uint8_t wbuf[IOQ][4 * PAGE] __attribute__((aligned(PAGE)));
static uint8_t rbuf[IOQ][4 * PAGE] __attribute__((aligned(PAGE)));
static uint64_t prplist[IOQ][PAGE / 8] __attribute__((aligned(PAGE)));

static uint8_t pattern(unsigned q, unsigned i) { return (uint8_t)(q * 37 + i * 11 + (i >> 9)); }

int main(unsigned long hartid, const void *fdt) {
    (void)hartid; (void)fdt;
    nvme_init();
    struct nvme_sqe c;
    uint64_t nsze = nvme_nsze;
    if (nsze < 4 * 64) nvme_fail("namespace too small (need 128 KiB)");
    nvme_create_queues(IOQ);
    rt_printf("nvme: %d I/O queue pairs created\n", IOQ);

    /* 6. Per queue: write 16 KiB (PRP list) + 8 KiB (PRP1+PRP2), flush, read back, compare. */
    for (unsigned q = 1; q <= IOQ; q++) {
        uint8_t *w = wbuf[q - 1], *r = rbuf[q - 1];
        for (unsigned i = 0; i < 4 * PAGE; i++) w[i] = pattern(q, i);
        uint64_t lba = 64 * q;
        c = nvme_cmd(0x01, 1);                                   /* 16 KiB: PRP1 + list of 3 */
        c.prp1 = (uintptr_t)w;
        for (unsigned k = 1; k < 4; k++) prplist[q - 1][k - 1] = (uintptr_t)w + k * PAGE;
        c.prp2 = (uintptr_t)prplist[q - 1];
        c.cdw10 = (uint32_t)lba;
        c.cdw12 = 32 - 1;
        nvme_must(q, &c, "write (PRP list)");
        c = nvme_cmd(0x01, 1);                                   /* first 8 KiB again at lba+32, FUA */
        c.prp1 = (uintptr_t)w;
        c.prp2 = (uintptr_t)w + PAGE;
        c.cdw10 = (uint32_t)(lba + 32);
        c.cdw12 = (16 - 1) | 1u << 30;
        nvme_must(q, &c, "write (PRP1+PRP2, FUA)");
        c = nvme_cmd(0x00, 1);
        nvme_must(q, &c, "flush");
        rt_memset(r, 0, 4 * PAGE);
        c = nvme_cmd(0x02, 1);
        c.prp1 = (uintptr_t)r;
        c.prp2 = (uintptr_t)prplist[q - 1];
        for (unsigned k = 1; k < 4; k++) prplist[q - 1][k - 1] = (uintptr_t)r + k * PAGE;
        c.cdw10 = (uint32_t)lba;
        c.cdw12 = 32 - 1;
        nvme_must(q, &c, "read (PRP list)");
        for (unsigned i = 0; i < 4 * PAGE; i++)
            if (r[i] != pattern(q, i)) nvme_fail("read back differs from what was written");
        rt_memset(r, 0, 2 * PAGE);
        c = nvme_cmd(0x02, 1);
        c.prp1 = (uintptr_t)r;
        c.prp2 = (uintptr_t)r + PAGE;
        c.cdw10 = (uint32_t)(lba + 32);
        c.cdw12 = 16 - 1;
        nvme_must(q, &c, "read (PRP1+PRP2)");
        for (unsigned i = 0; i < 2 * PAGE; i++)
            if (r[i] != pattern(q, i)) nvme_fail("second read back differs");
        rt_printf("nvme: queue %u: wrote, flushed and read back 24 KiB at LBA %lu\n", q, (unsigned long)lba);
    }

    /* 7. Write Zeroes over 8 blocks of queue 1's area, read back zeros. */
    c = nvme_cmd(0x08, 1);
    c.cdw10 = 64;
    c.cdw12 = 8 - 1;
    nvme_must(1, &c, "write zeroes");
    rt_memset(rbuf[0], 0xaa, PAGE);
    c = nvme_cmd(0x02, 1);
    c.prp1 = (uintptr_t)rbuf[0];
    c.cdw10 = 64;
    c.cdw12 = 8 - 1;
    nvme_must(2, &c, "read zeroed blocks");
    for (unsigned i = 0; i < PAGE; i++) if (rbuf[0][i] != 0) nvme_fail("write zeroes left data");
    rt_puts("nvme: write zeroes ok\n");

    /* 8. Errors the spec defines. */
    c = nvme_cmd(0x02, 1);
    c.prp1 = (uintptr_t)rbuf[0];
    c.cdw10 = (uint32_t)nsze;
    c.cdw12 = 0;
    rt_printf("nvme: read past the end -> status %x (LBA out of range is 80)\n", nvme_submit(1, &c, 0) & 0xff);
    c = nvme_cmd(0x7e, 1);
    rt_printf("nvme: unknown I/O opcode -> status %x (invalid opcode is 1)\n", nvme_submit(1, &c, 0) & 0xff);

    /* 9. Tear down and shut down. */
    nvme_delete_queues(IOQ);
    nvme_shutdown();
    rt_puts("nvme: shutdown complete\nPASS\n");
    return 0;
}
