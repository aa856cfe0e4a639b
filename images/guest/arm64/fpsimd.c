/* Bare-metal differential program for FP and Advanced SIMD on arm64-virt: scalar FP on edge
 * values (NaNs, infinities, denormals, signed zeros) under every rounding mode and with
 * FZ/DN/AHP, conversions, compares, then integer and FP vector operations written with
 * arm_neon.h intrinsics and as gcc vectorizes loops. Every result is printed with FPSR.
 * Its output under qemu-system-aarch64 -cpu cortex-a57 is recorded by build.sh; arm64-virt
 * must print the same bytes. */
#include <stdint.h>
#include <arm_neon.h>

#define UART ((volatile uint32_t *)0x09000000)
#define GPR __attribute__((target("general-regs-only"), noinline))

GPR static void putc_(char c) { while (UART[0x18 / 4] & (1 << 5)) { } UART[0] = (uint32_t)c; }
GPR static void puts_(const char *s) { while (*s) putc_(*s++); }
GPR static void hexn(uint64_t v, int digits) { for (int i = 4 * (digits - 1); i >= 0; i -= 4) putc_("0123456789abcdef"[(v >> i) & 15]); }
GPR static void hex(uint64_t v) { hexn(v, 16); }

void *memset(void *d, int c, unsigned long n) { volatile char *p = d; while (n--) *p++ = (char)c; return d; }
void *memcpy(void *d, const void *s, unsigned long n) { volatile char *p = d; const char *q = s; while (n--) *p++ = *q++; return d; }

void after_user(void) { }

GPR uint64_t trap(uint64_t kind, uint64_t esr, uint64_t elr, uint64_t far) {
    (void)far;
    puts_("trap "); hexn(kind, 2); putc_(' '); hex(esr); putc_('\n');
    if ((esr >> 26) == 0x07) { /* FP access trap: enable FP/SIMD and retry */
        __asm__ volatile("msr cpacr_el1, %0\n isb" :: "r"(3ULL << 20));
        return elr;
    }
    return elr + 4;
}

static inline void set_fpcr(uint64_t v) { __asm__ volatile("msr fpcr, %0" :: "r"(v) : "memory"); }
static inline uint64_t get_fpcr(void) { uint64_t v; __asm__ volatile("mrs %0, fpcr" : "=r"(v) :: "memory"); return v; }
static inline void set_fpsr(uint64_t v) { __asm__ volatile("msr fpsr, %0" :: "r"(v) : "memory"); }
static inline uint64_t get_fpsr(void) { uint64_t v; __asm__ volatile("mrs %0, fpsr" : "=r"(v) :: "memory"); return v; }

/* ---- one instruction per function: operands and result move through general registers ---- */
typedef uint64_t (*op_fn)(uint64_t, uint64_t, uint64_t);
#define OP(name, body) \
    static uint64_t name(uint64_t a, uint64_t b, uint64_t c) { uint64_t r; \
        __asm__ volatile(body : "=&r"(r) : "r"(a), "r"(b), "r"(c) : "v0", "v1", "v2", "v3", "cc", "memory"); return r; }
#define D2(name, insn) OP(name, "fmov d0, %1\n fmov d1, %2\n " insn " d2, d0, d1\n fmov %0, d2")
#define S2(name, insn) OP(name, "fmov s0, %w1\n fmov s1, %w2\n " insn " s2, s0, s1\n fmov %w0, s2")
#define D1(name, insn) OP(name, "fmov d0, %1\n " insn " d2, d0\n fmov %0, d2")
#define S1(name, insn) OP(name, "fmov s0, %w1\n " insn " s2, s0\n fmov %w0, s2")
#define D3(name, insn) OP(name, "fmov d0, %1\n fmov d1, %2\n fmov d3, %3\n " insn " d2, d0, d1, d3\n fmov %0, d2")
#define S3(name, insn) OP(name, "fmov s0, %w1\n fmov s1, %w2\n fmov s3, %w3\n " insn " s2, s0, s1, s3\n fmov %w0, s2")

D2(fadd_d, "fadd") D2(fsub_d, "fsub") D2(fmul_d, "fmul") D2(fdiv_d, "fdiv") D2(fnmul_d, "fnmul")
D2(fmax_d, "fmax") D2(fmin_d, "fmin") D2(fmaxnm_d, "fmaxnm") D2(fminnm_d, "fminnm")
D2(fmulx_d, "fmulx") D2(frecps_d, "frecps") D2(frsqrts_d, "frsqrts") D2(fabd_d, "fabd")
S2(fadd_s, "fadd") S2(fsub_s, "fsub") S2(fmul_s, "fmul") S2(fdiv_s, "fdiv") S2(fnmul_s, "fnmul")
S2(fmax_s, "fmax") S2(fmin_s, "fmin") S2(fmaxnm_s, "fmaxnm") S2(fminnm_s, "fminnm")
D3(fmadd_d, "fmadd") D3(fmsub_d, "fmsub") D3(fnmadd_d, "fnmadd") D3(fnmsub_d, "fnmsub")
S3(fmadd_s, "fmadd") S3(fnmsub_s, "fnmsub")
D1(fsqrt_d, "fsqrt") D1(fabs_d, "fabs") D1(fneg_d, "fneg") D1(frintn_d, "frintn") D1(frintp_d, "frintp")
D1(frintm_d, "frintm") D1(frintz_d, "frintz") D1(frinta_d, "frinta") D1(frintx_d, "frintx") D1(frinti_d, "frinti")
S1(fsqrt_s, "fsqrt") S1(frintx_s, "frintx") S1(frinta_s, "frinta")
OP(fcvt_sd, "fmov d0, %1\n fcvt s2, d0\n fmov %w0, s2")
OP(fcvt_ds, "fmov s0, %w1\n fcvt d2, s0\n fmov %0, d2")
OP(fcvt_hd, "fmov d0, %1\n fcvt h2, d0\n umov %w0, v2.h[0]")
OP(fcvt_dh, "dup v0.8h, %w1\n fcvt d2, h0\n fmov %0, d2")
OP(fcvt_hs, "fmov s0, %w1\n fcvt h2, s0\n umov %w0, v2.h[0]")
OP(fcvt_sh, "dup v0.8h, %w1\n fcvt s2, h0\n fmov %w0, s2")
OP(fcvtzs_xd, "fmov d0, %1\n fcvtzs %0, d0") OP(fcvtzu_xd, "fmov d0, %1\n fcvtzu %0, d0")
OP(fcvtzs_wd, "fmov d0, %1\n fcvtzs %w0, d0") OP(fcvtzu_wd, "fmov d0, %1\n fcvtzu %w0, d0")
OP(fcvtns_xd, "fmov d0, %1\n fcvtns %0, d0") OP(fcvtnu_wd, "fmov d0, %1\n fcvtnu %w0, d0")
OP(fcvtps_xd, "fmov d0, %1\n fcvtps %0, d0") OP(fcvtms_wd, "fmov d0, %1\n fcvtms %w0, d0")
OP(fcvtas_xd, "fmov d0, %1\n fcvtas %0, d0") OP(fcvtau_xd, "fmov d0, %1\n fcvtau %0, d0")
OP(fcvtzs_ws, "fmov s0, %w1\n fcvtzs %w0, s0") OP(fcvtzu_xs, "fmov s0, %w1\n fcvtzu %0, s0")
OP(fcvtzs_fix_xd, "fmov d0, %1\n fcvtzs %0, d0, #16") OP(fcvtzu_fix_ws, "fmov s0, %w1\n fcvtzu %w0, s0, #8")
OP(scvtf_dx, "scvtf d2, %1\n fmov %0, d2") OP(ucvtf_dx, "ucvtf d2, %1\n fmov %0, d2")
OP(scvtf_sx, "scvtf s2, %1\n fmov %w0, s2") OP(ucvtf_sw, "ucvtf s2, %w1\n fmov %w0, s2")
OP(scvtf_fix_dx, "scvtf d2, %1, #20\n fmov %0, d2") OP(ucvtf_fix_sw, "ucvtf s2, %w1, #3\n fmov %w0, s2")
OP(fcmp_d, "fmov d0, %1\n fmov d1, %2\n fcmp d0, d1\n mrs %0, nzcv")
OP(fcmpe_d, "fmov d0, %1\n fmov d1, %2\n fcmpe d0, d1\n mrs %0, nzcv")
OP(fcmp0_s, "fmov s0, %w1\n fcmp s0, #0.0\n mrs %0, nzcv")
OP(fccmp_d, "fmov d0, %1\n fmov d1, %2\n cmp %3, #0\n fccmp d0, d1, #5, eq\n mrs %0, nzcv")
OP(fccmpe_d, "fmov d0, %1\n fmov d1, %2\n cmp %3, #0\n fccmpe d0, d1, #10, ne\n mrs %0, nzcv")
OP(fcsel_d, "fmov d0, %1\n fmov d1, %2\n cmp %3, #1\n fcsel d2, d0, d1, lt\n fmov %0, d2")

struct op { const char *name; op_fn fn; int kind; }; /* kind: 0 = double inputs, 1 = single, 2 = integer, 3 = half */
static const struct op ops[] = {
    {"fadd.d", fadd_d, 0}, {"fsub.d", fsub_d, 0}, {"fmul.d", fmul_d, 0}, {"fdiv.d", fdiv_d, 0},
    {"fnmul.d", fnmul_d, 0}, {"fmax.d", fmax_d, 0}, {"fmin.d", fmin_d, 0}, {"fmaxnm.d", fmaxnm_d, 0},
    {"fminnm.d", fminnm_d, 0}, {"fmulx.d", fmulx_d, 0}, {"frecps.d", frecps_d, 0}, {"frsqrts.d", frsqrts_d, 0},
    {"fabd.d", fabd_d, 0}, {"fmadd.d", fmadd_d, 0}, {"fmsub.d", fmsub_d, 0}, {"fnmadd.d", fnmadd_d, 0},
    {"fnmsub.d", fnmsub_d, 0}, {"fsqrt.d", fsqrt_d, 0}, {"fabs.d", fabs_d, 0}, {"fneg.d", fneg_d, 0},
    {"frintn.d", frintn_d, 0}, {"frintp.d", frintp_d, 0}, {"frintm.d", frintm_d, 0}, {"frintz.d", frintz_d, 0},
    {"frinta.d", frinta_d, 0}, {"frintx.d", frintx_d, 0}, {"frinti.d", frinti_d, 0},
    {"fcvt.s.d", fcvt_sd, 0}, {"fcvt.h.d", fcvt_hd, 0}, {"fcvtzs.x.d", fcvtzs_xd, 0}, {"fcvtzu.x.d", fcvtzu_xd, 0},
    {"fcvtzs.w.d", fcvtzs_wd, 0}, {"fcvtzu.w.d", fcvtzu_wd, 0}, {"fcvtns.x.d", fcvtns_xd, 0}, {"fcvtnu.w.d", fcvtnu_wd, 0},
    {"fcvtps.x.d", fcvtps_xd, 0}, {"fcvtms.w.d", fcvtms_wd, 0}, {"fcvtas.x.d", fcvtas_xd, 0}, {"fcvtau.x.d", fcvtau_xd, 0},
    {"fcvtzs.fix.x.d", fcvtzs_fix_xd, 0}, {"fcmp.d", fcmp_d, 0}, {"fcmpe.d", fcmpe_d, 0}, {"fccmp.d", fccmp_d, 0},
    {"fccmpe.d", fccmpe_d, 0}, {"fcsel.d", fcsel_d, 0},
    {"fadd.s", fadd_s, 1}, {"fsub.s", fsub_s, 1}, {"fmul.s", fmul_s, 1}, {"fdiv.s", fdiv_s, 1}, {"fnmul.s", fnmul_s, 1},
    {"fmax.s", fmax_s, 1}, {"fmin.s", fmin_s, 1}, {"fmaxnm.s", fmaxnm_s, 1}, {"fminnm.s", fminnm_s, 1},
    {"fmadd.s", fmadd_s, 1}, {"fnmsub.s", fnmsub_s, 1}, {"fsqrt.s", fsqrt_s, 1}, {"frintx.s", frintx_s, 1},
    {"frinta.s", frinta_s, 1}, {"fcvt.d.s", fcvt_ds, 1}, {"fcvt.h.s", fcvt_hs, 1}, {"fcvtzs.w.s", fcvtzs_ws, 1},
    {"fcvtzu.x.s", fcvtzu_xs, 1}, {"fcvtzu.fix.w.s", fcvtzu_fix_ws, 1}, {"fcmp0.s", fcmp0_s, 1},
    {"scvtf.d.x", scvtf_dx, 2}, {"ucvtf.d.x", ucvtf_dx, 2}, {"scvtf.s.x", scvtf_sx, 2}, {"ucvtf.s.w", ucvtf_sw, 2},
    {"scvtf.fix.d.x", scvtf_fix_dx, 2}, {"ucvtf.fix.s.w", ucvtf_fix_sw, 2},
    {"fcvt.d.h", fcvt_dh, 3}, {"fcvt.s.h", fcvt_sh, 3},
};

static const uint64_t dvals[] = {
    0, 0x8000000000000000ULL, 0x3ff0000000000000ULL, 0xbff0000000000000ULL, 0x3ff8000000000000ULL,
    0x4004000000000000ULL, 0xc00c000000000000ULL, 0x3fd5555555555555ULL, 0x3ff0000000000001ULL,
    0x0000000000000001ULL, 0x800fffffffffffffULL, 0x0010000000000000ULL, 0x7fefffffffffffffULL,
    0x7ff0000000000000ULL, 0xfff0000000000000ULL, 0x7ff8000000000123ULL, 0xfff0000000000456ULL,
    0x43e0000000000000ULL, 0xc3e0000000000001ULL, 0x41efffffffe00000ULL, 0x3810000000000000ULL,
    0x4330000000000001ULL, 0x0001000000000000ULL, 0x3fe0000000000000ULL, 0xc004000000000000ULL,
};
static const uint64_t svals[] = {
    0, 0x80000000, 0x3f800000, 0xbf800000, 0x3fc00000, 0x40200000, 0xc0600000, 0x3eaaaaab, 0x3f800001,
    0x00000001, 0x807fffff, 0x00800000, 0x7f7fffff, 0x7f800000, 0xff800000, 0x7fc00123, 0xff800456,
    0x5f000000, 0xdf000001, 0x4f7fffff, 0x33800000, 0x4b000001, 0x3f000000, 0x477fe000, 0x387fc000,
};
static const uint64_t ivals[] = {
    0, 1, (uint64_t)-1, 0x7fffffffffffffffULL, 0x8000000000000000ULL, 0xffffffffULL, 0x80000000ULL,
    0x1234567890abcdefULL, 0x20000001ULL, 0xfffffffffffff801ULL, 0x0010000000000001ULL, 3,
};
static const uint64_t hvals[] = { 0, 0x8000, 0x3c00, 0x7bff, 0x7c00, 0xfc00, 0x7e01, 0x7c01, 0x0001, 0x83ff, 0x3555 };

#define COUNT(a) (sizeof a / sizeof a[0])

static uint64_t checksum;

static void report(const char *name, uint64_t a, uint64_t b, uint64_t r, uint64_t fpsr) {
    puts_(name); putc_(' '); hex(a); putc_(' '); hex(b); puts_(" = "); hex(r); putc_(' '); hexn(fpsr, 8); putc_('\n');
}

static void scalar_tests(uint64_t fpcr, int verbose) {
    puts_("== fpcr "); hexn(fpcr, 8); putc_('\n');
    for (unsigned k = 0; k < COUNT(ops); k++) {
        const struct op *o = &ops[k];
        const uint64_t *vals = o->kind == 0 ? dvals : o->kind == 1 ? svals : o->kind == 2 ? ivals : hvals;
        unsigned n = o->kind == 0 ? COUNT(dvals) : o->kind == 1 ? COUNT(svals) : o->kind == 2 ? COUNT(ivals) : COUNT(hvals);
        uint64_t sum = 0, flags = 0;
        for (unsigned x = 0; x < n; x++) {
            for (unsigned y = 0; y < n; y += (o->kind >= 2 ? n : 1)) {
                uint64_t c = vals[(x * 7 + y * 3) % n];
                set_fpcr(fpcr);
                set_fpsr(0);
                uint64_t r = o->fn(vals[x], vals[y], c);
                uint64_t s = get_fpsr();
                set_fpcr(0);
                if (verbose) report(o->name, vals[x], vals[y], r, s);
                sum = sum * 31 + r + (s << 40);
                flags |= s;
            }
        }
        puts_(o->name); puts_(" sum "); hex(sum); puts_(" flags "); hexn(flags, 8); putc_('\n');
        checksum ^= sum;
    }
}

/* ---- vectors ---- */
static uint8_t bytes[64] __attribute__((aligned(16)));

static void pv(const char *name, uint8x16_t v) {
    uint64x2_t w = vreinterpretq_u64_u8(v);
    puts_(name); putc_(' '); hex(vgetq_lane_u64(w, 1)); hex(vgetq_lane_u64(w, 0)); putc_(' '); hexn(get_fpsr(), 8); putc_('\n');
    set_fpsr(0);
}
#define PV(name, expr) pv(name, vreinterpretq_u8_u64(vreinterpretq_u64_u8((uint8x16_t)(expr))))

__attribute__((noinline)) static void vector_tests(void) {
    for (int k = 0; k < 64; k++) bytes[k] = (uint8_t)(k * 37 + 11) ^ (k & 8 ? 0x80 : 0);
    uint8x16_t a = vld1q_u8(bytes), b = vld1q_u8(bytes + 16), c = vld1q_u8(bytes + 32);
    int16x8_t sa = vreinterpretq_s16_u8(a), sb = vreinterpretq_s16_u8(b);
    int32x4_t ia = vreinterpretq_s32_u8(a), ib = vreinterpretq_s32_u8(b);
    uint64x2_t da = vreinterpretq_u64_u8(a), db = vreinterpretq_u64_u8(b);
    set_fpsr(0);
    PV("add.16b", vaddq_u8(a, b)); PV("sub.8h", vsubq_s16(sa, sb)); PV("mul.4s", vmulq_s32(ia, ib));
    PV("mla.8h", vmlaq_s16(sa, sb, sa)); PV("mls.4s", vmlsq_s32(ia, ib, ia));
    PV("add.2d", vaddq_u64(da, db)); PV("sub.2d", vsubq_u64(da, db));
    PV("cmeq.16b", vceqq_u8(a, b)); PV("cmgt.8h", vcgtq_s16(sa, sb)); PV("cmhi.4s", vcgtq_u32(vreinterpretq_u32_u8(a), vreinterpretq_u32_u8(b)));
    PV("cmge.16b", vcgeq_s8(vreinterpretq_s8_u8(a), vreinterpretq_s8_u8(b))); PV("cmhs.8h", vcgeq_u16(vreinterpretq_u16_u8(a), vreinterpretq_u16_u8(b)));
    PV("cmtst.16b", vtstq_u8(a, b)); PV("cmeq0.16b", vceqzq_u8(a)); PV("cmlt0.8h", vcltzq_s16(sa));
    PV("and", vandq_u8(a, b)); PV("orr", vorrq_u8(a, b)); PV("eor", veorq_u8(a, b)); PV("bic", vbicq_u8(a, b));
    PV("orn", vornq_u8(a, b)); PV("bsl", vbslq_u8(c, a, b)); PV("not", vmvnq_u8(a));
    PV("shl.8h", vshlq_n_s16(sa, 3)); PV("ushr.16b", vshrq_n_u8(a, 3)); PV("sshr.4s", vshrq_n_s32(ia, 7));
    PV("usra.8h", vsraq_n_u16(vreinterpretq_u16_u8(a), vreinterpretq_u16_u8(b), 5)); PV("ssra.2d", vsraq_n_s64(vreinterpretq_s64_u8(a), vreinterpretq_s64_u8(b), 63));
    PV("urshr.16b", vrshrq_n_u8(a, 2)); PV("srshr.8h", vrshrq_n_s16(sa, 9));
    PV("shrn", vcombine_u8(vshrn_n_u16(vreinterpretq_u16_u8(a), 4), vshrn_n_u16(vreinterpretq_u16_u8(b), 5)));
    PV("rshrn", vcombine_u8(vrshrn_n_u16(vreinterpretq_u16_u8(a), 4), vdup_n_u8(0)));
    PV("sqshrn", vcombine_s8(vqshrn_n_s16(sa, 2), vqshrn_n_s16(sb, 7)));
    PV("uqshrn", vcombine_u8(vqshrn_n_u16(vreinterpretq_u16_u8(a), 1), vdup_n_u8(0)));
    PV("sqrshrun", vcombine_u8(vqrshrun_n_s16(sa, 3), vdup_n_u8(0)));
    PV("sli", vsliq_n_u8(a, b, 3)); PV("sri", vsriq_n_u8(a, b, 3));
    PV("sshll", vshll_n_s8(vget_low_s8(vreinterpretq_s8_u8(a)), 2)); PV("ushll2", vshll_high_n_u8(a, 3));
    PV("uxtl", vmovl_u8(vget_high_u8(b))); PV("sxtl.4s", vmovl_s16(vget_low_s16(sa)));
    PV("xtn", vcombine_u8(vmovn_u16(vreinterpretq_u16_u8(a)), vmovn_u16(vreinterpretq_u16_u8(b))));
    PV("sqxtn", vcombine_s16(vqmovn_s32(ia), vqmovn_s32(ib))); PV("uqxtn", vcombine_u8(vqmovn_u16(vreinterpretq_u16_u8(a)), vdup_n_u8(1)));
    PV("sqxtun", vcombine_u8(vqmovun_s16(sa), vqmovun_s16(sb)));
    PV("addhn", vcombine_u8(vaddhn_u16(vreinterpretq_u16_u8(a), vreinterpretq_u16_u8(b)), vraddhn_u16(vreinterpretq_u16_u8(a), vreinterpretq_u16_u8(c))));
    PV("subhn", vcombine_u16(vsubhn_u32(vreinterpretq_u32_u8(a), vreinterpretq_u32_u8(b)), vrsubhn_u32(vreinterpretq_u32_u8(a), vreinterpretq_u32_u8(c))));
    PV("uaddl", vaddl_u8(vget_low_u8(a), vget_low_u8(b))); PV("saddw", vaddw_s8(sa, vget_high_s8(vreinterpretq_s8_u8(b))));
    PV("usubl2", vsubl_high_u8(a, b)); PV("smull", vmull_s16(vget_low_s16(sa), vget_low_s16(sb)));
    PV("umull2", vmull_high_u32(vreinterpretq_u32_u8(a), vreinterpretq_u32_u8(b))); PV("umlal", vmlal_u8(vreinterpretq_u16_u8(c), vget_low_u8(a), vget_low_u8(b)));
    PV("sabdl", vabdl_s8(vget_low_s8(vreinterpretq_s8_u8(a)), vget_low_s8(vreinterpretq_s8_u8(b))));
    PV("uabd", vabdq_u8(a, b)); PV("saba", vabaq_s16(sa, sb, sa)); PV("pmull", vmull_p8(vget_low_p8(vreinterpretq_p8_u8(a)), vget_low_p8(vreinterpretq_p8_u8(b))));
    PV("pmul", vmulq_p8(vreinterpretq_p8_u8(a), vreinterpretq_p8_u8(b)));
    PV("umax", vmaxq_u8(a, b)); PV("smin", vminq_s16(sa, sb)); PV("umaxp", vpmaxq_u8(a, b)); PV("sminp", vpminq_s32(ia, ib));
    PV("addp", vpaddq_u8(a, b)); PV("addp.2d", vpaddq_u64(da, db)); PV("uaddlp", vpaddlq_u8(a)); PV("sadalp", vpadalq_s16(ib, sa));
    PV("uhadd", vhaddq_u8(a, b)); PV("srhadd", vrhaddq_s16(sa, sb)); PV("shsub", vhsubq_s8(vreinterpretq_s8_u8(a), vreinterpretq_s8_u8(b)));
    PV("uqadd", vqaddq_u8(a, b)); PV("sqadd", vqaddq_s16(sa, sb)); PV("uqsub", vqsubq_u8(a, b)); PV("sqsub", vqsubq_s32(ia, ib));
    PV("sqdmulh", vqdmulhq_s16(sa, sb)); PV("sqrdmulh", vqrdmulhq_s32(ia, ib));
    PV("sqdmull", vqdmull_s16(vget_low_s16(sa), vget_low_s16(sb)));
    PV("sshl", vshlq_s16(sa, vreinterpretq_s16_u8(vandq_u8(b, vdupq_n_u8(0x8f))))); PV("ushl", vshlq_u8(a, vreinterpretq_s8_u8(vandq_u8(b, vdupq_n_u8(0x87)))));
    PV("srshl", vrshlq_s32(ia, vdupq_n_s32(-5))); PV("uqshl", vqshlq_u8(a, vdupq_n_s8(2))); PV("sqshl.n", vqshlq_n_s16(sa, 4));
    PV("sqrshl", vqrshlq_s16(sa, vdupq_n_s16(3))); PV("sqshlu", vqshluq_n_s8(vreinterpretq_s8_u8(a), 1));
    PV("abs", vabsq_s8(vreinterpretq_s8_u8(a))); PV("neg", vnegq_s16(sa)); PV("sqabs", vqabsq_s8(vreinterpretq_s8_u8(vdupq_n_u8(0x80))));
    PV("sqneg", vqnegq_s16(sa)); PV("cls", vclsq_s8(vreinterpretq_s8_u8(a))); PV("clz", vclzq_u16(vreinterpretq_u16_u8(a)));
    PV("cnt", vcntq_u8(a)); PV("rbit", vrbitq_u8(a)); PV("rev64", vrev64q_u16(vreinterpretq_u16_u8(a)));
    PV("rev32", vrev32q_u8(a)); PV("rev16", vrev16q_u8(a));
    PV("zip1", vzip1q_u8(a, b)); PV("zip2", vzip2q_u16(vreinterpretq_u16_u8(a), vreinterpretq_u16_u8(b)));
    PV("uzp1", vuzp1q_u8(a, b)); PV("uzp2", vuzp2q_u32(vreinterpretq_u32_u8(a), vreinterpretq_u32_u8(b)));
    PV("trn1", vtrn1q_u8(a, b)); PV("trn2", vtrn2q_u16(vreinterpretq_u16_u8(a), vreinterpretq_u16_u8(b)));
    PV("ext", vextq_u8(a, b, 5)); PV("ext.8b", vcombine_u8(vext_u8(vget_low_u8(a), vget_low_u8(b), 3), vdup_n_u8(7)));
    PV("tbl1", vqtbl1q_u8(a, vandq_u8(c, vdupq_n_u8(0x1f))));
    uint8x16x2_t t2 = {{a, b}};
    PV("tbl2", vqtbl2q_u8(t2, vandq_u8(c, vdupq_n_u8(0x3f)))); PV("tbx2", vqtbx2q_u8(c, t2, vandq_u8(b, vdupq_n_u8(0x27))));
    PV("dup", vdupq_laneq_u16(vreinterpretq_u16_u8(a), 5)); PV("dupx", vdupq_n_u64(vgetq_lane_u64(da, 1) ^ 0x55));
    PV("ins", vsetq_lane_u32(0xdeadbeef, vreinterpretq_u32_u8(a), 2)); PV("ins.elt", vcopyq_laneq_u8(a, 3, b, 14));
    PV("movi", vdupq_n_u32(0x4500)); PV("mvni", vdupq_n_u32(0xffffb3ff)); PV("movi.d", vdupq_n_u64(0xff00ff0000ffff00ULL));
    PV("fmov.v", vdupq_n_f32(-1.25f)); PV("orr.imm", vorrq_u32(vreinterpretq_u32_u8(a), vdupq_n_u32(0x00ab0000)));
    uint64_t acc = 0;
    acc = acc * 131 + vaddvq_u8(a); acc = acc * 131 + vmaxvq_u8(b); acc = acc * 131 + vminvq_u16(vreinterpretq_u16_u8(c));
    acc = acc * 131 + (uint64_t)vmaxvq_s32(ia); acc = acc * 131 + (uint64_t)vminvq_s8(vreinterpretq_s8_u8(b));
    acc = acc * 131 + vaddlvq_u8(a); acc = acc * 131 + (uint64_t)vaddlvq_s16(sb); acc = acc * 131 + vaddvq_u32(vreinterpretq_u32_u8(c));
    acc = acc * 131 + vgetq_lane_u8(a, 9); acc = acc * 131 + (uint64_t)vgetq_lane_s16(sb, 3); acc = acc * 131 + (uint64_t)(int64_t)vgetq_lane_s8(vreinterpretq_s8_u8(b), 4);
    puts_("across "); hex(acc); putc_('\n');
    /* FP vectors */
    float32x4_t fa = {1.5f, -2.25f, 0.0f, 3.0e38f}, fb = {-0.0f, 4.0f, 1.0e-40f, 10.0f};
    float64x2_t ga = {1.0 / 3.0, -1e308}, gb = {3.0, 1e308};
    PV("fadd.4s", vaddq_f32(fa, fb)); PV("fsub.4s", vsubq_f32(fa, fb)); PV("fmul.4s", vmulq_f32(fa, fb));
    PV("fdiv.4s", vdivq_f32(fa, fb)); PV("fmla.4s", vfmaq_f32(fa, fb, fa)); PV("fmls.2d", vfmsq_f64(ga, gb, ga));
    PV("fadd.2d", vaddq_f64(ga, gb)); PV("fmul.2d", vmulq_f64(ga, gb)); PV("fdiv.2d", vdivq_f64(ga, gb));
    PV("fmax.4s", vmaxq_f32(fa, fb)); PV("fminnm.4s", vminnmq_f32(fa, fb)); PV("fabd.4s", vabdq_f32(fa, fb));
    PV("faddp.4s", vpaddq_f32(fa, fb)); PV("fmaxp.4s", vpmaxq_f32(fa, fb)); PV("fmaxnmp.2d", vpmaxnmq_f64(ga, gb));
    PV("fcmeq.4s", vceqq_f32(fa, fb)); PV("fcmge.4s", vcgeq_f32(fa, fb)); PV("fcmgt.2d", vcgtq_f64(ga, gb));
    PV("facgt.4s", vcagtq_f32(fa, fb)); PV("fcmlt0.4s", vcltzq_f32(fa)); PV("fcmle0.2d", vclezq_f64(ga));
    PV("fabs.4s", vabsq_f32(fa)); PV("fneg.2d", vnegq_f64(ga)); PV("fsqrt.4s", vsqrtq_f32(fa)); PV("fsqrt.2d", vsqrtq_f64(gb));
    PV("frintn.4s", vrndnq_f32(vmulq_n_f32(fa, 1.25f))); PV("frintm.2d", vrndmq_f64(ga)); PV("frinta.4s", vrndaq_f32(fb));
    PV("fcvtzs.4s", vcvtq_s32_f32(fa)); PV("fcvtzu.2d", vcvtq_u64_f64(ga)); PV("fcvtns.4s", vcvtnq_s32_f32(fb)); PV("fcvtau.4s", vcvtaq_u32_f32(fa));
    PV("scvtf.4s", vcvtq_f32_s32(ia)); PV("ucvtf.2d", vcvtq_f64_u64(da)); PV("scvtf.fix", vcvtq_n_f32_s32(ia, 12)); PV("fcvtzs.fix", vcvtq_n_s32_f32(fa, 3));
    PV("fcvtn", vcombine_f32(vcvt_f32_f64(ga), vcvt_f32_f64(gb))); PV("fcvtl", vcvt_f64_f32(vget_low_f32(fa))); PV("fcvtxn", vcombine_f32(vcvtx_f32_f64(ga), vdup_n_f32(0)));
    PV("fmul.elt", vmulq_laneq_f32(fa, fb, 1)); PV("fmla.elt", vfmaq_laneq_f64(ga, gb, ga, 1)); PV("fmulx", vmulxq_f32(fa, fb));
    PV("mul.elt", vmulq_laneq_s16(sa, sb, 6)); PV("mla.elt", vmlaq_laneq_s32(ia, ib, ia, 3)); PV("umull.elt", vmull_laneq_u16(vget_low_u16(vreinterpretq_u16_u8(a)), vreinterpretq_u16_u8(b), 7));
    PV("frecps", vrecpsq_f32(fa, fb)); PV("frsqrts", vrsqrtsq_f32(fa, fb));
    float sacc = vmaxvq_f32(fa) + vminnmvq_f32(fb) + vpadds_f32(vget_low_f32(fa)) + vmaxnmvq_f32(fa);
    uint32_t sbits; __builtin_memcpy(&sbits, &sacc, 4);
    puts_("fpacross "); hexn(sbits, 8); putc_('\n');
}

/* ---- the cryptographic extension: chained rounds so every step feeds the next ---- */
__attribute__((noinline)) static void crypto_tests(void) {
    uint8x16_t st = vld1q_u8(bytes), key = vld1q_u8(bytes + 16);
    uint32x4_t h = vreinterpretq_u32_u8(vld1q_u8(bytes + 32)), w = vreinterpretq_u32_u8(vld1q_u8(bytes + 48)), g = h;
    for (int r = 0; r < 16; r++) {
        st = vaesmcq_u8(vaeseq_u8(st, key));
        key = veorq_u8(vaesimcq_u8(vaesdq_u8(key, st)), st);
        uint32_t e = vsha1h_u32(vgetq_lane_u32(h, 0) + (uint32_t)r);
        h = vsha1cq_u32(h, e, w);
        h = vsha1pq_u32(h, e + 1, w);
        h = vsha1mq_u32(h, e ^ 0x5a5a, w);
        w = vsha1su1q_u32(vsha1su0q_u32(w, h, g), g);
        uint32x4_t g2 = vsha256hq_u32(g, h, w);
        h = vsha256h2q_u32(h, g, w);
        g = g2;
        w = vsha256su1q_u32(vsha256su0q_u32(w, h), g, h);
    }
    PV("aes", st); PV("aes.key", key); PV("sha1", h); PV("sha256", g); PV("sched", w);
    poly128_t p = vmull_p64(vgetq_lane_u64(vreinterpretq_u64_u8(st), 0), vgetq_lane_u64(vreinterpretq_u64_u8(key), 1));
    PV("pmull.1q", vreinterpretq_u8_p128(p));
    PV("pmull2.1q", vreinterpretq_u8_p128(vmull_high_p64(vreinterpretq_p64_u8(st), vreinterpretq_p64_u8(key))));
}

/* ---- loads and stores of SIMD&FP registers in their addressing modes ---- */
static uint8_t mem[256] __attribute__((aligned(16)));
static uint8_t out[256] __attribute__((aligned(16)));

__attribute__((noinline)) static void ldst_tests(void) {
    for (int k = 0; k < 256; k++) { mem[k] = (uint8_t)(k * 7 + 3); out[k] = 0; }
    uint64_t r[8];
    uint8_t *p = mem, *q = out;
    __asm__ volatile(
        "ldr q0, [%[p]]\n ldr d1, [%[p], #8]\n ldr s2, [%[p], #12]\n ldr h3, [%[p], #2]\n ldr b4, [%[p], #255]\n"
        "ldur q5, [%[p], #3]\n ldp q6, q7, [%[p], #32]\n ldp d16, d17, [%[p], #-0]\n ldp s18, s19, [%[p], #100]\n"
        "str q0, [%[q]], #16\n str d1, [%[q], #8]!\n str s2, [%[q], #4]\n stur h3, [%[q], #9]\n str b4, [%[q], #11]\n"
        "stp q6, q7, [%[q], #16]!\n stp d16, d17, [%[q], #32]\n stp s18, s19, [%[q], #48]\n"
        "mov x9, #5\n ldr q20, [%[p], x9, lsl #4]\n str q20, [%[q], #56]\n"
        "mov w9, #-3\n ldr d21, [%[p], w9, sxtw #3]\n"
        "ld1 {v22.16b, v23.16b}, [%[p]], #32\n ld2 {v24.8h, v25.8h}, [%[p]]\n ld3 {v26.4s, v27.4s, v28.4s}, [%[p]], #48\n"
        "ld4 {v0.8b, v1.8b, v2.8b, v3.8b}, [%[p]]\n ld1r {v5.8h}, [%[p]], #2\n ld1 {v6.s}[3], [%[p]]\n ld2 {v7.b, v8.b}[9], [%[p]], #2\n"
        "ld4r {v16.4s, v17.4s, v18.4s, v19.4s}, [%[p]]\n"
        "st1 {v22.16b, v23.16b, v24.16b}, [%[q]], #48\n st2 {v25.4s, v26.4s}, [%[q]], #32\n st3 {v0.8b, v1.8b, v2.8b}, [%[q]]\n"
        "mov x10, #24\n add %[q], %[q], x10\n st4 {v2.h, v3.h, v4.h, v5.h}[5], [%[q]], x10\n st1 {v6.d}[1], [%[q]], #8\n"
        "st1 {v7.16b}, [%[q]]\n"
        "fmov %[r0], d21\n fmov %[r1], v8.d[1]\n umov %[r2], v16.d[0]\n umov %[r3], v19.d[1]\n"
        : [p] "+r"(p), [q] "+r"(q), [r0] "=r"(r[0]), [r1] "=r"(r[1]), [r2] "=r"(r[2]), [r3] "=r"(r[3])
        : : "x9", "x10", "memory", "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v16", "v17", "v18", "v19", "v20",
            "v21", "v22", "v23", "v24", "v25", "v26", "v27", "v28");
    puts_("ldst p+"); hexn((uint64_t)(p - mem), 4); puts_(" q+"); hexn((uint64_t)(q - out), 4);
    for (int k = 0; k < 4; k++) { putc_(' '); hex(r[k]); }
    putc_('\n');
    for (int k = 0; k < 256; k += 32) {
        for (int j = 0; j < 32; j++) hexn(out[k + j], 2);
        putc_('\n');
    }
}

/* ---- what gcc -O2 makes of ordinary loops (auto-vectorised) ---- */
__attribute__((noinline)) static uint64_t loops(void) {
    static int32_t xi[103]; static float xf[103]; static double xd[67]; static uint8_t s[200];
    for (int k = 0; k < 103; k++) { xi[k] = k * k - 50 * k; xf[k] = (float)xi[k] * 0.37f; }
    for (int k = 0; k < 67; k++) xd[k] = (double)k / 7.0 - 3.0;
    for (int k = 0; k < 200; k++) s[k] = (uint8_t)(k * 13);
    int64_t si = 0; float sf = 0; double sd = 0; uint32_t h = 0;
    for (int k = 0; k < 103; k++) si += xi[k] > 0 ? xi[k] : -xi[k] / 3;
    for (int k = 0; k < 103; k++) sf += xf[k] * xf[k];
    for (int k = 0; k < 67; k++) sd += xd[k] * xd[(k + 5) % 67];
    for (int k = 0; k < 200; k++) h += s[k] > 100 ? s[k] : s[k] ^ 0x5a;
    uint32_t fb; __builtin_memcpy(&fb, &sf, 4);
    uint64_t db; __builtin_memcpy(&db, &sd, 8);
    return (uint64_t)si ^ ((uint64_t)fb << 20) ^ db ^ ((uint64_t)h << 44);
}

/* The FPCR/FPSR bits AArch64 defines (AHP DN FZ RMode; QC and the cumulative flags). Len,
 * Stride and FPSR.NZCV exist only for AArch32 context switching (QEMU keeps them; a PE
 * without AArch32 treats them as RES0), so they are masked off. */
static uint64_t gp_fpcr_check(void) {
    set_fpcr(~0ULL);
    uint64_t c = get_fpcr() & 0x07c00000;
    set_fpsr(~0ULL);
    uint64_t s = get_fpsr() & 0x0800009f;
    set_fpcr(0); set_fpsr(0);
    return c << 32 | s;
}

__attribute__((noinline)) static void fp_main(void) {
    puts_("fpcr/fpsr writable "); hex(gp_fpcr_check()); putc_('\n');
#ifndef VERBOSE
#define VERBOSE 0
#endif
    scalar_tests(0, VERBOSE);
    scalar_tests(1 << 22, 0);                /* RP */
    scalar_tests(2 << 22, 0);                /* RM */
    scalar_tests(3 << 22, 0);                /* RZ */
    scalar_tests(1 << 24, VERBOSE);          /* FZ */
    scalar_tests(1 << 25, 0);                /* DN */
    scalar_tests((1 << 26) | (1 << 25) | (1 << 24) | (2 << 22), 0); /* AHP DN FZ RM */
    puts_("scalar checksum "); hex(checksum); putc_('\n');
    vector_tests();
    crypto_tests();
    ldst_tests();
    puts_("loops "); hex(loops()); putc_('\n');
}

GPR int main(void) {
    uint64_t cpacr;
    __asm__ volatile("mrs %0, cpacr_el1" : "=r"(cpacr));
    puts_("cpacr "); hex(cpacr); putc_('\n');
    __asm__ volatile("msr cpacr_el1, %0\n isb" :: "r"(0ULL));
    /* FP disabled: the first FP instruction traps (EC 0x07), the handler enables FP and retries */
    uint64_t r;
    __asm__ volatile("fmov d0, #1.5\n fmov %0, d0" : "=r"(r) :: "v0");
    puts_("after trap "); hex(r); putc_('\n');
    __asm__ volatile("msr cpacr_el1, %0\n isb" :: "r"(1ULL << 20));
    __asm__ volatile("mrs %0, fpsr" : "=r"(r));   /* FPEN=01 enables EL1 */
    puts_("fpen=01 ok\n");
    fp_main();
    puts_("done\n");
    return 0;
}
