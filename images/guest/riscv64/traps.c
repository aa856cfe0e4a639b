/*
 * traps: synchronous exceptions and privilege changes. In M-mode: illegal instructions,
 * ecall, ebreak (both sizes), misaligned LR/SC/AMO, loads, stores and fetches from
 * unmapped physical memory. Then S and U mode through mret: ecall causes without
 * delegation, with medeleg delegating U traps to S, the sstatus.SPP/mstatus.MPP
 * bookkeeping, and what TSR/TVM and M-only CSRs do to S-mode.
 * Each faulting instruction starts its own small function, so mepc/sepc are printed
 * as an offset from that function (always +0).
 */
#include "rt.h"

/* Nothing answers here in QEMU virt's memory map (a hole below the MROM). */
#define UNMAPPED 0x0UL

struct trap_record { uint64_t count, cause, epc, tval, status; };
static volatile struct trap_record mrec, srec;

static void record(volatile struct trap_record *r, struct rt_trap_frame *f) {
    r->count++;
    r->cause = f->cause;
    r->epc = f->epc;
    r->tval = f->tval;
    r->status = f->status;
}

/* An instruction-fetch fault has no instruction to skip: resume at the caller (ra). */
static void resume(struct rt_trap_frame *f) {
    if (f->cause == 1 || f->cause == 12) f->epc = f->x[1];
    else f->epc += rt_insn_len(f->epc);
}

void m_trap_handler(struct rt_trap_frame *f) {
    rt_m_handle_return(f);
    if (f->cause >> 63) rt_unexpected_trap("M", f);
    record(&mrec, f);
    resume(f);
}

void s_trap_handler(struct rt_trap_frame *f) {
    /* A U excursion finished (its return ecall was delegated here): pass it on to M. */
    if (f->cause == 8 && f->x[17] == RT_ECALL_RETURN) {
        register uint64_t a0 __asm__("a0") = f->x[10];
        register uint64_t a7 __asm__("a7") = RT_ECALL_RETURN;
        __asm__ volatile("ecall" :: "r"(a0), "r"(a7));
    }
    if (f->cause >> 63) rt_unexpected_trap("S", f);
    record(&srec, f);
    resume(f);
}

/* ---- the faulting instructions, each at offset 0 of its function ---- */
#define NAKED(name, body) \
    void name(void); \
    __asm__(".text\n.align 2\n.globl " #name "\n" #name ":\n" body "\nret\n");

NAKED(t_c_unimp, ".2byte 0x0000")                    /* all-zero: defined illegal */
NAKED(t_csrw_cycle, "csrrw zero, cycle, zero")       /* write to a read-only CSR */
NAKED(t_ecall, "ecall")
NAKED(t_ebreak, ".4byte 0x00100073")                 /* ebreak, 32-bit form */
NAKED(t_c_ebreak, ".2byte 0x9002")                   /* c.ebreak */
NAKED(t_amo_misaligned_w, "amoadd.w zero, zero, (a0)")
NAKED(t_amo_misaligned_d, "amoswap.d zero, zero, (a0)")
NAKED(t_lr_misaligned, "lr.d a1, (a0)")
NAKED(t_load, "ld a1, 0(a0)")
NAKED(t_store, "sw zero, 0(a0)")
NAKED(t_mret, "mret")
NAKED(t_sret, "sret")
NAKED(t_read_mscratch, "csrr a1, mscratch")
NAKED(t_read_satp, "csrr a1, satp")

static void reset_records(void) {
    mrec.count = mrec.cause = mrec.epc = mrec.tval = 0;
    srec.count = srec.cause = srec.epc = srec.tval = 0;
}

static void report(const char *what, volatile struct trap_record *r, const char *x, void (*fn)(void)) {
    rt_printf("%-28s %straps=%lu %scause=%lu %sepc=%s+%ld", what, x, r->count, x, r->cause, x,
              r->count ? "fn" : "-", r->count ? (long)(r->epc - (uint64_t)(uintptr_t)fn) : 0L);
}

static void run_m(const char *what, void (*fn)(void), uint64_t a0, int tval_mode) {
    reset_records();
    register uint64_t ra0 __asm__("a0") = a0;
    __asm__ volatile("jalr %1" : "+r"(ra0) : "r"(fn) : "ra", "a1", "memory");
    report(what, &mrec, "m", fn);
    uint64_t insn = *(volatile uint32_t *)(uintptr_t)fn;
    if ((insn & 3) != 3) insn &= 0xffff;
    switch (tval_mode) {
    case 0: rt_printf(" mtval=%lx\n", mrec.tval); break;
    case 1: rt_printf(" mtval=0-or-insn:%s\n", mrec.tval == 0 || mrec.tval == insn ? "yes" : "no"); break;
    case 2: rt_printf(" mtval=0-or-pc:%s\n", mrec.tval == 0 || mrec.tval == mrec.epc ? "yes" : "no"); break;
    case 3: rt_printf(" mtval=addr%+ld\n", (long)(mrec.tval - a0)); break;

    }
}

/* Misaligned AMO: the spec allows store/AMO address-misaligned (6) or a store/AMO access
 * fault (7); QEMU 7.2 reports load address-misaligned (4). So the cause number is not
 * printed, only that it is one of those classes, and the address in mtval. */
static void run_amo(const char *what, void (*fn)(void), uint64_t a0) {
    reset_records();
    register uint64_t ra0 __asm__("a0") = a0;
    __asm__ volatile("jalr %1" : "+r"(ra0) : "r"(fn) : "ra", "a1", "memory");
    rt_printf("%-28s mtraps=%lu mepc=fn+%ld", what, mrec.count, (long)(mrec.epc - (uint64_t)(uintptr_t)fn));
    rt_printf(" misaligned-or-access-class:%s mtval=addr%+ld\n",
              mrec.cause == 4 || mrec.cause == 6 || mrec.cause == 7 ? "yes" : "no", (long)(mrec.tval - a0));
}

static void m_mode_tests(void) {
    static uint64_t buf[4] __attribute__((aligned(16)));
    uintptr_t b = (uintptr_t)buf;
    rt_puts("== M-mode exceptions\n");
    run_m("illegal c.unimp", t_c_unimp, 0, 0);
    run_m("illegal csrw cycle", t_csrw_cycle, 0, 1);
    run_m("ecall from M", t_ecall, 0, 0);
    run_m("ebreak", t_ebreak, 0, 2);
    run_m("c.ebreak", t_c_ebreak, 0, 2);
    run_amo("amoadd.w misaligned", t_amo_misaligned_w, b + 2);
    run_amo("amoswap.d misaligned", t_amo_misaligned_d, b + 4);
    run_m("lr.d misaligned", t_lr_misaligned, b + 1, 3);
    run_m("load from unmapped", t_load, UNMAPPED, 3);
    run_m("store to unmapped", t_store, UNMAPPED + 8, 3);
    /* Fetch from unmapped: call into the hole; the handler returns to ra. */
    reset_records();
    __asm__ volatile("jalr %0" :: "r"(UNMAPPED + 0x40) : "ra", "memory");
    rt_printf("%-28s mtraps=%lu mcause=%lu mepc=%lx mtval=%lx\n", "fetch from unmapped",
              mrec.count, mrec.cause, mrec.epc, mrec.tval);
    rt_printf("mstatus.MPP after M traps = %lu\n", (mrec.status >> 11) & 3);
}

/* ---- lower privilege ---- */

static void s_ecall(long arg) {
    (void)arg;
    rt_puts("  in S-mode\n");
    t_ecall();
}

static void u_ecall(long arg) {
    (void)arg;
    rt_puts("  in U-mode\n");
    t_ecall();
}

static void u_delegated(long arg) {
    (void)arg;
    rt_puts("  in U-mode, traps go to S\n");
    reset_records();
    t_ecall();
    report("U ecall", &srec, "s", t_ecall);
    rt_printf(" stval=%lx sstatus.SPP=%lu | mtraps=%lu\n", srec.tval, (srec.status >> 8) & 1, mrec.count);
    reset_records();
    t_read_mscratch();
    report("U csrr mscratch", &srec, "s", t_read_mscratch);
    rt_printf(" | mtraps=%lu\n", mrec.count);
    reset_records();
    t_sret();
    report("U sret", &srec, "s", t_sret);
    rt_puts("\n");
    reset_records();
    t_mret();
    report("U mret", &srec, "s", t_mret);
    rt_puts("\n");
    reset_records();
    register uint64_t a0 __asm__("a0") = UNMAPPED;
    __asm__ volatile("jalr %1" : "+r"(a0) : "r"(t_load) : "ra", "a1", "memory");
    report("U load from unmapped", &srec, "s", t_load);
    rt_printf(" stval=%lx\n", srec.tval);
    reset_records();
    t_ebreak();
    report("U ebreak (not delegated)", &mrec, "m", t_ebreak);
    rt_printf(" mstatus.MPP=%lu | straps=%lu\n", (mrec.status >> 11) & 3, srec.count);
}

static void s_privileged(long arg) {
    (void)arg;
    rt_puts("  in S-mode, TSR and TVM set\n");
    reset_records();
    t_sret();
    report("S sret with TSR", &mrec, "m", t_sret);
    rt_printf(" mstatus.MPP=%lu\n", (mrec.status >> 11) & 3);
    reset_records();
    t_read_satp();
    report("S csrr satp with TVM", &mrec, "m", t_read_satp);
    rt_puts("\n");
    reset_records();
    t_read_mscratch();
    report("S csrr mscratch", &mrec, "m", t_read_mscratch);
    rt_puts("\n");
    reset_records();
    t_mret();
    report("S mret", &mrec, "m", t_mret);
    rt_puts("\n");
}

static void lower_mode_tests(void) {
    rt_puts("== S and U mode via mret\n");
    rt_pmp_allow_all();
    write_csr(medeleg, 0);
    write_csr(mideleg, 0);

    reset_records();
    rt_run_lower(1, s_ecall, 0);
    /* mrec now holds the last trap before the excursion ended: the S ecall. */
    report("S ecall (no delegation)", &mrec, "m", t_ecall);
    rt_printf(" mstatus.MPP=%lu\n", (mrec.status >> 11) & 3);

    reset_records();
    rt_run_lower(0, u_ecall, 0);
    report("U ecall (no delegation)", &mrec, "m", t_ecall);
    rt_printf(" mstatus.MPP=%lu\n", (mrec.status >> 11) & 3);

    /* Delegate U ecall, illegal instruction and load access fault to S. */
    write_csr(stvec, (uintptr_t)rt_s_trap_entry);
    write_csr(sscratch, (uintptr_t)rt_stack_strap_top);
    write_csr(medeleg, (1UL << 8) | (1UL << 2) | (1UL << 5));
    rt_printf("medeleg readback (bits 2,5,8) = %lx\n", read_csr(medeleg) & 0x124);
    long r = rt_run_lower(0, u_delegated, 0);
    rt_printf("U excursion returned %ld\n", r);

    /* Nothing delegated now: S-mode's illegal instructions go to M. */
    write_csr(medeleg, 0);
    set_csr(mstatus, MSTATUS_TSR | MSTATUS_TVM);
    rt_run_lower(1, s_privileged, 0);
    clear_csr(mstatus, MSTATUS_TSR | MSTATUS_TVM);
    write_csr(medeleg, 0);
}

int main(unsigned long hartid, const void *fdt) {
    (void)hartid; (void)fdt;
    rt_puts("traps: exceptions and privilege levels\n");
    m_mode_tests();
    lower_mode_tests();
    rt_puts("traps done\n");
    return 0;
}
