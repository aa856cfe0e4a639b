/* PL011 console (polled; ARM DDI 0183), a small printf, and the "[   s.micros] stage:" line
 * prefix. The printf is the one of ../riscv64/lib/console.c (whose UART is a 16550). */
#include "fw.h"

#define UARTDR   0x00
#define UARTFR   0x18
#define UARTIBRD 0x24
#define UARTLCR_H 0x2c
#define UARTCR   0x30
#define UARTIMSC 0x38
#define FR_RXFE  (1u << 4)
#define FR_TXFF  (1u << 5)

static uintptr_t uart = 0x09000000UL;   /* QEMU virt's, until the device tree says otherwise */
uint64_t fw_timebase_hz = 62500000;     /* CNTFRQ_EL0 says; see fw_timebase_init */

void fw_console_init(const void *fdt) {
    if (!fdt || fdt_valid(fdt) != 0) return;
    int chosen = fdt_path(fdt, "/chosen");
    int len;
    const char *sp = chosen >= 0 ? fdt_prop(fdt, chosen, "stdout-path", &len) : 0;
    int node = -1;
    if (sp) {
        char path[128];
        size_t i = 0;
        for (; sp[i] && sp[i] != ':' && i + 1 < sizeof path; i++) path[i] = sp[i];   /* drop ":115200n8" */
        path[i] = 0;
        if (path[0] == '/') node = fdt_path(fdt, path);
        else { /* an alias */
            int aliases = fdt_path(fdt, "/aliases");
            const char *full = aliases >= 0 ? fdt_prop(fdt, aliases, path, &len) : 0;
            if (full) node = fdt_path(fdt, full);
        }
    }
    if (node < 0) node = fdt_find_compatible(fdt, "arm,pl011");
    uint64_t base, size;
    if (node < 0 || !fdt_compatible(fdt, node, "arm,pl011") || fdt_reg(fdt, node, 0, &base, &size) != 0) return;
    uart = (uintptr_t)base;
    /* 8N1 with FIFOs, transmitter and receiver on; no interrupts (the kernel enables RX) */
    mmio_w32(uart + UARTIMSC, 0);
    mmio_w32(uart + UARTLCR_H, 0x70);
    mmio_w32(uart + UARTCR, 0x301);
}

/* The generic timer's frequency is a CPU register on arm64 (firmware at EL3 would set it; the
 * board resets it to its counter's rate); the device tree's /timer has no clock-frequency. */
void fw_timebase_init(const void *fdt) {
    (void)fdt;
    uint64_t f = read_sysreg(cntfrq_el0) & 0xffffffffu;
    if (f) fw_timebase_hz = f;
}

uint64_t fw_uptime_us(void) {
    uint64_t t = fw_rdtime();
    return t / fw_timebase_hz * 1000000ULL + t % fw_timebase_hz * 1000000ULL / fw_timebase_hz;
}

static void raw_putc(char c) {
    while (mmio_r32(uart + UARTFR) & FR_TXFF) {}
    mmio_w32(uart + UARTDR, (uint8_t)c);
}

void fw_putc(char c) {
    if (c == '\n') raw_putc('\r');
    raw_putc(c);
}

void fw_puts(const char *s) { while (*s) fw_putc(*s++); }

int fw_getc(void) { return (mmio_r32(uart + UARTFR) & FR_RXFE) ? -1 : (int)(mmio_r32(uart + UARTDR) & 0xff); }

/* printf into a sink: %d %i %u %x %X %c %s %p %%, sizes l/ll/z, width, flags - 0. */
struct sink { char *buf; size_t cap, n; };

static void emit(struct sink *s, char c) {
    if (s->buf) { if (s->n + 1 < s->cap) s->buf[s->n] = c; }
    else fw_putc(c);
    s->n++;
}

static void vformat(struct sink *s, const char *fmt, va_list ap) {
    for (const char *p = fmt; *p; p++) {
        if (*p != '%') { emit(s, *p); continue; }
        p++;
        int left = 0, zero = 0, width = 0, lng = 0;
        for (;; p++) {
            if (*p == '-') left = 1;
            else if (*p == '0') zero = 1;
            else break;
        }
        while (*p >= '0' && *p <= '9') width = width * 10 + (*p++ - '0');
        while (*p == 'l' || *p == 'z') { lng++; p++; }
        char tmp[24];
        const char *str = tmp;
        int len = 0, neg = 0;
        uint64_t v;
        switch (*p) {
        case 'd': case 'i': {
            int64_t x = lng ? va_arg(ap, int64_t) : va_arg(ap, int);
            neg = x < 0;
            v = neg ? (uint64_t)(-x) : (uint64_t)x;
            do { tmp[sizeof tmp - 1 - len++] = (char)('0' + v % 10); v /= 10; } while (v);
            str = tmp + sizeof tmp - len;
            break;
        }
        case 'u': case 'x': case 'X': case 'p': {
            unsigned base = *p == 'u' ? 10 : 16;
            const char *digits = *p == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
            v = *p == 'p' ? (uint64_t)(uintptr_t)va_arg(ap, void *) : lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);
            do { tmp[sizeof tmp - 1 - len++] = digits[v % base]; v /= base; } while (v);
            str = tmp + sizeof tmp - len;
            break;
        }
        case 'c': tmp[0] = (char)va_arg(ap, int); len = 1; break;
        case 's': str = va_arg(ap, const char *); if (!str) str = "(null)"; len = (int)fw_strlen(str); break;
        case '%': tmp[0] = '%'; len = 1; break;
        default: tmp[0] = '%'; tmp[1] = *p; len = 2; if (!*p) p--; break;
        }
        int pad = width - len - neg;
        if (!left && !zero) while (pad-- > 0) emit(s, ' ');
        if (neg) emit(s, '-');
        if (!left && zero) while (pad-- > 0) emit(s, '0');
        for (int i = 0; i < len; i++) emit(s, str[i]);
        if (left) while (pad-- > 0) emit(s, ' ');
    }
}

int fw_vprintf(const char *fmt, va_list ap) {
    struct sink s = {0, 0, 0};
    vformat(&s, fmt, ap);
    return (int)s.n;
}

int fw_printf(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = fw_vprintf(fmt, ap);
    va_end(ap);
    return n;
}

int fw_snprintf(char *buf, size_t cap, const char *fmt, ...) {
    struct sink s = {buf, cap, 0};
    va_list ap;
    va_start(ap, fmt);
    vformat(&s, fmt, ap);
    va_end(ap);
    if (cap) buf[s.n < cap ? s.n : cap - 1] = 0;
    return (int)s.n;
}

static void stamp(void) {
    uint64_t us = fw_uptime_us();
    fw_printf("[%4lu.%06lu] %s: ", us / 1000000, us % 1000000, fw_stage_name);
}

void fw_log(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    stamp();
    fw_vprintf(fmt, ap);
    fw_putc('\n');
    va_end(ap);
}

void fw_die(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    stamp();
    fw_puts("error: ");
    fw_vprintf(fmt, ap);
    fw_putc('\n');
    va_end(ap);
    stamp();
    fw_puts("halted\n");
    fw_halt();
}
