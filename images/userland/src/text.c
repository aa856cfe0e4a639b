/* Text utilities: wc grep head tail sort hexdump. */
#include "lib.h"
#include "applets.h"
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <regex.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *dash_only[] = { "-", 0 };

/* ---- wc [-lwc] [FILE]... ---- */
int wc_main(int argc, char **argv) {
    int want[3] = {0};   /* l w c */
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        if (!strcmp(argv[i], "--")) { i++; break; }
        for (const char *o = argv[i] + 1; *o; o++) {
            if (*o == 'l') want[0] = 1; else if (*o == 'w') want[1] = 1; else if (*o == 'c' || *o == 'm') want[2] = 1;
            else usage("wc [-lwc] [FILE]...");
        }
    }
    if (!want[0] && !want[1] && !want[2]) want[0] = want[1] = want[2] = 1;
    char **files = i < argc ? argv + i : dash_only;
    int nfiles = i < argc ? argc - i : 1, rc = 0;
    unsigned long tot[3] = {0};
    unsigned long (*res)[3] = xmalloc(sizeof *res * (size_t) nfiles);
    int *ok = xmalloc(sizeof(int) * (size_t) nfiles);
    for (int k = 0; k < nfiles; k++) {
        res[k][0] = res[k][1] = res[k][2] = 0;
        int fd = open_input(files[k]);
        ok[k] = fd >= 0;
        if (fd < 0) { rc = 1; continue; }
        char buf[8192]; int inword = 0;
        for (;;) {
            ssize_t r = read(fd, buf, sizeof buf);
            if (r < 0 && errno == EINTR) continue;
            if (r < 0) { err_errno(files[k]); rc = 1; break; }
            if (r == 0) break;
            res[k][2] += (unsigned long) r;
            for (ssize_t j = 0; j < r; j++) {
                char c = buf[j];
                if (c == '\n') res[k][0]++;
                int space = c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
                if (!space && !inword) res[k][1]++;
                inword = !space;
            }
        }
        if (fd) close(fd);
        for (int j = 0; j < 3; j++) tot[j] += res[k][j];
    }
    /* one number for one input needs no padding; otherwise columns as wide as the largest count */
    int nwant = want[0] + want[1] + want[2];
    int width = 1;
    if (nwant > 1 || nfiles > 1) {
        char b[32];
        for (int j = 0; j < 3; j++) { int l = sfmt(b, sizeof b, "%lu", tot[j]); if (l > width) width = l; }
        if (i >= argc && width < 7) width = 7;
    }
    for (int k = 0; k <= nfiles; k++) {
        if (k == nfiles && nfiles < 2) break;
        if (k < nfiles && !ok[k]) continue;
        unsigned long *v = k < nfiles ? res[k] : tot;
        int first = 1;
        for (int j = 0; j < 3; j++) if (want[j]) { outf(first ? "%*lu" : " %*lu", width, v[j]); first = 0; }
        if (k == nfiles) out(" total");
        else if (i < argc) outf(" %s", files[k]);
        outc('\n');
    }
    free(res); free(ok);
    return rc;
}

/* ---- grep [-ivncqslhHEFxwr] [-e PATTERN]... PATTERN [FILE]... ---- */
struct flist { char **v; int n, cap; };

static int name_cmp(const void *a, const void *b) { return strcmp(*(char *const *) a, *(char *const *) b); }

static void walk(const char *path, struct flist *fl) {
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        if (!d) { err_errno(path); return; }
        char **names = 0; int n = 0, cap = 0;
        struct dirent *de;
        while ((de = readdir(d))) {
            if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
            if (n == cap) { cap = cap * 2 + 16; names = xrealloc(names, sizeof(char *) * (size_t) cap); }
            names[n++] = path_join(path, de->d_name);
        }
        closedir(d);
        qsort(names, (size_t) n, sizeof(char *), name_cmp);
        for (int k = 0; k < n; k++) walk(names[k], fl);
        return;
    }
    if (fl->n + 1 >= fl->cap) { fl->cap = fl->cap * 2 + 16; fl->v = xrealloc(fl->v, sizeof(char *) * (size_t) fl->cap); }
    fl->v[fl->n++] = xstrdup(path);
    fl->v[fl->n] = 0;
}

int grep_main(int argc, char **argv) {
    int icase = 0, invert = 0, number = 0, count = 0, quiet = 0, list = 0, ext = 0, fixed = 0, whole = 0, word = 0, noname = 0, withname = 0, recursive = 0, silent = 0;
    const char **pats = xmalloc(sizeof(char *) * (size_t) (argc + 1));
    int npats = 0, i = 1;
    const char *use = "grep [-ivncqslhHEFxwr] [-e PATTERN]... PATTERN [FILE]...";
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        if (!strcmp(argv[i], "--")) { i++; break; }
        for (const char *o = argv[i] + 1; *o; o++) {
            switch (*o) {
            case 'i': icase = 1; break; case 'v': invert = 1; break; case 'n': number = 1; break;
            case 'c': count = 1; break; case 'q': quiet = 1; break; case 's': silent = 1; break; case 'l': list = 1; break;
            case 'E': ext = 1; break; case 'F': fixed = 1; break; case 'x': whole = 1; break; case 'w': word = 1; break;
            case 'h': noname = 1; break; case 'H': withname = 1; break; case 'r': recursive = 1; break;
            case 'e':
                if (o[1]) { pats[npats++] = o + 1; o += strlen(o) - 1; }
                else if (i + 1 < argc) pats[npats++] = argv[++i];
                else usage(use);
                goto next;
            default: err("invalid option -- '%c'", *o); usage(use);
            }
        }
    next:;
    }
    if (npats == 0) { if (i >= argc) usage(use); pats[npats++] = argv[i++]; }
    regex_t *re = xmalloc(sizeof(regex_t) * (size_t) npats);
    for (int k = 0; k < npats; k++) {
        const char *p = pats[k];
        char *src;
        if (fixed) {   /* quote every special character */
            src = xmalloc(strlen(p) * 2 + 8); char *d = src;
            for (const char *s = p; *s; s++) { if (strchr("\\.[]*^$+?(){}|", *s)) *d++ = '\\'; *d++ = *s; }
            *d = 0;
        } else src = xstrdup(p);
        if (whole || word) {
            char *w = xmalloc(strlen(src) + 32);
            if (whole) sfmt(w, strlen(src) + 32, ext || fixed ? "^(%s)$" : "^\\(%s\\)$", src);
            else sfmt(w, strlen(src) + 32, ext || fixed ? "\\<(%s)\\>" : "\\<\\(%s\\)\\>", src);
            free(src); src = w;
        }
        int rcc = regcomp(&re[k], src, (ext || fixed ? REG_EXTENDED : 0) | (icase ? REG_ICASE : 0) | REG_NOSUB);
        if (rcc) { char eb[128]; regerror(rcc, &re[k], eb, sizeof eb); err("%s: %s", p, eb); return 2; }
        free(src);
    }
    static char *dot_only[] = { ".", 0 };
    char **files = i < argc ? argv + i : recursive ? dot_only : dash_only;
    int nfiles = i < argc ? argc - i : 1;
    if (recursive) {   /* -r: directories stand for the files below them, in name order */
        struct flist fl = { 0, 0, 0 };
        for (int k = 0; k < nfiles; k++) walk(files[k], &fl);
        files = fl.v; nfiles = fl.n;
        if (i >= argc) for (int k = 0; k < nfiles; k++) if (!strncmp(files[k], "./", 2)) files[k] += 2;
    }
    int show_name = (nfiles > 1 || withname || recursive) && !noname;
    int any = 0, trouble = 0;
    char *line = 0; size_t cap = 0;
    for (int f = 0; f < nfiles; f++) {
        int fd = silent ? (strcmp(files[f], "-") ? open(files[f], O_RDONLY | O_CLOEXEC) : 0) : open_input(files[f]);
        if (fd < 0) { trouble = 1; continue; }
        const char *name = strcmp(files[f], "-") ? files[f] : "(standard input)";
        struct lreader r; lr_init(&r, fd);
        long lineno = 0, matches = 0;
        ssize_t n;
        while ((n = lr_getline(&r, &line, &cap)) >= 0) {
            lineno++;
            int had_nl = n > 0 && line[n - 1] == '\n';
            if (had_nl) line[n - 1] = 0;
            int m = 0;
            for (int k = 0; k < npats && !m; k++) m = regexec(&re[k], line, 0, 0, 0) == 0;
            if (m == invert) continue;
            matches++; any = 1;
            if (quiet) { flush_all(); return 0; }
            if (list) break;
            if (count) continue;
            if (show_name) outf("%s:", name);
            if (number) outf("%ld:", lineno);
            out(line); outc('\n');
        }
        if (count) { if (show_name) outf("%s:", name); outf("%ld\n", matches); }
        if (list && matches) outf("%s\n", name);
        if (fd) close(fd);
    }
    free(line);
    if (trouble && !(quiet && any)) return 2;
    return any ? 0 : 1;
}

/* ---- head / tail: -n N (tail: -n +N from line N), -c N, -N, multiple files with headers ---- */
static int count_opt(int argc, char **argv, int *i, long *n, int *bytes, int *from_start, int *quiet) {
    for (; *i < argc && argv[*i][0] == '-' && argv[*i][1]; (*i)++) {
        const char *a = argv[*i];
        if (!strcmp(a, "--")) { (*i)++; break; }
        if (!strcmp(a, "-q")) { *quiet = 1; continue; }
        if (a[1] >= '0' && a[1] <= '9') { if (parse_long(a + 1, n) != 0) return -1; continue; }
        if (a[1] == 'n' || a[1] == 'c') {
            const char *v = a[2] ? a + 2 : (*i + 1 < argc ? argv[++*i] : 0);
            if (!v) return -1;
            *bytes = a[1] == 'c';
            if (*v == '+') { *from_start = 1; v++; } else if (*v == '-') v++;
            if (parse_long(v, n) != 0 || *n < 0) { err("invalid number of %s: '%s'", *bytes ? "bytes" : "lines", v); return -2; }
            continue;
        }
        return -1;
    }
    return 0;
}

int head_main(int argc, char **argv) {
    long n = 10; int bytes = 0, fs = 0, quiet = 0, i = 1;
    int r = count_opt(argc, argv, &i, &n, &bytes, &fs, &quiet);
    if (r == -2) return 1;
    if (r < 0) usage("head [-n LINES | -c BYTES] [FILE]...");
    char **files = i < argc ? argv + i : dash_only;
    int nfiles = i < argc ? argc - i : 1, rc = 0;
    for (int f = 0; f < nfiles; f++) {
        int fd = open_input(files[f]);
        if (fd < 0) { rc = 1; continue; }
        if (nfiles > 1 && !quiet) outf("%s==> %s <==\n", f ? "\n" : "", strcmp(files[f], "-") ? files[f] : "standard input");
        long left = n;
        char buf[8192];
        while (left > 0) {
            ssize_t k = read(fd, buf, bytes ? (size_t) (left < (long) sizeof buf ? left : (long) sizeof buf) : sizeof buf);
            if (k < 0 && errno == EINTR) continue;
            if (k <= 0) break;
            if (bytes) { outn(buf, (size_t) k); left -= k; continue; }
            ssize_t j = 0;
            for (; j < k && left > 0; j++) if (buf[j] == '\n') left--;
            outn(buf, (size_t) j);
            /* a pipe cannot be rewound; a seekable input is left just past the last line printed */
            if (left == 0 && j < k) lseek(fd, j - k, SEEK_CUR);
        }
        if (fd) close(fd);
    }
    return rc;
}

int tail_main(int argc, char **argv) {
    long n = 10; int bytes = 0, fs = 0, quiet = 0, i = 1;
    int r = count_opt(argc, argv, &i, &n, &bytes, &fs, &quiet);
    if (r == -2) return 1;
    if (r < 0) usage("tail [-n [+]LINES | -c [+]BYTES] [FILE]...");
    char **files = i < argc ? argv + i : dash_only;
    int nfiles = i < argc ? argc - i : 1, rc = 0;
    for (int f = 0; f < nfiles; f++) {
        int fd = open_input(files[f]);
        if (fd < 0) { rc = 1; continue; }
        if (nfiles > 1 && !quiet) outf("%s==> %s <==\n", f ? "\n" : "", strcmp(files[f], "-") ? files[f] : "standard input");
        /* read it all: simple, and right for pipes */
        size_t len = 0, cap = 65536;
        char *data = xmalloc(cap);
        for (;;) {
            if (len == cap) { cap *= 2; data = xrealloc(data, cap); }
            ssize_t k = read(fd, data + len, cap - len);
            if (k < 0 && errno == EINTR) continue;
            if (k <= 0) break;
            len += (size_t) k;
        }
        if (fd) close(fd);
        size_t start;
        if (bytes) {
            if (fs) start = n > 0 ? (size_t) (n - 1) : 0;
            else start = (size_t) n < len ? len - (size_t) n : 0;
            if (start > len) start = len;
        } else if (fs) {
            long line = 1; start = 0;
            while (start < len && line < n) { if (data[start] == '\n') line++; start++; }
        } else {
            start = len;
            long seen = 0;
            size_t p = len;
            if (p > 0 && data[p - 1] == '\n') p--;     /* the last line's own newline */
            while (p > 0) {
                if (data[p - 1] == '\n') { if (++seen == n) break; }
                p--;
            }
            start = n == 0 ? len : p;
        }
        outn(data + start, len - start);
        free(data);
    }
    return rc;
}

/* ---- sort [-rnuf] [FILE]... ---- */
static int s_rev, s_num, s_fold;

static int num_cmp(const char *a, const char *b) {
    double x = strtod(a, 0), y = strtod(b, 0);
    return x < y ? -1 : x > y;
}

static int key_cmp(const char *a, const char *b) {
    if (s_num) return num_cmp(a, b);
    if (s_fold) return strcasecmp(a, b);
    return 0;
}

static int line_cmp(const void *pa, const void *pb) {
    const char *a = *(const char *const *) pa, *b = *(const char *const *) pb;
    int c = key_cmp(a, b);
    if (c == 0) c = strcmp(a, b);        /* last resort: the whole line, byte by byte */
    return s_rev ? -c : c;
}

int sort_main(int argc, char **argv) {
    int uniq = 0, i = 1; s_rev = s_num = s_fold = 0;
    const char *outname = 0;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        if (!strcmp(argv[i], "--")) { i++; break; }
        if (!strcmp(argv[i], "-o") && i + 1 < argc) { outname = argv[++i]; continue; }
        for (const char *o = argv[i] + 1; *o; o++) {
            if (*o == 'r') s_rev = 1; else if (*o == 'n') s_num = 1; else if (*o == 'u') uniq = 1; else if (*o == 'f') s_fold = 1;
            else usage("sort [-rnuf] [-o FILE] [FILE]...");
        }
    }
    char **files = i < argc ? argv + i : dash_only;
    int nfiles = i < argc ? argc - i : 1, rc = 0;
    char **lines = 0; size_t n = 0, cap = 0;
    for (int f = 0; f < nfiles; f++) {
        int fd = open_input(files[f]);
        if (fd < 0) { rc = 2; continue; }
        struct lreader r; lr_init(&r, fd);
        char *line = 0; size_t lc = 0; ssize_t k;
        while ((k = lr_getline(&r, &line, &lc)) >= 0) {
            if (k > 0 && line[k - 1] == '\n') line[k - 1] = 0;
            if (n == cap) { cap = cap * 2 + 256; lines = xrealloc(lines, sizeof(char *) * cap); }
            lines[n++] = xstrdup(line);
        }
        free(line);
        if (fd) close(fd);
    }
    if (rc) return rc;
    qsort(lines, n, sizeof(char *), line_cmp);
    if (outname) {
        int fd = open(outname, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
        if (fd < 0) { err_errno(outname); return 2; }
        flush_all(); out_stdout.fd = fd;
    }
    for (size_t k = 0; k < n; k++) {
        /* -u keeps the first of a run of lines whose keys compare equal */
        if (uniq && k > 0) {
            int c = s_num || s_fold ? key_cmp(lines[k - 1], lines[k]) : strcmp(lines[k - 1], lines[k]);
            if (c == 0) continue;
        }
        out(lines[k]); outc('\n');
    }
    flush_all();
    out_stdout.fd = 1;
    return 0;
}

/* ---- hexdump [-C] [FILE]...: the canonical hex+ASCII layout (the only one) ---- */
int hexdump_main(int argc, char **argv) {
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        if (!strcmp(argv[i], "-C")) continue;
        if (!strcmp(argv[i], "--")) { i++; break; }
        usage("hexdump [-C] [FILE]...");
    }
    char **files = i < argc ? argv + i : dash_only;
    int nfiles = i < argc ? argc - i : 1, rc = 0;
    unsigned char line[16], prev[16];
    int have_prev = 0, starred = 0, fill = 0;
    unsigned long offset = 0;
    for (int f = 0; f <= nfiles; f++) {
        int fd = -1;
        if (f < nfiles) { fd = open_input(files[f]); if (fd < 0) { rc = 1; continue; } }
        for (;;) {
            ssize_t k = 0;
            if (fd >= 0) {
                k = read(fd, line + fill, (size_t) (16 - fill));
                if (k < 0 && errno == EINTR) continue;
                if (k < 0) { err_errno(files[f]); rc = 1; }
                if (k <= 0) break;
                fill += (int) k;
                if (fill < 16) continue;
            } else if (fill == 0) break;
            /* a full line, or the last partial one */
            if (fill == 16 && have_prev && !memcmp(line, prev, 16)) {
                if (!starred) out("*\n");
                starred = 1;
            } else {
                starred = 0;
                outf("%08lx ", offset);
                for (int j = 0; j < 16; j++) {
                    if (j == 8) outc(' ');
                    if (j < fill) outf(" %02x", line[j]); else out("   ");
                }
                out("  |");
                for (int j = 0; j < fill; j++) outc(line[j] >= 32 && line[j] < 127 ? line[j] : '.');
                out("|\n");
            }
            memcpy(prev, line, 16); have_prev = fill == 16;
            offset += (unsigned long) fill;
            fill = 0;
            if (fd < 0) break;
        }
        if (fd > 0) close(fd);
    }
    if (offset) outf("%08lx\n", offset);
    return rc;
}
