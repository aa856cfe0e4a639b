/*
 * intmix: the CPU-bound benchmark guest. Each round runs four integer kernels over
 * data derived from the round number and folds their results into checksums:
 *   hash   FNV-1a (64-bit) and an xxhash-style multiply/rotate mix over a byte buffer
 *   sort   quicksort and heap sort of pseudo-random 32-bit arrays (cross-checked)
 *   crc    table-driven CRC-32 (IEEE 802.3, reflected 0xEDB88320)
 *   matrix 24x24 integer matrix multiply
 * Everything depends only on INTMIX_ROUNDS, so the output is the same on every machine.
 */
#include "rt.h"

#define INTMIX_ROUNDS_SMALL 2
#define INTMIX_ROUNDS_BENCH 3000
#ifndef INTMIX_ROUNDS
#define INTMIX_ROUNDS INTMIX_ROUNDS_SMALL
#endif

#define BUF_LEN 4096
#define SORT_LEN 1024
#define MAT_N 24

static uint8_t buf[BUF_LEN];
static uint32_t arr_a[SORT_LEN], arr_b[SORT_LEN];
static int32_t mat_a[MAT_N][MAT_N], mat_b[MAT_N][MAT_N], mat_c[MAT_N][MAT_N];
static uint32_t crc_table[256];

static uint64_t rng_state;

static uint64_t xorshift64(void) {
    uint64_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return rng_state = x;
}

static uint64_t fnv1a64(const uint8_t *p, size_t n) {
    uint64_t h = 0xcbf29ce484222325UL;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3UL;
    }
    return h;
}

static inline uint64_t rotl64(uint64_t x, unsigned r) { return (x << r) | (x >> (64 - r)); }

/* Four lanes of multiply-rotate over 8-byte words, then an avalanche: xxhash64's shape. */
static uint64_t mixhash64(const uint8_t *p, size_t n, uint64_t seed) {
    const uint64_t P1 = 0x9E3779B185EBCA87UL, P2 = 0xC2B2AE3D27D4EB4FUL, P3 = 0x165667B19E3779F9UL;
    uint64_t v[4] = { seed + P1 + P2, seed + P2, seed, seed - P1 };
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        for (int l = 0; l < 4; l++) {
            uint64_t w = 0;
            for (int b = 0; b < 8; b++) w |= (uint64_t)p[i + l * 8 + b] << (8 * b);
            v[l] = rotl64(v[l] + w * P2, 31) * P1;
        }
    }
    uint64_t h = rotl64(v[0], 1) + rotl64(v[1], 7) + rotl64(v[2], 12) + rotl64(v[3], 18);
    for (; i < n; i++) h = rotl64(h ^ (p[i] * P3), 11) * P1;
    h ^= h >> 33; h *= P2; h ^= h >> 29; h *= P3; h ^= h >> 32;
    return h;
}

static void quicksort(uint32_t *a, int lo, int hi) {
    while (lo < hi) {
        uint32_t pivot = a[lo + (hi - lo) / 2];
        int i = lo, j = hi;
        while (i <= j) {
            while (a[i] < pivot) i++;
            while (a[j] > pivot) j--;
            if (i <= j) {
                uint32_t t = a[i]; a[i] = a[j]; a[j] = t;
                i++; j--;
            }
        }
        /* Recurse into the smaller half, loop on the larger: bounded stack depth. */
        if (j - lo < hi - i) { quicksort(a, lo, j); lo = i; }
        else { quicksort(a, i, hi); hi = j; }
    }
}

static void sift_down(uint32_t *a, int start, int end) {
    int root = start;
    while (2 * root + 1 <= end) {
        int child = 2 * root + 1, swap = root;
        if (a[swap] < a[child]) swap = child;
        if (child + 1 <= end && a[swap] < a[child + 1]) swap = child + 1;
        if (swap == root) return;
        uint32_t t = a[root]; a[root] = a[swap]; a[swap] = t;
        root = swap;
    }
}

static void heapsort(uint32_t *a, int n) {
    for (int start = (n - 2) / 2; start >= 0; start--) sift_down(a, start, n - 1);
    for (int end = n - 1; end > 0; end--) {
        uint32_t t = a[end]; a[end] = a[0]; a[0] = t;
        sift_down(a, 0, end - 1);
    }
}

static void crc32_init(void) {
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
    }
}

static uint32_t crc32(const uint8_t *p, size_t n) {
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) c = crc_table[(c ^ p[i]) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

static uint64_t matmul_checksum(void) {
    for (int i = 0; i < MAT_N; i++)
        for (int j = 0; j < MAT_N; j++) {
            int32_t s = 0;
            for (int k = 0; k < MAT_N; k++) s += mat_a[i][k] * mat_b[k][j];
            mat_c[i][j] = s;
        }
    uint64_t sum = 0;
    for (int i = 0; i < MAT_N; i++)
        for (int j = 0; j < MAT_N; j++) sum = sum * 31 + (uint32_t)mat_c[i][j];
    return sum;
}

int main(unsigned long hartid, const void *fdt) {
    (void)hartid; (void)fdt;
    rt_printf("intmix: %d rounds\n", INTMIX_ROUNDS);
    crc32_init();
    uint64_t hash_sum = 0, sort_sum = 0, crc_sum = 0, mat_sum = 0;
    int sort_errors = 0;
    for (int round = 0; round < INTMIX_ROUNDS; round++) {
        rng_state = 0x9E3779B97F4A7C15UL ^ ((uint64_t)round * 0x2545F4914F6CDD1DUL);
        for (int i = 0; i < BUF_LEN; i += 8) {
            uint64_t r = xorshift64();
            for (int b = 0; b < 8; b++) buf[i + b] = (uint8_t)(r >> (8 * b));
        }
        hash_sum = rotl64(hash_sum, 5) ^ fnv1a64(buf, BUF_LEN);
        hash_sum += mixhash64(buf, BUF_LEN, (uint64_t)round);

        for (int i = 0; i < SORT_LEN; i++) arr_a[i] = arr_b[i] = (uint32_t)(xorshift64() >> 16);
        quicksort(arr_a, 0, SORT_LEN - 1);
        heapsort(arr_b, SORT_LEN);
        for (int i = 0; i < SORT_LEN; i++) {
            if (arr_a[i] != arr_b[i] || (i > 0 && arr_a[i - 1] > arr_a[i])) sort_errors++;
            sort_sum = sort_sum * 1099511628211UL + arr_a[i];
        }

        crc_sum = rotl64(crc_sum, 7) ^ crc32(buf, BUF_LEN);

        for (int i = 0; i < MAT_N; i++)
            for (int j = 0; j < MAT_N; j++) {
                mat_a[i][j] = (int32_t)(xorshift64() & 0xFFFF) - 0x8000;
                mat_b[i][j] = (int32_t)(xorshift64() & 0xFFFF) - 0x8000;
            }
        mat_sum ^= matmul_checksum() + (uint64_t)round;

        if (round == 0 || round + 1 == INTMIX_ROUNDS)
            rt_printf("round %4d: hash=%016lx sort=%016lx crc=%016lx mat=%016lx\n",
                      round, hash_sum, sort_sum, crc_sum, mat_sum);
    }
    /* A known answer for CRC-32 ("123456789" -> CBF43926) checks the table itself. */
    rt_printf("crc32(\"123456789\") = %08x\n", crc32((const uint8_t *)"123456789", 9));
    rt_printf("sort errors: %d\n", sort_errors);
    uint64_t total = hash_sum ^ rotl64(sort_sum, 16) ^ rotl64(crc_sum, 32) ^ rotl64(mat_sum, 48);
    rt_printf("checksum: %016lx\n", total);
#ifdef INTMIX_SHOW_INSTRET
    rt_printf("minstret: %lu\n", read_csr(minstret));
#endif
    return sort_errors ? 1 : 0;
}
