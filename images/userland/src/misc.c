/* Small utilities: echo true false test/[ pwd seq basename dirname sleep env clear tee touch. */
#include "lib.h"
#include "applets.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int true_main(int argc, char **argv) { (void) argc; (void) argv; return 0; }
int false_main(int argc, char **argv) { (void) argc; (void) argv; return 1; }

/* echo [-neE] ARGS: -e interprets \n \t \\ \a \b \c \e \f \r \v \0NNN \xHH */
int echo_main(int argc, char **argv) {
    int nl = 1, esc = 0, i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        const char *o = argv[i] + 1;
        if (strspn(o, "neE") != strlen(o)) break;
        for (; *o; o++) { if (*o == 'n') nl = 0; else if (*o == 'e') esc = 1; else esc = 0; }
    }
    for (int first = 1; i < argc; i++, first = 0) {
        if (!first) outc(' ');
        const char *s = argv[i];
        if (!esc) { out(s); continue; }
        for (; *s; s++) {
            if (*s != '\\' || !s[1]) { outc(*s); continue; }
            s++;
            switch (*s) {
            case 'n': outc('\n'); break; case 't': outc('\t'); break; case '\\': outc('\\'); break;
            case 'a': outc('\a'); break; case 'b': outc('\b'); break; case 'e': outc(27); break;
            case 'f': outc('\f'); break; case 'r': outc('\r'); break; case 'v': outc('\v'); break;
            case 'c': return 0;
            case '0': { int v = 0, k = 0; while (k < 3 && s[1] >= '0' && s[1] <= '7') { v = v * 8 + (*++s - '0'); k++; } outc(v); break; }
            case 'x': { int v = 0, k = 0; while (k < 2 && strchr("0123456789abcdefABCDEF", s[1]) && s[1]) { char c = *++s; v = v * 16 + (c <= '9' ? c - '0' : (c | 32) - 'a' + 10); k++; } if (k) outc(v); else out("\\x"); break; }
            default: outc('\\'); outc(*s);
            }
        }
    }
    if (nl) outc('\n');
    return 0;
}

int pwd_main(int argc, char **argv) {
    (void) argc; (void) argv;
    char b[4096];
    if (!getcwd(b, sizeof b)) { err_errno("getcwd"); return 1; }
    outf("%s\n", b);
    return 0;
}

/* ---- test / [ ---- */

static char **targ; static int tn, ti, terr;

static int t_isint(const char *s, long *v) {
    while (*s == ' ' || *s == '\t') s++;
    if (parse_long(s, v) != 0) { err("%s: integer expression expected", s); terr = 1; return 0; }
    return 1;
}

/* -r -w -x from the mode bits and our effective ids, as the permission check would decide
 * (root may read and write anything, and execute what has any x bit or is a directory) */
static int may(const char *path, int bit) {
    struct stat st;
    if (stat(path, &st) < 0) return 0;
    uid_t u = geteuid();
    if (u == 0) return bit != 1 || (st.st_mode & 0111) || S_ISDIR(st.st_mode);
    int shift = st.st_uid == u ? 6 : (st.st_gid == getegid() || group_member(st.st_gid)) ? 3 : 0;
    return (st.st_mode >> shift & bit) != 0;
}

static int t_unary(const char *op, const char *a) {
    struct stat st;
    switch (op[1]) {
    case 'n': return *a != 0;
    case 'z': return *a == 0;
    case 'e': return stat(a, &st) == 0;
    case 'f': return stat(a, &st) == 0 && S_ISREG(st.st_mode);
    case 'd': return stat(a, &st) == 0 && S_ISDIR(st.st_mode);
    case 'b': return stat(a, &st) == 0 && S_ISBLK(st.st_mode);
    case 'c': return stat(a, &st) == 0 && S_ISCHR(st.st_mode);
    case 'p': return stat(a, &st) == 0 && S_ISFIFO(st.st_mode);
    case 'S': return stat(a, &st) == 0 && S_ISSOCK(st.st_mode);
    case 'L': case 'h': return lstat(a, &st) == 0 && S_ISLNK(st.st_mode);
    case 's': return stat(a, &st) == 0 && st.st_size > 0;
    case 'r': return may(a, 4);
    case 'w': return may(a, 2);
    case 'x': return may(a, 1);
    case 'u': return stat(a, &st) == 0 && (st.st_mode & S_ISUID);
    case 'g': return stat(a, &st) == 0 && (st.st_mode & S_ISGID);
    case 'k': return stat(a, &st) == 0 && (st.st_mode & S_ISVTX);
    case 't': { long fd; return t_isint(a, &fd) && isatty((int) fd); }
    }
    return 0;
}

static int is_unary_op(const char *s) { return s[0] == '-' && s[1] && !s[2] && strchr("nzefdbcpSLhsrwxugkt", s[1]); }
static int is_binary_op(const char *s) {
    static const char *ops[] = { "=", "==", "!=", "<", ">", "-eq", "-ne", "-lt", "-le", "-gt", "-ge", "-nt", "-ot", "-ef", 0 };
    for (int i = 0; ops[i]; i++) if (strcmp(s, ops[i]) == 0) return 1;
    return 0;
}

static int t_binary(const char *a, const char *op, const char *b) {
    if (!strcmp(op, "=") || !strcmp(op, "==")) return strcmp(a, b) == 0;
    if (!strcmp(op, "!=")) return strcmp(a, b) != 0;
    if (!strcmp(op, "<")) return strcmp(a, b) < 0;
    if (!strcmp(op, ">")) return strcmp(a, b) > 0;
    if (op[1] == 'n' && op[2] == 't') { struct stat x, y; return stat(a, &x) == 0 && (stat(b, &y) != 0 || x.st_mtime > y.st_mtime); }
    if (op[1] == 'o' && op[2] == 't') { struct stat x, y; return stat(b, &y) == 0 && (stat(a, &x) != 0 || x.st_mtime < y.st_mtime); }
    if (op[1] == 'e' && op[2] == 'f') { struct stat x, y; return stat(a, &x) == 0 && stat(b, &y) == 0 && x.st_dev == y.st_dev && x.st_ino == y.st_ino; }
    long x, y;
    if (!t_isint(a, &x) || !t_isint(b, &y)) return 0;
    if (!strcmp(op, "-eq")) return x == y;
    if (!strcmp(op, "-ne")) return x != y;
    if (!strcmp(op, "-lt")) return x < y;
    if (!strcmp(op, "-le")) return x <= y;
    if (!strcmp(op, "-gt")) return x > y;
    return x >= y;
}

static int t_or(void);

static int t_primary(void) {
    if (ti >= tn) { err("argument expected"); terr = 1; return 0; }
    const char *a = targ[ti];
    if (!strcmp(a, "!")) { ti++; return !t_primary(); }
    if (!strcmp(a, "(") && !(ti + 2 < tn && is_binary_op(targ[ti + 1]) && strcmp(targ[ti + 2], ")") != 0)) {
        ti++;
        int v = t_or();
        if (ti >= tn || strcmp(targ[ti], ")")) { err("missing )"); terr = 1; return 0; }
        ti++;
        return v;
    }
    if (ti + 2 < tn + 0 && is_binary_op(targ[ti + 1])) { ti += 3; return t_binary(a, targ[ti - 2], targ[ti - 1]); }
    if (ti + 2 == tn && is_binary_op(targ[ti + 1])) { err("%s: argument expected", targ[ti + 1]); terr = 1; return 0; }
    if (is_unary_op(a) && ti + 1 < tn) { ti += 2; return t_unary(a, targ[ti - 1]); }
    ti++;
    return *a != 0;
}

static int t_and(void) {
    int v = t_primary();
    while (ti < tn && !strcmp(targ[ti], "-a")) { ti++; int r = t_primary(); v = v && r; }
    return v;
}

static int t_or(void) {
    int v = t_and();
    while (ti < tn && !strcmp(targ[ti], "-o")) { ti++; int r = t_and(); v = v || r; }
    return v;
}

int test_main(int argc, char **argv) {
    if (!strcmp(base_name(argv[0]), "[")) {
        if (strcmp(argv[argc - 1], "]")) { err("missing ]"); return 2; }
        argc--;
    }
    targ = argv + 1; tn = argc - 1; ti = 0; terr = 0;
    if (tn == 0) return 1;
    int v;
    /* POSIX's rules by argument count keep "test -n" and "test ! -z" meaning what users expect */
    if (tn == 1) v = *targ[0] != 0;
    else if (tn == 2 && !strcmp(targ[0], "!")) v = *targ[1] == 0;
    else if (tn == 2 && is_unary_op(targ[0])) v = t_unary(targ[0], targ[1]);
    else if (tn == 3 && is_binary_op(targ[1])) v = t_binary(targ[0], targ[1], targ[2]);
    else if (tn == 3 && !strcmp(targ[0], "!")) { ti = 1; v = !t_or(); }
    else v = t_or();
    if (!terr && ti != 0 && ti < tn) { err("%s: unexpected operator", targ[ti]); return 2; }
    if (terr) return 2;
    return !v;
}

int seq_main(int argc, char **argv) {
    long a = 1, step = 1, b;
    const char *sep = "\n";
    int i = 1;
    if (i + 1 < argc && !strcmp(argv[i], "-s")) { sep = argv[i + 1]; i += 2; }
    int n = argc - i;
    if (n < 1 || n > 3) usage("seq [-s SEP] [FIRST [STEP]] LAST");
    long v[3];
    for (int k = 0; k < n; k++) if (parse_long(argv[i + k], &v[k]) != 0) { err("invalid number: %s", argv[i + k]); return 1; }
    if (n == 1) b = v[0]; else if (n == 2) { a = v[0]; b = v[1]; } else { a = v[0]; step = v[1]; b = v[2]; }
    if (step == 0) { err("step must not be 0"); return 1; }
    for (long x = a, first = 1; step > 0 ? x <= b : x >= b; x += step, first = 0) { if (!first) out(sep); outf("%ld", x); }
    if ((step > 0 && a <= b) || (step < 0 && a >= b)) outc('\n');
    return 0;
}

int basename_main(int argc, char **argv) {
    if (argc < 2 || argc > 3) usage("basename PATH [SUFFIX]");
    char *p = xstrdup(argv[1]);
    size_t n = strlen(p);
    while (n > 1 && p[n - 1] == '/') p[--n] = 0;
    char *b = strrchr(p, '/');
    b = b && b[1] ? b + 1 : p;
    size_t bl = strlen(b);
    if (argc == 3) { size_t sl = strlen(argv[2]); if (sl < bl && !strcmp(b + bl - sl, argv[2])) b[bl - sl] = 0; }
    outf("%s\n", b);
    return 0;
}

int dirname_main(int argc, char **argv) {
    if (argc != 2) usage("dirname PATH");
    char *p = xstrdup(argv[1]);
    size_t n = strlen(p);
    while (n > 1 && p[n - 1] == '/') p[--n] = 0;
    char *s = strrchr(p, '/');
    if (!s) { out(".\n"); return 0; }
    while (s > p && s[-1] == '/') s--;
    if (s == p) out("/\n"); else { *s = 0; outf("%s\n", p); }
    return 0;
}

/* sleep N[.FRACTION][s|m|h|d]... (the durations add up) */
int sleep_main(int argc, char **argv) {
    if (argc < 2) usage("sleep SECONDS[smhd]...");
    double total = 0;
    for (int i = 1; i < argc; i++) {
        char *end; errno = 0;
        double v = strtod(argv[i], &end);
        if (end == argv[i] || v < 0 || errno) { err("invalid time interval '%s'", argv[i]); return 1; }
        if (*end == 'm') { v *= 60; end++; } else if (*end == 'h') { v *= 3600; end++; } else if (*end == 'd') { v *= 86400; end++; } else if (*end == 's') end++;
        if (*end) { err("invalid time interval '%s'", argv[i]); return 1; }
        total += v;
    }
    struct timespec ts = { (time_t) total, (long) ((total - (double) (time_t) total) * 1e9) };
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {}
    return 0;
}

/* env [-i] [-u NAME] [NAME=VALUE]... [COMMAND [ARGS]] */
int env_main(int argc, char **argv) {
    int i = 1;
    for (; i < argc; i++) {
        if (!strcmp(argv[i], "-i") || !strcmp(argv[i], "-")) { static char *empty[] = { 0 }; environ = empty; }
        else if (!strcmp(argv[i], "-u") && i + 1 < argc) unsetenv(argv[++i]);
        else if (!strcmp(argv[i], "--")) { i++; break; }
        else break;
    }
    for (; i < argc && strchr(argv[i], '='); i++) putenv(argv[i]);
    if (i == argc) {
        for (char **e = environ; e && *e; e++) outf("%s\n", *e);
        return 0;
    }
    flush_all();
    if (!strchr(argv[i], '/') && find_applet(argv[i])) return run_applet(argc - i, argv + i);
    execvp(argv[i], argv + i);
    err("%s: %s", argv[i], strerror(errno));
    return errno == ENOENT ? 127 : 126;
}

int clear_main(int argc, char **argv) { (void) argc; (void) argv; out("\033[H\033[J"); return 0; }

int tee_main(int argc, char **argv) {
    int append = 0, i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        if (!strcmp(argv[i], "-a")) append = 1; else usage("tee [-a] [FILE]...");
    }
    int n = argc - i, rc = 0;
    int *fds = xmalloc(sizeof(int) * (size_t) (n + 1));
    for (int k = 0; k < n; k++) {
        fds[k] = open(argv[i + k], O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC), 0666);
        if (fds[k] < 0) { err_errno(argv[i + k]); rc = 1; }
    }
    char buf[4096];
    for (;;) {
        ssize_t r = read(0, buf, sizeof buf);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        if (write_all(1, buf, (size_t) r) < 0) rc = 1;
        for (int k = 0; k < n; k++) if (fds[k] >= 0 && write_all(fds[k], buf, (size_t) r) < 0) { err_errno(argv[i + k]); rc = 1; close(fds[k]); fds[k] = -1; }
    }
    return rc;
}

int touch_main(int argc, char **argv) {
    int create = 1, rc = 0, i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) { if (!strcmp(argv[i], "-c")) create = 0; else usage("touch [-c] FILE..."); }
    if (i == argc) usage("touch [-c] FILE...");
    for (; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) == 0) { if (utimensat(AT_FDCWD, argv[i], 0, 0) < 0) { err_errno(argv[i]); rc = 1; } continue; }
        if (errno != ENOENT || !create) { if (create) { err_errno(argv[i]); rc = 1; } continue; }
        int fd = open(argv[i], O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
        if (fd < 0) { err_errno(argv[i]); rc = 1; } else close(fd);
    }
    return rc;
}
