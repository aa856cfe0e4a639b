/*
 * smc: self-modifying code. Code is written into RAM, run, rewritten and, after fence.i,
 * run again; the new instructions must execute (an emulator's decoded-block cache must see
 * the stores). Also: a 32-bit instruction that straddles a 4 KiB page boundary, rewritten
 * through its second half only; a loop that patches its own callee 1000 times; a 4-byte
 * instruction replaced by two compressed ones.
 */
#include "rt.h"

static uint8_t code[3 * 4096] __attribute__((aligned(4096)));

/* Encodings (RV64GC):
 *   addi a0, zero, imm    imm << 20 | 0x00000513
 *   addi a0, a0, imm      imm << 20 | 0x00050513
 *   ret                   0x00008067
 *   c.li a0, imm          0x4501 | (imm & 31) << 2 | (imm & 32) << 7
 *   c.addi a0, imm        0x0501 | (imm & 31) << 2 | (imm & 32) << 7
 */
static uint32_t li_a0(int imm) { return ((uint32_t)imm << 20) | 0x00000513u; }
static uint32_t addi_a0(int imm) { return ((uint32_t)imm << 20) | 0x00050513u; }
#define RET 0x00008067u
static uint16_t c_li_a0(int imm) { return (uint16_t)(0x4501 | (imm & 31) << 2 | (imm & 32) << 7); }
static uint16_t c_addi_a0(int imm) { return (uint16_t)(0x0501 | (imm & 31) << 2 | (imm & 32) << 7); }

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)v); put16(p + 2, (uint16_t)(v >> 16)); }

static long call(const void *fn) {
    register long a0 __asm__("a0") = 0;
    __asm__ volatile("jalr %1" : "+r"(a0) : "r"(fn) : "ra", "memory");
    return a0;
}

static void fence_i(void) { __asm__ volatile("fence.i" ::: "memory"); }

int main(unsigned long hartid, const void *fdt) {
    (void)hartid; (void)fdt;
    rt_puts("smc: self-modifying code\n");

    uint8_t *f = code;
    put32(f, li_a0(1));
    put32(f + 4, RET);
    fence_i();
    long first = call(f);
    put32(f, li_a0(2));
    fence_i();
    rt_printf("rewritten function: %ld then %ld\n", first, call(f));

    /* li a0, 5 occupies 4094..4097: its low half ends one page, its high half starts the next. */
    uint8_t *g = code + 4096 - 2;
    put32(g, li_a0(5));
    put32(g + 4, addi_a0(1));
    put32(g + 8, RET);
    fence_i();
    long straddle = call(g);
    /* Change only the immediate, which lives in the upper half, i.e. on the second page. */
    put16(g + 2, (uint16_t)(li_a0(40) >> 16));
    fence_i();
    rt_printf("instruction across a page boundary: %ld, after patching its second half: %ld\n",
              straddle, call(g));

    /* A loop that rewrites its callee's immediate every iteration and sums what it returns. */
    uint8_t *h = code + 2 * 4096;
    put32(h + 4, RET);
    long sum = 0;
    for (int i = 0; i < 1000; i++) {
        put32(h, li_a0(i & 0x3ff));
        fence_i();
        sum += call(h);
    }
    rt_printf("1000 patch-and-call rounds: sum = %ld (want %d)\n", sum, 999 * 1000 / 2);

    /* Replace "li a0, 7" (4 bytes) by "c.li a0, 3; c.addi a0, 4" (2 + 2 bytes). */
    uint8_t *k = code + 2 * 4096 + 64;
    put32(k, li_a0(7));
    put32(k + 4, addi_a0(100));
    put32(k + 8, RET);
    fence_i();
    long before = call(k);
    put16(k, c_li_a0(3));
    put16(k + 2, c_addi_a0(4));
    put32(k + 4, addi_a0(-100));
    fence_i();
    rt_printf("4-byte instruction replaced by two compressed ones: %ld then %ld\n", before, call(k));
    rt_puts("smc done\n");
    return 0;
}
