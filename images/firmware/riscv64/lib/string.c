/* The few string and memory routines the stages need (gcc may also call memset/memcpy). */
#include "fw.h"

void *memset(void *d, int c, size_t n) {
    uint8_t *p = d;
    if (((uintptr_t)p & 7) == 0 && (c & 0xff) == 0) {
        while (n >= 8) { *(uint64_t *)p = 0; p += 8; n -= 8; }
    }
    while (n--) *p++ = (uint8_t)c;
    return d;
}

void *memcpy(void *d, const void *s, size_t n) {
    uint8_t *dp = d;
    const uint8_t *sp = s;
    if ((((uintptr_t)dp | (uintptr_t)sp) & 7) == 0) {
        while (n >= 8) { *(uint64_t *)dp = *(const uint64_t *)sp; dp += 8; sp += 8; n -= 8; }
    }
    while (n--) *dp++ = *sp++;
    return d;
}

void *memmove(void *d, const void *s, size_t n) {
    uint8_t *dp = d;
    const uint8_t *sp = s;
    if (dp <= sp || dp >= sp + n) return memcpy(d, s, n);
    while (n--) dp[n] = sp[n];
    return d;
}

int memcmp(const void *a, const void *b, size_t n) {
    const uint8_t *x = a, *y = b;
    for (size_t i = 0; i < n; i++)
        if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
    return 0;
}

size_t fw_strlen(const char *s) { size_t n = 0; while (s[n]) n++; return n; }

int fw_strcmp(const char *a, const char *b) {
    while (*a && *a == *b) { a++; b++; }
    return (uint8_t)*a - (uint8_t)*b;
}

int fw_strncmp(const char *a, const char *b, size_t n) {
    for (size_t i = 0; i < n; i++) {
        if (a[i] != b[i] || !a[i]) return (uint8_t)a[i] - (uint8_t)b[i];
    }
    return 0;
}

char *fw_strlcpy(char *d, const char *s, size_t cap) {
    size_t i = 0;
    if (cap == 0) return d;
    for (; i + 1 < cap && s[i]; i++) d[i] = s[i];
    d[i] = 0;
    return d;
}
