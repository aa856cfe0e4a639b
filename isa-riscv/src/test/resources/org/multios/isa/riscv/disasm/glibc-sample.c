/* A small hosted program; linked statically with glibc it gives the disassembler tens of
 * thousands of real library instructions to match against objdump. Built at test time. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    double v[64];
    for (int i = 0; i < 64; i++) v[i] = sin(i * 0.7 + argc) * 100.0;
    qsort(v, 64, sizeof v[0], cmp);
    char *s = malloc(128);
    snprintf(s, 128, "%s %.3f %ld", argc > 0 ? argv[0] : "?", sqrt(fabs(v[3])), strtol("12345", NULL, 10));
    printf("%zu %s\n", strlen(s), s);
    free(s);
    return 0;
}
