/*
 * fpu: F and D semantics that differ between sloppy and exact implementations, all
 * printed as raw bit patterns and fflags (NV DZ OF UF NX = 10 08 04 02 01):
 * arithmetic in every static rounding mode and through frm, conversions, sqrt, fused
 * multiply-add, min/max with NaNs and signed zeros, compares, fclass, sign injection,
 * NaN boxing of single values in 64-bit registers, frm/FS checks.
 */
#include "rt.h"

/* ---- instruction wrappers, one function per (instruction, rounding mode) ---- */

#define CLOB "ft0", "ft1", "ft2", "ft3"

/* two operands, float result */
#define DEF_BIN(NAME, INSN, MVI, MVO, RM)                                                 \
    static uint64_t NAME##_##RM(uint64_t a, uint64_t b) {                               \
        uint64_t r;                                                                     \
        __asm__ volatile(MVI " ft0, %1\n\t" MVI " ft1, %2\n\t" INSN " ft2, ft0, ft1, " #RM \
                         "\n\t" MVO " %0, ft2" : "=r"(r) : "r"(a), "r"(b) : CLOB);      \
        return r;                                                                       \
    }
/* three operands, float result */
#define DEF_TER(NAME, INSN, MVI, MVO, RM)                                                 \
    static uint64_t NAME##_##RM(uint64_t a, uint64_t b, uint64_t c) {                   \
        uint64_t r;                                                                     \
        __asm__ volatile(MVI " ft0, %1\n\t" MVI " ft1, %2\n\t" MVI " ft3, %3\n\t"       \
                         INSN " ft2, ft0, ft1, ft3, " #RM "\n\t" MVO " %0, ft2"        \
                         : "=r"(r) : "r"(a), "r"(b), "r"(c) : CLOB);                   \
        return r;                                                                       \
    }
/* float to float (sqrt, fcvt.s.d) */
#define DEF_F2F(NAME, INSN, MVI, MVO, RM)                                                 \
    static uint64_t NAME##_##RM(uint64_t a) {                                           \
        uint64_t r;                                                                     \
        __asm__ volatile(MVI " ft0, %1\n\t" INSN " ft2, ft0, " #RM "\n\t" MVO " %0, ft2" \
                         : "=r"(r) : "r"(a) : CLOB);                                   \
        return r;                                                                       \
    }
/* float to integer */
#define DEF_F2I(NAME, INSN, MVI, MVO, RM)                                                 \
    static uint64_t NAME##_##RM(uint64_t a) {                                           \
        uint64_t r;                                                                     \
        __asm__ volatile(MVI " ft0, %1\n\t" INSN " %0, ft0, " #RM : "=r"(r) : "r"(a) : CLOB); \
        return r;                                                                       \
    }
/* integer to float */
#define DEF_I2F(NAME, INSN, MVI, MVO, RM)                                                 \
    static uint64_t NAME##_##RM(uint64_t a) {                                           \
        uint64_t r;                                                                     \
        __asm__ volatile(INSN " ft2, %1, " #RM "\n\t" MVO " %0, ft2" : "=r"(r) : "r"(a) : CLOB); \
        return r;                                                                       \
    }

#define DEF_ALL_RM(KIND, NAME, INSN, MVI, MVO) \
    KIND(NAME, INSN, MVI, MVO, rne) KIND(NAME, INSN, MVI, MVO, rtz) \
    KIND(NAME, INSN, MVI, MVO, rdn) KIND(NAME, INSN, MVI, MVO, rup) \
    KIND(NAME, INSN, MVI, MVO, rmm) KIND(NAME, INSN, MVI, MVO, dyn)
#define RM_TABLE(NAME) { NAME##_rne, NAME##_rtz, NAME##_rdn, NAME##_rup, NAME##_rmm, NAME##_dyn }

#define S_IN "fmv.w.x"
#define S_OUT "fmv.x.w"
#define D_IN "fmv.d.x"
#define D_OUT "fmv.x.d"

DEF_ALL_RM(DEF_BIN, fadd_s, "fadd.s", S_IN, S_OUT)
DEF_ALL_RM(DEF_BIN, fsub_s, "fsub.s", S_IN, S_OUT)
DEF_ALL_RM(DEF_BIN, fmul_s, "fmul.s", S_IN, S_OUT)
DEF_ALL_RM(DEF_BIN, fdiv_s, "fdiv.s", S_IN, S_OUT)
DEF_ALL_RM(DEF_BIN, fadd_d, "fadd.d", D_IN, D_OUT)
DEF_ALL_RM(DEF_BIN, fsub_d, "fsub.d", D_IN, D_OUT)
DEF_ALL_RM(DEF_BIN, fmul_d, "fmul.d", D_IN, D_OUT)
DEF_ALL_RM(DEF_BIN, fdiv_d, "fdiv.d", D_IN, D_OUT)
DEF_ALL_RM(DEF_TER, fmadd_s, "fmadd.s", S_IN, S_OUT)
DEF_ALL_RM(DEF_TER, fmsub_s, "fmsub.s", S_IN, S_OUT)
DEF_ALL_RM(DEF_TER, fnmsub_s, "fnmsub.s", S_IN, S_OUT)
DEF_ALL_RM(DEF_TER, fnmadd_s, "fnmadd.s", S_IN, S_OUT)
DEF_ALL_RM(DEF_TER, fmadd_d, "fmadd.d", D_IN, D_OUT)
DEF_ALL_RM(DEF_TER, fmsub_d, "fmsub.d", D_IN, D_OUT)
DEF_ALL_RM(DEF_TER, fnmsub_d, "fnmsub.d", D_IN, D_OUT)
DEF_ALL_RM(DEF_TER, fnmadd_d, "fnmadd.d", D_IN, D_OUT)
DEF_ALL_RM(DEF_F2F, fsqrt_s, "fsqrt.s", S_IN, S_OUT)
DEF_ALL_RM(DEF_F2F, fsqrt_d, "fsqrt.d", D_IN, D_OUT)
DEF_ALL_RM(DEF_F2F, fcvt_s_d, "fcvt.s.d", D_IN, S_OUT)
DEF_ALL_RM(DEF_F2I, fcvt_w_s, "fcvt.w.s", S_IN, "")
DEF_ALL_RM(DEF_F2I, fcvt_wu_s, "fcvt.wu.s", S_IN, "")
DEF_ALL_RM(DEF_F2I, fcvt_l_s, "fcvt.l.s", S_IN, "")
DEF_ALL_RM(DEF_F2I, fcvt_lu_s, "fcvt.lu.s", S_IN, "")
DEF_ALL_RM(DEF_F2I, fcvt_w_d, "fcvt.w.d", D_IN, "")
DEF_ALL_RM(DEF_F2I, fcvt_wu_d, "fcvt.wu.d", D_IN, "")
DEF_ALL_RM(DEF_F2I, fcvt_l_d, "fcvt.l.d", D_IN, "")
DEF_ALL_RM(DEF_F2I, fcvt_lu_d, "fcvt.lu.d", D_IN, "")
DEF_ALL_RM(DEF_I2F, fcvt_s_w, "fcvt.s.w", "", S_OUT)
DEF_ALL_RM(DEF_I2F, fcvt_s_wu, "fcvt.s.wu", "", S_OUT)
DEF_ALL_RM(DEF_I2F, fcvt_s_l, "fcvt.s.l", "", S_OUT)
DEF_ALL_RM(DEF_I2F, fcvt_s_lu, "fcvt.s.lu", "", S_OUT)
DEF_ALL_RM(DEF_I2F, fcvt_d_l, "fcvt.d.l", "", D_OUT)
DEF_ALL_RM(DEF_I2F, fcvt_d_lu, "fcvt.d.lu", "", D_OUT)

typedef uint64_t (*fn1)(uint64_t);
typedef uint64_t (*fn2)(uint64_t, uint64_t);
typedef uint64_t (*fn3)(uint64_t, uint64_t, uint64_t);

static const char *const rm_names[6] = { "rne", "rtz", "rdn", "rup", "rmm", "dyn" };

static void clear_flags(void) { __asm__ volatile("csrw fflags, zero"); }
static unsigned flags(void) { return (unsigned)read_csr(fflags); }

/* Results are printed at their width: 8 hex digits for single, 16 otherwise. */
static void print_val(uint64_t v, int single) {
    if (single) rt_printf("%08lx", v & 0xffffffffUL);
    else rt_printf("%016lx", v);
}

/* Runs one operation in all five static modes; then checks each mode again through frm
 * with the dyn encoding and reports whether it agreed with the static form. */
static void run_rm1(const char *name, const fn1 t[6], uint64_t a, int in_single, int out_single) {
    rt_printf("%-10s ", name);
    print_val(a, in_single);
    rt_puts(" ->");
    int dyn_ok = 1;
    for (int rm = 0; rm < 5; rm++) {
        clear_flags();
        uint64_t r = t[rm](a);
        unsigned fl = flags();
        write_csr(frm, rm);
        clear_flags();
        uint64_t rd = t[5](a);
        if (rd != r || flags() != fl) dyn_ok = 0;
        write_csr(frm, 0);
        rt_printf(" %s:", rm_names[rm]);
        print_val(r, out_single);
        rt_printf("/%02x", fl);
    }
    rt_printf("%s\n", dyn_ok ? "" : " DYN-MISMATCH");
}

static void run_rm2(const char *name, const fn2 t[6], uint64_t a, uint64_t b, int single) {
    rt_printf("%-8s ", name);
    print_val(a, single);
    rt_putc(' ');
    print_val(b, single);
    rt_puts(" ->");
    int dyn_ok = 1;
    for (int rm = 0; rm < 5; rm++) {
        clear_flags();
        uint64_t r = t[rm](a, b);
        unsigned fl = flags();
        write_csr(frm, rm);
        clear_flags();
        uint64_t rd = t[5](a, b);
        if (rd != r || flags() != fl) dyn_ok = 0;
        write_csr(frm, 0);
        rt_printf(" %s:", rm_names[rm]);
        print_val(r, single);
        rt_printf("/%02x", fl);
    }
    rt_printf("%s\n", dyn_ok ? "" : " DYN-MISMATCH");
}

static void run_rm3(const char *name, const fn3 t[6], uint64_t a, uint64_t b, uint64_t c, int single) {
    rt_printf("%-8s ", name);
    print_val(a, single); rt_putc(' ');
    print_val(b, single); rt_putc(' ');
    print_val(c, single);
    rt_puts(" ->");
    int dyn_ok = 1;
    for (int rm = 0; rm < 5; rm++) {
        clear_flags();
        uint64_t r = t[rm](a, b, c);
        unsigned fl = flags();
        write_csr(frm, rm);
        clear_flags();
        uint64_t rd = t[5](a, b, c);
        if (rd != r || flags() != fl) dyn_ok = 0;
        write_csr(frm, 0);
        rt_printf(" %s:", rm_names[rm]);
        print_val(r, single);
        rt_printf("/%02x", fl);
    }
    rt_printf("%s\n", dyn_ok ? "" : " DYN-MISMATCH");
}

/* ---- operands ---- */

#define S_ONE     0x3f800000UL
#define S_TWO     0x40000000UL
#define S_THREE   0x40400000UL
#define S_HALFULP 0x33800000UL   /* 2^-24: half an ulp of 1.0 */
#define S_3QULP   0x33c00000UL   /* 1.5 * 2^-24 */
#define S_MAX     0x7f7fffffUL
#define S_MINNORM 0x00800000UL
#define S_INF     0x7f800000UL
#define S_QNAN    0x7fc00000UL
#define S_QNANP   0x7fc12345UL   /* quiet NaN with a payload */
#define S_SNAN    0x7f800001UL
#define S_NEG     0x80000000UL

#define D_ONE     0x3ff0000000000000UL
#define D_TWO     0x4000000000000000UL
#define D_THREE   0x4008000000000000UL
#define D_HALFULP 0x3ca0000000000000UL  /* 2^-53 */
#define D_3QULP   0x3ca8000000000000UL
#define D_MAX     0x7fefffffffffffffUL
#define D_MINNORM 0x0010000000000000UL
#define D_INF     0x7ff0000000000000UL
#define D_QNAN    0x7ff8000000000000UL
#define D_QNANP   0x7ff8000000012345UL
#define D_SNAN    0x7ff0000000000001UL
#define D_NEG     0x8000000000000000UL

static const fn2 t_fadd_s[6] = RM_TABLE(fadd_s), t_fsub_s[6] = RM_TABLE(fsub_s),
                 t_fmul_s[6] = RM_TABLE(fmul_s), t_fdiv_s[6] = RM_TABLE(fdiv_s),
                 t_fadd_d[6] = RM_TABLE(fadd_d), t_fsub_d[6] = RM_TABLE(fsub_d),
                 t_fmul_d[6] = RM_TABLE(fmul_d), t_fdiv_d[6] = RM_TABLE(fdiv_d);
static const fn3 t_fmadd_s[6] = RM_TABLE(fmadd_s), t_fmsub_s[6] = RM_TABLE(fmsub_s),
                 t_fnmsub_s[6] = RM_TABLE(fnmsub_s), t_fnmadd_s[6] = RM_TABLE(fnmadd_s),
                 t_fmadd_d[6] = RM_TABLE(fmadd_d), t_fmsub_d[6] = RM_TABLE(fmsub_d),
                 t_fnmsub_d[6] = RM_TABLE(fnmsub_d), t_fnmadd_d[6] = RM_TABLE(fnmadd_d);
static const fn1 t_fsqrt_s[6] = RM_TABLE(fsqrt_s), t_fsqrt_d[6] = RM_TABLE(fsqrt_d),
                 t_fcvt_s_d[6] = RM_TABLE(fcvt_s_d),
                 t_fcvt_w_s[6] = RM_TABLE(fcvt_w_s), t_fcvt_wu_s[6] = RM_TABLE(fcvt_wu_s),
                 t_fcvt_l_s[6] = RM_TABLE(fcvt_l_s), t_fcvt_lu_s[6] = RM_TABLE(fcvt_lu_s),
                 t_fcvt_w_d[6] = RM_TABLE(fcvt_w_d), t_fcvt_wu_d[6] = RM_TABLE(fcvt_wu_d),
                 t_fcvt_l_d[6] = RM_TABLE(fcvt_l_d), t_fcvt_lu_d[6] = RM_TABLE(fcvt_lu_d),
                 t_fcvt_s_w[6] = RM_TABLE(fcvt_s_w), t_fcvt_s_wu[6] = RM_TABLE(fcvt_s_wu),
                 t_fcvt_s_l[6] = RM_TABLE(fcvt_s_l), t_fcvt_s_lu[6] = RM_TABLE(fcvt_s_lu),
                 t_fcvt_d_l[6] = RM_TABLE(fcvt_d_l), t_fcvt_d_lu[6] = RM_TABLE(fcvt_d_lu);

static const uint64_t s_pairs[][2] = {
    { S_ONE, S_HALFULP }, { S_ONE | S_NEG, S_HALFULP | S_NEG }, { S_ONE, S_3QULP },
    { S_ONE, S_THREE }, { S_MAX, S_TWO }, { S_MAX | S_NEG, S_TWO }, { S_MINNORM | 1, 0x3f000000UL },
    { S_MINNORM, 0x3f000000UL }, { S_ONE, S_ONE }, { S_INF, S_INF }, { 0, 0 }, { S_ONE, 0 },
    { S_SNAN, S_ONE }, { S_QNANP, S_ONE }, { S_INF, 0 }, { 0x00000001UL, 0x00000001UL },
};
static const uint64_t d_pairs[][2] = {
    { D_ONE, D_HALFULP }, { D_ONE | D_NEG, D_HALFULP | D_NEG }, { D_ONE, D_3QULP },
    { D_ONE, D_THREE }, { D_MAX, D_TWO }, { D_MAX | D_NEG, D_TWO }, { D_MINNORM | 1, 0x3fe0000000000000UL },
    { D_MINNORM, 0x3fe0000000000000UL }, { D_ONE, D_ONE }, { D_INF, D_INF }, { 0, 0 }, { D_ONE, 0 },
    { D_SNAN, D_ONE }, { D_QNANP, D_ONE }, { D_INF, 0 }, { 1, 1 },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void arithmetic(void) {
    rt_puts("== arithmetic (result/fflags per rounding mode)\n");
    for (unsigned i = 0; i < N(s_pairs); i++) {
        run_rm2("fadd.s", t_fadd_s, s_pairs[i][0], s_pairs[i][1], 1);
        run_rm2("fsub.s", t_fsub_s, s_pairs[i][0], s_pairs[i][1], 1);
        run_rm2("fmul.s", t_fmul_s, s_pairs[i][0], s_pairs[i][1], 1);
        run_rm2("fdiv.s", t_fdiv_s, s_pairs[i][0], s_pairs[i][1], 1);
    }
    for (unsigned i = 0; i < N(d_pairs); i++) {
        run_rm2("fadd.d", t_fadd_d, d_pairs[i][0], d_pairs[i][1], 0);
        run_rm2("fsub.d", t_fsub_d, d_pairs[i][0], d_pairs[i][1], 0);
        run_rm2("fmul.d", t_fmul_d, d_pairs[i][0], d_pairs[i][1], 0);
        run_rm2("fdiv.d", t_fdiv_d, d_pairs[i][0], d_pairs[i][1], 0);
    }
}

static void fused(void) {
    rt_puts("== fused multiply-add\n");
    static const uint64_t s_triples[][3] = {
        { 0x3f800001UL, 0x3f7ffffeUL, S_ONE | S_NEG },   /* (1+u)(1-2u) - 1: exact only if fused */
        { S_TWO, S_THREE, 0x40c00000UL | S_NEG },        /* 2*3 - 6 = zero: sign follows rm */
        { S_INF, 0, S_QNAN },                            /* inf*0 + qNaN must raise NV */
        { S_ONE, S_ONE, S_SNAN },
        { S_MAX, S_TWO, S_MAX | S_NEG },
        { S_ONE, S_HALFULP, S_ONE },
    };
    static const uint64_t d_triples[][3] = {
        { 0x3ff0000000000001UL, 0x3feffffffffffffeUL, D_ONE | D_NEG },
        { D_TWO, D_THREE, 0x4018000000000000UL | D_NEG },
        { D_INF, 0, D_QNAN },
        { D_ONE, D_ONE, D_SNAN },
        { D_MAX, D_TWO, D_MAX | D_NEG },
        { D_ONE, D_HALFULP, D_ONE },
    };
    for (unsigned i = 0; i < N(s_triples); i++) {
        const uint64_t *t = s_triples[i];
        run_rm3("fmadd.s", t_fmadd_s, t[0], t[1], t[2], 1);
        run_rm3("fmsub.s", t_fmsub_s, t[0], t[1], t[2], 1);
        run_rm3("fnmsub.s", t_fnmsub_s, t[0], t[1], t[2], 1);
        run_rm3("fnmadd.s", t_fnmadd_s, t[0], t[1], t[2], 1);
    }
    for (unsigned i = 0; i < N(d_triples); i++) {
        const uint64_t *t = d_triples[i];
        run_rm3("fmadd.d", t_fmadd_d, t[0], t[1], t[2], 0);
        run_rm3("fmsub.d", t_fmsub_d, t[0], t[1], t[2], 0);
        run_rm3("fnmsub.d", t_fnmsub_d, t[0], t[1], t[2], 0);
        run_rm3("fnmadd.d", t_fnmadd_d, t[0], t[1], t[2], 0);
    }
}

static void square_roots(void) {
    rt_puts("== sqrt\n");
    static const uint64_t s_in[] = { S_TWO, S_ONE | S_NEG, S_NEG, S_INF, 0x3e800000UL, 0x00000002UL, S_SNAN, S_QNANP };
    static const uint64_t d_in[] = { D_TWO, D_ONE | D_NEG, D_NEG, D_INF, 0x3fd0000000000000UL, 2, D_SNAN, D_QNANP };
    for (unsigned i = 0; i < N(s_in); i++) run_rm1("fsqrt.s", t_fsqrt_s, s_in[i], 1, 1);
    for (unsigned i = 0; i < N(d_in); i++) run_rm1("fsqrt.d", t_fsqrt_d, d_in[i], 0, 0);
}

static void conversions(void) {
    rt_puts("== float -> integer\n");
    static const uint64_t s_in[] = {
        0x40200000UL /* 2.5 */, 0xc0200000UL /* -2.5 */, 0x40600000UL /* 3.5 */, 0xbf000000UL /* -0.5 */,
        0x3f000000UL /* 0.5 */, 0x501502f9UL /* 1e10 */, 0xd01502f9UL /* -1e10 */, S_ONE | S_NEG,
        0x4f000000UL /* 2^31 */, 0xcf000000UL /* -2^31 */, 0x5f000000UL /* 2^63 */, 0xdf000000UL /* -2^63 */,
        0x5f800000UL /* 2^64 */, S_QNAN, S_SNAN, S_INF, S_INF | S_NEG, S_NEG,
    };
    static const uint64_t d_in[] = {
        0x4004000000000000UL /* 2.5 */, 0xc004000000000000UL /* -2.5 */, 0x400c000000000000UL /* 3.5 */,
        0xbfe0000000000000UL /* -0.5 */, 0x41dfffffffe00000UL /* 2^31 - 0.5 */, 0x41e0000000000000UL /* 2^31 */,
        0xc1e0000000000000UL /* -2^31 */, 0xc1e0000000100000UL /* -2^31 - 0.5 */, 0x41efffffffe00000UL /* 2^32 - 1 */,
        0x43e0000000000000UL /* 2^63 */, 0xc3e0000000000000UL /* -2^63 */, 0x43f0000000000000UL /* 2^64 */,
        0x43efffffffffffffUL /* largest below 2^64 */, D_ONE | D_NEG, D_QNAN, D_SNAN, D_INF, D_INF | D_NEG, D_NEG,
    };
    for (unsigned i = 0; i < N(s_in); i++) {
        run_rm1("fcvt.w.s", t_fcvt_w_s, s_in[i], 1, 0);
        run_rm1("fcvt.wu.s", t_fcvt_wu_s, s_in[i], 1, 0);
        run_rm1("fcvt.l.s", t_fcvt_l_s, s_in[i], 1, 0);
        run_rm1("fcvt.lu.s", t_fcvt_lu_s, s_in[i], 1, 0);
    }
    for (unsigned i = 0; i < N(d_in); i++) {
        run_rm1("fcvt.w.d", t_fcvt_w_d, d_in[i], 0, 0);
        run_rm1("fcvt.wu.d", t_fcvt_wu_d, d_in[i], 0, 0);
        run_rm1("fcvt.l.d", t_fcvt_l_d, d_in[i], 0, 0);
        run_rm1("fcvt.lu.d", t_fcvt_lu_d, d_in[i], 0, 0);
    }
    rt_puts("== integer -> float\n");
    static const uint64_t i_in[] = {
        0, 1, 0x7fffffffUL, 0xffffffffffffffffUL, 0x80000000UL, 0xffffffff80000000UL, 0x01000001UL,
        0xffffffffUL, 0x7fffffffffffffffUL, 0x8000000000000000UL, 0x0020000000000001UL,
        0x0020000000000003UL, 0xfffffffffffffffdUL, 0x00000000ffffff7fUL,
    };
    for (unsigned i = 0; i < N(i_in); i++) {
        run_rm1("fcvt.s.w", t_fcvt_s_w, i_in[i], 0, 1);
        run_rm1("fcvt.s.wu", t_fcvt_s_wu, i_in[i], 0, 1);
        run_rm1("fcvt.s.l", t_fcvt_s_l, i_in[i], 0, 1);
        run_rm1("fcvt.s.lu", t_fcvt_s_lu, i_in[i], 0, 1);
        run_rm1("fcvt.d.l", t_fcvt_d_l, i_in[i], 0, 0);
        run_rm1("fcvt.d.lu", t_fcvt_d_lu, i_in[i], 0, 0);
    }
    rt_puts("== double <-> single\n");
    static const uint64_t d2s[] = {
        0x3fd5555555555555UL /* 1/3 */, 0xbfd5555555555555UL, 0x7e37e43c8800759cUL /* 1e300 */,
        0xfe37e43c8800759cUL, 0x36a0000000000000UL /* 2^-149 */, 0x3690000000000000UL /* 2^-150 */,
        0x3698000000000000UL, D_QNANP, D_SNAN, D_INF, D_NEG, 0x47efffffefffffffUL,
    };
    for (unsigned i = 0; i < N(d2s); i++) run_rm1("fcvt.s.d", t_fcvt_s_d, d2s[i], 0, 1);
    static const uint64_t s2d[] = { S_ONE, 0x00000001UL, S_QNANP, S_SNAN, S_INF | S_NEG, S_NEG, S_MAX };
    for (unsigned i = 0; i < N(s2d); i++) {
        uint64_t r;
        clear_flags();
        __asm__ volatile("fmv.w.x ft0, %1\n\tfcvt.d.s ft1, ft0\n\tfmv.x.d %0, ft1" : "=r"(r) : "r"(s2d[i]) : CLOB);
        rt_printf("fcvt.d.s   %08lx -> %016lx/%02x\n", s2d[i], r, flags());
    }
    static const uint64_t w2d[] = { 0x7fffffffUL, 0xffffffff80000000UL, 0xffffffffUL, 0x123456789UL };
    for (unsigned i = 0; i < N(w2d); i++) {
        uint64_t r, ru;
        clear_flags();
        __asm__ volatile("fcvt.d.w ft0, %2\n\tfmv.x.d %0, ft0\n\tfcvt.d.wu ft1, %2\n\tfmv.x.d %1, ft1"
                         : "=r"(r), "=r"(ru) : "r"(w2d[i]) : CLOB);
        rt_printf("fcvt.d.w(u) %016lx -> %016lx %016lx/%02x\n", w2d[i], r, ru, flags());
    }
}

/* Two-operand instructions without rounding: min/max, compares, sign injection. */
#define DEF_PLAIN(NAME, INSN, MVI, MVO) \
    static uint64_t NAME(uint64_t a, uint64_t b) { uint64_t r; \
        __asm__ volatile(MVI " ft0, %1\n\t" MVI " ft1, %2\n\t" INSN " ft2, ft0, ft1\n\t" MVO " %0, ft2" \
                         : "=r"(r) : "r"(a), "r"(b) : CLOB); return r; }
#define DEF_CMP(NAME, INSN, MVI) \
    static uint64_t NAME(uint64_t a, uint64_t b) { uint64_t r; \
        __asm__ volatile(MVI " ft0, %1\n\t" MVI " ft1, %2\n\t" INSN " %0, ft0, ft1" \
                         : "=r"(r) : "r"(a), "r"(b) : CLOB); return r; }
DEF_PLAIN(fmin_s, "fmin.s", S_IN, S_OUT) DEF_PLAIN(fmax_s, "fmax.s", S_IN, S_OUT)
DEF_PLAIN(fmin_d, "fmin.d", D_IN, D_OUT) DEF_PLAIN(fmax_d, "fmax.d", D_IN, D_OUT)
DEF_PLAIN(fsgnj_s, "fsgnj.s", S_IN, S_OUT) DEF_PLAIN(fsgnjn_s, "fsgnjn.s", S_IN, S_OUT)
DEF_PLAIN(fsgnjx_s, "fsgnjx.s", S_IN, S_OUT) DEF_PLAIN(fsgnj_d, "fsgnj.d", D_IN, D_OUT)
DEF_PLAIN(fsgnjn_d, "fsgnjn.d", D_IN, D_OUT) DEF_PLAIN(fsgnjx_d, "fsgnjx.d", D_IN, D_OUT)
DEF_CMP(feq_s, "feq.s", S_IN) DEF_CMP(flt_s, "flt.s", S_IN) DEF_CMP(fle_s, "fle.s", S_IN)
DEF_CMP(feq_d, "feq.d", D_IN) DEF_CMP(flt_d, "flt.d", D_IN) DEF_CMP(fle_d, "fle.d", D_IN)

struct plain_op { const char *name; fn2 fn; int single_out; };

static void plain_ops(void) {
    static const struct plain_op s_ops[] = {
        { "fmin.s", fmin_s, 1 }, { "fmax.s", fmax_s, 1 }, { "fsgnj.s", fsgnj_s, 1 },
        { "fsgnjn.s", fsgnjn_s, 1 }, { "fsgnjx.s", fsgnjx_s, 1 },
        { "feq.s", feq_s, 0 }, { "flt.s", flt_s, 0 }, { "fle.s", fle_s, 0 },
    };
    static const struct plain_op d_ops[] = {
        { "fmin.d", fmin_d, 0 }, { "fmax.d", fmax_d, 0 }, { "fsgnj.d", fsgnj_d, 0 },
        { "fsgnjn.d", fsgnjn_d, 0 }, { "fsgnjx.d", fsgnjx_d, 0 },
        { "feq.d", feq_d, 0 }, { "flt.d", flt_d, 0 }, { "fle.d", fle_d, 0 },
    };
    static const uint64_t s_in[][2] = {
        { S_ONE, S_TWO }, { S_TWO, S_ONE }, { S_ONE, S_ONE }, { S_NEG, 0 }, { 0, S_NEG },
        { S_QNANP, S_ONE }, { S_ONE, S_QNANP }, { S_SNAN, S_ONE }, { S_QNAN, S_SNAN },
        { S_QNANP, S_QNANP | S_NEG }, { S_INF | S_NEG, S_ONE }, { S_ONE | S_NEG, S_TWO | S_NEG },
    };
    static const uint64_t d_in[][2] = {
        { D_ONE, D_TWO }, { D_TWO, D_ONE }, { D_ONE, D_ONE }, { D_NEG, 0 }, { 0, D_NEG },
        { D_QNANP, D_ONE }, { D_ONE, D_QNANP }, { D_SNAN, D_ONE }, { D_QNAN, D_SNAN },
        { D_QNANP, D_QNANP | D_NEG }, { D_INF | D_NEG, D_ONE }, { D_ONE | D_NEG, D_TWO | D_NEG },
    };
    rt_puts("== min/max, sign injection, compares\n");
    for (unsigned o = 0; o < N(s_ops); o++)
        for (unsigned i = 0; i < N(s_in); i++) {
            clear_flags();
            uint64_t r = s_ops[o].fn(s_in[i][0], s_in[i][1]);
            unsigned fl = flags();
            rt_printf("%-8s %08lx %08lx -> ", s_ops[o].name, s_in[i][0], s_in[i][1]);
            print_val(r, s_ops[o].single_out);
            rt_printf("/%02x\n", fl);
        }
    for (unsigned o = 0; o < N(d_ops); o++)
        for (unsigned i = 0; i < N(d_in); i++) {
            clear_flags();
            uint64_t r = d_ops[o].fn(d_in[i][0], d_in[i][1]);
            unsigned fl = flags();
            rt_printf("%-8s %016lx %016lx -> %016lx/%02x\n", d_ops[o].name, d_in[i][0], d_in[i][1], r, fl);
        }
}

static void classify(void) {
    rt_puts("== fclass\n");
    static const uint64_t s_in[] = { S_INF | S_NEG, S_ONE | S_NEG, 0x80000001UL, S_NEG, 0, 0x00000001UL,
                                     S_ONE, S_INF, S_SNAN, S_QNAN, S_MINNORM, 0x007fffffUL };
    static const uint64_t d_in[] = { D_INF | D_NEG, D_ONE | D_NEG, 0x8000000000000001UL, D_NEG, 0, 1,
                                     D_ONE, D_INF, D_SNAN, D_QNAN, D_MINNORM, 0x000fffffffffffffUL };
    for (unsigned i = 0; i < N(s_in); i++) {
        uint64_t r;
        __asm__ volatile("fmv.w.x ft0, %1\n\tfclass.s %0, ft0" : "=r"(r) : "r"(s_in[i]) : CLOB);
        rt_printf("fclass.s %08lx -> %03lx\n", s_in[i], r);
    }
    for (unsigned i = 0; i < N(d_in); i++) {
        uint64_t r;
        __asm__ volatile("fmv.d.x ft0, %1\n\tfclass.d %0, ft0" : "=r"(r) : "r"(d_in[i]) : CLOB);
        rt_printf("fclass.d %016lx -> %03lx\n", d_in[i], r);
    }
}

static void nan_boxing(void) {
    rt_puts("== NaN boxing\n");
    static const uint64_t regs[] = { 0x000000003f800000UL, 0xffffffff3f800000UL, 0xfffffffe3f800000UL,
                                     0x7fffffff3f800000UL };
    for (unsigned i = 0; i < N(regs); i++) {
        uint64_t v = regs[i], add, mv, sgnj, cls, cvt, xw, eq;
        uint32_t stored = 0;
        clear_flags();
        __asm__ volatile(
            "fmv.d.x ft0, %[v]\n\t"
            "fadd.s ft1, ft0, ft0\n\tfmv.x.d %[add], ft1\n\t"
            "fsgnj.s ft1, ft0, ft0\n\tfmv.x.d %[sgnj], ft1\n\t"
            "fmv.x.w %[xw], ft0\n\t"
            "fclass.s %[cls], ft0\n\t"
            "fcvt.d.s ft1, ft0\n\tfmv.x.d %[cvt], ft1\n\t"
            "feq.s %[eq], ft0, ft0\n\t"
            "fsw ft0, 0(%[p])\n\t"
            "fmv.s ft1, ft0\n\tfmv.x.d %[mv], ft1"
            : [add] "=&r"(add), [sgnj] "=&r"(sgnj), [xw] "=&r"(xw), [cls] "=&r"(cls),
              [cvt] "=&r"(cvt), [eq] "=&r"(eq), [mv] "=&r"(mv)
            : [v] "r"(v), [p] "r"(&stored) : CLOB, "memory");
        unsigned fl = flags();
        rt_printf("reg %016lx: fadd.s=%016lx fsgnj.s=%016lx fmv.s=%016lx fmv.x.w=%016lx\n", v, add, sgnj, mv, xw);
        rt_printf("    fclass.s=%03lx fcvt.d.s=%016lx feq.s=%lu fsw=%08x fflags=%02x\n", cls, cvt, eq, stored, fl);
    }
    /* flw boxes what it loads; fmv.w.x boxes; single results are boxed. */
    uint32_t mem = 0xc0490fdbu;
    uint64_t lw, wx, res;
    __asm__ volatile("flw ft0, 0(%3)\n\tfmv.x.d %0, ft0\n\t"
                     "fmv.w.x ft1, %4\n\tfmv.x.d %1, ft1\n\t"
                     "fmul.s ft2, ft0, ft1\n\tfmv.x.d %2, ft2"
                     : "=&r"(lw), "=&r"(wx), "=&r"(res) : "r"(&mem), "r"(S_TWO) : CLOB, "memory");
    rt_printf("flw=%016lx fmv.w.x=%016lx fmul.s=%016lx\n", lw, wx, res);
}

static volatile unsigned long trap_cause = 0;
static volatile unsigned long trap_count = 0;

void m_trap_handler(struct rt_trap_frame *f) {
    if (f->cause != 2) rt_unexpected_trap("M", f);
    trap_cause = f->cause;
    trap_count++;
    f->epc += rt_insn_len(f->epc);
}

static void csr_and_status(void) {
    rt_puts("== fcsr, frm, FS\n");
    write_csr(fcsr, 0xff);
    rt_printf("fcsr<-ff: fcsr=%02lx frm=%lx fflags=%02lx\n", read_csr(fcsr), read_csr(frm), read_csr(fflags));
    write_csr(fflags, 0x1f);
    write_csr(frm, 0);
    rt_printf("fflags<-1f frm<-0: fcsr=%02lx\n", read_csr(fcsr));
    /* Flags accumulate until software clears them. */
    write_csr(fcsr, 0);
    fdiv_s_rne(S_ONE, 0);
    fadd_s_rne(S_ONE, S_HALFULP);
    rt_printf("accrued after 1/0 then 1+2^-24: %02lx\n", read_csr(fflags));
    /* frm values 5..7 are reserved: a dyn-rounded instruction under them is illegal. */
    for (unsigned rm = 5; rm <= 7; rm++) {
        write_csr(frm, rm);
        trap_count = 0;
        trap_cause = 0;
        fadd_s_dyn(S_ONE, S_ONE);
        rt_printf("frm=%u dyn fadd.s: traps=%lu cause=%lu\n", rm, trap_count, trap_cause);
    }
    write_csr(frm, 0);
    /* Static rounding is still fine with frm invalid. */
    write_csr(frm, 7);
    trap_count = 0;
    uint64_t r = fadd_s_rtz(S_ONE, S_ONE);
    rt_printf("frm=7 static rtz fadd.s: %08lx traps=%lu\n", r & 0xffffffff, trap_count);
    write_csr(fcsr, 0);
    /* FS: writing FP state makes it Dirty; Off makes FP instructions illegal. */
    clear_csr(mstatus, MSTATUS_FS);
    set_csr(mstatus, 1UL << 13);
    fadd_d_rne(D_ONE, D_ONE);
    uint64_t ms = read_csr(mstatus);
    rt_printf("FS after fadd.d from Initial = %lu, SD = %lu\n", (ms >> 13) & 3, ms >> 63);
    clear_csr(mstatus, MSTATUS_FS);
    trap_count = 0;
    trap_cause = 0;
    __asm__ volatile("fadd.d ft0, ft0, ft0" ::: "ft0");
    uint64_t fcsr_traps = trap_count;
    __asm__ volatile("csrr t0, fcsr" ::: "t0");
    ms = read_csr(mstatus);
    rt_printf("FS=Off: fadd.d traps=%lu, csrr fcsr traps=%lu cause=%lu, FS still %lu\n",
              fcsr_traps, trap_count - fcsr_traps, trap_cause, (ms >> 13) & 3);
    set_csr(mstatus, 1UL << 13);
}

int main(unsigned long hartid, const void *fdt) {
    (void)hartid; (void)fdt;
    rt_puts("fpu: F and D semantics\n");
    arithmetic();
    fused();
    square_roots();
    conversions();
    plain_ops();
    classify();
    nan_boxing();
    csr_and_status();
    rt_puts("fpu done\n");
    return 0;
}
