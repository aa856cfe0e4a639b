/*
 * plic: an external interrupt end to end. The NS16550A's "transmitter holding register
 * empty" interrupt (IER.ETBEI) goes to PLIC source 10, the PLIC's M-mode context of hart 0
 * raises MEIP, the hart takes it, claims 10, and completes it. Also: pending bits, a
 * threshold that masks the source, an empty claim, and the same through the S-mode context
 * (SEIP delegated with mideleg). Only events are printed.
 */
#include "rt.h"

#define PLIC_BASE 0x0c000000UL
#define PLIC_PRIORITY(src) (PLIC_BASE + 4 * (src))
#define PLIC_PENDING (PLIC_BASE + 0x1000)
#define PLIC_ENABLE(ctx) (PLIC_BASE + 0x2000 + 0x80 * (ctx))
#define PLIC_THRESHOLD(ctx) (PLIC_BASE + 0x200000 + 0x1000 * (ctx))
#define PLIC_CLAIM(ctx) (PLIC_BASE + 0x200004 + 0x1000 * (ctx))
#define CTX_M 0   /* QEMU virt: hart 0 M-mode */
#define CTX_S 1   /* hart 0 S-mode */
#define UART_IRQ 10

#define UART_IER 1
#define UART_IIR 2
#define UART_LSR 5
#define IER_ETBEI 0x02
#define LSR_TEMT 0x40

#define MIP_SEIP (1UL << 9)
#define MIP_MEIP (1UL << 11)

static inline void uart_w(unsigned reg, uint8_t v) { *(volatile uint8_t *)(UART0_BASE + reg) = v; }
static inline uint8_t uart_r(unsigned reg) { return *(volatile uint8_t *)(UART0_BASE + reg); }

struct irq_record { uint64_t count, cause, claimed, iir, iir_after, second_claim; };
static volatile struct irq_record rec;

/* The handler silences the UART before printing anything: printing refills THR, and with
 * ETBEI still set the UART would interrupt again when it empties. */
static void handle(unsigned ctx, uint64_t cause) {
    rec.count++;
    rec.cause = cause;
    uint32_t id = mmio_read32(PLIC_CLAIM(ctx));
    rec.claimed = id;
    rec.iir = uart_r(UART_IIR);        /* reading IIR with THRE as the source clears it */
    rec.iir_after = uart_r(UART_IIR);
    uart_w(UART_IER, 0);
    rec.second_claim = mmio_read32(PLIC_CLAIM(ctx));  /* nothing else pending: 0 */
    mmio_write32(PLIC_CLAIM(ctx), id);                 /* complete */
}

void m_trap_handler(struct rt_trap_frame *f) {
    rt_m_handle_return(f);
    if (f->cause != ((1UL << 63) | 11)) rt_unexpected_trap("M", f);
    handle(CTX_M, f->cause);
}

void s_trap_handler(struct rt_trap_frame *f) {
    if (f->cause != ((1UL << 63) | 9)) rt_unexpected_trap("S", f);
    handle(CTX_S, f->cause);
}

static void drain_uart(void) {
    while (!(uart_r(UART_LSR) & LSR_TEMT)) { }
}

static void report(const char *what) {
    rt_printf("%s: taken=%lu cause=%lx claim=%lu IIR=%02lx then %02lx, second claim=%lu\n", what,
              rec.count, rec.cause, rec.claimed, rec.iir, rec.iir_after, rec.second_claim);
}

static void clear_record(void) {
    rec.count = rec.cause = rec.claimed = rec.iir = rec.iir_after = rec.second_claim = 0;
}

static void s_wait(long arg) {
    (void)arg;
    set_csr(sie, MIP_SEIP);
    drain_uart();
    uart_w(UART_IER, IER_ETBEI);
    set_csr(sstatus, MSTATUS_SIE);
    while (rec.count == 0) __asm__ volatile("wfi");
    clear_csr(sstatus, MSTATUS_SIE);
}

int main(unsigned long hartid, const void *fdt) {
    (void)hartid; (void)fdt;
    rt_puts("plic: UART interrupt through the PLIC\n");
    rt_printf("IIR with no interrupt enabled: %02x\n", uart_r(UART_IIR));

    mmio_write32(PLIC_PRIORITY(UART_IRQ), 1);
    mmio_write32(PLIC_ENABLE(CTX_M), 1u << UART_IRQ);
    mmio_write32(PLIC_ENABLE(CTX_S), 0);
    rt_printf("priority[10] = %u, enable[M] = %08x\n", mmio_read32(PLIC_PRIORITY(UART_IRQ)),
              mmio_read32(PLIC_ENABLE(CTX_M)));

    rt_puts("== threshold 1 masks a priority-1 source\n");
    mmio_write32(PLIC_THRESHOLD(CTX_M), 1);
    write_csr(mie, MIP_MEIP);
    drain_uart();
    uart_w(UART_IER, IER_ETBEI);
    uint32_t pending = mmio_read32(PLIC_PENDING) >> UART_IRQ & 1;
    uint64_t meip = read_csr(mip) >> 11 & 1;
    uart_w(UART_IER, 0);
    rt_printf("pending[10] = %u, mip.MEIP = %lu\n", pending, meip);

    rt_puts("== threshold 0: M-mode external interrupt\n");
    mmio_write32(PLIC_THRESHOLD(CTX_M), 0);
    clear_record();
    drain_uart();
    uart_w(UART_IER, IER_ETBEI);
    meip = read_csr(mip) >> 11 & 1;
    set_csr(mstatus, MSTATUS_MIE);
    while (rec.count == 0) __asm__ volatile("wfi");
    clear_csr(mstatus, MSTATUS_MIE);
    rt_printf("mip.MEIP before enabling MIE = %lu\n", meip);
    report("M context");
    rt_printf("after completion: pending[10] = %u, mip.MEIP = %lu\n",
              mmio_read32(PLIC_PENDING) >> UART_IRQ & 1, read_csr(mip) >> 11 & 1);
    write_csr(mie, 0);

    rt_puts("== S-mode context, SEIP delegated\n");
    rt_pmp_allow_all();
    write_csr(stvec, (uintptr_t)rt_s_trap_entry);
    write_csr(sscratch, (uintptr_t)rt_stack_strap_top);
    write_csr(mideleg, MIP_SEIP);
    mmio_write32(PLIC_ENABLE(CTX_M), 0);
    mmio_write32(PLIC_ENABLE(CTX_S), 1u << UART_IRQ);
    mmio_write32(PLIC_THRESHOLD(CTX_S), 0);
    clear_record();
    rt_run_lower(1, s_wait, 0);
    report("S context");
    write_csr(mideleg, 0);
    rt_puts("plic done\n");
    return 0;
}
