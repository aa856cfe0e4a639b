/*
 * vm: Sv39 (and Sv48) translation seen from S-mode and U-mode. M-mode builds the page
 * tables, delegates page faults to S and enters S with satp set. S then touches mapped
 * pages, reads their PTEs back to see the A and D bits the hardware set, takes load,
 * store and instruction page faults (unmapped, read-only, reserved encodings, a
 * misaligned superpage, a non-canonical address), checks SUM and MXR, runs code in
 * U-mode through a user alias of RAM, and repeats a few accesses under Sv48.
 *
 * Virtual layout (Sv39 root table):
 *   0x0_0000_0000  1 GiB leaf -> MMIO (UART, CLINT, finisher), S only
 *   0x0_8000_0000  1 GiB leaf -> RAM identity, S only, RWX
 *   0x1_0000_0000  L1 -> L0 table of test pages (below)
 *   0x2_0000_0000  1 GiB leaf -> RAM again, U=1 RWX: where U-mode code runs
 */
#include "rt.h"

#define PTE_V (1UL << 0)
#define PTE_R (1UL << 1)
#define PTE_W (1UL << 2)
#define PTE_X (1UL << 3)
#define PTE_U (1UL << 4)
#define PTE_G (1UL << 5)
#define PTE_A (1UL << 6)
#define PTE_D (1UL << 7)

#define PAGE 4096UL
#define TEST_VA 0x100000000UL
#define USER_ALIAS (0x200000000UL - 0x80000000UL)
#define SATP_SV39 (8UL << 60)
#define SATP_SV48 (9UL << 60)

/* Test pages: index in the L0 table, at TEST_VA + index * PAGE. */
enum { PG_RW, PG_RO, PG_UNMAPPED, PG_USER, PG_XONLY, PG_WONLY, PG_NONLEAF0, PG_RW_ACCESSED, PG_COUNT };

static uint64_t *root, *l1, *l0, *root48;
static uint8_t *data[PG_COUNT];

static uint64_t pte(uint64_t pa, uint64_t flags) { return ((pa >> 12) << 10) | flags; }
static uint64_t va(int page) { return TEST_VA + (uint64_t)page * PAGE; }

static void *alloc_page(void) {
    static uintptr_t next;
    if (!next) next = (uintptr_t)__heap_start;
    void *p = (void *)next;
    next += PAGE;
    rt_memset(p, 0, PAGE);
    return p;
}

static void build_tables(void) {
    root = alloc_page();
    l1 = alloc_page();
    l0 = alloc_page();
    root48 = alloc_page();
    for (int i = 0; i < PG_COUNT; i++) data[i] = alloc_page();

    root[0] = pte(0x0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);
    root[2] = pte(0x80000000UL, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D);
    root[4] = pte((uintptr_t)l1, PTE_V);
    root[8] = pte(0x80000000UL, PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D);
    l1[0] = pte((uintptr_t)l0, PTE_V);
    /* A 2 MiB leaf whose physical page number is not 2 MiB aligned: misaligned superpage. */
    l1[1] = pte(0x80001000UL, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);

    l0[PG_RW] = pte((uintptr_t)data[PG_RW], PTE_V | PTE_R | PTE_W);
    l0[PG_RO] = pte((uintptr_t)data[PG_RO], PTE_V | PTE_R);
    l0[PG_UNMAPPED] = 0;
    l0[PG_USER] = pte((uintptr_t)data[PG_USER], PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D);
    l0[PG_XONLY] = pte((uintptr_t)data[PG_XONLY], PTE_V | PTE_X | PTE_A);
    l0[PG_WONLY] = pte((uintptr_t)data[PG_WONLY], PTE_V | PTE_W | PTE_A | PTE_D);   /* reserved */
    l0[PG_NONLEAF0] = pte((uintptr_t)data[PG_NONLEAF0], PTE_V);                     /* pointer at level 0 */
    l0[PG_RW_ACCESSED] = pte((uintptr_t)data[PG_RW_ACCESSED], PTE_V | PTE_R | PTE_W | PTE_A);

    /* Sv48: one more level on top; entry 0 covers the first 512 GiB, i.e. the Sv39 space. */
    root48[0] = pte((uintptr_t)root, PTE_V);

    for (int i = 0; i < PG_COUNT; i++) {
        uint64_t *w = (uint64_t *)data[i];
        w[0] = 0x1111111111111111UL * (uint64_t)(i + 1);
    }
    /* "li a0, 42; ret" on the execute-only and the user page. */
    static const uint32_t code[] = { 0x02a00513u, 0x00008067u };
    rt_memcpy(data[PG_XONLY] + 64, code, sizeof code);
    rt_memcpy(data[PG_USER] + 64, code, sizeof code);
    __asm__ volatile("fence.i" ::: "memory");
}

static const char *flag_string(uint64_t p) {
    static char s[9];
    const char *names = "VRWXUGAD";
    for (int i = 0; i < 8; i++) s[i] = (p >> i) & 1 ? names[i] : '-';
    s[8] = 0;
    return s;
}

/* ---- S-mode trap handling: record the fault and resume after the instruction ---- */

struct fault { uint64_t count, cause, tval; };
static volatile struct fault sf;
static rt_jmp_buf s_jb;

void s_trap_handler(struct rt_trap_frame *f) {
    if (f->cause == 8 && f->x[17] == RT_ECALL_RETURN)
        rt_longjmp(s_jb, 1);   /* the U-mode part finished */
    if (f->cause >> 63) rt_unexpected_trap("S", f);
    sf.count++;
    sf.cause = f->cause;
    sf.tval = f->tval;
    if (f->cause == 12) {
        f->epc = f->x[1];
    } else {
        /* The faulting instruction may sit on a U page (the user alias): SUM lets S read it. */
        uint64_t sum = read_csr(sstatus) & MSTATUS_SUM;
        set_csr(sstatus, MSTATUS_SUM);
        f->epc += rt_insn_len(f->epc);
        if (!sum) clear_csr(sstatus, MSTATUS_SUM);
    }
}

void m_trap_handler(struct rt_trap_frame *f) {
    rt_m_handle_return(f);
    rt_unexpected_trap("M", f);
}

static void clear_fault(void) { sf.count = sf.cause = sf.tval = 0; }

static uint64_t load64(uint64_t addr) {
    uint64_t v;
    __asm__ volatile("ld %0, 0(%1)" : "=r"(v) : "r"(addr) : "memory");
    return v;
}

static void store64(uint64_t addr, uint64_t v) {
    __asm__ volatile("sd %0, 0(%1)" :: "r"(v), "r"(addr) : "memory");
}

static uint64_t call_at(uint64_t addr) {
    register uint64_t a0 __asm__("a0") = 0;
    __asm__ volatile("jalr %1" : "+r"(a0) : "r"(addr) : "ra", "memory");
    return a0;
}

static void report_fault(void) {
    int in_test = sf.tval >= TEST_VA && sf.tval < TEST_VA + 0x40000000UL;
    if (sf.count)
        rt_printf(" -> fault scause=%lu stval=%s%lx\n", sf.cause,
                  in_test ? "TEST_VA+" : "", in_test ? sf.tval - TEST_VA : sf.tval);
    else
        rt_puts(" -> no fault\n");
}

static void try_load(const char *what, uint64_t addr) {
    clear_fault();
    uint64_t v = load64(addr);
    rt_printf("%-34s", what);
    if (!sf.count) rt_printf(" value=%016lx", v);
    report_fault();
}

static void try_store(const char *what, uint64_t addr, uint64_t v) {
    clear_fault();
    store64(addr, v);
    rt_printf("%-34s", what);
    report_fault();
}

static void try_exec(const char *what, uint64_t addr) {
    clear_fault();
    uint64_t r = call_at(addr);
    rt_printf("%-34s", what);
    if (!sf.count) rt_printf(" returned %lu", r);
    report_fault();
}

static void show_pte(const char *what, int page) {
    rt_printf("  pte %-10s %s\n", what, flag_string(l0[page]));
}

/* ---- U-mode part: runs at the user alias of RAM ---- */

struct user_result { uint64_t user_page, s_page_faulted; };
static volatile struct user_result ures;

static void user_main(long arg) {
    (void)arg;
    /* Plain C: globals and the stack are reached through the U=1 alias. */
    ures.user_page = *(volatile uint64_t *)va(PG_USER);
    volatile uint64_t *s_only = (volatile uint64_t *)va(PG_RW);
    ures.s_page_faulted = *s_only;   /* faults; the S handler skips the load */
}

static void run_user(void) {
    rt_puts("== U-mode\n");
    clear_fault();
    ures.user_page = ures.s_page_faulted = 0;
    if (rt_setjmp(s_jb) == 0) {
        uint64_t entry = (uint64_t)(uintptr_t)user_main + USER_ALIAS;
        uint64_t ret = (uint64_t)(uintptr_t)rt_lower_return + USER_ALIAS;
        uint64_t sp = (uint64_t)(uintptr_t)rt_stack_u_top + USER_ALIAS;
        clear_csr(sstatus, MSTATUS_SPP);
        write_csr(sepc, entry);
        __asm__ volatile("mv sp, %0\n\tmv ra, %1\n\tsret" :: "r"(sp), "r"(ret) : "memory");
    }
    rt_printf("U read of U page: %016lx\n", ures.user_page);
    rt_printf("U read of S page: fault scause=%lu stval=TEST_VA+%lx\n", sf.cause, sf.tval - TEST_VA);
}

/* ---- S-mode tests ---- */

static void s_tests(long arg) {
    (void)arg;
    rt_puts("in S-mode with Sv39\n");
    rt_puts("== access and dirty bits\n");
    show_pte("rw initial", PG_RW);
    try_load("load rw page", va(PG_RW));
    show_pte("rw", PG_RW);
    try_store("store rw page", va(PG_RW) + 8, 0xabcdef);
    show_pte("rw", PG_RW);
    try_store("store rw page with A set", va(PG_RW_ACCESSED), 5);
    show_pte("rw+A", PG_RW_ACCESSED);

    rt_puts("== faults\n");
    try_load("load read-only page", va(PG_RO));
    try_store("store read-only page", va(PG_RO), 1);
    show_pte("ro", PG_RO);
    try_load("load unmapped", va(PG_UNMAPPED) + 0x10);
    try_store("store unmapped", va(PG_UNMAPPED) + 0x18, 1);
    try_exec("exec unmapped", va(PG_UNMAPPED) + 0x40);
    try_exec("exec read-write (no X) page", va(PG_RW) + 64);
    try_load("load W-only (reserved) page", va(PG_WONLY));
    try_load("load level-0 pointer PTE", va(PG_NONLEAF0));
    try_load("load misaligned superpage", TEST_VA + 0x200000);
    try_load("load non-canonical address", 0x0000008000000000UL);
    try_load("load beyond table (L1 entry 2)", TEST_VA + 0x400000);

    rt_puts("== SUM\n");
    clear_csr(sstatus, MSTATUS_SUM);
    try_load("S load of U page, SUM=0", va(PG_USER));
    /* Fetch first, and after an sfence: QEMU 7.2 lets a fetch hit a TLB entry that an
     * earlier SUM=1 load of the same page filled, which the spec does not allow. */
    set_csr(sstatus, MSTATUS_SUM);
    __asm__ volatile("sfence.vma" ::: "memory");
    try_exec("S exec of U page, SUM=1", va(PG_USER) + 64);
    try_load("S load of U page, SUM=1", va(PG_USER));
    clear_csr(sstatus, MSTATUS_SUM);

    rt_puts("== MXR\n");
    clear_csr(sstatus, MSTATUS_MXR);
    try_load("load X-only page, MXR=0", va(PG_XONLY));
    set_csr(sstatus, MSTATUS_MXR);
    try_load("load X-only page, MXR=1", va(PG_XONLY));
    clear_csr(sstatus, MSTATUS_MXR);
    try_exec("exec X-only page", va(PG_XONLY) + 64);

    rt_puts("== sfence.vma after a PTE change\n");
    l0[PG_RO] |= PTE_W;
    __asm__ volatile("sfence.vma" ::: "memory");
    try_store("store formerly read-only page", va(PG_RO), 0x77);
    show_pte("ro now rw", PG_RO);
    l0[PG_UNMAPPED] = pte((uintptr_t)data[PG_RW], PTE_V | PTE_R | PTE_A);
    __asm__ volatile("sfence.vma %0, zero" :: "r"(va(PG_UNMAPPED)) : "memory");
    try_load("load newly mapped page (alias of rw)", va(PG_UNMAPPED) + 8);

    run_user();

    rt_puts("== Sv48\n");
    uint64_t want = SATP_SV48 | ((uintptr_t)root48 >> 12);
    write_csr(satp, want);
    __asm__ volatile("sfence.vma" ::: "memory");
    if (read_csr(satp) == want) {
        rt_puts("satp accepted Sv48\n");
        try_load("Sv48 load rw page", va(PG_RW) + 8);
        try_load("Sv48 load unmapped (root48 entry 1)", 0x0000008000000000UL);
        try_load("Sv48 load non-canonical", 0x0000800000000000UL);
    } else {
        rt_puts("satp refused Sv48\n");
    }
    write_csr(satp, SATP_SV39 | ((uintptr_t)root >> 12));
    __asm__ volatile("sfence.vma" ::: "memory");
    rt_puts("back to Sv39\n");
}

static void mprv_test(void) {
    rt_puts("== M-mode load with MPRV=1, MPP=S\n");
    uint64_t v, ms = read_csr(mstatus);
    uint64_t mpp_s = (ms & ~MSTATUS_MPP) | (1UL << 11);
    __asm__ volatile("csrw mstatus, %1\n\tcsrs mstatus, %2\n\tld %0, 0(%3)\n\tcsrw mstatus, %4"
                     : "=&r"(v) : "r"(mpp_s), "r"(MSTATUS_MPRV), "r"(va(PG_RW_ACCESSED)), "r"(ms) : "memory");
    rt_printf("value through S translation: %016lx\n", v);
}

int main(unsigned long hartid, const void *fdt) {
    (void)hartid; (void)fdt;
    rt_puts("vm: Sv39/Sv48 paging\n");
    build_tables();
    rt_pmp_allow_all();
    write_csr(stvec, (uintptr_t)rt_s_trap_entry);
    write_csr(sscratch, (uintptr_t)rt_stack_strap_top);
    write_csr(medeleg, (1UL << 8) | (1UL << 12) | (1UL << 13) | (1UL << 15));
    write_csr(satp, SATP_SV39 | ((uintptr_t)root >> 12));
    __asm__ volatile("sfence.vma" ::: "memory");
    rt_printf("satp mode = %lu\n", read_csr(satp) >> 60);
    rt_run_lower(1, s_tests, 0);
    mprv_test();
    write_csr(satp, 0);
    write_csr(medeleg, 0);
    rt_puts("vm done\n");
    return 0;
}
