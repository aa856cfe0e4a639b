/*
 * smp: two harts (run with -smp 2 / --smp 2). Hart 1 joins through rt_secondary_main;
 * hart 0 drives phases and prints everything, so the output does not depend on how the
 * harts interleave. Checks: both harts see their own mhartid; AMO counter, LR/SC counter
 * and a spinlock-protected plain counter each end at exactly the sum of both harts' work;
 * an inter-processor interrupt through the CLINT's msip[1]; hart 1's own mtimecmp[1]; an SC
 * that fails because the other hart stored to the reserved word between LR and SC.
 */
#include "rt.h"

#define HARTS 2
#define AMO_ROUNDS 50000
#define LOCK_ROUNDS 20000
#define SPIN_LIMIT 200000000UL

static volatile uint32_t phase, done, checked_in;
static volatile uint64_t hart1_id, amo_counter, lrsc_counter, plain_counter;
static volatile uint32_t lock;
static volatile uint64_t ipi_cause, timer_cause, hart1_irqs;
static volatile uint64_t reserved_word, sc_result, lr_value;
static volatile uint32_t lr_taken, store_done;

static void acquire(volatile uint32_t *l) {
    uint32_t old;
    do {
        __asm__ volatile("amoswap.w.aq %0, %1, (%2)" : "=r"(old) : "r"(1), "r"(l) : "memory");
    } while (old != 0);
}

static void release(volatile uint32_t *l) {
    __asm__ volatile("amoswap.w.rl zero, zero, (%0)" :: "r"(l) : "memory");
}

static void signal_done(void) {
    __asm__ volatile("amoadd.w zero, %0, (%1)" :: "r"(1), "r"(&done) : "memory");
}

static void work(void) {
    for (int i = 0; i < AMO_ROUNDS; i++)
        __asm__ volatile("amoadd.d zero, %0, (%1)" :: "r"(1UL), "r"(&amo_counter) : "memory");
    for (int i = 0; i < LOCK_ROUNDS; i++) {
        uint64_t tmp, fail;
        __asm__ volatile("1: lr.d %0, (%2)\n\taddi %0, %0, 1\n\tsc.d %1, %0, (%2)\n\tbnez %1, 1b"
                         : "=&r"(tmp), "=&r"(fail) : "r"(&lrsc_counter) : "memory");
    }
    for (int i = 0; i < LOCK_ROUNDS; i++) {
        acquire(&lock);
        plain_counter = plain_counter + 1;   /* not atomic: only the lock makes it exact */
        release(&lock);
    }
}

void m_trap_handler(struct rt_trap_frame *f) {
    rt_m_handle_return(f);
    if (read_csr(mhartid) != 1 || !(f->cause >> 63)) rt_unexpected_trap("M", f);
    hart1_irqs++;
    if ((f->cause & 0xff) == 3) {
        ipi_cause = f->cause;
        mmio_write32(CLINT_MSIP + 4, 0);
    } else if ((f->cause & 0xff) == 7) {
        timer_cause = f->cause;
        mmio_write64(CLINT_MTIMECMP + 8, ~0UL);
    } else {
        rt_unexpected_trap("M", f);
    }
}

static int wait_phase_end(uint32_t want_done) {
    for (uint64_t i = 0; i < SPIN_LIMIT; i++)
        if (done >= want_done) return 1;
    return 0;
}

void rt_secondary_main(unsigned long hartid) {
    if (hartid != 1) for (;;) __asm__ volatile("wfi");
    hart1_id = read_csr(mhartid);
    __asm__ volatile("amoadd.w zero, %0, (%1)" :: "r"(1), "r"(&checked_in) : "memory");
    uint32_t seen = 0;
    for (;;) {
        while (phase == seen) { }
        seen = phase;
        switch (seen) {
        case 1:
            work();
            break;
        case 2:  /* wait for an IPI */
            write_csr(mie, 1UL << 3);
            set_csr(mstatus, MSTATUS_MIE);
            while (ipi_cause == 0) __asm__ volatile("wfi");
            clear_csr(mstatus, MSTATUS_MIE);
            break;
        case 4: {  /* LR, wait while hart 0 stores to the word, then SC: must fail */
            uint64_t v, fail;
            __asm__ volatile("lr.d %0, (%1)" : "=r"(v) : "r"(&reserved_word) : "memory");
            lr_value = v;
            lr_taken = 1;
            while (!store_done) { }
            __asm__ volatile("sc.d %0, %1, (%2)" : "=r"(fail) : "r"(0x5c5c5c5cUL), "r"(&reserved_word) : "memory");
            sc_result = fail;
            break;
        }
        case 3:  /* own timer */
            write_csr(mie, 1UL << 7);
            mmio_write64(CLINT_MTIMECMP + 8, mmio_read64(CLINT_MTIME) + 5000);
            set_csr(mstatus, MSTATUS_MIE);
            while (timer_cause == 0) __asm__ volatile("wfi");
            clear_csr(mstatus, MSTATUS_MIE);
            write_csr(mie, 0);
            break;
        default:
            for (;;) __asm__ volatile("wfi");
        }
        signal_done();
    }
}

int main(unsigned long hartid, const void *fdt) {
    (void)fdt;
    rt_puts("smp: two harts\n");
    rt_printf("hart 0: a0=%lu mhartid=%lu\n", hartid, read_csr(mhartid));
    uint64_t i = 0;
    while (checked_in < HARTS - 1 && i < SPIN_LIMIT) i++;
    if (checked_in != HARTS - 1) {
        rt_puts("hart 1 did not start (run with -smp 2)\n");
        return 2;
    }
    rt_printf("hart 1 checked in: mhartid=%lu\n", hart1_id);

    phase = 1;
    work();
    if (!wait_phase_end(1)) { rt_puts("hart 1 did not finish its work\n"); return 3; }
    rt_printf("amo counter = %lu (want %u)\n", amo_counter, HARTS * AMO_ROUNDS);
    rt_printf("lr/sc counter = %lu (want %u)\n", lrsc_counter, HARTS * LOCK_ROUNDS);
    rt_printf("locked plain counter = %lu (want %u)\n", plain_counter, HARTS * LOCK_ROUNDS);

    phase = 2;
    /* Give hart 1 time to enable its interrupt; a pending msip waits for it anyway. */
    mmio_write32(CLINT_MSIP + 4, 1);
    if (!wait_phase_end(2)) { rt_puts("hart 1 missed the IPI\n"); return 4; }
    rt_printf("IPI: hart 1 took mcause=%lx, msip[1] now %u\n", ipi_cause, mmio_read32(CLINT_MSIP + 4));

    phase = 3;
    if (!wait_phase_end(3)) { rt_puts("hart 1 timer never fired\n"); return 5; }
    rt_printf("hart 1 timer: mcause=%lx; hart 1 interrupts in all: %lu\n", timer_cause, hart1_irqs);
    /* (Not MTIP: mtimecmp's reset value is implementation-defined.) */
    rt_printf("hart 0 mip.MSIP=%lu (the IPI went to hart 1 only)\n", (read_csr(mip) >> 3) & 1);
    reserved_word = 0x1111;
    phase = 4;
    for (i = 0; i < SPIN_LIMIT && !lr_taken; i++) { }
    /* A different value: QEMU implements SC as a compare-and-swap on the value, so it
     * fails the SC only when the value changed (the spec requires failure either way). */
    reserved_word = 0x2222;
    store_done = 1;
    if (!wait_phase_end(4)) { rt_puts("hart 1 stuck in LR/SC\n"); return 6; }
    rt_printf("hart 1 lr.d read %lx; after hart 0 stored, its sc.d failed: %s; word = %lx\n",
              lr_value, sc_result != 0 ? "yes" : "no", reserved_word);
    phase = 5;
    rt_puts("smp done\n");
    return 0;
}
