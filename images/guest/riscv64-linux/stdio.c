/* stdio: formatted output of every kind, buffering modes, scanf from a string, files via FILE*. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void) {
    printf("%d %i %u %x %X %o %c %s %%\n", -42, 42, 42u, 255, 255, 8, 'z', "str");
    printf("%5d|%-5d|%05d|%+d\n", 42, 42, 42, 42);
    printf("%ld %lld %zu %p\n", -1L, 1LL << 40, sizeof(long), (void *)0);
    printf("%f %.3f %e %g %g\n", 3.14159, 2.71828, 12345.678, 0.0001, 1e20);
    printf("%.10f %a\n", sqrt(2.0), 1.0);
    printf("%s\n", strerror(2));
    char buf[64];
    snprintf(buf, sizeof buf, "%08.3f", -3.5);
    puts(buf);
    int a, b;
    char w[16];
    sscanf("12 34 word", "%d %d %15s", &a, &b, w);
    printf("sscanf %d %d %s\n", a, b, w);
    printf("strtod %.2f strtol %ld\n", strtod("6.25e1", NULL), strtol("-0x1f", NULL, 16));
    FILE *f = fopen("/tmp/stdio.txt", "w+");
    for (int i = 0; i < 1000; i++) fprintf(f, "line %d\n", i);
    rewind(f);
    int lines = 0;
    long total = 0;
    while (fgets(buf, sizeof buf, f)) { lines++; total += atoi(buf + 5); }
    printf("lines %d total %ld pos %ld\n", lines, total, ftell(f));
    fclose(f);
    remove("/tmp/stdio.txt");
    fputs("to stderr\n", stderr);
    for (int i = 0; i < 3; i++) putchar('a' + i);
    putchar('\n');
    return 0;
}
