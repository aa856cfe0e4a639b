/*
 * atomics: the A extension on one hart. Every AMO in .w and .d form (with and without
 * aq/rl, which must not change the result on one hart) prints the old value it returned
 * and the memory word after it; LR/SC success, failure after a successful SC, and an
 * LR/SC retry loop.
 */
#include "rt.h"

static volatile uint64_t cell64 __attribute__((aligned(16)));
static volatile uint32_t cell32[4] __attribute__((aligned(16)));

#define AMO_W(NAME, INSN) static uint64_t NAME(volatile uint32_t *p, uint64_t v) { \
        uint64_t old; __asm__ volatile(INSN " %0, %2, (%1)" : "=r"(old) : "r"(p), "r"(v) : "memory"); return old; }
#define AMO_D(NAME, INSN) static uint64_t NAME(volatile uint64_t *p, uint64_t v) { \
        uint64_t old; __asm__ volatile(INSN " %0, %2, (%1)" : "=r"(old) : "r"(p), "r"(v) : "memory"); return old; }

#define AMO_FORMS(X, W) \
    X(W##_swap, "amoswap." #W) X(W##_add, "amoadd." #W) X(W##_xor, "amoxor." #W) \
    X(W##_and, "amoand." #W) X(W##_or, "amoor." #W) X(W##_min, "amomin." #W) \
    X(W##_max, "amomax." #W) X(W##_minu, "amominu." #W) X(W##_maxu, "amomaxu." #W) \
    X(W##_swap_aqrl, "amoswap." #W ".aqrl") X(W##_add_aq, "amoadd." #W ".aq") \
    X(W##_maxu_rl, "amomaxu." #W ".rl")

AMO_FORMS(AMO_W, w)
AMO_FORMS(AMO_D, d)

struct amo_w { const char *name; uint64_t (*fn)(volatile uint32_t *, uint64_t); };
struct amo_d { const char *name; uint64_t (*fn)(volatile uint64_t *, uint64_t); };

#define ENTRY(W, OP, TXT) { TXT, W##_##OP }
static const struct amo_w amo_w_ops[] = {
    ENTRY(w, swap, "amoswap.w"), ENTRY(w, add, "amoadd.w"), ENTRY(w, xor, "amoxor.w"),
    ENTRY(w, and, "amoand.w"), ENTRY(w, or, "amoor.w"), ENTRY(w, min, "amomin.w"),
    ENTRY(w, max, "amomax.w"), ENTRY(w, minu, "amominu.w"), ENTRY(w, maxu, "amomaxu.w"),
    ENTRY(w, swap_aqrl, "amoswap.w.aqrl"), ENTRY(w, add_aq, "amoadd.w.aq"), ENTRY(w, maxu_rl, "amomaxu.w.rl"),
};
static const struct amo_d amo_d_ops[] = {
    ENTRY(d, swap, "amoswap.d"), ENTRY(d, add, "amoadd.d"), ENTRY(d, xor, "amoxor.d"),
    ENTRY(d, and, "amoand.d"), ENTRY(d, or, "amoor.d"), ENTRY(d, min, "amomin.d"),
    ENTRY(d, max, "amomax.d"), ENTRY(d, minu, "amominu.d"), ENTRY(d, maxu, "amomaxu.d"),
    ENTRY(d, swap_aqrl, "amoswap.d.aqrl"), ENTRY(d, add_aq, "amoadd.d.aq"), ENTRY(d, maxu_rl, "amomaxu.d.rl"),
};

/* (memory, operand) pairs chosen to hit signed/unsigned order and sign extension. */
static const uint64_t w_cases[][2] = {
    { 5, 3 }, { 0xfffffffbUL, 3 }, { 3, 0xfffffffbUL }, { 0x7fffffffUL, 1 },
    { 0x80000000UL, 0x7fffffffUL }, { 0x12345678UL, 0xffffffff0f0f0f0fUL },
};
static const uint64_t d_cases[][2] = {
    { 5, 3 }, { 0xfffffffffffffffbUL, 3 }, { 3, 0xfffffffffffffffbUL },
    { 0x7fffffffffffffffUL, 1 }, { 0x8000000000000000UL, 0x7fffffffffffffffUL },
    { 0x0123456789abcdefUL, 0xf0f0f0f0f0f0f0f0UL },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void amos(void) {
    rt_puts("== AMO .w (rd = old value, sign-extended; mem = word after)\n");
    for (unsigned o = 0; o < N(amo_w_ops); o++)
        for (unsigned c = 0; c < N(w_cases); c++) {
            /* Neighbours stay untouched: a .w AMO writes 4 bytes only. */
            cell32[0] = 0xa5a5a5a5u; cell32[1] = (uint32_t)w_cases[c][0]; cell32[2] = 0x5a5a5a5au;
            uint64_t old = amo_w_ops[o].fn(&cell32[1], w_cases[c][1]);
            rt_printf("%-15s mem=%08lx op=%016lx -> rd=%016lx mem=%08x%s\n", amo_w_ops[o].name,
                      w_cases[c][0], w_cases[c][1], old, cell32[1],
                      cell32[0] == 0xa5a5a5a5u && cell32[2] == 0x5a5a5a5au ? "" : " NEIGHBOUR-CHANGED");
        }
    rt_puts("== AMO .d\n");
    for (unsigned o = 0; o < N(amo_d_ops); o++)
        for (unsigned c = 0; c < N(d_cases); c++) {
            cell64 = d_cases[c][0];
            uint64_t old = amo_d_ops[o].fn(&cell64, d_cases[c][1]);
            rt_printf("%-15s mem=%016lx op=%016lx -> rd=%016lx mem=%016lx\n", amo_d_ops[o].name,
                      d_cases[c][0], d_cases[c][1], old, cell64);
        }
    /* rd = x0 still performs the memory update. */
    cell64 = 40;
    __asm__ volatile("amoadd.d zero, %1, (%0)" :: "r"(&cell64), "r"(2UL) : "memory");
    rt_printf("amoadd.d rd=x0: mem=%lu\n", cell64);
}

static void lr_sc(void) {
    rt_puts("== LR/SC\n");
    uint64_t v, fail;
    cell64 = 0x1111222233334444UL;
    __asm__ volatile("lr.d %0, (%2)\n\tsc.d %1, %3, (%2)" : "=&r"(v), "=&r"(fail)
                     : "r"(&cell64), "r"(0x5555666677778888UL) : "memory");
    rt_printf("lr.d=%016lx sc.d ok=%s mem=%016lx\n", v, fail == 0 ? "yes" : "no", cell64);
    /* The successful SC used up the reservation: a second SC must fail and not write. */
    __asm__ volatile("sc.d %0, %2, (%1)" : "=&r"(fail) : "r"(&cell64), "r"(0x9999UL) : "memory");
    rt_printf("second sc.d fails=%s mem=%016lx\n", fail != 0 ? "yes" : "no", cell64);

    cell32[1] = 0x80000001u;
    __asm__ volatile("lr.w %0, (%2)\n\tsc.w %1, %3, (%2)" : "=&r"(v), "=&r"(fail)
                     : "r"(&cell32[1]), "r"(0x7ffffffeUL) : "memory");
    rt_printf("lr.w=%016lx sc.w ok=%s mem=%08x\n", v, fail == 0 ? "yes" : "no", cell32[1]);
    __asm__ volatile("sc.w %0, %2, (%1)" : "=&r"(fail) : "r"(&cell32[1]), "r"(0x1UL) : "memory");
    rt_printf("second sc.w fails=%s mem=%08x\n", fail != 0 ? "yes" : "no", cell32[1]);

    /* An LR/SC loop doing an atomic multiply-add, a thousand times. */
    cell64 = 1;
    for (int i = 0; i < 1000; i++) {
        uint64_t tmp, f;
        __asm__ volatile("1: lr.d.aq %0, (%2)\n\t"
                         "mul %0, %0, %3\n\t"
                         "addi %0, %0, 1\n\t"
                         "sc.d.rl %1, %0, (%2)\n\t"
                         "bnez %1, 1b"
                         : "=&r"(tmp), "=&r"(f) : "r"(&cell64), "r"(6364136223846793005UL) : "memory");
    }
    rt_printf("lr/sc loop result=%016lx\n", cell64);

}

int main(unsigned long hartid, const void *fdt) {
    (void)hartid; (void)fdt;
    rt_puts("atomics: A extension\n");
    amos();
    lr_sc();
    rt_puts("atomics done\n");
    return 0;
}
