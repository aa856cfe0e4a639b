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

uint64_t trap(uint64_t kind, uint64_t esr, uint64_t elr, uint64_t far) {
    puts_("trap ");
    hex(kind);
    putc_(' ');
    hex(esr);
    putc_('\n');
    (void)far;
    uint32_t ec = (uint32_t)(esr >> 26);
    if (ec == 0x15) return elr;         /* SVC: ELR is already the next instruction */
    return elr + 4;                     /* BRK, undefined: skip the instruction */
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
    puts_("done\n");
    return 0;
}
