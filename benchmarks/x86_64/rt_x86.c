/* x86-64 freestanding runtime for intmix (see rt.h): a small printf into `console`, _start. */
#include <stdarg.h>
#include "rt.h"

char console[4096];
int console_len;
int exit_code = -1;

static void out(char c) { if (console_len < (int) sizeof console) console[console_len++] = c; }

static void number(unsigned long v, int base, int width, char pad, int negative) {
    char tmp[24];
    int n = 0;
    do { tmp[n++] = "0123456789abcdef"[v % (unsigned) base]; v /= (unsigned) base; } while (v);
    if (negative) tmp[n++] = '-';
    while (n < width--) out(pad);
    while (n) out(tmp[--n]);
}

int rt_printf(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    for (const char *p = fmt; *p; p++) {
        if (*p != '%') { out(*p); continue; }
        p++;
        char pad = ' ';
        if (*p == '0') { pad = '0'; p++; }
        int width = 0;
        while (*p >= '0' && *p <= '9') width = width * 10 + (*p++ - '0');
        int isLong = 0;
        while (*p == 'l') { isLong = 1; p++; }
        switch (*p) {
        case 'd': { long v = isLong ? va_arg(ap, long) : va_arg(ap, int); number(v < 0 ? -(unsigned long) v : (unsigned long) v, 10, width, pad, v < 0); break; }
        case 'u': number(isLong ? va_arg(ap, unsigned long) : va_arg(ap, unsigned), 10, width, pad, 0); break;
        case 'x': number(isLong ? va_arg(ap, unsigned long) : va_arg(ap, unsigned), 16, width, pad, 0); break;
        case 's': for (const char *s = va_arg(ap, const char *); *s; s++) out(*s); break;
        default: out(*p);
        }
    }
    va_end(ap);
    return 0;
}

int main(unsigned long hartid, const void *fdt);

__attribute__((noreturn, used)) void _start_c(void) {
    exit_code = main(0, 0);
    for (;;) __asm__ volatile("hlt");
}

__asm__(".globl _start\n_start:\n  lea stack_top(%rip), %rsp\n  call _start_c\n"
        ".bss\n.balign 16\n.space 65536\nstack_top:\n.text\n");
