/* Console (NS16550A), test-finisher exit, printf and default trap handlers. */
#include <stdarg.h>
#include "rt.h"

/* NS16550A registers (byte offsets, DLAB = 0). */
#define UART_THR 0
#define UART_IER 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_LSR 5
#define LSR_THRE 0x20

static inline void uart_write(unsigned reg, uint8_t v) { *(volatile uint8_t *)(UART0_BASE + reg) = v; }
static inline uint8_t uart_read(unsigned reg) { return *(volatile uint8_t *)(UART0_BASE + reg); }

static void uart_init(void) {
    uart_write(UART_IER, 0x00);  /* no interrupts: we poll */
    uart_write(UART_LCR, 0x03);  /* 8 data bits, no parity, 1 stop bit, DLAB = 0 */
    uart_write(UART_FCR, 0x01);  /* FIFOs on */
}

void rt_putc(char c) {
    if (c == '\n') rt_putc('\r');
    while ((uart_read(UART_LSR) & LSR_THRE) == 0) { }
    uart_write(UART_THR, (uint8_t)c);
}

void rt_puts(const char *s) {
    while (*s) rt_putc(*s++);
}

void rt_exit(int code) {
    /* SiFive test finisher: 0x5555 = pass, (code << 16) | 0x3333 = fail with code. */
    uint32_t v = code == 0 ? 0x5555u : (((uint32_t)code << 16) | 0x3333u);
    mmio_write32(TEST_BASE, v);
    for (;;) __asm__ volatile("wfi");
}

void *rt_memset(void *d, int c, size_t n) {
    uint8_t *p = d;
    while (n--) *p++ = (uint8_t)c;
    return d;
}

void *rt_memcpy(void *d, const void *s, size_t n) {
    uint8_t *p = d;
    const uint8_t *q = s;
    while (n--) *p++ = *q++;
    return d;
}

/* gcc may emit calls to these for struct copies and large initialisers. */
void *memset(void *d, int c, size_t n) { return rt_memset(d, c, n); }
void *memcpy(void *d, const void *s, size_t n) { return rt_memcpy(d, s, n); }

/* ---- printf: %d %i %u %x %X %c %s %p %%, flags '-' '+' '0', width, l/ll/z ---- */

static void emit_padded(const char *s, int len, int width, int left, char pad) {
    if (!left) for (int i = len; i < width; i++) rt_putc(pad);
    for (int i = 0; i < len; i++) rt_putc(s[i]);
    if (left) for (int i = len; i < width; i++) rt_putc(' ');
}

static int format_unsigned(char *buf, uint64_t v, unsigned base, int upper) {
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    int n = 0;
    do { tmp[n++] = digits[v % base]; v /= base; } while (v);
    for (int i = 0; i < n; i++) buf[i] = tmp[n - 1 - i];
    return n;
}

int rt_printf(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    for (const char *p = fmt; *p; p++) {
        if (*p != '%') { rt_putc(*p); continue; }
        p++;
        int left = 0, plus = 0; char pad = ' ';
        for (;; p++) {
            if (*p == '-') left = 1;
            else if (*p == '+') plus = 1;
            else if (*p == '0') pad = '0';
            else break;
        }
        int width = 0;
        while (*p >= '0' && *p <= '9') width = width * 10 + (*p++ - '0');
        int longs = 0;
        while (*p == 'l' || *p == 'z') { longs++; p++; }
        char buf[26];
        int n;
        switch (*p) {
        case 'd': case 'i': {
            int64_t v = longs ? va_arg(ap, int64_t) : va_arg(ap, int);
            uint64_t mag = v < 0 ? -(uint64_t)v : (uint64_t)v;
            n = 0;
            if (v < 0) buf[n++] = '-';
            else if (plus) buf[n++] = '+';
            n += format_unsigned(buf + n, mag, 10, 0);
            if (pad == '0' && n > 0 && (buf[0] == '-' || buf[0] == '+') && !left) {
                rt_putc(buf[0]);
                emit_padded(buf + 1, n - 1, width - 1, 0, '0');
            } else {
                emit_padded(buf, n, width, left, left ? ' ' : pad);
            }
            break;
        }
        case 'u': case 'x': case 'X': {
            uint64_t v = longs ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);
            n = format_unsigned(buf, v, *p == 'u' ? 10 : 16, *p == 'X');
            emit_padded(buf, n, width, left, left ? ' ' : pad);
            break;
        }
        case 'p': {
            uint64_t v = (uint64_t)(uintptr_t)va_arg(ap, void *);
            buf[0] = '0'; buf[1] = 'x';
            n = 2 + format_unsigned(buf + 2, v, 16, 0);
            emit_padded(buf, n, width, left, ' ');
            break;
        }
        case 'c':
            buf[0] = (char)va_arg(ap, int);
            emit_padded(buf, 1, width, left, ' ');
            break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (!s) s = "(null)";
            int len = 0;
            while (s[len]) len++;
            emit_padded(s, len, width, left, ' ');
            break;
        }
        case '%':
            rt_putc('%');
            break;
        case 0:
            p--;
            break;
        default:
            rt_putc('%');
            rt_putc(*p);
        }
    }
    va_end(ap);
    return 0;
}

/* ---- traps ---- */

void rt_unexpected_trap(const char *level, struct rt_trap_frame *f) {
    rt_printf("\nunexpected %s trap: cause=%lx epc=%lx tval=%lx status=%lx\n",
              level, f->cause, f->epc, f->tval, f->status);
    rt_exit(99);
}

__attribute__((weak)) void m_trap_handler(struct rt_trap_frame *f) {
    rt_m_handle_return(f);
    rt_unexpected_trap("M", f);
}

__attribute__((weak)) void s_trap_handler(struct rt_trap_frame *f) {
    rt_unexpected_trap("S", f);
}

static rt_jmp_buf lower_jb;
static volatile long lower_result;

long rt_run_lower(long mode, void (*fn)(long), long arg) {
    if (rt_setjmp(lower_jb) == 0)
        rt_mret_to(mode, fn, arg, mode == 1 ? rt_stack_s_top : rt_stack_u_top);
    return lower_result;
}

void rt_m_handle_return(struct rt_trap_frame *f) {
    if ((f->cause == 8 || f->cause == 9) && f->x[17] == RT_ECALL_RETURN) {
        lower_result = (long)f->x[10];
        /* Back in M-mode for good: leave MPP = M so a stray mret stays in M. */
        set_csr(mstatus, MSTATUS_MPP);
        rt_longjmp(lower_jb, 1);
    }
}

void rt_pmp_allow_all(void) {
    /* NAPOT over the whole address space (pmpaddr all ones), R|W|X, A = NAPOT. */
    write_csr(pmpaddr0, ~0UL >> 10);
    write_csr(pmpcfg0, 0x1f);
}

/* Harts other than 0 park unless a program gives them work. */
__attribute__((weak)) void rt_secondary_main(unsigned long hartid) {
    (void)hartid;
    for (;;) __asm__ volatile("wfi");
}

void rt_start(unsigned long hartid, const void *fdt) {
    uart_init();
    int rc = main(hartid, fdt);
    rt_exit(rc);
}
