/* long double (x87 80-bit) through glibc: printf %La/%Lg/%Lf/%Le at many precisions (glibc's
 * printf_fp does the digit generation with multi-precision integer arithmetic on the 64-bit
 * significand), strtold round trips, and libm's long double functions (sqrtl, expl, logl,
 * sinl, cosl, tanl, atanl, powl, fmal, ...), which glibc implements with x87 instructions
 * (fsqrt, fyl2x, f2xm1, fpatan, fsin, fprem, ...) and in integer code. Compared with the host:
 * transcendental x87 instructions are not bit-exact under the emulator (docs/x86_64.md), so
 * their results are printed to 15 significant digits; everything exact is printed in full. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void show(const char *what, long double x) {
    printf("%-10s %La | %.30Lg | %.25Le", what, x, x, x);
    /* %Lf of LDBL_MAX is 4933 digits of multi-precision work: the emulated run's main cost, so only below 1e300 */
    if (!(fabsl(x) >= 1e300L)) printf(" | %Lf", x);
    printf("\n");
}

/* a 15-digit rendering for results of the approximate x87 transcendentals */
static void approx(const char *what, long double x) { printf("%-10s %.15Lg\n", what, x); }

int main(void) {
    long double v[] = {0.0L, -0.0L, 1.0L, -1.0L, 0.1L, 1.0L / 3, 2.0L / 3, 3.14159265358979323846264338327950288L,
                       1e4000L, -1e-4000L, LDBL_MAX, LDBL_MIN, LDBL_MIN / 1024, LDBL_TRUE_MIN, LDBL_EPSILON,
                       123456789012345678.0L, 18446744073709551615.0L, 0.5L, 1e-20L, 9.999999999999999999e99L,
                       INFINITY, -INFINITY, NAN};
    int n = sizeof v / sizeof v[0];
    for (int i = 0; i < n; i++) show("value", v[i]);
    for (int p = 0; p <= 40; p += 3) printf("prec %2d %.*Lf %.*Le %.*Lg\n", p, p, v[7], p, v[5], p, v[8]);
    printf("%50.40Lf|%-30.10Lg|%+.0Le|%#.0Lf|%020.5Lf\n", 1.0L / 7, -2.0L / 9, 12345.678L, 3.0L, -0.03125L);

    /* exact arithmetic: + - * / sqrt in the x87's 64-bit precision */
    long double a = 1.0L, s = 0.0L;
    for (int i = 1; i <= 60; i++) { a = a * 3 / 2 - 1.0L / i; s += a / (i * i); }
    show("series", a);
    show("sum", s);
    show("sqrtl2", sqrtl(2.0L));
    show("sqrtl3", sqrtl(3.0L));
    show("fmal", fmal(1.0L + LDBL_EPSILON, 1.0L - LDBL_EPSILON, -1.0L));
    show("fmodl", fmodl(1e30L, 7.0L));
    show("remainder", remainderl(1e25L, 3.0L));
    show("rintl", rintl(2.5L));
    show("floorl", floorl(-2.5L));
    show("ceill", ceill(-2.5L));
    show("truncl", truncl(-2.7L));
    show("roundl", roundl(2.5L));
    show("ldexpl", ldexpl(1.0L, -16400));
    int e;
    show("frexpl", frexpl(12345.6789L, &e));
    printf("frexp exp %d ilogbl %d\n", e, ilogbl(1e-300L));
    show("scalbnl", scalbnl(3.0L, 100));
    show("nextup", nextafterl(1.0L, 2.0L));
    show("copysign", copysignl(3.0L, -0.0L));
    printf("lrintl %ld llroundl %lld\n", lrintl(1e18L + 0.5L), llroundl(-12345678901.5L));

    /* strtold round trips and hard cases */
    const char *in[] = {"0.1", "1e-4950", "1.18973149535723176502e+4932", "1.18973149535723176508e+4932",
                        "3.6451995318824746025e-4951", "0x1.fffffffffffffffep+16383", "123456789.123456789123456789",
                        "-0x1p-16445", "nan", "-inf", "4.9406564584124654e-324", "2.2250738585072011e-308"};
    for (int i = 0; i < (int)(sizeof in / sizeof in[0]); i++) {
        char *end;
        long double x = strtold(in[i], &end);
        char buf[80];
        snprintf(buf, sizeof buf, "%.21Lg", x);
        long double y = strtold(buf, NULL);
        printf("strtold %-32s -> %La consumed %d roundtrip %d\n", in[i], x, (int)(end - in[i]), memcmp(&x, &y, 10) == 0);
    }

    /* libm's long double transcendentals (x87 f2xm1/fyl2x/fsin/... inside): 15 digits */
    long double xs[] = {0.5L, 1.0L, 2.0L, 10.0L, 0.001L, 100.25L};
    for (int i = 0; i < 6; i++) {
        long double x = xs[i];
        printf("x=%Lg\n", x);
        approx(" expl", expl(x));
        approx(" logl", logl(x));
        approx(" log2l", log2l(x));
        approx(" log10l", log10l(x));
        approx(" sinl", sinl(x));
        approx(" cosl", cosl(x));
        approx(" tanl", tanl(x));
        approx(" atanl", atanl(x));
        approx(" asinl", asinl(x / 200));
        approx(" powl", powl(x, 1.5L));
        approx(" cbrtl", cbrtl(x));
        approx(" sinhl", sinhl(x / 10));
        approx(" atan2l", atan2l(x, -3.0L));
        approx(" expm1l", expm1l(x / 1000));
        approx(" log1pl", log1pl(x / 1000));
        approx(" hypotl", hypotl(x, 3.0L));
    }
    /* double and float printf go through the same printf_fp */
    printf("%.17g %.9g %a %a\n", 0.1, 0.1f, 1.0 / 3, (double)(2.0f / 3));
    return 0;
}
