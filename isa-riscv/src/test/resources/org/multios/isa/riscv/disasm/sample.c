/*
 * Disassembler sample: a freestanding RV64 program that makes gcc emit a wide mix of
 * instructions (integer, M, A, F, D, C, Zba/Zbb/Zbs, CSR, fences, privileged), so the
 * disassembler can be compared with objdump on real compiler output. It is never run;
 * only its code matters. Rebuild with build-sample.sh.
 */
#include <stdint.h>

volatile int64_t sink_i;
volatile double sink_d;
volatile float sink_f;
int64_t table[64];
static int shared_counter;

__attribute__((noinline)) int64_t integer_mix(int64_t a, int64_t b, uint64_t c) {
    int64_t r = a * b + (a / (b | 1)) - (int64_t)(c % 7u);
    r ^= (int64_t)((uint64_t)a >> 13) | (a << 7);
    r += (int32_t)a * (int32_t)b;
    r += (int64_t)((uint32_t)c / 3u) + (int32_t)a % 5;
    r += (a < b) + (c < (uint64_t)b) + (a == 0) + (b != 0);
    r -= (int64_t)(int8_t)c + (int64_t)(int16_t)a + (int64_t)(uint16_t)b + (int64_t)(uint32_t)r;
    if (a > 100) r = -r;
    return r + ((__int128)a * b >> 64) + (int64_t)(((unsigned __int128)(uint64_t)a * c) >> 64);
}

__attribute__((noinline)) uint64_t bit_mix(uint64_t x, uint64_t y, unsigned n) {
    uint64_t r = (uint64_t)__builtin_clzll(x | 1) + (uint64_t)__builtin_ctzll(y | 2) + (uint64_t)__builtin_popcountll(x ^ y);
    r += (uint64_t)__builtin_clz((uint32_t)x | 1) + (uint64_t)__builtin_ctz((uint32_t)y | 4) + (uint64_t)__builtin_popcount((uint32_t)x);
    r += (x << (n & 63)) | (x >> ((64 - n) & 63));          /* rol */
    r += (y >> (n & 63)) | (y << ((64 - n) & 63));          /* ror */
    r += ((uint32_t)x << 5 | (uint32_t)x >> 27);            /* roriw */
    r += x & ~y;                                            /* andn */
    r += x | ~y;                                            /* orn */
    r += ~(x ^ y);                                          /* xnor */
    r += (int64_t)x > (int64_t)y ? x : y;                   /* max */
    r += x < y ? x : y;                                     /* minu */
    r += __builtin_bswap64(x);                              /* rev8 */
    r += (uint64_t)(int8_t)y + (uint64_t)(int16_t)x + (uint16_t)y; /* sext.b/h, zext.h */
    r += y + ((uint64_t)(uint32_t)x << 3);                  /* sh3add.uw */
    r += table[n & 63] + table[(n >> 1) & 63] * 2;          /* sh3add */
    r |= 1ull << (n & 63);                                  /* bset */
    r &= ~(1ull << ((n >> 2) & 63));                        /* bclr */
    r ^= 1ull << ((n >> 3) & 63);                           /* binv */
    r += (x >> (n & 63)) & 1;                               /* bext */
    r |= 1ull << 40;                                        /* bseti */
    r += (uint64_t)(uint32_t)y;                             /* zext.w (add.uw) */
    return r;
}

__attribute__((noinline)) double float_mix(double a, float b, int64_t i, uint32_t u) {
    double r = a * 2.5 + (double)b / 3.0 - __builtin_sqrt(a < 0 ? -a : a);
    float f = b * b + (float)i - (float)u;
    f = __builtin_fmaf(f, b, 1.0f) - __builtin_fmaf(-f, b, 2.0f);
    r = __builtin_fma(r, a, -2.0) + f;
    r += (double)(int64_t)a + (double)(uint64_t)(a * a) + (double)(int32_t)b + (double)(uint32_t)f;
    double lo, hi;
    long cls;
    __asm__("fmin.d %0, %1, %2" : "=f"(lo) : "f"(r), "f"(a));
    __asm__("fmax.d %0, %1, %2" : "=f"(hi) : "f"(r), "f"(a));
    __asm__("fclass.d %0, %1" : "=r"(cls) : "f"(lo));
    __asm__("fcvt.w.d %0, %1, rtz" : "=r"(cls) : "f"(hi));
    __asm__("fcvt.wu.s %0, %1, rup" : "=r"(cls) : "f"(b));
    __asm__("fcvt.s.l %0, %1, rdn" : "=f"(f) : "r"(cls));
    __asm__("fnmsub.s %0, %1, %1, %1, rmm" : "=f"(f) : "f"(f));
    __asm__("fmv.x.w %0, %1" : "=r"(cls) : "f"(f));
    r = r < a ? lo + (double)cls : hi;
    r += __builtin_copysign(r, a) + __builtin_fabs(a);
    sink_f = f < b ? -f : f;
    sink_i = (int64_t)r + (int64_t)(float)r + (a == r) + (a <= b) + __builtin_isnan(r);
    sink_i += (int64_t)__builtin_lround(a) + (int64_t)__builtin_llrint(b);
    return r / a;
}

__attribute__((noinline)) int atomic_mix(int64_t *p, int *q, int v) {
    int64_t old = __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST);
    old += __atomic_fetch_and(p, 0xff, __ATOMIC_ACQUIRE);
    old += __atomic_fetch_or(p, 0x100, __ATOMIC_RELEASE);
    old += __atomic_fetch_xor(p, 3, __ATOMIC_RELAXED);
    old += __atomic_exchange_n(q, v, __ATOMIC_ACQ_REL);
    int expected = v;
    __atomic_compare_exchange_n(q, &expected, v + 1, 0, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED);
    int64_t e64 = old;
    __atomic_compare_exchange_n(p, &e64, old + 1, 1, __ATOMIC_ACQUIRE, __ATOMIC_ACQUIRE);
    old += __atomic_fetch_add(&shared_counter, 1, __ATOMIC_SEQ_CST);
    old += __atomic_load_n(p, __ATOMIC_SEQ_CST) + __atomic_load_n(q, __ATOMIC_ACQUIRE);
    __atomic_store_n(q, (int)old, __ATOMIC_RELEASE);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    __atomic_thread_fence(__ATOMIC_RELEASE);
    return (int)old + expected;
}

__attribute__((noinline)) uint64_t system_mix(uint64_t v) {
    uint64_t a, b, c, d;
    __asm__ volatile("rdcycle %0\n\trdtime %1\n\trdinstret %2" : "=r"(a), "=r"(b), "=r"(c));
    __asm__ volatile("frflags %0\n\tfsflags %1\n\tfrrm %2\n\tfsrm %2" : "=r"(d) : "r"(v), "r"(a));
    __asm__ volatile("csrr %0, mstatus\n\tcsrw mscratch, %1\n\tcsrs mie, %1\n\tcsrc mip, %1" : "=r"(a) : "r"(v));
    __asm__ volatile("csrwi sscratch, 5\n\tcsrsi sstatus, 2\n\tcsrci sstatus, 2\n\tcsrrw %0, satp, %1" : "=r"(b) : "r"(v));
    __asm__ volatile("csrr %0, 0x7c0\n\tcsrrs %0, pmpaddr3, %1\n\tcsrrc %0, mcause, %1" : "=r"(c) : "r"(v));
    __asm__ volatile("fence\n\tfence.i\n\tfence rw, w\n\tfence.tso\n\tfence iorw, ow");
    __asm__ volatile("sfence.vma\n\tsfence.vma %0\n\tsfence.vma %0, %1" : : "r"(a), "r"(b));
    __asm__ volatile("wfi\n\tecall\n\tebreak\n\tc.ebreak\n\tunimp\n\tnop");
    __asm__ volatile(".insn i 0x0b, 0, x0, x0, 42");       /* MultiOS native call 42 */
    return a + b + c + d;
}

__attribute__((noinline)) void privileged_returns(int which) {
    if (which == 1) __asm__ volatile("mret");
    if (which == 2) __asm__ volatile("sret");
}

__attribute__((noinline)) int64_t branches(int64_t a, int64_t b, uint64_t c) {
    int64_t s = 0;
    for (int64_t i = 0; i < a; i++) {
        if (i > b) s += i;
        else if ((uint64_t)i >= c) s -= i;
        if (i == 0 || i < 0) s ^= 1;
        if (i <= 0) s += 2;
        if (b > 0 && i != b) s <<= 1;
        if ((uint64_t)i < (uint64_t)b) s++;
        if ((uint64_t)i > c) break;
    }
    return s;
}

typedef int64_t (*fn3)(int64_t, int64_t, uint64_t);

int64_t call_indirect(fn3 f, int64_t x) {
    return f(x, x + 1, (uint64_t)x * 3u) + 7;
}

void _start(void) {
    table[3] = integer_mix(5, 7, 9);
    sink_i = (int64_t)bit_mix(0x1234, 0x5678, 9);
    sink_d = float_mix(1.5, 2.5f, -3, 4);
    sink_i += atomic_mix(&table[1], (int *)&table[2], 3);
    sink_i += (int64_t)system_mix(1);
    privileged_returns(0);
    sink_i += call_indirect(branches, 10) + call_indirect(integer_mix, 4);
    for (;;) __asm__ volatile("wfi");
}
