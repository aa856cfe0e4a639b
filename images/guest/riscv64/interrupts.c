/*
 * interrupts: ordering and routing. Vectored mtvec (interrupt N enters at base + 4N,
 * exceptions at base); the priority order when machine software, machine timer,
 * supervisor software and supervisor timer interrupts are pending together (MEI > MSI >
 * MTI > SEI > SSI > STI); delegated S interrupts are never taken while in M-mode; S-mode
 * raising its own software interrupt through sip.SSIP.
 */
#include "rt.h"

#define MIP_SSIP (1UL << 1)
#define MIP_MSIP (1UL << 3)
#define MIP_STIP (1UL << 5)
#define MIP_MTIP (1UL << 7)

/* Vector table (4-byte entries: no compressed jumps): slot N records N in stval (csrwi takes a 5-bit immediate, so no register
 * is disturbed) and continues in the runtime's common trap entry. */
__asm__(
    ".text\n.option push\n.option norvc\n.balign 256\n.globl vector_table\nvector_table:\n"
    "j slot0\nj slot1\nj slot2\nj slot3\nj slot4\nj slot5\nj slot6\nj slot7\n"
    "j slot8\nj slot9\nj slot10\nj slot11\n"
    "slot0: csrwi stval, 0\nj rt_m_trap_entry\n"
    "slot1: csrwi stval, 1\nj rt_m_trap_entry\n"
    "slot2: csrwi stval, 2\nj rt_m_trap_entry\n"
    "slot3: csrwi stval, 3\nj rt_m_trap_entry\n"
    "slot4: csrwi stval, 4\nj rt_m_trap_entry\n"
    "slot5: csrwi stval, 5\nj rt_m_trap_entry\n"
    "slot6: csrwi stval, 6\nj rt_m_trap_entry\n"
    "slot7: csrwi stval, 7\nj rt_m_trap_entry\n"
    "slot8: csrwi stval, 8\nj rt_m_trap_entry\n"
    "slot9: csrwi stval, 9\nj rt_m_trap_entry\n"
    "slot10: csrwi stval, 10\nj rt_m_trap_entry\n"
    "slot11: csrwi stval, 11\nj rt_m_trap_entry\n"
    ".option pop\n");
extern char vector_table[];

#define MAX_EVENTS 16
static volatile uint64_t events[MAX_EVENTS], slots[MAX_EVENTS];
static volatile unsigned nevents;
static volatile uint64_t s_cause, s_count;

static void clear_source(uint64_t code) {
    switch (code) {
    case 1: clear_csr(mip, MIP_SSIP); break;
    case 3: mmio_write32(CLINT_MSIP, 0); break;
    case 5: clear_csr(mip, MIP_STIP); break;
    case 7: mmio_write64(CLINT_MTIMECMP, ~0UL); break;
    }
}

void m_trap_handler(struct rt_trap_frame *f) {
    rt_m_handle_return(f);
    if (nevents < MAX_EVENTS) {
        events[nevents] = f->cause;
        slots[nevents] = read_csr(stval);
        nevents++;
    }
    if (f->cause >> 63) clear_source(f->cause & 0xff);
    else f->epc += rt_insn_len(f->epc);
}

void s_trap_handler(struct rt_trap_frame *f) {
    s_count++;
    s_cause = f->cause;
    if (f->cause == ((1UL << 63) | 1)) clear_csr(sip, MIP_SSIP);
    else rt_unexpected_trap("S", f);
}

static void print_events(const char *what) {
    rt_printf("%s:", what);
    for (unsigned i = 0; i < nevents; i++)
        rt_printf(" %s%lu@slot%lu", events[i] >> 63 ? "irq" : "exc", events[i] & 0xff, slots[i]);
    rt_puts(nevents ? "\n" : " none\n");
}

static void s_raise_ssip(long arg) {
    (void)arg;
    set_csr(sie, MIP_SSIP);
    set_csr(sstatus, MSTATUS_SIE);
    set_csr(sip, MIP_SSIP);   /* S may set its own software-interrupt pending bit */
    for (int i = 0; i < 1000 && s_count == 0; i++) __asm__ volatile("nop");
    clear_csr(sstatus, MSTATUS_SIE);
}

int main(unsigned long hartid, const void *fdt) {
    (void)hartid; (void)fdt;
    rt_puts("interrupts: vectoring, priority, delegation\n");
    mmio_write64(CLINT_MTIMECMP, ~0UL);
    write_csr(mie, 0);
    write_csr(mideleg, 0);
    write_csr(mtvec, (uintptr_t)vector_table | 1);
    rt_printf("mtvec mode = %lu\n", read_csr(mtvec) & 3);

    nevents = 0;
    __asm__ volatile("ecall");
    print_events("ecall (exception: base)");

    rt_puts("== four interrupts pending at once, taken in M\n");
    nevents = 0;
    write_csr(mie, MIP_SSIP | MIP_MSIP | MIP_STIP | MIP_MTIP);
    set_csr(mip, MIP_SSIP | MIP_STIP);
    mmio_write32(CLINT_MSIP, 1);
    mmio_write64(CLINT_MTIMECMP, 0);
    uint64_t pending = read_csr(mip) & (MIP_SSIP | MIP_MSIP | MIP_STIP | MIP_MTIP);
    rt_printf("pending before enabling: %03lx\n", pending);
    set_csr(mstatus, MSTATUS_MIE);
    for (int i = 0; i < 1000 && nevents < 4; i++) __asm__ volatile("nop");
    clear_csr(mstatus, MSTATUS_MIE);
    print_events("order");

    rt_puts("== S interrupts delegated: not taken in M\n");
    nevents = 0;
    write_csr(mideleg, MIP_SSIP | MIP_STIP);
    set_csr(mip, MIP_SSIP | MIP_STIP);
    set_csr(mstatus, MSTATUS_MIE);
    for (int i = 0; i < 1000; i++) __asm__ volatile("nop");
    clear_csr(mstatus, MSTATUS_MIE);
    print_events("taken in M");
    clear_csr(mip, MIP_SSIP | MIP_STIP);

    rt_puts("== S sets sip.SSIP, takes it in S\n");
    rt_pmp_allow_all();
    write_csr(stvec, (uintptr_t)rt_s_trap_entry);
    write_csr(sscratch, (uintptr_t)rt_stack_strap_top);
    write_csr(mideleg, MIP_SSIP);
    write_csr(mie, MIP_SSIP);
    nevents = 0;
    rt_run_lower(1, s_raise_ssip, 0);
    rt_printf("S took %lu, scause=%lx; M saw %u traps\n", s_count, s_cause, nevents);
    write_csr(mideleg, 0);
    write_csr(mie, 0);
    rt_puts("interrupts done\n");
    return 0;
}
