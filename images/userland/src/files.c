/* File utilities: ls cat mkdir rmdir rm cp mv ln. */
#include "lib.h"
#include "applets.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

/* ---- option parsing shared by the utilities: -abc clusters, "--" ends options ---- */
static int opts(int argc, char **argv, const char *allowed, int *flags, const char *use) {
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        if (!strcmp(argv[i], "--")) return i + 1;
        for (const char *o = argv[i] + 1; *o; o++) {
            const char *p = strchr(allowed, *o);
            if (!p) { err("invalid option -- '%c'", *o); usage(use); }
            flags[p - allowed] = 1;
        }
    }
    return i;
}

/* ---- cat [-n] [FILE]... ---- */
int cat_main(int argc, char **argv) {
    int f[1] = {0};
    int i = opts(argc, argv, "n", f, "cat [-n] [FILE]...");
    int rc = 0;
    static char *dash[] = { "-", 0 };
    char **files = i < argc ? argv + i : dash;
    long line = 1; int at_start = 1;
    for (; *files; files++) {
        int fd = open_input(*files);
        if (fd < 0) { rc = 1; continue; }
        char buf[8192];
        for (;;) {
            ssize_t r = read(fd, buf, sizeof buf);
            if (r < 0 && errno == EINTR) continue;
            if (r < 0) { err_errno(*files); rc = 1; break; }
            if (r == 0) break;
            if (!f[0]) { flush_all(); if (write_all(1, buf, (size_t) r) < 0) { err_errno("write error"); return 1; } continue; }
            for (ssize_t k = 0; k < r; k++) {
                if (at_start) { outf("%6ld\t", line++); at_start = 0; }
                outc(buf[k]);
                if (buf[k] == '\n') at_start = 1;
            }
        }
        if (fd != 0) close(fd);
    }
    return rc;
}

/* ---- ls [-laA1dRFi] [PATH]... ---- */
enum { L_LONG, L_ALL, L_ALMOST, L_ONE, L_DIR, L_REC, L_CLASS, L_INODE, L_NUM };
static int lf[L_NUM];
static int ls_rc;

struct ent { char *name; struct stat st; int ok; char *link; };

static int ent_cmp(const void *a, const void *b) { return strcmp(((const struct ent *) a)->name, ((const struct ent *) b)->name); }

static void mode_string(mode_t m, char *s) {
    s[0] = S_ISDIR(m) ? 'd' : S_ISLNK(m) ? 'l' : S_ISCHR(m) ? 'c' : S_ISBLK(m) ? 'b' : S_ISFIFO(m) ? 'p' : S_ISSOCK(m) ? 's' : '-';
    static const char rwx[] = "rwxrwxrwx";
    for (int i = 0; i < 9; i++) s[i + 1] = (m & (0400 >> i)) ? rwx[i] : '-';
    if (m & S_ISUID) s[3] = (m & 0100) ? 's' : 'S';
    if (m & S_ISGID) s[6] = (m & 0010) ? 's' : 'S';
    if (m & S_ISVTX) s[9] = (m & 0001) ? 't' : 'T';
    s[10] = 0;
}

/* user and group names from /etc/passwd and /etc/group (no NSS in a static binary) */
static void lookup_id(const char *file, unsigned id, char *buf, size_t cap);
static const char *id_name(const char *file, unsigned id, char *buf, size_t cap) {
    /* a small cache: ls -l asks for the same few ids for every entry */
    static struct { const char *file; unsigned id; char name[64]; } cache[16];
    static int ncache;
    for (int i = 0; i < ncache; i++) if (cache[i].file == file && cache[i].id == id) { sfmt(buf, cap, "%s", cache[i].name); return buf; }
    lookup_id(file, id, buf, cap);
    int slot = ncache < 16 ? ncache++ : (int) (id % 16);
    cache[slot].file = file; cache[slot].id = id; sfmt(cache[slot].name, sizeof cache[slot].name, "%s", buf);
    return buf;
}

static void lookup_id(const char *file, unsigned id, char *buf, size_t cap) {
    int fd = open(file, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        struct lreader r; lr_init(&r, fd);
        char *line = 0; size_t lc = 0;
        while (lr_getline(&r, &line, &lc) >= 0) {
            char *c1 = strchr(line, ':'); if (!c1) continue;
            char *c2 = strchr(c1 + 1, ':'); if (!c2) continue;
            if ((unsigned) strtoul(c2 + 1, 0, 10) == id && c2[1] >= '0' && c2[1] <= '9') {
                *c1 = 0; sfmt(buf, cap, "%s", line); free(line); close(fd); return;
            }
        }
        free(line); close(fd);
    }
    sfmt(buf, cap, "%u", id);
}

static char classify(mode_t m) {
    if (S_ISDIR(m)) return '/';
    if (S_ISLNK(m)) return '@';
    if (S_ISFIFO(m)) return '|';
    if (S_ISSOCK(m)) return '=';
    if (m & 0111) return '*';
    return 0;
}

static void time_string(time_t t, char *buf) {
    static const char *mon[] = { "Jan","Feb","Mar","Apr","May","Jun","Jul","Aug","Sep","Oct","Nov","Dec" };
    struct tm tm; gmtime_r(&t, &tm);
    time_t now = time(0);
    if (t > now - 15778476L && t < now + 3600)   /* recent: time of day, else the year */
        sfmt(buf, 16, "%s %2d %02d:%02d", mon[tm.tm_mon], tm.tm_mday, tm.tm_hour, tm.tm_min);
    else sfmt(buf, 16, "%s %2d  %4d", mon[tm.tm_mon], tm.tm_mday, tm.tm_year + 1900);
}

static void print_entries(struct ent *e, int n) {
    if (lf[L_LONG]) {
        int wl = 1, ws = 1, wu = 1, wg = 1;
        char ub[64], gb[64], num[32];
        for (int i = 0; i < n; i++) {
            if (!e[i].ok) continue;
            int k = sfmt(num, sizeof num, "%lu", (unsigned long) e[i].st.st_nlink); if (k > wl) wl = k;
            if (S_ISCHR(e[i].st.st_mode) || S_ISBLK(e[i].st.st_mode)) k = sfmt(num, sizeof num, "%u, %u", major(e[i].st.st_rdev), minor(e[i].st.st_rdev));
            else k = sfmt(num, sizeof num, "%ld", (long) e[i].st.st_size);
            if (k > ws) ws = k;
            k = (int) strlen(id_name("/etc/passwd", e[i].st.st_uid, ub, sizeof ub)); if (k > wu) wu = k;
            k = (int) strlen(id_name("/etc/group", e[i].st.st_gid, gb, sizeof gb)); if (k > wg) wg = k;
        }
        for (int i = 0; i < n; i++) {
            if (!e[i].ok) continue;
            char m[12], t[16];
            mode_string(e[i].st.st_mode, m);
            time_string(e[i].st.st_mtime, t);
            if (lf[L_INODE]) outf("%lu ", (unsigned long) e[i].st.st_ino);
            if (S_ISCHR(e[i].st.st_mode) || S_ISBLK(e[i].st.st_mode)) sfmt(num, sizeof num, "%u, %u", major(e[i].st.st_rdev), minor(e[i].st.st_rdev));
            else sfmt(num, sizeof num, "%ld", (long) e[i].st.st_size);
            outf("%s %*lu %-*s %-*s %*s %s %s", m, wl, (unsigned long) e[i].st.st_nlink,
                 wu, id_name("/etc/passwd", e[i].st.st_uid, ub, sizeof ub), wg, id_name("/etc/group", e[i].st.st_gid, gb, sizeof gb),
                 ws, num, t, e[i].name);
            if (e[i].link) outf(" -> %s", e[i].link);
            else if (lf[L_CLASS] && classify(e[i].st.st_mode)) outc(classify(e[i].st.st_mode));
            outc('\n');
        }
        return;
    }
    int cols = 0;
    struct winsize ws;
    if (!lf[L_ONE] && isatty(1) && ioctl(1, TIOCGWINSZ, &ws) == 0) cols = ws.ws_col ? ws.ws_col : 80;
    if (cols > 0 && n > 0) {
        /* columns filled top to bottom, as ls does on a terminal */
        int width = 0;
        for (int i = 0; i < n; i++) { int l = (int) strlen(e[i].name) + (lf[L_CLASS] ? 1 : 0); if (l > width) width = l; }
        width += 2;
        int ncol = cols / width; if (ncol < 1) ncol = 1;
        int rows = (n + ncol - 1) / ncol;
        ncol = (n + rows - 1) / rows;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < ncol; c++) {
                int i = c * rows + r;
                if (i >= n) break;
                char cl = lf[L_CLASS] && e[i].ok ? classify(e[i].st.st_mode) : 0;
                int l = (int) strlen(e[i].name) + (cl ? 1 : 0);
                out(e[i].name); if (cl) outc(cl);
                if (c + 1 < ncol && (c + 1) * rows + r < n) for (int k = l; k < width; k++) outc(' ');
            }
            outc('\n');
        }
        return;
    }
    for (int i = 0; i < n; i++) {
        if (lf[L_INODE] && e[i].ok) outf("%lu ", (unsigned long) e[i].st.st_ino);
        out(e[i].name);
        if (lf[L_CLASS] && e[i].ok && classify(e[i].st.st_mode)) outc(classify(e[i].st.st_mode));
        outc('\n');
    }
}

static void fill(struct ent *e, const char *path, const char *name) {
    e->name = xstrdup(name);
    e->link = 0;
    e->ok = lstat(path, &e->st) == 0;
    if (!e->ok) { err_errno(path); ls_rc = 1; return; }
    if (S_ISLNK(e->st.st_mode) && lf[L_LONG]) {
        char buf[4096]; ssize_t k = readlink(path, buf, sizeof buf - 1);
        if (k >= 0) { buf[k] = 0; e->link = xstrdup(buf); }
    }
}

static void free_ents(struct ent *e, int n) { for (int i = 0; i < n; i++) { free(e[i].name); free(e[i].link); } free(e); }

static void list_dir(const char *path, int header) {
    DIR *d = opendir(path);
    if (!d) { err("cannot open directory '%s': %s", path, strerror(errno)); ls_rc = 2; return; }
    int n = 0, cap = 32;
    struct ent *e = xmalloc(sizeof *e * (size_t) cap);
    struct dirent *de;
    while ((de = readdir(d))) {
        const char *nm = de->d_name;
        if (nm[0] == '.' && !lf[L_ALL]) {
            if (!lf[L_ALMOST]) continue;
            if (!nm[1] || (nm[1] == '.' && !nm[2])) continue;
        }
        if (n == cap) { cap *= 2; e = xrealloc(e, sizeof *e * (size_t) cap); }
        char *full = path_join(path, nm);
        fill(&e[n++], full, nm);
        free(full);
    }
    closedir(d);
    qsort(e, (size_t) n, sizeof *e, ent_cmp);
    if (header) outf("%s:\n", path);
    if (lf[L_LONG]) {
        long blocks = 0;
        for (int i = 0; i < n; i++) if (e[i].ok) blocks += (long) e[i].st.st_blocks;
        outf("total %ld\n", blocks / 2);
    }
    print_entries(e, n);
    if (lf[L_REC]) {
        for (int i = 0; i < n; i++) {
            if (!e[i].ok || !S_ISDIR(e[i].st.st_mode) || !strcmp(e[i].name, ".") || !strcmp(e[i].name, "..")) continue;
            char *full = path_join(path, e[i].name);
            outc('\n');
            list_dir(full, 1);
            free(full);
        }
    }
    free_ents(e, n);
}

int ls_main(int argc, char **argv) {
    memset(lf, 0, sizeof lf); ls_rc = 0;
    int i = opts(argc, argv, "laA1dRFi", lf, "ls [-laA1dRFi] [PATH]...");
    static char *dot[] = { ".", 0 };
    char **args = i < argc ? argv + i : dot;
    int nargs = i < argc ? argc - i : 1;
    /* files first (as given), then directories, each sorted */
    struct ent *files = xmalloc(sizeof *files * (size_t) nargs);
    char **dirs = xmalloc(sizeof(char *) * (size_t) nargs);
    int nf = 0, nd = 0;
    for (int k = 0; k < nargs; k++) {
        struct stat st;
        if (stat(args[k], &st) != 0 && lstat(args[k], &st) != 0) { err("cannot access '%s': %s", args[k], strerror(errno)); ls_rc = 2; continue; }
        if (S_ISDIR(st.st_mode) && !lf[L_DIR]) dirs[nd++] = args[k];
        else fill(&files[nf++], args[k], args[k]);
    }
    qsort(files, (size_t) nf, sizeof *files, ent_cmp);
    for (int a = 1; a < nd; a++) for (int b = a; b > 0 && strcmp(dirs[b - 1], dirs[b]) > 0; b--) { char *t = dirs[b]; dirs[b] = dirs[b - 1]; dirs[b - 1] = t; }
    print_entries(files, nf);
    for (int k = 0; k < nd; k++) {
        if (nf > 0 || k > 0) outc('\n');
        list_dir(dirs[k], nargs > 1 || lf[L_REC]);
    }
    free_ents(files, nf); free(dirs);
    return ls_rc;
}

/* ---- mkdir [-p] [-m MODE] DIR... ---- */
static int mkdir_p(char *path, mode_t mode) {
    size_t n = strlen(path);
    for (size_t i = 1; i <= n; i++) {
        if (path[i] != '/' && path[i] != 0) continue;
        char c = path[i]; path[i] = 0;
        if (mkdir(path, i == n ? mode : 0777) < 0 && errno != EEXIST) { path[i] = c; return -1; }
        if (!is_dir(path)) { path[i] = c; errno = ENOTDIR; return -1; }
        path[i] = c;
    }
    return 0;
}

int mkdir_main(int argc, char **argv) {
    int parents = 0, i = 1, rc = 0;
    mode_t mode = 0777;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        if (!strcmp(argv[i], "-p")) parents = 1;
        else if (!strcmp(argv[i], "-m") && i + 1 < argc) mode = (mode_t) strtoul(argv[++i], 0, 8);
        else if (!strcmp(argv[i], "--")) { i++; break; }
        else usage("mkdir [-p] [-m MODE] DIR...");
    }
    if (i == argc) usage("mkdir [-p] [-m MODE] DIR...");
    for (; i < argc; i++) {
        char *p = xstrdup(argv[i]);
        int r = parents ? mkdir_p(p, mode) : mkdir(p, mode);
        if (r < 0) { err("cannot create directory '%s': %s", argv[i], strerror(errno)); rc = 1; }
        else if (mode != 0777 && chmod(p, mode) < 0) { err_errno(argv[i]); rc = 1; }
        free(p);
    }
    return rc;
}

int rmdir_main(int argc, char **argv) {
    int f[1] = {0};
    int i = opts(argc, argv, "p", f, "rmdir [-p] DIR...");
    int rc = 0;
    if (i == argc) usage("rmdir [-p] DIR...");
    for (; i < argc; i++) {
        char *p = xstrdup(argv[i]);
        for (;;) {
            if (rmdir(p) < 0) { err("failed to remove '%s': %s", p, strerror(errno)); rc = 1; break; }
            if (!f[0]) break;
            char *s = strrchr(p, '/');
            if (!s || s == p) break;
            *s = 0;
        }
        free(p);
    }
    return rc;
}

/* ---- rm [-rRfi] PATH... ---- */
static int rm_force;

static int remove_tree(const char *path, int recursive) {
    struct stat st;
    if (lstat(path, &st) < 0) {
        if (rm_force && errno == ENOENT) return 0;
        err("cannot remove '%s': %s", path, strerror(errno));
        return 1;
    }
    if (S_ISDIR(st.st_mode)) {
        if (!recursive) { err("cannot remove '%s': Is a directory", path); return 1; }
        DIR *d = opendir(path);
        if (!d) { err("cannot open '%s': %s", path, strerror(errno)); return 1; }
        int rc = 0;
        /* collect first: unlinking while reading a directory stream is not portable */
        char **names = 0; int n = 0, cap = 0;
        struct dirent *de;
        while ((de = readdir(d))) {
            if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
            if (n == cap) { cap = cap * 2 + 16; names = xrealloc(names, sizeof(char *) * (size_t) cap); }
            names[n++] = path_join(path, de->d_name);
        }
        closedir(d);
        for (int i = 0; i < n; i++) { rc |= remove_tree(names[i], 1); free(names[i]); }
        free(names);
        if (rmdir(path) < 0) { err("cannot remove '%s': %s", path, strerror(errno)); return 1; }
        return rc;
    }
    if (unlink(path) < 0) { err("cannot remove '%s': %s", path, strerror(errno)); return 1; }
    return 0;
}

int rm_main(int argc, char **argv) {
    int f[3] = {0};
    int i = opts(argc, argv, "rRf", f, "rm [-rf] PATH...");
    rm_force = f[2];
    if (i == argc) { if (rm_force) return 0; usage("rm [-rf] PATH..."); }
    int rc = 0;
    for (; i < argc; i++) {
        const char *b = base_name(argv[i]);
        if (!strcmp(b, ".") || !strcmp(b, "..") || !strcmp(argv[i], "/")) { err("refusing to remove '%s'", argv[i]); rc = 1; continue; }
        rc |= remove_tree(argv[i], f[0] || f[1]);
    }
    return rc;
}

/* ---- cp [-rRfp] SRC... DEST ---- */
static int cp_preserve, cp_force;

static int copy_file(const char *src, const char *dst, const struct stat *st) {
    int in = open(src, O_RDONLY | O_CLOEXEC);
    if (in < 0) { err_errno(src); return 1; }
    int outfd = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, st->st_mode & 07777);
    if (outfd < 0 && errno == EACCES && cp_force) { unlink(dst);   /* -f: replace what cannot be opened */ outfd = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, st->st_mode & 07777); }
    if (outfd < 0) { err("cannot create '%s': %s", dst, strerror(errno)); close(in); return 1; }
    char buf[16384];
    int rc = 0;
    for (;;) {
        ssize_t r = read(in, buf, sizeof buf);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) { err_errno(src); rc = 1; break; }
        if (r == 0) break;
        if (write_all(outfd, buf, (size_t) r) < 0) { err_errno(dst); rc = 1; break; }
    }
    if (cp_preserve) { fchmod(outfd, st->st_mode & 07777); struct timespec t[2] = { st->st_atim, st->st_mtim }; futimens(outfd, t); }
    close(in);
    if (close(outfd) < 0) { err_errno(dst); rc = 1; }
    return rc;
}

static int copy_tree(const char *src, const char *dst, int recursive) {
    struct stat st;
    if (lstat(src, &st) < 0) { err("cannot stat '%s': %s", src, strerror(errno)); return 1; }
    if (S_ISDIR(st.st_mode)) {
        if (!recursive) { err("-r not specified; omitting directory '%s'", src); return 1; }
        if (mkdir(dst, (st.st_mode & 07777) | 0700) < 0 && errno != EEXIST) { err("cannot create directory '%s': %s", dst, strerror(errno)); return 1; }
        DIR *d = opendir(src);
        if (!d) { err_errno(src); return 1; }
        int rc = 0;
        struct dirent *de;
        while ((de = readdir(d))) {
            if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
            char *s = path_join(src, de->d_name), *t = path_join(dst, de->d_name);
            rc |= copy_tree(s, t, 1);
            free(s); free(t);
        }
        closedir(d);
        if (cp_preserve) chmod(dst, st.st_mode & 07777);
        return rc;
    }
    if (S_ISLNK(st.st_mode) && recursive) {
        char buf[4096]; ssize_t k = readlink(src, buf, sizeof buf - 1);
        if (k < 0) { err_errno(src); return 1; }
        buf[k] = 0;
        unlink(dst);
        if (symlink(buf, dst) < 0) { err("cannot create symlink '%s': %s", dst, strerror(errno)); return 1; }
        return 0;
    }
    if (S_ISLNK(st.st_mode) && stat(src, &st) < 0) { err_errno(src); return 1; }
    struct stat ds;
    if (stat(dst, &ds) == 0 && ds.st_dev == st.st_dev && ds.st_ino == st.st_ino) { err("'%s' and '%s' are the same file", src, dst); return 1; }
    return copy_file(src, dst, &st);
}

/* the destination for SRC when DEST is a directory */
static char *into(const char *dest, const char *src) {
    char *s = xstrdup(src);
    size_t n = strlen(s);
    while (n > 1 && s[n - 1] == '/') s[--n] = 0;
    char *r = path_join(dest, base_name(s));
    free(s);
    return r;
}

int cp_main(int argc, char **argv) {
    int f[4] = {0};
    int i = opts(argc, argv, "rRfp", f, "cp [-rfp] SRC... DEST");
    cp_preserve = f[3]; cp_force = f[2];
    if (argc - i < 2) usage("cp [-rfp] SRC... DEST");
    const char *dest = argv[argc - 1];
    int rc = 0;
    if (is_dir(dest)) {
        for (; i < argc - 1; i++) { char *t = into(dest, argv[i]); rc |= copy_tree(argv[i], t, f[0] || f[1]); free(t); }
    } else {
        if (argc - i > 2) { err("target '%s' is not a directory", dest); return 1; }
        rc = copy_tree(argv[i], dest, f[0] || f[1]);
    }
    return rc;
}

/* ---- mv [-f] SRC... DEST ---- */
static int move(const char *src, const char *dst) {
    if (rename(src, dst) == 0) return 0;
    if (errno != EXDEV) { err("cannot move '%s' to '%s': %s", src, dst, strerror(errno)); return 1; }
    /* across file systems: copy, then remove the source */
    cp_preserve = 1;
    if (copy_tree(src, dst, 1)) return 1;
    rm_force = 0;
    return remove_tree(src, 1);
}

int mv_main(int argc, char **argv) {
    int f[1] = {0};
    int i = opts(argc, argv, "f", f, "mv [-f] SRC... DEST");   /* -f: we never ask anyway */
    if (argc - i < 2) usage("mv [-f] SRC... DEST");
    const char *dest = argv[argc - 1];
    int rc = 0;
    if (is_dir(dest)) {
        for (; i < argc - 1; i++) { char *t = into(dest, argv[i]); rc |= move(argv[i], t); free(t); }
    } else {
        if (argc - i > 2) { err("target '%s' is not a directory", dest); return 1; }
        rc = move(argv[i], dest);
    }
    return rc;
}

/* ---- ln [-sf] TARGET [LINK] | TARGET... DIR ---- */
int ln_main(int argc, char **argv) {
    int f[3] = {0};
    int i = opts(argc, argv, "sfn", f, "ln [-sf] TARGET [LINK] | ln [-sf] TARGET... DIR");
    int n = argc - i;
    if (n < 1) usage("ln [-sf] TARGET [LINK] | ln [-sf] TARGET... DIR");
    int rc = 0;
    const char *dest = n == 1 ? "." : argv[argc - 1];
    int todir = n > 2 || n == 1 || (is_dir(dest) && !(f[2] && ({ struct stat ls; lstat(dest, &ls) == 0 && S_ISLNK(ls.st_mode); })));
    int last = n == 1 ? argc : argc - 1;
    for (; i < last; i++) {
        char *lnk = todir ? into(dest, argv[i]) : xstrdup(dest);
        if (f[1]) unlink(lnk);
        int r = f[0] ? symlink(argv[i], lnk) : link(argv[i], lnk);
        if (r < 0) { err("failed to create %s link '%s': %s", f[0] ? "symbolic" : "hard", lnk, strerror(errno)); rc = 1; }
        free(lnk);
        if (!todir) break;
    }
    return rc;
}
