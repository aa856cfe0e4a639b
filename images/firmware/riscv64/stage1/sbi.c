/*
 * The resident part of stage 1: the M-mode trap handler and a minimal SBI (RISC-V SBI v2.0):
 * Base, Timer (TIME, and legacy set_timer), legacy console putchar/getchar, System Reset
 * (SRST, and legacy shutdown). Without Sstc the S timer is emulated the classic way: mtimecmp
 * plus mip.STIP injected when the M timer fires.
 */
#include "stage1.h"

#define CSR_MENVCFG  0x30a
#define CSR_STIMECMP 0x14d
#define MENVCFG_STCE (1ull << 63)
#define MIP_STIP (1u << 5)
#define MIP_MTIP (1u << 7)

#define SBI_ERR_NOT_SUPPORTED (-2)
#define EXT_BASE   0x10
#define EXT_TIME   0x54494D45
#define EXT_SRST   0x53525354
#define EXT_LEGACY_SET_TIMER 0x00
#define EXT_LEGACY_PUTCHAR   0x01
#define EXT_LEGACY_GETCHAR   0x02
#define EXT_LEGACY_SHUTDOWN  0x08

static uintptr_t clint = 0x02000000UL, finisher = 0x00100000UL;
static int have_sstc, have_menvcfg;
static volatile int probing, probe_faulted;

static uint64_t csr_read_probe(int which) {
    uint64_t v = 0;
    if (which == CSR_MENVCFG) __asm__ volatile("csrr %0, 0x30a" : "=r"(v));
    else __asm__ volatile("csrr %0, 0x14d" : "=r"(v));
    return v;
}

void sbi_init(const void *fdt, unsigned long hartid) {
    (void)hartid;
    uint64_t base, size;
    int n = fdt_find_compatible(fdt, "riscv,clint0");
    if (n < 0) n = fdt_find_compatible(fdt, "sifive,clint0");
    if (n >= 0 && fdt_reg(fdt, n, 0, &base, &size) == 0) clint = (uintptr_t)base;
    n = fdt_find_compatible(fdt, "sifive,test0");
    if (n >= 0 && fdt_reg(fdt, n, 0, &base, &size) == 0) finisher = (uintptr_t)base;
    /* Probe menvcfg and Sstc: an unimplemented CSR traps, and the handler skips it. */
    probing = 1;
    probe_faulted = 0;
    uint64_t stce = MENVCFG_STCE;
    __asm__ volatile("csrs 0x30a, %0" :: "r"(stce));
    uint64_t env = csr_read_probe(CSR_MENVCFG);
    have_menvcfg = !probe_faulted;
    if (have_menvcfg && (env & MENVCFG_STCE)) {
        probe_faulted = 0;
        (void)csr_read_probe(CSR_STIMECMP);
        have_sstc = !probe_faulted;
    }
    probing = 0;
    if (have_menvcfg && !have_sstc) __asm__ volatile("csrc 0x30a, %0" :: "r"(stce));
    if (have_sstc) __asm__ volatile("csrw 0x14d, %0" :: "r"(~0ull));
}

void enter_supervisor(unsigned long hartid, const void *fdt, uint64_t entry, uint64_t netboot) {
    /* PMP entry 0: NAPOT over the whole address space, RWX, so S and U reach everything. */
    write_csr(pmpaddr0, ~0ull >> 10);
    write_csr(pmpcfg0, 0x1f);
    /* Exceptions S handles itself: misaligned fetch/load/store, access faults, illegal
     * instruction, breakpoint, ecall from U, page faults. */
    write_csr(medeleg, (1 << 0) | (1 << 1) | (1 << 2) | (1 << 3) | (1 << 4) | (1 << 5) | (1 << 6) | (1 << 7) |
                       (1 << 8) | (1 << 12) | (1 << 13) | (1 << 15));
    write_csr(mideleg, (1 << 1) | (1 << 5) | (1 << 9));   /* SSI, STI, SEI */
    write_csr(mcounteren, 7);                              /* CY, TM, IR readable in S/U */
    write_csr(mie, 0);
    write_csr(satp, 0);
    write_csr(stvec, 0);
    write_csr(sie, 0);
    uint64_t ms = read_csr(mstatus);
    ms &= ~((3ull << 11) | (1ull << 17) | (1ull << 7) | (1ull << 3) | (1ull << 1) | (3ull << 13));
    ms |= (1ull << 11) | (1ull << 13);                     /* MPP = S, FS = Initial */
    write_csr(mstatus, ms);
    write_csr(mepc, entry);
    uint64_t log = tcglog_base(), log_size = tcglog_size();   /* before the register variables: calls clobber a0-a3 */
    register uint64_t a0 __asm__("a0") = hartid;
    register uint64_t a1 __asm__("a1") = (uintptr_t)fdt;
    register uint64_t a2 __asm__("a2") = log;   /* 0 without a TPM */
    register uint64_t a3 __asm__("a3") = log_size;
    register uint64_t a4 __asm__("a4") = netboot;   /* struct netboot, 0 after a disk boot */
    __asm__ volatile("mret" :: "r"(a0), "r"(a1), "r"(a2), "r"(a3), "r"(a4));
    __builtin_unreachable();
}

static void set_timer(uint64_t when) {
    if (have_sstc) {
        __asm__ volatile("csrw 0x14d, %0" :: "r"(when));
        return;
    }
    uint64_t hart = read_csr(mhartid);
    *(volatile uint64_t *)(clint + 0x4000 + 8 * hart) = when;
    clear_csr(mip, MIP_STIP);
    set_csr(mie, MIP_MTIP);
}

/* Stage 1's idle wait (network boot): the M timer through the CLINT's mtimecmp with mie.MTIE
 * and mstatus.MIE = 0, so wfi wakes at `until` without a trap; an emulator that skips idle
 * time makes a timeout cost nothing. */
void fw_nap(uint64_t until) {
    volatile uint64_t *cmp = (volatile uint64_t *)(clint + 0x4000 + 8 * read_csr(mhartid));
    *cmp = until;
    set_csr(mie, MIP_MTIP);
    if (fw_rdtime() < until) __asm__ volatile("wfi");
    clear_csr(mie, MIP_MTIP);
    *cmp = ~0ull;
}

static void finish(uint32_t code) {
    fw_fence();
    mmio_w32(finisher, code);
    fw_halt();   /* a machine without the finisher stops here */
}

/* Returns the SBI error (a0) and sets *value (a1). */
static long sbi_call(uint64_t ext, uint64_t fid, const uint64_t *a, long *value) {
    *value = 0;
    switch (ext) {
    case EXT_BASE:
        switch (fid) {
        case 0: *value = 2L << 24; return 0;                    /* SBI v2.0 */
        case 1: *value = 0x4d4f53; return 0;                    /* implementation id: "MOS", not assigned */
        case 2: *value = 1; return 0;
        case 3:
            *value = a[0] == EXT_BASE || a[0] == EXT_TIME || a[0] == EXT_SRST || a[0] == EXT_LEGACY_SET_TIMER
                     || a[0] == EXT_LEGACY_PUTCHAR || a[0] == EXT_LEGACY_GETCHAR || a[0] == EXT_LEGACY_SHUTDOWN;
            return 0;
        case 4: *value = (long)read_csr(mvendorid); return 0;
        case 5: *value = (long)read_csr(marchid); return 0;
        case 6: *value = (long)read_csr(mimpid); return 0;
        }
        return SBI_ERR_NOT_SUPPORTED;
    case EXT_TIME:
        if (fid != 0) return SBI_ERR_NOT_SUPPORTED;
        set_timer(a[0]);
        return 0;
    case EXT_LEGACY_SET_TIMER: set_timer(a[0]); return 0;
    case EXT_LEGACY_PUTCHAR: fw_putc((char)a[0]); return 0;
    case EXT_LEGACY_GETCHAR: return fw_getc();
    case EXT_LEGACY_SHUTDOWN: finish(0x5555); return 0;
    case EXT_SRST:
        if (fid != 0) return SBI_ERR_NOT_SUPPORTED;
        if (a[0] == 0) finish(a[1] == 1 ? (1u << 16) | 0x3333 : 0x5555);   /* shutdown (reason: failure) */
        if (a[0] == 1 || a[0] == 2) finish(0x7777);                        /* cold / warm reboot */
        return -3;                                                          /* SBI_ERR_INVALID_PARAM */
    }
    return SBI_ERR_NOT_SUPPORTED;
}

void stage1_trap(struct trap_frame *f) {
    uint64_t cause = read_csr(mcause), epc = read_csr(mepc);
    if (cause == ((1ull << 63) | 7)) {       /* M timer: hand it to S as STIP (no Sstc) */
        clear_csr(mie, MIP_MTIP);
        set_csr(mip, MIP_STIP);
        return;
    }
    if (cause == 2 && probing) {             /* CSR probe: skip the 4-byte instruction */
        probe_faulted = 1;
        write_csr(mepc, epc + 4);
        return;
    }
    if (cause == 9) {                        /* ecall from S */
        long value;
        uint64_t legacy = f->x[17] <= EXT_LEGACY_SHUTDOWN;
        long err = sbi_call(f->x[17], f->x[16], &f->x[10], &value);
        f->x[10] = (uint64_t)err;
        if (!legacy) f->x[11] = (uint64_t)value;
        write_csr(mepc, epc + 4);
        return;
    }
    uint64_t mpp = (read_csr(mstatus) >> 11) & 3;
    fw_die("unexpected trap from %s-mode: mcause %lx, mepc %lx, mtval %lx",
           mpp == 3 ? "M" : mpp == 1 ? "S" : "U", cause, epc, read_csr(mtval));
}
