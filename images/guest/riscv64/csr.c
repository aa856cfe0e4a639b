/*
 * csr: control and status registers whose behaviour the privileged spec fixes.
 * Counters are printed only as "did it move" booleans; WARL registers are written with
 * all ones and only the fields whose read-back the spec determines (for an RV64 hart
 * with M, S, U and F/D and no H or V) are printed.
 */
#include "rt.h"

static volatile uint64_t trap_count, trap_cause;

void m_trap_handler(struct rt_trap_frame *f) {
    rt_m_handle_return(f);
    if (f->cause >> 63) rt_unexpected_trap("M", f);
    trap_count++;
    trap_cause = f->cause;
    f->epc += rt_insn_len(f->epc);
}

static const char *yn(int b) { return b ? "yes" : "no"; }

static void counters(void) {
    rt_puts("== counters\n");
    uint64_t i0 = read_csr(minstret);
    for (volatile int i = 0; i < 100; i++) { }
    uint64_t i1 = read_csr(minstret);
    rt_printf("minstret increases over a 100-iteration loop: %s (by at least 100: %s)\n",
              yn(i1 > i0), yn(i1 - i0 >= 100));
    uint64_t c0 = read_csr(mcycle);
    for (volatile int i = 0; i < 100; i++) { }
    uint64_t c1 = read_csr(mcycle);
    rt_printf("mcycle increases: %s\n", yn(c1 > c0));
    /* The unprivileged aliases read the same counters. */
    uint64_t a = read_csr(instret), b = read_csr(minstret);
    rt_printf("instret <= minstret read just after: %s\n", yn(a <= b));
    uint64_t cy = read_csr(cycle), mcy = read_csr(mcycle);
    rt_printf("cycle <= mcycle read just after: %s\n", yn(cy <= mcy));
    uint64_t t0 = read_csr(time);
    for (volatile int i = 0; i < 10000; i++) { }
    uint64_t t1 = read_csr(time);
    rt_printf("time does not go backwards: %s; equals CLINT mtime's clock: %s\n",
              yn(t1 >= t0), yn(mmio_read64(CLINT_MTIME) >= t1));
    /* (Writing minstret is not checked: QEMU without -icount does not keep the value.) */
}

static void u_read_cycle(long arg) {
    (void)arg;
    __asm__ volatile("csrr t0, cycle" ::: "t0");
}

static void u_read_instret(long arg) {
    (void)arg;
    __asm__ volatile("csrr t0, instret" ::: "t0");
}

static void counter_enable(void) {
    rt_puts("== mcounteren\n");
    rt_pmp_allow_all();
    write_csr(mcounteren, 0);
    trap_count = 0; trap_cause = 0;
    rt_run_lower(0, u_read_cycle, 0);
    rt_printf("U csrr cycle, mcounteren=0: traps=%lu cause=%lu\n", trap_count, trap_cause);
    write_csr(mcounteren, 7);
    write_csr(scounteren, 7);
    trap_count = 0; trap_cause = 0;
    rt_run_lower(0, u_read_cycle, 0);
    rt_printf("U csrr cycle, mcounteren=scounteren=7: traps=%lu\n", trap_count);
    write_csr(scounteren, 1);
    trap_count = 0; trap_cause = 0;
    rt_run_lower(0, u_read_instret, 0);
    rt_printf("U csrr instret, scounteren=1 (CY only): traps=%lu cause=%lu\n", trap_count, trap_cause);
    trap_count = 0; trap_cause = 0;
    rt_run_lower(1, u_read_instret, 0);
    rt_printf("S csrr instret, mcounteren=7: traps=%lu\n", trap_count);
    write_csr(mcounteren, 0);
    write_csr(scounteren, 0);
}

static void scratch(void) {
    rt_puts("== mscratch, sscratch\n");
    uint64_t saved = read_csr(mscratch);
    write_csr(mscratch, 0x123456789abcdef0UL);
    rt_printf("mscratch round trip: %lx\n", read_csr(mscratch));
    uint64_t old;
    __asm__ volatile("csrrs %0, mscratch, %1" : "=r"(old) : "r"(0xfUL));
    rt_printf("csrrs old=%lx new=%lx\n", old, read_csr(mscratch));
    __asm__ volatile("csrrc %0, mscratch, %1" : "=r"(old) : "r"(0xf0UL));
    rt_printf("csrrc old=%lx new=%lx\n", old, read_csr(mscratch));
    __asm__ volatile("csrrwi %0, mscratch, 0x15" : "=r"(old));
    rt_printf("csrrwi old=%lx new=%lx\n", old, read_csr(mscratch));
    __asm__ volatile("csrrsi %0, mscratch, 0x0a" : "=r"(old));
    rt_printf("csrrsi old=%lx new=%lx\n", old, read_csr(mscratch));
    __asm__ volatile("csrrci %0, mscratch, 0x03" : "=r"(old));
    rt_printf("csrrci old=%lx new=%lx\n", old, read_csr(mscratch));
    write_csr(mscratch, saved);
    write_csr(sscratch, 0xfedcba9876543210UL);
    rt_printf("sscratch round trip: %lx\n", read_csr(sscratch));
}

static void identity(void) {
    rt_puts("== identity\n");
    uint64_t misa = read_csr(misa);
    rt_printf("misa = %016lx\n", misa);
    rt_printf("mhartid = %lu\n", read_csr(mhartid));
    /* misa is WARL; writing it back unchanged must keep it. */
    write_csr(misa, misa);
    rt_printf("misa after writing itself back unchanged: %s\n", yn(read_csr(misa) == misa));
}

static void print_mstatus_fields(const char *what, uint64_t v) {
    rt_printf("%s: SIE=%lu MIE=%lu SPIE=%lu MPIE=%lu SPP=%lu MPP=%lu FS=%lu XS=%lu MPRV=%lu SUM=%lu MXR=%lu "
              "TVM=%lu TW=%lu TSR=%lu SD=%lu\n", what,
              (v >> 1) & 1, (v >> 3) & 1, (v >> 5) & 1, (v >> 7) & 1, (v >> 8) & 1, (v >> 11) & 3,
              (v >> 13) & 3, (v >> 15) & 3, (v >> 17) & 1, (v >> 18) & 1, (v >> 19) & 1,
              (v >> 20) & 1, (v >> 21) & 1, (v >> 22) & 1, v >> 63);
}

static void status(void) {
    rt_puts("== mstatus / sstatus (WARL)\n");
    uint64_t saved = read_csr(mstatus);
    uint64_t v;
    /* UXL and SXL are WARL (an RV64 hart may allow RV32 U/S); printed only as they come
     * out of reset, where a hart that boots at RV64 has both at 2. */
    rt_printf("mstatus at start: UXL=%lu SXL=%lu\n", (saved >> 32) & 3, (saved >> 34) & 3);
    /* MIE stays 0 in the all-ones write: no interrupt may be taken in between. */
    __asm__ volatile("csrw mstatus, %1\n\tcsrr %0, mstatus\n\tcsrw mstatus, %2"
                     : "=&r"(v) : "r"(~MSTATUS_MIE), "r"(saved) : "memory");
    print_mstatus_fields("mstatus <- ~MIE", v);
    __asm__ volatile("csrw mstatus, %1\n\tcsrr %0, mstatus\n\tcsrw mstatus, %2"
                     : "=&r"(v) : "r"(0UL), "r"(saved) : "memory");
    print_mstatus_fields("mstatus <- 0", v);
    /* MPP = 1 (S) is legal and must stick. */
    __asm__ volatile("csrw mstatus, %1\n\tcsrr %0, mstatus\n\tcsrw mstatus, %2"
                     : "=&r"(v) : "r"(1UL << 11), "r"(saved) : "memory");
    rt_printf("mstatus <- MPP=S: MPP=%lu\n", (v >> 11) & 3);

    /* sstatus is a view of mstatus: writing all ones through it touches only S fields. */
    uint64_t ms, ss;
    __asm__ volatile("csrw mstatus, zero\n\tcsrw sstatus, %2\n\tcsrr %0, mstatus\n\tcsrr %1, sstatus\n\t"
                     "csrw mstatus, %3"
                     : "=&r"(ms), "=&r"(ss) : "r"(~0UL), "r"(saved) : "memory");
    print_mstatus_fields("mstatus after sstatus <- ~0", ms);
    /* Print the sstatus read-back without the implementation-defined fields: VS (only
     * with V), UBE (optional big-endian), UXL (WARL). */
    rt_printf("sstatus after sstatus <- ~0 (VS, UBE, UXL masked) = %016lx\n",
              ss & ~((3UL << 9) | (1UL << 6) | MSTATUS_UXL));
    rt_printf("sstatus shows no M fields: %s\n", yn((ss & (MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP |
                                                           MSTATUS_MPRV | MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR)) == 0));
    write_csr(mstatus, saved);
}

static void interrupt_regs(void) {
    rt_puts("== mie / mip / mideleg / medeleg (WARL)\n");
    write_csr(mie, ~0UL);
    uint64_t mie = read_csr(mie);
    write_csr(mie, 0);
    /* The standard interrupt bits: SSIE MSIE STIE MTIE SEIE MEIE (others depend on extensions). */
    rt_printf("mie <- ~0: standard bits = %03lx\n", mie & 0xaaa);
    write_csr(mideleg, ~0UL);
    uint64_t mideleg = read_csr(mideleg);
    rt_printf("mideleg <- ~0: S interrupt bits = %03lx\n", mideleg & 0x222);
    write_csr(mie, ~0UL);
    rt_printf("sie with S interrupts delegated = %03lx\n", read_csr(sie) & 0xaaa);
    write_csr(mie, 0);
    write_csr(mideleg, 0);
    write_csr(medeleg, ~0UL);
    uint64_t medeleg = read_csr(medeleg);
    /* Which exceptions are delegable is implementation-defined (even ecall from M is only
     * "should be read-only zero"); these are the ones an OS needs. */
    rt_printf("medeleg <- ~0: U ecall, illegal, breakpoint, page faults delegable: %s\n",
              yn((medeleg & 0xb10c) == 0xb10c));
    write_csr(medeleg, 0);
    /* mip: SSIP and STIP are writable from M-mode; SSIP shows in sip when delegated. */
    write_csr(mideleg, 0x222);
    write_csr(mip, 0x2);
    uint64_t mip = read_csr(mip), sip = read_csr(sip);
    write_csr(mip, 0);
    rt_printf("mip <- SSIP: mip&0x222=%03lx sip&0x222=%03lx\n", mip & 0x222, sip & 0x222);
    write_csr(mideleg, 0);
}

static void translation_regs(void) {
    rt_puts("== satp, mtvec, stvec, mepc\n");
    uint64_t sv39 = (8UL << 60) | 0x80123UL;
    write_csr(satp, sv39);
    rt_printf("satp <- Sv39|ppn: %016lx\n", read_csr(satp));
    write_csr(satp, 0);
    rt_printf("satp <- 0: %016lx\n", read_csr(satp));
    /* An unsupported mode (7, reserved) leaves satp unchanged. */
    write_csr(satp, sv39);
    write_csr(satp, (7UL << 60) | 0x1UL);
    rt_printf("satp <- reserved mode 7: unchanged: %s\n", yn(read_csr(satp) == sv39));
    write_csr(satp, 0);
    uint64_t saved = read_csr(mtvec);
    write_csr(mtvec, 0x80001000UL);
    rt_printf("mtvec direct: %lx\n", read_csr(mtvec));
    write_csr(mtvec, 0x80001001UL);
    rt_printf("mtvec vectored: %lx\n", read_csr(mtvec));
    write_csr(mtvec, saved);
    write_csr(stvec, 0x80002000UL);
    rt_printf("stvec: %lx\n", read_csr(stvec));
    /* With C, mepc bit 1 is writable (bit 0 is masked: QEMU 7.2 keeps it in the register). */
    write_csr(mepc, ~0UL);
    rt_printf("mepc <- ~0 (bit 0 masked): %lx\n", read_csr(mepc) & ~1UL);
    write_csr(sepc, 0x80000002UL);
    rt_printf("sepc <- 80000002: %lx\n", read_csr(sepc));
    write_csr(mtval, 0x1234);
    write_csr(mcause, 0x8000000000000007UL);
    rt_printf("mtval: %lx mcause: %lx\n", read_csr(mtval), read_csr(mcause));
}

static void illegal_accesses(void) {
    rt_puts("== illegal CSR accesses\n");
    trap_count = 0; trap_cause = 0;
    __asm__ volatile("csrw mhartid, zero");
    rt_printf("write mhartid (read-only): traps=%lu cause=%lu\n", trap_count, trap_cause);
    trap_count = 0; trap_cause = 0;
    __asm__ volatile("csrr t0, mhartid\n\tcsrrs t0, mhartid, zero" ::: "t0");
    rt_printf("csrrs mhartid, x0 (read only): traps=%lu\n", trap_count);
}

int main(unsigned long hartid, const void *fdt) {
    (void)hartid; (void)fdt;
    rt_puts("csr: control and status registers\n");
    identity();
    counters();
    counter_enable();
    scratch();
    status();
    interrupt_regs();
    translation_regs();
    illegal_accesses();
    rt_puts("csr done\n");
    return 0;
}
