/*
 * rvc: every RV64C instruction written out explicitly (the compiler emits only the forms it
 * likes), each run on a few inputs in a0/a1 with the result taken from a0 (or a memory
 * word). Immediates sit at their encoding limits: c.addi16sp +-, c.lui high and negative,
 * c.addi4spn's largest offset, shift amounts 1 and 63, load/store offsets at their maxima.
 */
#include "rt.h"

/* body: reads a0 (= a) and a1 (= b), leaves the result in a0 */
#define T(NAME, BODY) static uint64_t NAME(uint64_t a, uint64_t b) { \
        register uint64_t a0 __asm__("a0") = a; register uint64_t a1 __asm__("a1") = b; \
        __asm__ volatile(".option push\n.option rvc\n" BODY "\n.option pop" \
                         : "+r"(a0), "+r"(a1) :: "a2", "a3", "a4", "a5", "s0", "s1", "ft0", "memory"); \
        return a0; }

/* Referenced only from inline assembly (la s0, mem). */
__attribute__((used)) static uint64_t mem[64] __attribute__((aligned(16)));

T(c_addi, "c.addi a0, -17")
T(c_addi_max, "c.addi a0, 31")
T(c_addiw, "c.addiw a0, 1")
T(c_addiw_neg, "c.addiw a0, -32")
T(c_li, "c.li a0, -32")
T(c_li_pos, "c.li a0, 31")
T(c_lui, "c.lui a0, 0x1f")
T(c_lui_neg, "c.lui a0, 0xfffe0")
T(c_srli, "c.srli a0, 1")
T(c_srli63, "c.srli a0, 63")
T(c_srai, "c.srai a0, 1")
T(c_srai63, "c.srai a0, 63")
T(c_andi, "c.andi a0, -3")
T(c_andi_pos, "c.andi a0, 0x15")
T(c_slli, "c.slli a0, 1")
T(c_slli63, "c.slli a0, 63")
T(c_sub, "c.sub a0, a1")
T(c_xor, "c.xor a0, a1")
T(c_or, "c.or a0, a1")
T(c_and, "c.and a0, a1")
T(c_subw, "c.subw a0, a1")
T(c_addw, "c.addw a0, a1")
T(c_mv, "c.mv a0, a1")
T(c_add, "c.add a0, a1")
/* c.addi16sp and c.addi4spn need sp: save it in a2 and compute relative to it. */
T(c_addi16sp, "mv a2, sp\n c.addi16sp sp, -512\n sub a0, sp, a2\n mv sp, a2")
T(c_addi16sp_pos, "mv a2, sp\n c.addi16sp sp, 496\n sub a0, sp, a2\n mv sp, a2")
T(c_addi4spn, "c.addi4spn a0, sp, 1020\n sub a0, a0, sp")
T(c_addi4spn_min, "c.addi4spn a0, sp, 4\n sub a0, a0, sp")
/* loads and stores through a pointer in s0 (x8) at the largest offsets */
T(c_sw_lw, "la s0, mem\n c.sw a0, 124(s0)\n c.lw a0, 124(s0)")
T(c_sd_ld, "la s0, mem\n c.sd a0, 248(s0)\n c.li a0, 0\n c.ld a0, 248(s0)")
T(c_fsd_fld, "la s0, mem\n fmv.d.x ft0, a0\n c.mv a5, a0\n fmv.d.x fa5, a5\n c.fsd fa5, 240(s0)\n"
             " c.li a5, 0\n fmv.d.x fa5, a5\n c.fld fa5, 240(s0)\n fmv.x.d a0, fa5")
/* sp-relative: a 512-byte frame, largest offsets c.swsp 252, c.sdsp 504, c.fsdsp 496 */
T(c_swsp_lwsp, "c.addi16sp sp, -512\n c.swsp a0, 252(sp)\n c.li a0, 0\n c.lwsp a0, 252(sp)\n c.addi16sp sp, 256\n c.addi16sp sp, 256")
T(c_sdsp_ldsp, "c.addi16sp sp, -512\n c.sdsp a0, 504(sp)\n c.li a0, 0\n c.ldsp a0, 504(sp)\n c.addi16sp sp, 256\n c.addi16sp sp, 256")
T(c_fsdsp_fldsp, "c.addi16sp sp, -512\n fmv.d.x ft0, a0\n c.fsdsp ft0, 496(sp)\n fmv.d.x ft0, zero\n"
                 " c.fldsp ft0, 496(sp)\n fmv.x.d a0, ft0\n c.addi16sp sp, 256\n c.addi16sp sp, 256")
/* control flow: the result says which way it went */
T(c_beqz, "c.beqz a0, 1f\n c.li a0, 1\n c.j 2f\n1: c.li a0, 2\n2:")
T(c_bnez, "c.bnez a0, 1f\n c.li a0, 1\n c.j 2f\n1: c.li a0, 2\n2:")
T(c_j, "c.li a0, 1\n c.j 1f\n c.li a0, 2\n1: c.addi a0, 4")
T(c_jr, "la a2, 1f\n c.li a0, 1\n c.jr a2\n c.li a0, 2\n1: c.addi a0, 8")
/* c.jalr links to the next 2-byte instruction: a0 = link - (address of c.jalr + 2) */
T(c_jalr, "mv a3, ra\n la a2, 1f\n 3: c.jalr a2\n 4: c.li a0, 9\n c.j 2f\n1: la a4, 4b\n sub a0, ra, a4\n mv ra, a3\n 2:")
T(c_nop, "c.nop\n c.addi a0, 1")

struct test { const char *name; uint64_t (*fn)(uint64_t, uint64_t); };
static const struct test tests[] = {
    { "c.addi -17", c_addi }, { "c.addi 31", c_addi_max }, { "c.addiw 1", c_addiw },
    { "c.addiw -32", c_addiw_neg }, { "c.li -32", c_li }, { "c.li 31", c_li_pos },
    { "c.lui 0x1f", c_lui }, { "c.lui 0xfffe0", c_lui_neg }, { "c.srli 1", c_srli },
    { "c.srli 63", c_srli63 }, { "c.srai 1", c_srai }, { "c.srai 63", c_srai63 },
    { "c.andi -3", c_andi }, { "c.andi 0x15", c_andi_pos }, { "c.slli 1", c_slli },
    { "c.slli 63", c_slli63 }, { "c.sub", c_sub }, { "c.xor", c_xor }, { "c.or", c_or },
    { "c.and", c_and }, { "c.subw", c_subw }, { "c.addw", c_addw }, { "c.mv", c_mv },
    { "c.add", c_add }, { "c.addi16sp -512", c_addi16sp }, { "c.addi16sp 496", c_addi16sp_pos },
    { "c.addi4spn 1020", c_addi4spn }, { "c.addi4spn 4", c_addi4spn_min },
    { "c.sw/c.lw 124", c_sw_lw }, { "c.sd/c.ld 248", c_sd_ld }, { "c.fsd/c.fld 240", c_fsd_fld },
    { "c.swsp/c.lwsp 252", c_swsp_lwsp }, { "c.sdsp/c.ldsp 504", c_sdsp_ldsp },
    { "c.fsdsp/c.fldsp 496", c_fsdsp_fldsp }, { "c.beqz", c_beqz }, { "c.bnez", c_bnez },
    { "c.j", c_j }, { "c.jr", c_jr }, { "c.jalr", c_jalr }, { "c.nop", c_nop },
};

static const uint64_t in_a[] = { 0, 1, 0x7fffffff, 0x80000000UL, 0xffffffffffffffffUL, 0x8000000000000001UL, 0x0123456789abcdefUL };
static const uint64_t in_b[] = { 0, 0xffffffffffffffffUL, 0x00000000fffffffeUL, 0x7fffffff00000001UL, 3, 0x8000000000000000UL, 0xfedcba9876543210UL };

#define N(a) (sizeof(a) / sizeof((a)[0]))

static volatile unsigned long ebreaks;
void m_trap_handler(struct rt_trap_frame *f) {
    rt_m_handle_return(f);
    if (f->cause != 3) rt_unexpected_trap("M", f);
    ebreaks++;
    f->epc += rt_insn_len(f->epc);
}

int main(unsigned long hartid, const void *fdt) {
    (void)hartid; (void)fdt;
    rt_puts("rvc: RV64C instructions\n");
    for (unsigned t = 0; t < N(tests); t++) {
        rt_printf("%-20s", tests[t].name);
        for (unsigned i = 0; i < N(in_a); i++) rt_printf(" %lx", tests[t].fn(in_a[i], in_b[i]));
        rt_putc('\n');
    }
    __asm__ volatile(".option push\n.option rvc\nc.ebreak\n.option pop");
    rt_printf("c.ebreak traps: %lu\n", ebreaks);
    rt_puts("rvc done\n");
    return 0;
}
