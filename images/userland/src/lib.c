#include "lib.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *applet_name = "mbox";
struct obuf out_stdout = { 1, 0, {0} };

int write_all(int fd, const void *p, size_t n) {
    const char *c = p;
    while (n > 0) {
        ssize_t w = write(fd, c, n);
        if (w < 0) { if (errno == EINTR) continue; return -1; }
        c += w; n -= (size_t) w;
    }
    return 0;
}

void ob_flush(struct obuf *o) {
    if (o->n > 0) write_all(o->fd, o->b, (size_t) o->n);
    o->n = 0;
}

void ob_write(struct obuf *o, const void *p, size_t n) {
    if ((size_t) o->n + n > sizeof o->b) {
        ob_flush(o);
        if (n >= sizeof o->b) { write_all(o->fd, p, n); return; }
    }
    memcpy(o->b + o->n, p, n);
    o->n += (int) n;
}

void flush_all(void) { ob_flush(&out_stdout); }
void out(const char *s) { ob_write(&out_stdout, s, strlen(s)); }
void outn(const void *s, size_t n) { ob_write(&out_stdout, s, n); }
void outc(int c) { char ch = (char) c; ob_write(&out_stdout, &ch, 1); }

/* A printf subset: %s %c %d %i %u %x %o %% with '-', '0' flags, width (or '*'), precision for %s,
 * and the 'l'/'z' length modifiers. Enough for every message and table in mbox. */
struct sink { char *d; size_t cap, n; };
static void sput(struct sink *s, char c) { if (s->n + 1 < s->cap) s->d[s->n] = c; s->n++; }

int vfmt(char *dst, size_t cap, const char *f, va_list ap) {
    struct sink s = { dst, cap, 0 };
    for (; *f; f++) {
        if (*f != '%') { sput(&s, *f); continue; }
        f++;
        int left = 0, zero = 0, width = 0, prec = -1, lng = 0;
        for (;; f++) {
            if (*f == '-') left = 1; else if (*f == '0') zero = 1; else break;
        }
        if (*f == '*') { width = va_arg(ap, int); if (width < 0) { left = 1; width = -width; } f++; }
        else while (*f >= '0' && *f <= '9') width = width * 10 + (*f++ - '0');
        if (*f == '.') { f++; prec = 0; if (*f == '*') { prec = va_arg(ap, int); f++; } else while (*f >= '0' && *f <= '9') prec = prec * 10 + (*f++ - '0'); }
        while (*f == 'l' || *f == 'z') { lng = 1; f++; }
        char num[32]; const char *str; size_t len; int neg = 0;
        switch (*f) {
        case 's': str = va_arg(ap, const char *); if (!str) str = "(null)"; len = strlen(str); if (prec >= 0 && (size_t) prec < len) len = (size_t) prec; break;
        case 'c': num[0] = (char) va_arg(ap, int); str = num; len = 1; break;
        case '%': str = "%"; len = 1; break;
        case 'd': case 'i': case 'u': case 'x': case 'o': {
            unsigned long v; unsigned base = *f == 'x' ? 16 : *f == 'o' ? 8 : 10;
            if (*f == 'd' || *f == 'i') { long x = lng ? va_arg(ap, long) : va_arg(ap, int); if (x < 0) { neg = 1; v = 0UL - (unsigned long) x; } else v = (unsigned long) x; }
            else v = lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned);
            char *p = num + sizeof num; 
            do { *--p = "0123456789abcdef"[v % base]; v /= base; } while (v);
            if (neg) *--p = '-';
            str = p; len = (size_t) (num + sizeof num - p);
            break;
        }
        default: sput(&s, '%'); if (*f) sput(&s, *f); else f--; continue;
        }
        size_t pad = (size_t) width > len ? (size_t) width - len : 0;
        if (!left && zero && *f != 's' && *f != 'c') {
            if (neg) { sput(&s, '-'); str++; len--; }
            while (pad--) sput(&s, '0');
            pad = 0;
        }
        if (!left) while (pad) { sput(&s, ' '); pad--; }
        for (size_t i = 0; i < len; i++) sput(&s, str[i]);
        while (pad) { sput(&s, ' '); pad--; }
    }
    if (cap) dst[s.n < cap ? s.n : cap - 1] = 0;
    return (int) (s.n < cap ? s.n : cap ? cap - 1 : 0);
}

int sfmt(char *dst, size_t cap, const char *fmt, ...) {
    va_list ap; va_start(ap, fmt); int n = vfmt(dst, cap, fmt, ap); va_end(ap); return n;
}

void outf(const char *fmt, ...) {
    char b[1024]; va_list ap; va_start(ap, fmt); int n = vfmt(b, sizeof b, fmt, ap); va_end(ap);
    outn(b, (size_t) n);
}

void fdf(int fd, const char *fmt, ...) {
    char b[1024]; va_list ap; va_start(ap, fmt); int n = vfmt(b, sizeof b, fmt, ap); va_end(ap);
    if (fd == 1) { outn(b, (size_t) n); return; }
    write_all(fd, b, (size_t) n);
}

static void verr(const char *fmt, va_list ap) {
    char b[1024]; size_t n = (size_t) sfmt(b, sizeof b, "%s: ", applet_name);
    n += (size_t) vfmt(b + n, sizeof b - n, fmt, ap);
    if (n < sizeof b - 1) b[n++] = '\n';
    flush_all();
    write_all(2, b, n);
}

void err(const char *fmt, ...) { va_list ap; va_start(ap, fmt); verr(fmt, ap); va_end(ap); }
void err_errno(const char *what) { int e = errno; err("%s: %s", what, strerror(e)); }
void die(const char *fmt, ...) { va_list ap; va_start(ap, fmt); verr(fmt, ap); va_end(ap); flush_all(); _exit(1); }
void usage(const char *text) { flush_all(); fdf(2, "usage: %s\n", text); _exit(2); }

void *xmalloc(size_t n) { void *p = malloc(n ? n : 1); if (!p) die("out of memory"); return p; }
void *xrealloc(void *p, size_t n) { p = realloc(p, n ? n : 1); if (!p) die("out of memory"); return p; }
char *xstrdup(const char *s) { size_t n = strlen(s) + 1; char *d = xmalloc(n); memcpy(d, s, n); return d; }

void lr_init(struct lreader *r, int fd) { r->fd = fd; r->pos = r->len = 0; r->eof = 0; }

ssize_t lr_getline(struct lreader *r, char **line, size_t *cap) {
    size_t n = 0;
    for (;;) {
        if (r->pos == r->len) {
            if (r->eof) break;
            ssize_t k = read(r->fd, r->b, sizeof r->b);
            if (k < 0 && errno == EINTR) continue;
            if (k <= 0) { r->eof = 1; break; }
            r->pos = 0; r->len = (int) k;
        }
        char *nl = memchr(r->b + r->pos, '\n', (size_t) (r->len - r->pos));
        size_t take = nl ? (size_t) (nl - (r->b + r->pos)) + 1 : (size_t) (r->len - r->pos);
        if (n + take + 1 > *cap) { *cap = (n + take + 1) * 2; *line = xrealloc(*line, *cap); }
        memcpy(*line + n, r->b + r->pos, take);
        n += take; r->pos += (int) take;
        if (nl) break;
    }
    if (n == 0 && r->eof) return -1;
    (*line)[n] = 0;
    return (ssize_t) n;
}

int open_input(const char *name) {
    if (strcmp(name, "-") == 0) return 0;
    int fd = open(name, O_RDONLY | O_CLOEXEC);
    if (fd < 0) { err_errno(name); return -1; }
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) { err("%s: Is a directory", name); close(fd); return -1; }
    return fd;
}

int parse_long(const char *s, long *v) {
    char *end; errno = 0;
    if (!*s) return -1;
    long x = strtol(s, &end, 10);
    if (*end || errno) return -1;
    *v = x; return 0;
}

const char *base_name(const char *p) {
    const char *s = strrchr(p, '/');
    if (!s) return p;
    if (s[1]) return s + 1;
    /* trailing slash: "dir/" -> "dir/" basename is handled by callers that care */
    return p;
}

char *path_join(const char *a, const char *b) {
    size_t la = strlen(a), lb = strlen(b);
    char *r = xmalloc(la + lb + 2);
    memcpy(r, a, la);
    size_t n = la;
    if (n == 0 || r[n - 1] != '/') r[n++] = '/';
    memcpy(r + n, b, lb + 1);
    return r;
}

int is_dir(const char *p) { struct stat st; return stat(p, &st) == 0 && S_ISDIR(st.st_mode); }
