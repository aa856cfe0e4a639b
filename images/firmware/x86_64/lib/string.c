/*
 * The riscv64 string routines, with memcpy and memset replaced by the x86 string instructions:
 * one REP MOVSQ (+ MOVSB for the tail) / REP STOSB moves a whole buffer (the initrd: 1.2 MB) in a single instruction,
 * where the generic loop spends a few instructions per 8 bytes.
 */
#include "fw.h"

#define memcpy memcpy_generic
#define memset memset_generic
#include "../../riscv64/lib/string.c"
#undef memcpy
#undef memset

void *memcpy(void *d, const void *s, size_t n) {
    void *r = d;
    size_t q = n >> 3, b = n & 7;
    __asm__ volatile("rep movsq" : "+D"(d), "+S"(s), "+c"(q) :: "memory");
    __asm__ volatile("rep movsb" : "+D"(d), "+S"(s), "+c"(b) :: "memory");
    return r;
}

void *memset(void *d, int c, size_t n) {
    void *r = d;
    __asm__ volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
    return r;
}
