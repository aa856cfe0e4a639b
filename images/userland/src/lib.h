/* Shared helpers of the mbox multi-call binary: buffered output, a small formatter,
 * error messages, a line reader. Kept free of stdio so the static binary stays small. */
#ifndef MBOX_LIB_H
#define MBOX_LIB_H
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

extern const char *applet_name;   /* for messages: "ls: x: No such file or directory" */
extern char **environ;

/* Output buffer on a file descriptor. */
struct obuf { int fd; int n; char b[4096]; };
extern struct obuf out_stdout;     /* fd 1 */
void ob_write(struct obuf *o, const void *p, size_t n);
void ob_flush(struct obuf *o);
void out(const char *s);           /* to stdout */
void outn(const void *s, size_t n);
void outc(int c);
void outf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fdf(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));   /* unbuffered */
int vfmt(char *dst, size_t cap, const char *fmt, va_list ap);   /* returns length (truncated to cap-1) */
int sfmt(char *dst, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void flush_all(void);

/* Messages on stderr, prefixed "APPLET: ". */
void err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void err_errno(const char *what);  /* "APPLET: what: strerror(errno)" */
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void usage(const char *text) __attribute__((noreturn));   /* "usage: TEXT", exit 2 */

void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

/* Whole-line reader on a descriptor (lines may be any length). */
struct lreader { int fd; int pos, len; int eof; char b[4096]; };
void lr_init(struct lreader *r, int fd);
/* Returns a malloc'd buffer in *line (reused across calls), length in return value, -1 at EOF.
 * The newline is kept if present. */
ssize_t lr_getline(struct lreader *r, char **line, size_t *cap);

int open_input(const char *name);  /* "-" is stdin; prints error, returns -1 */
int write_all(int fd, const void *p, size_t n);
int parse_long(const char *s, long *v);   /* whole string, decimal; 0 on success */
const char *base_name(const char *p);
char *path_join(const char *a, const char *b);   /* malloc'd "a/b" */
int is_dir(const char *p);

/* Applets. */
typedef int (*applet_main)(int argc, char **argv);
applet_main find_applet(const char *name);
int run_applet(int argc, char **argv);   /* argv[0] names the applet */
#endif
