/* glibc's string and memory functions over every length 0..MAXLEN and every source alignment
 * 0..15 (destination alignments 0..15 sweeping with them), each result checked against a plain byte loop.
 * Static glibc picks its implementations by CPUID (ifuncs): natively on the host the AVX2/EVEX
 * ones, under multios run the SSE2/SSSE3/SSE4.x ones, so equal output compares the emulated
 * SIMD instructions with the host's. Prints per-function digests and the mismatch count. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define MAXLEN 300
#define PAD 96
static unsigned char src[MAXLEN + 2 * PAD], dst[MAXLEN + 2 * PAD], ref[MAXLEN + 2 * PAD];
enum { MEMCPY, MEMMOVE, MEMSET, MEMCMP, STRLEN, STRNLEN, STRCHR, STRRCHR, STRCMP, STRNCMP, STRCPY, STPCPY,
       STRCAT, MEMCHR, MEMRCHR, STRSTR, STRSPN, STRCSPN, RAWMEMCHR, NFUN };
static const char *names[NFUN] = {"memcpy", "memmove", "memset", "memcmp", "strlen", "strnlen", "strchr", "strrchr",
    "strcmp", "strncmp", "strcpy", "stpcpy", "strcat", "memchr", "memrchr", "strstr", "strspn", "strcspn", "rawmemchr"};
static uint64_t digest[NFUN];
static long bad;

static void mix(int f, uint64_t v) { digest[f] = (digest[f] ^ v) * 1099511628211ULL; }
static void check(int ok, int f, int len, int a, int b) {
    if (!ok && bad++ < 20) printf("mismatch %s len %d align %d/%d\n", names[f], len, a, b);
}
static unsigned seed;
static unsigned char rnd(void) { seed = seed * 1103515245u + 12345u; return (unsigned char)(seed >> 16); }
/* bytes 1..255 with a small alphabet now and then, so searches find matches */
static void fill(unsigned char *p, int n, int small) {
    for (int i = 0; i < n; i++) { unsigned char c = rnd(); p[i] = small ? 'a' + c % 4 : (c | 1); }
}
/* the first position of needle[0..nl) in s[0..len), or -1: the plain loop strstr is checked against */
static long find(const unsigned char *s, int len, const char *needle, int nl) {
    for (int i = 0; i + nl <= len; i++) {
        int k = 0;
        while (k < nl && s[i + k] == (unsigned char)needle[k]) k++;
        if (k == nl) return i;
    }
    return -1;
}
static long off(const void *p, const void *base) { return p ? (const unsigned char *)p - (const unsigned char *)base : -1; }

int main(void) {
    for (int f = 0; f < NFUN; f++) digest[f] = 1469598103934665603ULL;
    for (int len = 0; len <= MAXLEN; len++) {
        for (int a = 0; a < 16; a++) {
            {
                int b = (len * 5 + a * 3) % 16, small = (len + a) % 3 == 0;
                unsigned char *s = src + PAD + a, *d = dst + PAD + b;
                seed = len * 977 + a * 31 + b;
                /* only the bytes around the operands are refreshed (the filling is most of the
                   emulated instructions otherwise); the rest keeps earlier, equally random, data */
                fill(src + PAD - 48, len + 112, small);
                fill(dst + PAD - 48, len + 112, 0);

                memcpy(ref, dst, sizeof ref);
                for (int i = 0; i < len; i++) ref[PAD + b + i] = s[i];
                memcpy(d, s, len);
                check(memcmp(dst, ref, sizeof ref) == 0, MEMCPY, len, a, b);

                /* overlapping moves, both directions, distance 1..40 */
                int dist = 1 + (len + a) % 40;
                memcpy(ref, dst, sizeof ref);
                for (int i = len - 1; i >= 0; i--) ref[PAD + b + dist + i] = ref[PAD + b + i];
                memmove(d + dist, d, len);
                check(memcmp(dst, ref, sizeof ref) == 0, MEMMOVE, len, a, b);
                for (int i = 0; i < len; i++) ref[PAD + b - dist + i] = ref[PAD + b + i];
                memmove(d - dist, d, len);
                check(memcmp(dst, ref, sizeof ref) == 0, MEMMOVE, len, a, b);
                mix(MEMMOVE, dst[PAD + b + len / 2]);

                int v = (len * 7 + a) & 0xff;
                memcpy(ref, dst, sizeof ref);
                for (int i = 0; i < len; i++) ref[PAD + b + i] = (unsigned char)v;
                memset(d, v, len);
                check(memcmp(dst, ref, sizeof ref) == 0, MEMSET, len, a, b);

                /* memcmp: equal, then a difference at a position that sweeps the buffer */
                memcpy(d, s, len);
                check(memcmp(d, s, len) == 0, MEMCMP, len, a, b);
                if (len > 0) {
                    int at = (len * 13 + a) % len;
                    d[at] ^= 0x80;
                    int r = memcmp(d, s, len), e = d[at] - s[at];
                    check(r != 0 && (r > 0) == (e > 0), MEMCMP, len, a, b);
                    mix(MEMCMP, r > 0);
                    d[at] ^= 0x80;
                }

                /* NUL-terminated strings of exactly len bytes */
                s[len] = 0;
                d[len] = 0;
                check(strlen((char *)s) == (size_t)len, STRLEN, len, a, b);
                size_t lim = (len * 5 + a) % (MAXLEN + 1);
                check(strnlen((char *)s, lim) == (lim < (size_t)len ? lim : (size_t)len), STRNLEN, len, a, b);

                unsigned char c = len ? s[(len * 3 + a) % len] : 'x';
                if (a & 1) c = 'a' + a % 4;
                long first = -1, last = -1;
                for (int i = 0; i < len; i++) if (s[i] == c) { if (first < 0) first = i; last = i; }
                long ch = off(strchr((char *)s, c), s), rch = off(strrchr((char *)s, c), s);
                check(ch == first, STRCHR, len, a, b);
                check(rch == last, STRRCHR, len, a, b);
                check(off(strchr((char *)s, 0), s) == len, STRCHR, len, a, b);
                check(off(memchr(s, c, len), s) == first, MEMCHR, len, a, b);
                check(off(memrchr(s, c, len), s) == last, MEMRCHR, len, a, b);
                if (first >= 0) check(off(rawmemchr(s, c), s) == first, RAWMEMCHR, len, a, b);
                mix(STRCHR, ch); mix(STRRCHR, rch);

                strcpy((char *)d, (char *)s);
                check(memcmp(d, s, len + 1) == 0, STRCPY, len, a, b);
                check(strcmp((char *)d, (char *)s) == 0, STRCMP, len, a, b);
                if (len > 0) {
                    int at = (len * 11 + b) % len;
                    unsigned char old = d[at];
                    d[at] = old == 0xff ? 1 : old + 1;
                    int r = strcmp((char *)d, (char *)s), n1 = strncmp((char *)d, (char *)s, at), n2 = strncmp((char *)d, (char *)s, at + 1);
                    check(r > 0 || d[at] == 1, STRCMP, len, a, b);
                    check(n1 == 0 && (n2 > 0 || d[at] == 1), STRNCMP, len, a, b);
                    mix(STRCMP, r > 0); mix(STRNCMP, n2 > 0);
                    d[at] = old;
                }
                memset(dst, 'z', sizeof dst);
                char *e = stpcpy((char *)d, (char *)s);
                check(off(e, d) == len && memcmp(d, s, len + 1) == 0, STPCPY, len, a, b);
                int head = a % 9;
                memset(d, 'q', head);
                d[head] = 0;
                strcat((char *)d, (char *)s);
                check(strlen((char *)d) == (size_t)(head + len) && memcmp(d + head, s, len + 1) == 0, STRCAT, len, a, b);

                /* strstr: a needle cut from the haystack, and one that is not there */
                if (len > 0) {
                    int nl = 1 + (len + a) % 12, at = (len * 7) % len;
                    if (at + nl > len) nl = len - at;
                    char needle[16];
                    memcpy(needle, s + at, nl);
                    needle[nl] = 0;
                    long expect = -1;
                    expect = find(s, len, needle, nl);
                    check(off(strstr((char *)s, needle), s) == expect, STRSTR, len, a, b);
                    needle[0] = 0x7f; /* fill() never makes an odd byte 0x7f out of 'a'..'d'; check the loop anyway */
                    expect = -1;
                    expect = find(s, len, needle, nl);
                    check(off(strstr((char *)s, needle), s) == expect, STRSTR, len, a, b);
                }
                const char *acc = small ? "abc" : "\x01\x03\x05\x07\x09";
                unsigned char in_acc[256] = {0};
                for (const char *q = acc; *q; q++) in_acc[(unsigned char)*q] = 1;
                size_t sp = 0, cs = 0;
                while (sp < (size_t)len && in_acc[s[sp]]) sp++;
                while (cs < (size_t)len && !in_acc[s[cs]]) cs++;
                check(strspn((char *)s, acc) == sp, STRSPN, len, a, b);
                check(strcspn((char *)s, acc) == cs, STRCSPN, len, a, b);
                mix(STRSPN, sp); mix(STRCSPN, cs);
                for (int i = 0; i < len; i++) mix(MEMCPY, d[i]);
            }
        }
    }
    for (int f = 0; f < NFUN; f++) printf("%-10s %016llx\n", names[f], (unsigned long long)digest[f]);
    printf("mismatches %ld\n", bad);
    return bad != 0;
}
