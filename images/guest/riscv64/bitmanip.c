/*
 * bitmanip: every Zba, Zbb and Zbs instruction over a table of inputs chosen for
 * edge cases (zero, all ones, sign bits, single bits, 32-bit boundaries). One line per
 * instruction and input pair, results in hex. Built with -march=rv64gc_zba_zbb_zbs.
 */
#include "rt.h"

#define R2(NAME, INSN) static uint64_t NAME(uint64_t a, uint64_t b) { \
        uint64_t r; __asm__ volatile(INSN " %0, %1, %2" : "=r"(r) : "r"(a), "r"(b)); return r; }
#define R1(NAME, INSN) static uint64_t NAME(uint64_t a, uint64_t b) { (void)b; \
        uint64_t r; __asm__ volatile(INSN " %0, %1" : "=r"(r) : "r"(a)); return r; }
/* Immediate forms: one function per shift amount we try. */
#define RI(NAME, INSN, IMM) static uint64_t NAME##_##IMM(uint64_t a, uint64_t b) { (void)b; \
        uint64_t r; __asm__ volatile(INSN " %0, %1, " #IMM : "=r"(r) : "r"(a)); return r; }

/* Zba */
R2(add_uw, "add.uw") R2(sh1add, "sh1add") R2(sh2add, "sh2add") R2(sh3add, "sh3add")
R2(sh1add_uw, "sh1add.uw") R2(sh2add_uw, "sh2add.uw") R2(sh3add_uw, "sh3add.uw")
RI(slli_uw, "slli.uw", 0) RI(slli_uw, "slli.uw", 5) RI(slli_uw, "slli.uw", 31) RI(slli_uw, "slli.uw", 63)
/* Zbb */
R2(andn, "andn") R2(orn, "orn") R2(xnor, "xnor")
R1(clz, "clz") R1(clzw, "clzw") R1(ctz, "ctz") R1(ctzw, "ctzw") R1(cpop, "cpop") R1(cpopw, "cpopw")
R2(max, "max") R2(maxu, "maxu") R2(min, "min") R2(minu, "minu")
R1(sext_b, "sext.b") R1(sext_h, "sext.h") R1(zext_h, "zext.h")
R2(rol, "rol") R2(rolw, "rolw") R2(ror, "ror") R2(rorw, "rorw")
RI(rori, "rori", 0) RI(rori, "rori", 1) RI(rori, "rori", 32) RI(rori, "rori", 63)
RI(roriw, "roriw", 0) RI(roriw, "roriw", 1) RI(roriw, "roriw", 16) RI(roriw, "roriw", 31)
R1(orc_b, "orc.b") R1(rev8, "rev8")
/* Zbs */
R2(bclr, "bclr") R2(bext, "bext") R2(binv, "binv") R2(bset, "bset")
RI(bclri, "bclri", 0) RI(bclri, "bclri", 31) RI(bclri, "bclri", 63)
RI(bexti, "bexti", 0) RI(bexti, "bexti", 31) RI(bexti, "bexti", 63)
RI(binvi, "binvi", 0) RI(binvi, "binvi", 31) RI(binvi, "binvi", 63)
RI(bseti, "bseti", 0) RI(bseti, "bseti", 31) RI(bseti, "bseti", 63)

struct op { const char *name; uint64_t (*fn)(uint64_t, uint64_t); int unary; };

#define B(n, f) { n, f, 0 }
#define U(n, f) { n, f, 1 }
static const struct op ops[] = {
    B("add.uw", add_uw), B("sh1add", sh1add), B("sh2add", sh2add), B("sh3add", sh3add),
    B("sh1add.uw", sh1add_uw), B("sh2add.uw", sh2add_uw), B("sh3add.uw", sh3add_uw),
    U("slli.uw 0", slli_uw_0), U("slli.uw 5", slli_uw_5), U("slli.uw 31", slli_uw_31), U("slli.uw 63", slli_uw_63),
    B("andn", andn), B("orn", orn), B("xnor", xnor),
    U("clz", clz), U("clzw", clzw), U("ctz", ctz), U("ctzw", ctzw), U("cpop", cpop), U("cpopw", cpopw),
    B("max", max), B("maxu", maxu), B("min", min), B("minu", minu),
    U("sext.b", sext_b), U("sext.h", sext_h), U("zext.h", zext_h),
    B("rol", rol), B("rolw", rolw), B("ror", ror), B("rorw", rorw),
    U("rori 0", rori_0), U("rori 1", rori_1), U("rori 32", rori_32), U("rori 63", rori_63),
    U("roriw 0", roriw_0), U("roriw 1", roriw_1), U("roriw 16", roriw_16), U("roriw 31", roriw_31),
    U("orc.b", orc_b), U("rev8", rev8),
    B("bclr", bclr), B("bext", bext), B("binv", binv), B("bset", bset),
    U("bclri 0", bclri_0), U("bclri 31", bclri_31), U("bclri 63", bclri_63),
    U("bexti 0", bexti_0), U("bexti 31", bexti_31), U("bexti 63", bexti_63),
    U("binvi 0", binvi_0), U("binvi 31", binvi_31), U("binvi 63", binvi_63),
    U("bseti 0", bseti_0), U("bseti 31", bseti_31), U("bseti 63", bseti_63),
};

static const uint64_t values[] = {
    0, 1, 0xffffffffffffffffUL, 0x8000000000000000UL, 0x7fffffffffffffffUL,
    0x0000000080000000UL, 0x00000000ffffffffUL, 0xffffffff00000000UL, 0x0123456789abcdefUL,
    0xfedcba9876543210UL, 0x0000000000000080UL, 0x0000000000008000UL, 0x00ff00ff00ff0010UL,
    0x0000000100000000UL,
};
/* Second operands: shift amounts and bit indexes past 31 and 63 check masking. */
static const uint64_t second[] = { 0, 1, 3, 31, 32, 63, 64, 0xffffffff80000001UL, 0x0123456789abcdefUL };

#define N(a) (sizeof(a) / sizeof((a)[0]))

int main(unsigned long hartid, const void *fdt) {
    (void)hartid; (void)fdt;
    rt_puts("bitmanip: Zba Zbb Zbs\n");
    for (unsigned o = 0; o < N(ops); o++) {
        rt_printf("== %s\n", ops[o].name);
        for (unsigned i = 0; i < N(values); i++) {
            if (ops[o].unary) {
                rt_printf("%016lx -> %016lx\n", values[i], ops[o].fn(values[i], 0));
                continue;
            }
            rt_printf("%016lx:", values[i]);
            for (unsigned j = 0; j < N(second); j++) rt_printf(" %lx", ops[o].fn(values[i], second[j]));
            rt_putc('\n');
        }
    }
    rt_puts("bitmanip done\n");
    return 0;
}
