/* glibc's string and memory functions (on aarch64 its ASIMD variants) over every length
 * 0..LEN and every source/destination alignment 0..15, each result checked against a plain
 * byte loop; prints a digest and the number of mismatches so the run compares with qemu. */
#include <stdio.h>
#include <string.h>
#include <stdint.h>

#define LEN 128
static unsigned char src[LEN + 64], dst[LEN + 64], ref[LEN + 64];
static uint64_t digest = 1469598103934665603ULL;
static long bad;

static void mix(uint64_t v) { digest = (digest ^ v) * 1099511628211ULL; }
static void check(int ok, const char *what, int len, int a, int b) {
    if (!ok && bad++ < 10) printf("mismatch %s len %d align %d/%d\n", what, len, a, b);
}
static void fill(unsigned char *p, int n, unsigned seed) {
    for (int i = 0; i < n; i++) { seed = seed * 1103515245u + 12345u; p[i] = (unsigned char)(seed >> 16) | 1; }
}

int main(void) {
    for (int len = 0; len <= LEN; len++) {
        for (int a = 0; a < 16; a++) {
            for (int b = 0; b < 16; b += 5) {
                fill(src, sizeof src, len * 31 + a);
                fill(dst, sizeof dst, len * 17 + b);
                memcpy(ref, dst, sizeof ref);
                for (int i = 0; i < len; i++) ref[b + i] = src[a + i];
                memcpy(dst + b, src + a, len);
                check(memcmp(dst, ref, sizeof ref) == 0, "memcpy", len, a, b);
                /* overlapping move both ways */
                memcpy(ref, dst, sizeof ref);
                for (int i = len - 1; i >= 0; i--) ref[a + 8 + i] = ref[a + i];
                memmove(dst + a + 8, dst + a, len);
                check(memcmp(dst, ref, sizeof ref) == 0, "memmove-up", len, a, b);
                memcpy(ref, dst, sizeof ref);
                for (int i = 0; i < len; i++) ref[a + i] = ref[a + 5 + i];
                memmove(dst + a, dst + a + 5, len);
                check(memcmp(dst, ref, sizeof ref) == 0, "memmove-down", len, a, b);
                memset(dst + b, a * 7, len);
                for (int i = 0; i < len; i++) ref[b + i] = (unsigned char)(a * 7);
                int ok = 1;
                for (int i = 0; i < len; i++) ok &= dst[b + i] == (unsigned char)(a * 7);
                check(ok, "memset", len, a, b);
                /* comparisons: equal, then one byte different at the end */
                fill(src, sizeof src, len);
                memcpy(dst + b, src + a, len);
                check(memcmp(dst + b, src + a, len) == 0, "memcmp-eq", len, a, b);
                if (len > 0) {
                    dst[b + len - 1] ^= 0x80;
                    int r = memcmp(dst + b, src + a, len);
                    int e = dst[b + len - 1] - src[a + len - 1];
                    check((r > 0) == (e > 0) && r != 0, "memcmp-ne", len, a, b);
                    mix(r > 0);
                }
                /* NUL-terminated strings */
                src[a + len] = 0;
                dst[b + len] = 0;
                check(strlen((char *)src + a) == (size_t)len, "strlen", len, a, b);
                strcpy((char *)dst + b, (char *)src + a);
                check(strcmp((char *)dst + b, (char *)src + a) == 0, "strcpy/strcmp", len, a, b);
                if (len > 2) {
                    unsigned char c = src[a + len / 2];
                    char *p = strchr((char *)src + a, c), *q = memchr(src + a, c, len), *r = strrchr((char *)src + a, c);
                    int first = 0, last = 0;
                    for (int i = 0; i < len; i++) if (src[a + i] == c) { last = i; }
                    for (int i = len - 1; i >= 0; i--) if (src[a + i] == c) first = i;
                    check(p == (char *)src + a + first && q == (char *)src + a + first, "strchr/memchr", len, a, b);
                    check(r == (char *)src + a + last, "strrchr", len, a, b);
                    dst[b + len - 2] = dst[b + len - 2] == 0xff ? 1 : dst[b + len - 2] + 1;
                    int s = strncmp((char *)dst + b, (char *)src + a, len);
                    check(s > 0 || dst[b + len - 2] == 1, "strncmp", len, a, b);
                    check(strncmp((char *)dst + b, (char *)src + a, len - 2) == 0, "strncmp-prefix", len, a, b);
                }
                for (int i = 0; i < len; i++) mix(dst[b + i]);
            }
        }
    }
    printf("digest %016llx\n", (unsigned long long)digest);
    printf("mismatches %ld\n", bad);
    return bad != 0;
}
