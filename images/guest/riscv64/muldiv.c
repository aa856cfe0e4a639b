/*
 * muldiv: the M extension over edge cases: high-half products with every signedness,
 * division by zero (quotient all ones, remainder = dividend), the one signed overflow
 * (most negative / -1), and the 32-bit W forms with their sign extension.
 */
#include "rt.h"

#define OP(NAME, INSN) static uint64_t NAME(uint64_t a, uint64_t b) { \
        uint64_t r; __asm__ volatile(INSN " %0, %1, %2" : "=r"(r) : "r"(a), "r"(b)); return r; }

OP(mul_, "mul") OP(mulh_, "mulh") OP(mulhsu_, "mulhsu") OP(mulhu_, "mulhu")
OP(div_, "div") OP(divu_, "divu") OP(rem_, "rem") OP(remu_, "remu")
OP(mulw_, "mulw") OP(divw_, "divw") OP(divuw_, "divuw") OP(remw_, "remw") OP(remuw_, "remuw")

struct op { const char *name; uint64_t (*fn)(uint64_t, uint64_t); };
static const struct op ops[] = {
    { "mul", mul_ }, { "mulh", mulh_ }, { "mulhsu", mulhsu_ }, { "mulhu", mulhu_ },
    { "div", div_ }, { "divu", divu_ }, { "rem", rem_ }, { "remu", remu_ },
    { "mulw", mulw_ }, { "divw", divw_ }, { "divuw", divuw_ }, { "remw", remw_ }, { "remuw", remuw_ },
};

static const uint64_t values[] = {
    0, 1, 2, 3, 7, 0xffffffffffffffffUL /* -1 */, 0xfffffffffffffff9UL /* -7 */,
    0x8000000000000000UL, 0x7fffffffffffffffUL, 0x0000000080000000UL, 0x00000000ffffffffUL,
    0xffffffff80000000UL, 0x00000000fffffff9UL, 0x123456789abcdef0UL, 0xfedcba9876543210UL,
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

int main(unsigned long hartid, const void *fdt) {
    (void)hartid; (void)fdt;
    rt_puts("muldiv: M extension\n");
    for (unsigned o = 0; o < N(ops); o++) {
        rt_printf("== %s\n", ops[o].name);
        for (unsigned i = 0; i < N(values); i++) {
            rt_printf("%016lx:", values[i]);
            for (unsigned j = 0; j < N(values); j++) rt_printf(" %lx", ops[o].fn(values[i], values[j]));
            rt_putc('\n');
        }
    }
    rt_puts("muldiv done\n");
    return 0;
}
