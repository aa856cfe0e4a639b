/*
 * timer: CLINT interrupts in M-mode. A machine timer interrupt from mtimecmp taken once
 * while the hart sleeps in WFI; WFI waking with the interrupt pending but globally
 * disabled (MIE = 0, no trap); a machine software interrupt through msip; and the
 * supervisor timer interrupt that M-mode raises in mip.STIP and delegates to S.
 * Only events and causes are printed, never times or counts that depend on speed.
 */
#include "rt.h"

#define MIP_SSIP (1UL << 1)
#define MIP_MSIP (1UL << 3)
#define MIP_STIP (1UL << 5)
#define MIP_MTIP (1UL << 7)

static volatile uint64_t m_irqs, m_last_cause, s_irqs, s_last_cause;

static uint64_t mtime(void) { return mmio_read64(CLINT_MTIME); }
static void set_mtimecmp(uint64_t v) { mmio_write64(CLINT_MTIMECMP, v); }

void m_trap_handler(struct rt_trap_frame *f) {
    rt_m_handle_return(f);
    if (!(f->cause >> 63)) rt_unexpected_trap("M", f);
    m_irqs++;
    m_last_cause = f->cause;
    switch (f->cause & 0xff) {
    case 7:  /* machine timer: silence it by moving the compare value out of reach */
        rt_puts("tick\n");
        set_mtimecmp(~0UL);
        break;
    case 3:  /* machine software: clear the CLINT's msip */
        rt_puts("software interrupt\n");
        mmio_write32(CLINT_MSIP, 0);
        break;
    default:
        rt_unexpected_trap("M", f);
    }
}

void s_trap_handler(struct rt_trap_frame *f) {
    if (!(f->cause >> 63)) rt_unexpected_trap("S", f);
    s_irqs++;
    s_last_cause = f->cause;
    rt_puts("supervisor timer interrupt in S\n");
    /* S cannot clear STIP (M owns it); it disables the source and tells M via ecall. */
    clear_csr(sie, MIP_STIP);
}

static void machine_timer(void) {
    rt_puts("== machine timer\n");
    set_mtimecmp(~0UL);
    rt_printf("mip.MTIP with mtimecmp = max: %lu\n", (read_csr(mip) >> 7) & 1);
    m_irqs = 0;
    write_csr(mie, MIP_MTIP);
    set_mtimecmp(mtime() + 10000);   /* 1 ms at QEMU virt's 10 MHz timebase */
    set_csr(mstatus, MSTATUS_MIE);
    while (m_irqs == 0) __asm__ volatile("wfi");
    clear_csr(mstatus, MSTATUS_MIE);
    rt_printf("woke from wfi: interrupts taken=%lu mcause=%lx\n", m_irqs, m_last_cause);
    rt_printf("mip.MTIP after the handler moved mtimecmp: %lu\n", (read_csr(mip) >> 7) & 1);
}

static void wfi_with_interrupts_off(void) {
    rt_puts("== wfi with mstatus.MIE = 0\n");
    m_irqs = 0;
    write_csr(mie, MIP_MTIP);
    set_mtimecmp(mtime() + 10000);
    /* WFI must resume once an enabled interrupt is pending, even though MIE = 0 keeps it
     * from being taken (WFI may also return early, hence the loop). */
    while (!(read_csr(mip) & MIP_MTIP)) __asm__ volatile("wfi");
    rt_printf("mip.MTIP = 1, interrupts taken = %lu\n", m_irqs);
    /* Enabling MIE now takes the pending interrupt at once. */
    set_csr(mstatus, MSTATUS_MIE);
    __asm__ volatile("nop");
    clear_csr(mstatus, MSTATUS_MIE);
    rt_printf("after enabling MIE: interrupts taken = %lu\n", m_irqs);
    write_csr(mie, 0);
}

static void software_interrupt(void) {
    rt_puts("== machine software interrupt\n");
    m_irqs = 0;
    write_csr(mie, MIP_MSIP);
    mmio_write32(CLINT_MSIP, 1);
    rt_printf("msip = %u, mip.MSIP = %lu\n", mmio_read32(CLINT_MSIP), (read_csr(mip) >> 3) & 1);
    set_csr(mstatus, MSTATUS_MIE);
    while (m_irqs == 0) __asm__ volatile("wfi");
    clear_csr(mstatus, MSTATUS_MIE);
    rt_printf("taken=%lu mcause=%lx msip now %u\n", m_irqs, m_last_cause, mmio_read32(CLINT_MSIP));
    write_csr(mie, 0);
}

static void s_wait_for_timer(long arg) {
    (void)arg;
    set_csr(sie, MIP_STIP);
    set_csr(sstatus, MSTATUS_SIE);
    while (s_irqs == 0) __asm__ volatile("wfi");
    clear_csr(sstatus, MSTATUS_SIE);
}

static void supervisor_timer(void) {
    rt_puts("== supervisor timer interrupt (mip.STIP set by M, delegated)\n");
    rt_pmp_allow_all();
    write_csr(stvec, (uintptr_t)rt_s_trap_entry);
    write_csr(sscratch, (uintptr_t)rt_stack_strap_top);
    write_csr(mideleg, MIP_STIP);
    write_csr(mie, 0);
    s_irqs = 0;
    set_csr(mip, MIP_STIP);
    rt_run_lower(1, s_wait_for_timer, 0);
    clear_csr(mip, MIP_STIP);
    rt_printf("taken in S=%lu scause=%lx, in M=%lu\n", s_irqs, s_last_cause, m_irqs);
    write_csr(mideleg, 0);
}

int main(unsigned long hartid, const void *fdt) {
    (void)hartid; (void)fdt;
    rt_puts("timer: CLINT interrupts and WFI\n");
    m_irqs = 0;
    machine_timer();
    wfi_with_interrupts_off();
    software_interrupt();
    m_irqs = 0;
    supervisor_timer();
    rt_puts("timer done\n");
    return 0;
}
