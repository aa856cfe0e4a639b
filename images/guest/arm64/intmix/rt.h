/* The few runtime calls of images/guest/riscv64/intmix.c, for arm64-virt bare metal (start.S,
 * link.ld of images/guest/arm64): a PL011 console and a small printf. The riscv64 CSR read
 * of minstret becomes the PMU-free constant 0 (the line is not compared across ISAs). */
#ifndef RT_H
#define RT_H
#include <stdint.h>
#include <stddef.h>
#include <stdarg.h>

#define read_csr(name) 0UL

static inline void rt_putc(char c) {
    volatile uint32_t *uart = (volatile uint32_t *)0x09000000;
    while (uart[0x18 / 4] & (1 << 5)) { }
    uart[0] = (uint32_t)c;
}

static void rt_number(unsigned long v, int base, int width, char pad) {
    char tmp[24];
    int n = 0;
    do { tmp[n++] = "0123456789abcdef"[v % base]; v /= base; } while (v);
    while (n < width) { rt_putc(pad); width--; }
    while (n) rt_putc(tmp[--n]);
}

/* %d %u %x %lx %lu %ld with an optional zero flag and width: what intmix prints. */
static int rt_printf(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    for (; *fmt; fmt++) {
        if (*fmt != '%') { rt_putc(*fmt); continue; }
        fmt++;
        char pad = ' ';
        int width = 0, lng = 0;
        if (*fmt == '0') { pad = '0'; fmt++; }
        while (*fmt >= '0' && *fmt <= '9') width = width * 10 + (*fmt++ - '0');
        if (*fmt == 'l') { lng = 1; fmt++; }
        switch (*fmt) {
        case 'd': {
            long v = lng ? va_arg(ap, long) : va_arg(ap, int);
            if (v < 0) { rt_putc('-'); v = -v; width--; }
            rt_number((unsigned long)v, 10, width, pad);
            break;
        }
        case 'u': rt_number(lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int), 10, width, pad); break;
        case 'x': rt_number(lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int), 16, width, pad); break;
        case 's': { const char *s = va_arg(ap, const char *); while (*s) rt_putc(*s++); break; }
        default: rt_putc(*fmt);
        }
    }
    va_end(ap);
    return 0;
}
#endif
