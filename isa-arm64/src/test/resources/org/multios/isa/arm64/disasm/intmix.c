/* A gcc -O2 integer mix for the disassembler test (rebuild: scripts/build-arm64-disasm-sample.sh). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint32_t hash(const char *s) { uint32_t h = 5381; while (*s) h = h * 33 ^ (unsigned char)*s++; return h; }
static int cmp(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }
static uint64_t mulhi(uint64_t a, uint64_t b) { return (uint64_t)(((unsigned __int128)a * b) >> 64); }
static int64_t smulhi(int64_t a, int64_t b) { return (int64_t)(((__int128)a * b) >> 64); }
static _Atomic long counter;

__attribute__((noinline)) int classify(int x) {
    switch (x & 7) {
    case 0: return x >> 3;
    case 1: return x * 5;
    case 2: return -x;
    case 3: return x ^ 0x55;
    case 4: return (unsigned)x >> 29;
    case 5: return x | 0xf00;
    default: return x & ~0xff;
    }
}

__attribute__((noinline)) uint64_t bits(uint64_t v, int s) {
    return (uint64_t)__builtin_clzll(v | 1) + __builtin_ctzll(v | 0x100) + ((v >> (s & 63)) | (v << (64 - (s & 63))))
        + __builtin_bswap64(v) + (uint16_t)(v >> 13) + (int8_t)v + __builtin_clrsbll((long long)v);
}

int main(int argc, char **argv) {
    int v[64];
    for (int i = 0; i < 64; i++) v[i] = (i * 7919) % 101;
    qsort(v, 64, sizeof v[0], cmp);
    long long acc = 0;
    for (int i = 0; i < 64; i++) {
        acc += (long long)v[i] * v[63 - i] / (i + 1) - classify(v[i]);
        __atomic_fetch_add(&counter, i, __ATOMIC_SEQ_CST);
        acc += v[i] > 50 ? v[i] % 7 : (unsigned)v[i] / 3u;
    }
    uint64_t m = mulhi(0x123456789abcdefULL * argc, 0xfedcba987654321ULL) + smulhi(-acc, 77) + bits(acc, argc);
    long expected = 0;
    __atomic_compare_exchange_n(&counter, &expected, 1, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
    printf("%u %lld %llu %ld\n", hash(argc > 1 ? argv[1] : "multios"), acc, (unsigned long long)m, (long)counter);
    return 0;
}
