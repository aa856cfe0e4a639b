/*
 * pmp: physical memory protection. Entry 0 makes page A read-only (NAPOT), entries 1-2 make
 * page B inaccessible (TOR), entry 7 opens everything else (NAPOT over all memory). S-mode
 * and U-mode accesses then fault as the lowest matching entry says; M-mode ignores unlocked
 * entries, is bound by them under MPRV, and by a locked entry always; a locked entry's
 * pmpcfg/pmpaddr ignore writes. Regions are 4 KiB aligned, so the output does not depend on
 * the PMP grain.
 */
#include "rt.h"

#define PMP_R 0x01
#define PMP_W 0x02
#define PMP_X 0x04
#define PMP_TOR 0x08
#define PMP_NAPOT 0x18
#define PMP_L 0x80

static uint8_t pages[3][4096] __attribute__((aligned(4096)));
#define PAGE_A ((uintptr_t)pages[0])
#define PAGE_B ((uintptr_t)pages[1])

struct record { uint64_t count, cause, tval; };
static volatile struct record rec;

void m_trap_handler(struct rt_trap_frame *f) {
    rt_m_handle_return(f);
    if (f->cause >> 63) rt_unexpected_trap("M", f);
    rec.count++;
    rec.cause = f->cause;
    rec.tval = f->tval;
    if (f->cause == 1) f->epc = f->x[1];
    else f->epc += rt_insn_len(f->epc);
}

static const char *where(uint64_t a) {
    static char buf[24];
    const char *base = a >= PAGE_A && a < PAGE_A + 4096 ? "A" : a >= PAGE_B && a < PAGE_B + 4096 ? "B" : "?";
    uint64_t off = a - (base[0] == 'A' ? PAGE_A : PAGE_B);
    buf[0] = base[0]; buf[1] = '+';
    const char *hex = "0123456789abcdef";
    int n = 2;
    if (off >= 0x100) buf[n++] = hex[(off >> 8) & 15];
    if (off >= 0x10) buf[n++] = hex[(off >> 4) & 15];
    buf[n++] = hex[off & 15];
    buf[n] = 0;
    return buf;
}

static void result(const char *what) {
    rt_printf("%-36s", what);
    if (rec.count) rt_printf(" fault cause=%lu tval=%s\n", rec.cause, where(rec.tval));
    else rt_puts(" ok\n");
}

static uint64_t load(uintptr_t a) { uint64_t v; __asm__ volatile("ld %0, 0(%1)" : "=r"(v) : "r"(a) : "memory"); return v; }
static void store(uintptr_t a, uint64_t v) { __asm__ volatile("sd %0, 0(%1)" :: "r"(v), "r"(a) : "memory"); }
static uint64_t call(uintptr_t a) {
    register uint64_t a0 __asm__("a0") = 0;
    __asm__ volatile("jalr %1" : "+r"(a0) : "r"(a) : "ra", "memory");
    return a0;
}

static void clear(void) { rec.count = rec.cause = rec.tval = 0; }

static void accesses(const char *mode) {
    char what[48];
    const char *tests[] = { "load A", "store A", "load B", "store B", "exec B", "load C" };
    for (int t = 0; t < 6; t++) {
        clear();
        switch (t) {
        case 0: load(PAGE_A + 8); break;
        case 1: store(PAGE_A + 16, 1); break;
        case 2: load(PAGE_B + 24); break;
        case 3: store(PAGE_B + 0xff8, 1); break;
        case 4: call(PAGE_B + 0x100); break;
        case 5: load((uintptr_t)pages[2]); break;
        }
        int n = 0;
        for (const char *p = mode; *p; p++) what[n++] = *p;
        what[n++] = ' ';
        for (const char *p = tests[t]; *p; p++) what[n++] = *p;
        what[n] = 0;
        result(what);
    }
}

static void lower(long mode) {
    accesses(mode == 1 ? "S" : "U");
}

int main(unsigned long hartid, const void *fdt) {
    (void)hartid; (void)fdt;
    rt_puts("pmp: physical memory protection\n");
    /* "li a0, 7; ret" on page B so that a fetch there would return 7. */
    static const uint32_t code[] = { 0x00700513u, 0x00008067u };
    rt_memcpy(pages[1] + 0x100, code, sizeof code);
    __asm__ volatile("fence.i" ::: "memory");

    write_csr(pmpcfg0, 0);
    write_csr(pmpaddr0, (PAGE_A >> 2) | 0x1ff);        /* NAPOT 4 KiB */
    write_csr(pmpaddr1, PAGE_B >> 2);                  /* TOR bottom (entry 1 is OFF) */
    write_csr(pmpaddr2, (PAGE_B + 4096) >> 2);         /* TOR top */
    write_csr(pmpaddr7, ~0UL >> 10);                   /* NAPOT everything */
    uint64_t cfg = (uint64_t)(PMP_NAPOT | PMP_R) | ((uint64_t)PMP_TOR << 16)
                 | ((uint64_t)(PMP_NAPOT | PMP_R | PMP_W | PMP_X) << 56);
    write_csr(pmpcfg0, cfg);
    rt_printf("pmpcfg0 = %016lx\n", read_csr(pmpcfg0));
    rt_printf("pmpaddr0 = A>>2 | %lx, pmpaddr2 = (B+4096)>>2: %s\n",
              read_csr(pmpaddr0) - (PAGE_A >> 2), read_csr(pmpaddr2) == (PAGE_B + 4096) >> 2 ? "yes" : "no");

    rt_puts("== M-mode (entries not locked)\n");
    accesses("M");
    rt_puts("== S-mode\n");
    rt_run_lower(1, lower, 1);
    rt_puts("== U-mode\n");
    rt_run_lower(0, lower, 0);

    rt_puts("== M-mode with MPRV=1, MPP=S\n");
    clear();
    uint64_t ms = read_csr(mstatus);
    uint64_t mprv = (ms & ~MSTATUS_MPP) | (1UL << 11) | MSTATUS_MPRV;
    __asm__ volatile("csrw mstatus, %0\n\tsd zero, 32(%1)\n\tcsrw mstatus, %2"
                     :: "r"(mprv), "r"(PAGE_A), "r"(ms) : "memory");
    result("M store A through MPRV");
    clear();
    __asm__ volatile("csrw mstatus, %0\n\tsd zero, 40(%1)\n\tcsrw mstatus, %2"
                     :: "r"(mprv & ~MSTATUS_MPRV), "r"(PAGE_A), "r"(ms) : "memory");
    result("M store A, MPRV=0");

    rt_puts("== entry 0 locked\n");
    set_csr(pmpcfg0, PMP_L);
    clear();
    store(PAGE_A + 48, 1);
    result("M store A (locked, R only)");
    clear();
    load(PAGE_A + 48);
    result("M load A (locked)");
    /* Writes to a locked entry's configuration and address are ignored. */
    clear_csr(pmpcfg0, 0xff);
    write_csr(pmpaddr0, 0);
    rt_printf("pmpcfg0 byte 0 after clearing = %02lx, pmpaddr0 kept: %s\n", read_csr(pmpcfg0) & 0xff,
              read_csr(pmpaddr0) == ((PAGE_A >> 2) | 0x1ff) ? "yes" : "no");
    rt_puts("pmp done\n");
    return 0;
}
