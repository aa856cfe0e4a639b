/* Random-instruction differential program: every word of fprandom_words.h (random encodings
 * inside each FP/Advanced SIMD data-processing pattern of a64.decode) runs once, patched into
 * fp_slot (fprandom_run.S), on registers filled from a seeded generator with a mix of random
 * bits and FP edge values, under a random FPCR (rounding mode, FZ, DN). The program prints a
 * hash of X0-X30, V0-V31, FPSR and NZCV after each word, or the ESR when the word is
 * UNDEFINED. Output recorded under qemu-system-aarch64 -cpu cortex-a57 by build.sh. */
#include <stdint.h>
#include "fprandom_words.h"

#define UART ((volatile uint32_t *)0x09000000)
#define GPR __attribute__((target("general-regs-only"), noinline))

GPR static void putc_(char c) { while (UART[0x18 / 4] & (1 << 5)) { } UART[0] = (uint32_t)c; }
GPR static void puts_(const char *s) { while (*s) putc_(*s++); }
GPR static void hexn(uint64_t v, int digits) { for (int i = 4 * (digits - 1); i >= 0; i -= 4) putc_("0123456789abcdef"[(v >> i) & 15]); }

void after_user(void) { }

static volatile uint64_t trapped;

GPR uint64_t trap(uint64_t kind, uint64_t esr, uint64_t elr, uint64_t far) {
    (void)kind; (void)far;
    trapped = esr;
    return elr + 4;
}

struct state { uint64_t x[31], pad; uint64_t v[64]; uint64_t fpcr_fpsr, nzcv; };
static struct state in, out;
extern uint32_t fp_slot[];
void fp_run(struct state *in, struct state *out);

static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static uint64_t next(void) { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return rng; }

static const uint64_t palette[] = {
    0, 0x8000000000000000ULL, 0x3ff0000000000000ULL, 0x7ff0000000000000ULL, 0xfff0000000000000ULL,
    0x7ff8000000000000ULL, 0x7ff0000000000001ULL, 0x0000000000000001ULL, 0x000fffffffffffffULL,
    0x0010000000000000ULL, 0x7fefffffffffffffULL, 0x43e0000000000000ULL, 0x41dfffffffc00000ULL,
    0x3f8000003f800000ULL, 0x7f8000007fc00000ULL, 0x0000000180000000ULL, 0x7f7fffff00800000ULL,
    0x7fa00000ff800000ULL, 0x4f0000004f800000ULL, 0x3c003c007c00fc00ULL, 0xffffffffffffffffULL,
    0x7fffffffffffffffULL, 0x0000000100000001ULL, 0x8080808080808080ULL, 0x7f7f7f7f7f7f7f7fULL,
};
#define NPAL (sizeof palette / sizeof palette[0])

static uint64_t value(void) {
    uint64_t r = next();
    switch (r & 3) {
    case 0: return palette[(r >> 8) % NPAL];
    case 1: return palette[(r >> 8) % NPAL] ^ (next() & 0x000f000f000f000fULL);
    default: return next();
    }
}

int main(void) {
    __asm__ volatile("msr cpacr_el1, %0\n isb" :: "r"(3ULL << 20));
    uint64_t total = 0;
    unsigned n = sizeof words / sizeof words[0];
    for (unsigned k = 0; k < n; k++) {
        for (int r = 0; r < 31; r++) in.x[r] = value();
        for (int r = 0; r < 64; r++) in.v[r] = value();
        uint64_t f = next();
        in.fpcr_fpsr = ((f & 3) << 22) | ((f & 0x30) == 0x30 ? 1ULL << 24 : 0) | ((f & 0xc0) == 0xc0 ? 1ULL << 25 : 0);
        in.nzcv = (f >> 8 & 15) << 28;
        fp_slot[0] = words[k];
        __asm__ volatile("dc cvau, %0\n dsb ish\n ic ivau, %0\n dsb ish\n isb" :: "r"(fp_slot) : "memory");
        trapped = 0;
        fp_run(&in, &out);
        hexn(k, 4); putc_(' '); hexn(words[k], 8); putc_(' ');
        if (trapped) {
            puts_("esr "); hexn(trapped, 8);
        } else {
            uint64_t h = 0xcbf29ce484222325ULL;
            const uint64_t *p = (const uint64_t *)&out;
            for (unsigned w = 0; w < sizeof out / 8; w++) { h ^= p[w]; h *= 0x100000001b3ULL; }
            hexn(h, 16);
            total ^= h;
        }
        putc_('\n');
    }
    puts_("total "); hexn(total, 16); putc_('\n');
    return 0;
}
