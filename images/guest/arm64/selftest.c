/* Bare-metal differential program for arm64-virt: integer arithmetic, flags via C, 128-bit
 * multiplies, division corner cases, bit operations, exclusives/LSE atomics, an SVC, a BRK,
 * an undefined instruction and the generic timer's frequency; prints results on the PL011.
 * Its output under qemu-system-aarch64 is recorded in expected.txt (see build.sh). */
#include <stdint.h>

#define UART ((volatile uint32_t *)0x09000000)

static void putc_(char c) { while (UART[0x18 / 4] & (1 << 5)) { } UART[0] = (uint32_t)c; }
static void puts_(const char *s) { while (*s) putc_(*s++); }
static void hex(uint64_t v) { puts_("0x"); for (int i = 60; i >= 0; i -= 4) putc_("0123456789abcdef"[(v >> i) & 15]); }
static void line(const char *name, uint64_t v) { puts_(name); puts_(" = "); hex(v); putc_('\n'); }

static volatile uint64_t sink;
static volatile int64_t vals[] = {0, 1, -1, 2, -2, 0x7fffffffffffffffLL, (-0x7fffffffffffffffLL - 1), 0x12345678, -0x12345678, 1000000007};
#define N (sizeof vals / sizeof vals[0])

void after_user(void);

uint64_t trap(uint64_t kind, uint64_t esr, uint64_t elr, uint64_t far) {
    puts_("trap ");
    hex(kind);
    putc_(' ');
    hex(esr);
    uint32_t ec = (uint32_t)(esr >> 26);
    if (ec == 0x24 || ec == 0x25 || ec == 0x20 || ec == 0x21) { putc_(' '); hex(far); }
    putc_('\n');
    if (kind == 8) {                    /* from EL0: return to EL1h at after_user */
        __asm__ volatile("msr spsr_el1, %0" :: "r"(0x3c5ULL));
        return (uint64_t)&after_user;
    }
    if (ec == 0x15) return elr;         /* SVC: ELR is already the next instruction */
    return elr + 4;                     /* BRK, undefined, aborts: skip the instruction */
}

/* ---- MMU: 39-bit VA, 4 KiB granule; 1 GiB device block, RAM as 2 MiB blocks, test pages in L3 ---- */
static uint64_t l1[512] __attribute__((aligned(4096)));
static uint64_t l2[512] __attribute__((aligned(4096)));
static uint64_t l3[512] __attribute__((aligned(4096)));
static uint64_t rodata_page[512] __attribute__((aligned(4096)));
static uint64_t user_stack[512] __attribute__((aligned(4096)));
extern char user_code[];
#define AF (1ULL << 10)
#define TEST_VA 0x7fe00000ULL

static void mmu_on(void) {
    l1[0] = 0x0ULL | 1 | AF | (0 << 2) | (1ULL << 54) | (1ULL << 53);        /* device, XN */
    l1[1] = (uint64_t)l2 | 3;
    for (int i = 0; i < 511; i++) l2[i] = (0x40000000ULL + ((uint64_t)i << 21)) | 1 | AF | (1 << 2) | (3 << 8);
    l2[511] = (uint64_t)l3 | 3;
    rodata_page[0] = 0x5eed;
    l3[0] = (uint64_t)rodata_page | 3 | AF | (1 << 2) | (3 << 8) | (2 << 6);  /* EL1 read-only */
    l3[1] = (uint64_t)rodata_page | 3 | (1 << 2) | (3 << 8);                  /* access flag clear */
    /* l3[2] invalid */
    l3[3] = ((uint64_t)user_code & ~0xfffULL) | 3 | AF | (1 << 2) | (3 << 8) | (3 << 6);          /* EL0 RO, exec */
    l3[4] = (uint64_t)user_stack | 3 | AF | (1 << 2) | (3 << 8) | (1 << 6) | (1ULL << 54);      /* EL0 RW, XN */
    __asm__ volatile(
        "msr mair_el1, %0\n msr tcr_el1, %1\n msr ttbr0_el1, %2\n isb\n"
        "mrs x9, sctlr_el1\n orr x9, x9, #1\n orr x9, x9, #(1 << 2)\n orr x9, x9, #(1 << 12)\n msr sctlr_el1, x9\n isb"
        :: "r"(0xff00ULL), "r"(25ULL | (1ULL << 8) | (1ULL << 10) | (3ULL << 12) | (1ULL << 23)), "r"((uint64_t)l1)
        : "x9", "memory");
}

static uint64_t mix(uint64_t h, uint64_t v) { h ^= v; h *= 0x100000001b3ULL; return h ^ (h >> 29); }

int main(void) {
    puts_("arm64 selftest\n");
    uint64_t h = 0xcbf29ce484222325ULL;
    for (unsigned i = 0; i < N; i++) {
        for (unsigned j = 0; j < N; j++) {
            int64_t a = vals[i], b = vals[j];
            uint64_t ua = (uint64_t)a, ub = (uint64_t)b;
            h = mix(h, ua + ub);
            h = mix(h, ua - ub);
            h = mix(h, ua * ub);
            h = mix(h, (uint64_t)(((unsigned __int128)ua * ub) >> 64));
            h = mix(h, (uint64_t)(((__int128)a * b) >> 64));
            h = mix(h, b ? ua / ub : 0);
            h = mix(h, (b && !(a == (-0x7fffffffffffffffLL - 1) && b == -1)) ? (uint64_t)(a / b) : 1);
            h = mix(h, (uint32_t)ua / ((uint32_t)ub | 1));
            h = mix(h, (uint64_t)((int32_t)ua % ((int32_t)ub | 1)));
            h = mix(h, (a < b) | (ua < ub) << 1 | (a == b) << 2 | ((int32_t)a <= (int32_t)b) << 3);
            h = mix(h, ua << (ub & 63));
            h = mix(h, ua >> (ub & 63));
            h = mix(h, (uint64_t)(a >> (ub & 63)));
            h = mix(h, (ua >> (ub & 63)) | (ua << ((64 - (ub & 63)) & 63)));
        }
        uint64_t v = (uint64_t)vals[i];
        h = mix(h, (uint64_t)__builtin_clzll(v | 1) | (uint64_t)__builtin_ctzll(v | (1ULL << 63)) << 8);
        h = mix(h, __builtin_bswap64(v) ^ __builtin_bswap32((uint32_t)v) ^ __builtin_bswap16((uint16_t)v));
        h = mix(h, (uint64_t)__builtin_clrsbll((long long)v));
        h = mix(h, (uint64_t)(int8_t)v + (uint64_t)(int16_t)(v >> 3) + (uint64_t)(uint16_t)(v >> 17));
    }
    line("arith hash", h);

    uint64_t counter = 5;
    uint64_t old = __atomic_fetch_add(&counter, 7, __ATOMIC_SEQ_CST);
    uint64_t expected = 12;
    int swapped = __atomic_compare_exchange_n(&counter, &expected, 100, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
    uint64_t prev = __atomic_exchange_n(&counter, 1, __ATOMIC_RELAXED);
    __atomic_fetch_or(&counter, 0x30, __ATOMIC_RELEASE);
    line("atomics", old | (uint64_t)swapped << 8 | prev << 16 | counter << 32);

    __asm__ volatile("svc #0x42");
    __asm__ volatile("brk #0x7");
    __asm__ volatile(".inst 0x00000000");
    uint64_t frq;
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(frq));
    line("cntfrq", frq);
    uint64_t el;
    __asm__ volatile("mrs %0, currentel" : "=r"(el));
    line("currentel", el);
    mmu_on();
    line("mmu ro read", *(volatile uint64_t *)TEST_VA);
    *(volatile uint64_t *)TEST_VA = 1;                                /* permission fault, level 3 */
    sink = *(volatile uint64_t *)(TEST_VA + 0x1000);                  /* access flag fault */
    sink = *(volatile uint32_t *)(TEST_VA + 0x2008);                  /* translation fault, level 3 */
    sink = *(volatile uint8_t *)0x0000004000000010ULL;                /* translation fault, level 1 */
    __asm__ volatile("ldar %0, [%1]" : "=r"(sink) : "r"(TEST_VA + 0x2000) : "memory");
    uint64_t user_pc = TEST_VA + 0x3000 + ((uint64_t)user_code & 0xfff);
    __asm__ volatile("msr sp_el0, %0\n msr elr_el1, %1\n msr spsr_el1, %2\n eret"
                     :: "r"(TEST_VA + 0x5000), "r"(user_pc), "r"(0ULL) : "memory");
    __builtin_unreachable();
}

void after_user(void) {
    uint64_t el;
    __asm__ volatile("mrs %0, currentel" : "=r"(el));
    line("back at", el);
    puts_("done\n");
    __asm__ volatile("ldr w0, =0x84000008\n hvc #0");
    for (;;) { }
}

/* EL0 code: its page is mapped EL0-executable at TEST_VA + 0x3000. It stores to its stack,
 * reads a privileged page (permission fault from EL0), then makes a system call. */
__asm__(".balign 4096\n.global user_code\nuser_code:\n"
        "  mov x0, #0x77\n  str x0, [sp, #-16]!\n  ldr x1, [sp]\n"
        "  movz x2, #0x7fe0, lsl #16\n  ldr x3, [x2]\n"
        "  svc #0x99\n  b .\n");
