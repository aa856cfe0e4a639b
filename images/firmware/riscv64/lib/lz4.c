/* LZ4 block format decoder (the raw block MFS stores in a compressed extent; lz4.org's
 * "LZ4 Block Format Description"): sequences of a token, literals, and a back-reference of
 * (offset, length + 4), the last sequence literals only. Every length and offset is checked
 * against both buffers, so a corrupt block is an error, never a stray write. */
#include "fw.h"

long lz4_decompress(const uint8_t *src, size_t srclen, uint8_t *dst, size_t cap) {
    size_t ip = 0, op = 0;
    while (ip < srclen) {
        unsigned token = src[ip++];
        size_t lit = token >> 4;
        if (lit == 15) {
            unsigned b;
            do {
                if (ip >= srclen) return -1;
                b = src[ip++];
                lit += b;
            } while (b == 255);
        }
        if (lit > srclen - ip || lit > cap - op) return -1;
        memcpy(dst + op, src + ip, lit);
        ip += lit;
        op += lit;
        if (ip == srclen) return (long)op;          /* the last sequence has no match */
        if (srclen - ip < 2) return -1;
        size_t off = (size_t)src[ip] | (size_t)src[ip + 1] << 8;
        ip += 2;
        if (off == 0 || off > op) return -1;
        size_t len = token & 15;
        if (len == 15) {
            unsigned b;
            do {
                if (ip >= srclen) return -1;
                b = src[ip++];
                len += b;
            } while (b == 255);
        }
        len += 4;
        if (len > cap - op) return -1;
        for (size_t i = 0; i < len; i++, op++) dst[op] = dst[op - off];   /* may overlap: byte by byte */
    }
    return (long)op;
}
