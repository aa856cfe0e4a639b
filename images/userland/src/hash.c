/* md5sum and sha256sum, with MD5 (RFC 1321) and SHA-256 (FIPS 180-4) written here.
 * Output "HEX  NAME" as coreutils prints it; -c checks such a list. */
#include "lib.h"
#include "applets.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- MD5 ---- */
struct md5 { uint32_t h[4]; uint64_t len; unsigned char buf[64]; size_t n; };

static uint32_t rol(uint32_t x, int c) { return (x << c) | (x >> (32 - c)); }

static const uint32_t md5_k[64] = {
    0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
    0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
    0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
    0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
    0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
    0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
    0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
    0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391 };
static const unsigned char md5_r[64] = {
    7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
    4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21 };

static void md5_block(struct md5 *c, const unsigned char *p) {
    uint32_t w[16];
    for (int i = 0; i < 16; i++) w[i] = (uint32_t) p[4 * i] | (uint32_t) p[4 * i + 1] << 8 | (uint32_t) p[4 * i + 2] << 16 | (uint32_t) p[4 * i + 3] << 24;
    uint32_t a = c->h[0], b = c->h[1], cc = c->h[2], d = c->h[3];
    for (int i = 0; i < 64; i++) {
        uint32_t f; int g;
        if (i < 16) { f = (b & cc) | (~b & d); g = i; }
        else if (i < 32) { f = (d & b) | (~d & cc); g = (5 * i + 1) & 15; }
        else if (i < 48) { f = b ^ cc ^ d; g = (3 * i + 5) & 15; }
        else { f = cc ^ (b | ~d); g = (7 * i) & 15; }
        uint32_t t = d; d = cc; cc = b;
        b = b + rol(a + f + md5_k[i] + w[g], md5_r[i]);
        a = t;
    }
    c->h[0] += a; c->h[1] += b; c->h[2] += cc; c->h[3] += d;
}

static void md5_init(struct md5 *c) { c->h[0] = 0x67452301; c->h[1] = 0xefcdab89; c->h[2] = 0x98badcfe; c->h[3] = 0x10325476; c->len = 0; c->n = 0; }

static void md5_update(struct md5 *c, const unsigned char *p, size_t n) {
    c->len += n;
    while (n > 0) {
        if (c->n == 0 && n >= 64) { md5_block(c, p); p += 64; n -= 64; continue; }
        size_t k = 64 - c->n < n ? 64 - c->n : n;
        memcpy(c->buf + c->n, p, k); c->n += k; p += k; n -= k;
        if (c->n == 64) { md5_block(c, c->buf); c->n = 0; }
    }
}

static void md5_final(struct md5 *c, unsigned char out[16]) {
    uint64_t bits = c->len * 8;
    unsigned char pad = 0x80, zero = 0;
    md5_update(c, &pad, 1);
    while (c->n != 56) md5_update(c, &zero, 1);
    unsigned char l[8];
    for (int i = 0; i < 8; i++) l[i] = (unsigned char) (bits >> (8 * i));
    md5_update(c, l, 8);
    for (int i = 0; i < 4; i++) for (int j = 0; j < 4; j++) out[4 * i + j] = (unsigned char) (c->h[i] >> (8 * j));
}

/* ---- SHA-256 ---- */
struct sha256 { uint32_t h[8]; uint64_t len; unsigned char buf[64]; size_t n; };

static const uint32_t sha_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2 };

static uint32_t ror(uint32_t x, int c) { return (x >> c) | (x << (32 - c)); }

static void sha_block(struct sha256 *c, const unsigned char *p) {
    uint32_t w[64];
    for (int i = 0; i < 16; i++) w[i] = (uint32_t) p[4 * i] << 24 | (uint32_t) p[4 * i + 1] << 16 | (uint32_t) p[4 * i + 2] << 8 | p[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = c->h[0], b = c->h[1], cc = c->h[2], d = c->h[3], e = c->h[4], f = c->h[5], g = c->h[6], h = c->h[7];
    for (int i = 0; i < 64; i++) {
        uint32_t S1 = ror(e, 6) ^ ror(e, 11) ^ ror(e, 25);
        uint32_t ch = (e & f) ^ (~e & g);
        uint32_t t1 = h + S1 + ch + sha_k[i] + w[i];
        uint32_t S0 = ror(a, 2) ^ ror(a, 13) ^ ror(a, 22);
        uint32_t mj = (a & b) ^ (a & cc) ^ (b & cc);
        uint32_t t2 = S0 + mj;
        h = g; g = f; f = e; e = d + t1; d = cc; cc = b; b = a; a = t1 + t2;
    }
    c->h[0] += a; c->h[1] += b; c->h[2] += cc; c->h[3] += d; c->h[4] += e; c->h[5] += f; c->h[6] += g; c->h[7] += h;
}

static void sha_init(struct sha256 *c) {
    static const uint32_t iv[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
    memcpy(c->h, iv, sizeof iv); c->len = 0; c->n = 0;
}

static void sha_update(struct sha256 *c, const unsigned char *p, size_t n) {
    c->len += n;
    while (n > 0) {
        if (c->n == 0 && n >= 64) { sha_block(c, p); p += 64; n -= 64; continue; }
        size_t k = 64 - c->n < n ? 64 - c->n : n;
        memcpy(c->buf + c->n, p, k); c->n += k; p += k; n -= k;
        if (c->n == 64) { sha_block(c, c->buf); c->n = 0; }
    }
}

static void sha_final(struct sha256 *c, unsigned char out[32]) {
    uint64_t bits = c->len * 8;
    unsigned char pad = 0x80, zero = 0;
    sha_update(c, &pad, 1);
    while (c->n != 56) sha_update(c, &zero, 1);
    unsigned char l[8];
    for (int i = 0; i < 8; i++) l[i] = (unsigned char) (bits >> (56 - 8 * i));
    sha_update(c, l, 8);
    for (int i = 0; i < 8; i++) for (int j = 0; j < 4; j++) out[4 * i + j] = (unsigned char) (c->h[i] >> (24 - 8 * j));
}

/* ---- the two commands ---- */
struct algo { const char *name; size_t len; };

static int digest_fd(int fd, int sha, char *hex) {
    struct md5 m; struct sha256 s;
    if (sha) sha_init(&s); else md5_init(&m);
    unsigned char buf[16384];
    for (;;) {
        ssize_t r = read(fd, buf, sizeof buf);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) return -1;
        if (r == 0) break;
        if (sha) sha_update(&s, buf, (size_t) r); else md5_update(&m, buf, (size_t) r);
    }
    unsigned char d[32];
    size_t n = sha ? 32 : 16;
    if (sha) sha_final(&s, d); else md5_final(&m, d);
    for (size_t i = 0; i < n; i++) { hex[2 * i] = "0123456789abcdef"[d[i] >> 4]; hex[2 * i + 1] = "0123456789abcdef"[d[i] & 15]; }
    hex[2 * n] = 0;
    return 0;
}

static int sum_main(int argc, char **argv, int sha) {
    int check = 0, i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        if (!strcmp(argv[i], "-c")) check = 1;
        else if (!strcmp(argv[i], "-b") || !strcmp(argv[i], "-t")) continue;
        else if (!strcmp(argv[i], "--")) { i++; break; }
        else { err("invalid option '%s'", argv[i]); usage(sha ? "sha256sum [-c] [FILE]..." : "md5sum [-c] [FILE]..."); }
    }
    static char *dash[] = { "-", 0 };
    char **files = i < argc ? argv + i : dash;
    int rc = 0;
    char hex[65];
    size_t hl = sha ? 64 : 32;
    for (; *files; files++) {
        int fd = open_input(*files);
        if (fd < 0) { rc = 1; continue; }
        if (!check) {
            if (digest_fd(fd, sha, hex) < 0) { err_errno(*files); rc = 1; }
            else outf("%s  %s\n", hex, *files);
            if (fd) close(fd);
            continue;
        }
        /* -c: lines "HEX  NAME" (or "HEX *NAME") */
        struct lreader r; lr_init(&r, fd);
        char *line = 0; size_t cap = 0; ssize_t n;
        int bad = 0, missing = 0, lines = 0;
        while ((n = lr_getline(&r, &line, &cap)) >= 0) {
            if (n > 0 && line[n - 1] == '\n') line[--n] = 0;
            if ((size_t) n < hl + 2 || line[hl] != ' ' || (line[hl + 1] != ' ' && line[hl + 1] != '*')) continue;
            lines++;
            const char *name = line + hl + 2;
            int f2 = open(name, O_RDONLY);
            if (f2 < 0) { outf("%s: FAILED open or read\n", name); missing++; continue; }
            int ok = digest_fd(f2, sha, hex) == 0 && !strncasecmp(hex, line, hl);
            close(f2);
            outf("%s: %s\n", name, ok ? "OK" : "FAILED");
            if (!ok) bad++;
        }
        free(line);
        if (fd) close(fd);
        if (!lines) { err("%s: no properly formatted checksum lines found", *files); rc = 1; }
        if (missing) { err("WARNING: %d listed file%s could not be read", missing, missing > 1 ? "s" : ""); rc = 1; }
        if (bad) { err("WARNING: %d computed checksum%s did NOT match", bad, bad > 1 ? "s" : ""); rc = 1; }
    }
    return rc;
}

int md5sum_main(int argc, char **argv) { return sum_main(argc, argv, 0); }
int sha256sum_main(int argc, char **argv) { return sum_main(argc, argv, 1); }
