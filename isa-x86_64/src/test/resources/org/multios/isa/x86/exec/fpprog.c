/*
 * Floating-point and SIMD workload for HostCompiledFpTest: built once for the host (with
 * -DHOST_MAIN, printing `result` in hex) and once freestanding for the emulator (entry
 * run_all); both must leave the same bytes in `result`.
 */
#include <immintrin.h>
#include <stdint.h>

unsigned char result[16384];
static int pos;

static void put(const void *p, int n) {
    const volatile unsigned char *c = p;
    for (int i = 0; i < n; i++) result[pos++] = c[i];
}

#define PUT(v) do { __typeof__(v) t_ = (v); put(&t_, sizeof t_); } while (0)

static const double seeds[] = {0.0, -0.0, 1.0, -1.5, 3.141592653589793, 1e-310, -2.5e-320, 1e300, -7.25e-5,
                               123456789.123, 0.1, 2.0 / 3.0, 1e16, -4503599627370497.0, 9.5, -9.5, 2147483647.5};
#define NSEEDS (int) (sizeof seeds / sizeof seeds[0])

__attribute__((noinline)) static double poly(double x) { return ((x * 0.5 - 1.25) * x + 3.0) * x - 0.125; }

static void doubles(void) {
    for (int i = 0; i < NSEEDS; i++) {
        double x = seeds[i];
        double y = seeds[(i * 7 + 3) % NSEEDS];
        PUT(poly(x));
        PUT(x / (y == 0 ? 3.0 : y));
        PUT(__builtin_sqrt(x < 0 ? -x : x));
        PUT((float) x);
        PUT((long) (x > 9e18 || x < -9e18 ? 0 : x));
        PUT((int) (x > 2e9 || x < -2e9 ? 0 : x));
        PUT(__builtin_floor(x));
        PUT(__builtin_ceil(x));
        PUT(__builtin_trunc(x));
        PUT(x < y ? x : y); /* MINSD */
        PUT(x > y ? x : y); /* MAXSD */
        PUT(x < y);
        PUT((double) (long) i * x);
        PUT((unsigned long) (x < 0 || x > 1e19 ? 1 : x));
    }
}

__attribute__((noinline)) static float dot(const float *a, const float *b, int n) {
    float s = 0;
    for (int i = 0; i < n; i++) s += a[i] * b[i];
    return s;
}

static float fa[67], fb[67];

static void floats(void) {
    for (int i = 0; i < 67; i++) {
        fa[i] = (float) seeds[i % NSEEDS] * 0.25f + (float) i;
        fb[i] = 1.0f / (float) (i + 1);
    }
    for (int n = 0; n < 67; n += 5) PUT(dot(fa, fb, n));
    for (int i = 0; i < 67; i++) fa[i] = fa[i] * fb[i] + 0.5f;
    put(fa, sizeof fa);
    for (int i = 0; i < 64; i++) {
        float v = fa[i] * 1e-30f * 1e-9f;
        PUT(v);
        PUT((int) (fa[i] * 100.0f));
        PUT(__builtin_sqrtf(fa[i]));
    }
}

__attribute__((noinline)) static long double ldpoly(long double x) { return (x * x - 3.0L) / (x + 0.5L); }

static void longdoubles(void) {
    long double f = 1;
    for (int i = 1; i < 30; i++) {
        f *= i;
        PUT(f);
        PUT(ldpoly(f / 7.0L));
        PUT(__builtin_sqrtl(f));
        PUT((long long) (f / 1e10L));
        PUT((double) f);
    }
    /* decimal digits the way printf("%Lf") finds them: scale, truncate, subtract */
    for (int i = 0; i < NSEEDS; i++) {
        long double y = (long double) seeds[i] / 3.0L;
        if (y < 0) y = -y;
        while (y >= 1) y /= 10;
        for (int k = 0; k < 20; k++) {
            y *= 10;
            int d = (int) y;
            y -= d;
            PUT((char) ('0' + d));
        }
    }
    long double r = 0.1L;
    for (int i = 0; i < 40; i++) r = r * 1.0000001L + 1e-5L;
    PUT(r);
}

static void rounding_modes(void) {
    unsigned int saved = _mm_getcsr();
    for (int mode = 0; mode < 4; mode++) {
        _mm_setcsr((saved & ~0x6000u) | (unsigned) mode << 13);
        for (int i = 0; i < NSEEDS; i++) {
            volatile double x = seeds[i], y = 3.0;
            PUT(x / y);
            PUT(_mm_cvtsd_si32(_mm_set_sd(x > 2e9 || x < -2e9 ? 0.5 : x)));
            PUT((float) (x / y));
        }
        PUT(_mm_getcsr());
    }
    _mm_setcsr(saved);
    unsigned short cw, newcw;
    __asm__ volatile("fnstcw %0" : "=m"(cw));
    for (int rc = 0; rc < 4; rc++) {
        for (int pc = 0; pc < 4; pc += 2) {
            newcw = (unsigned short) ((cw & ~0xf00) | rc << 10 | (pc == 0 ? 0 : 3) << 8);
            __asm__ volatile("fldcw %0" ::"m"(newcw));
            volatile long double a = 2.0L, b = 3.0L;
            long double q = a / b;
            PUT(q);
            long long n;
            long double z = -2.5L * (rc + 1);
            __asm__ volatile("fistpll %0" : "=m"(n) : "t"(z) : "st");
            PUT(n);
            unsigned short sw;
            __asm__ volatile("fnstsw %0" : "=m"(sw));
            PUT(sw);
        }
    }
    __asm__ volatile("fldcw %0" ::"m"(cw));
}

static const char text[] = "The quick brown fox jumps over the lazy dog; 0123456789 {braces} and more text\0tail";

__attribute__((noinline)) static long sse2_strlen(const char *s) {
    const char *p = (const char *) ((uintptr_t) s & ~(uintptr_t) 15);
    __m128i zero = _mm_setzero_si128();
    unsigned mask = (unsigned) _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_load_si128((const __m128i *) p), zero));
    mask >>= (uintptr_t) s & 15;
    if (mask) return __builtin_ctz(mask);
    for (;;) {
        p += 16;
        mask = (unsigned) _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_load_si128((const __m128i *) p), zero));
        if (mask) return p + __builtin_ctz(mask) - s;
    }
}

static char buf[256] __attribute__((aligned(16)));

static void strings(void) {
    for (int off = 0; off < 32; off++) {
        for (int i = 0; i < (int) sizeof text; i++) buf[off + i] = text[i];
        for (int start = 0; start < 70; start += 3) PUT(sse2_strlen(buf + off + start));
    }
    __m128i set = _mm_setr_epi8('a', 'e', 'i', 'o', 'u', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    __m128i range = _mm_setr_epi8('0', '9', 'A', 'Z', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    for (int i = 0; i + 16 <= (int) sizeof text; i += 5) {
        __m128i chunk = _mm_loadu_si128((const __m128i *) (text + i));
        PUT(_mm_cmpistri(set, chunk, _SIDD_CMP_EQUAL_ANY | _SIDD_UBYTE_OPS));
        PUT(_mm_cmpistri(range, chunk, _SIDD_CMP_RANGES | _SIDD_UBYTE_OPS | _SIDD_MOST_SIGNIFICANT));
        PUT(_mm_cmpistrm(set, chunk, _SIDD_CMP_EQUAL_ANY | _SIDD_UBYTE_OPS | _SIDD_UNIT_MASK));
        PUT(_mm_cmpestri(chunk, 4, _mm_loadu_si128((const __m128i *) (text + 20)), 16, _SIDD_CMP_EQUAL_ORDERED));
        PUT(_mm_shuffle_epi8(chunk, _mm_setr_epi8(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, (char) 0x80)));
        PUT(_mm_alignr_epi8(chunk, set, 5));
        PUT(_mm_min_epu8(chunk, range));
        PUT(_mm_packus_epi16(chunk, set));
        PUT(_mm_sad_epu8(chunk, set));
        PUT(_mm_mullo_epi32(chunk, range));
        PUT(_mm_testz_si128(chunk, set));
        PUT(_mm_crc32_u64(i, (unsigned long long) _mm_cvtsi128_si64(chunk)));
    }
}

void run_all(void) {
    pos = 0;
    doubles();
    floats();
    longdoubles();
    rounding_modes();
    strings();
    PUT(pos);
}

#ifdef HOST_MAIN
#include <stdio.h>
int main(void) {
    run_all();
    for (int i = 0; i < pos; i++) printf("%02x", result[i]);
    printf("\n");
    return 0;
}
#endif
