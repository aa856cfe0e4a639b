/* System utilities: ps kill uname date dmesg free mount umount df hostname sync poweroff reboot halt. */
#include "lib.h"
#include "applets.h"
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

/* reads a small file whole (procfs files report size 0, so read to EOF); NULL on error */
static char *slurp(const char *path, size_t *len) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    size_t n = 0, cap = 4096;
    char *b = xmalloc(cap + 1);
    for (;;) {
        if (n == cap) { cap *= 2; b = xrealloc(b, cap + 1); }
        ssize_t k = read(fd, b + n, cap - n);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) break;
        n += (size_t) k;
    }
    close(fd);
    b[n] = 0;
    if (len) *len = n;
    return b;
}

/* ---- ps: PID PPID STAT TIME COMMAND from /proc/PID/stat and cmdline ---- */
static int pid_cmp(const void *a, const void *b) { return *(const int *) a - *(const int *) b; }

int ps_main(int argc, char **argv) {
    (void) argc; (void) argv;   /* BSD/POSIX selection options are accepted and ignored: we always show all */
    DIR *d = opendir("/proc");
    if (!d) { err("/proc: %s (is procfs mounted?)", strerror(errno)); return 1; }
    int *pids = 0, n = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (!isdigit((unsigned char) de->d_name[0])) continue;
        if (n == cap) { cap = cap * 2 + 64; pids = xrealloc(pids, sizeof(int) * (size_t) cap); }
        pids[n++] = atoi(de->d_name);
    }
    closedir(d);
    qsort(pids, (size_t) n, sizeof(int), pid_cmp);
    long hz = sysconf(_SC_CLK_TCK); if (hz <= 0) hz = 100;
    out("  PID  PPID S     TIME COMMAND\n");
    for (int i = 0; i < n; i++) {
        char path[64];
        sfmt(path, sizeof path, "/proc/%d/stat", pids[i]);
        char *st = slurp(path, 0);
        if (!st) continue;                     /* it exited meanwhile */
        /* "pid (comm) S ppid ..." - comm may hold spaces and parentheses: take the last ')' */
        char *lp = strchr(st, '('), *rp = strrchr(st, ')');
        if (!lp || !rp || rp < lp) { free(st); continue; }
        *rp = 0;
        char *comm = lp + 1;
        char state = rp[2] ? rp[2] : '?';
        /* fields after comm: 3 state, 4 ppid, ..., 14 utime, 15 stime */
        long f[16] = {0}; int k = 3;
        char *p = rp + 2;
        while (*p && k < 16) {
            while (*p == ' ') p++;
            if (k > 3) f[k] = strtol(p, 0, 10);
            while (*p && *p != ' ') p++;
            k++;
        }
        long secs = (f[14] + f[15]) / hz;
        sfmt(path, sizeof path, "/proc/%d/cmdline", pids[i]);
        size_t cl = 0;
        char *cmd = slurp(path, &cl);
        outf("%5d %5ld %c %2ld:%02ld:%02ld ", pids[i], f[4], state, secs / 3600, secs / 60 % 60, secs % 60);
        if (cmd && cl > 0) {
            while (cl > 0 && cmd[cl - 1] == 0) cl--;
            for (size_t j = 0; j < cl; j++) outc(cmd[j] ? cmd[j] : ' ');
        } else outf("[%s]", comm);
        outc('\n');
        free(cmd); free(st);
    }
    free(pids);
    return 0;
}

/* ---- kill [-s SIG | -SIG | -n N] PID... | kill -l [N] ---- */
static const char *signames[] = { 0, "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV",
    "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU", "XFSZ",
    "VTALRM", "PROF", "WINCH", "POLL", "PWR", "SYS" };

static int sig_number(const char *s) {
    long v;
    if (parse_long(s, &v) == 0) return v >= 0 && v < 65 ? (int) v : -1;
    if (!strncasecmp(s, "SIG", 3)) s += 3;
    for (int i = 1; i < 32; i++) if (!strcasecmp(s, signames[i])) return i;
    if (!strcasecmp(s, "IO")) return SIGIO;
    return -1;
}

int kill_main(int argc, char **argv) {
    int sig = SIGTERM, i = 1;
    const char *use = "kill [-s SIGNAL | -SIGNAL] PID... | kill -l [NUMBER]";
    if (i < argc && !strcmp(argv[i], "-l")) {
        if (i + 1 < argc) {
            long v; if (parse_long(argv[i + 1], &v) != 0) { int s = sig_number(argv[i + 1]); if (s < 0) { err("%s: invalid signal", argv[i + 1]); return 1; } outf("%d\n", s); return 0; }
            if (v > 128) v -= 128;
            if (v < 1 || v > 31) { err("%s: invalid signal", argv[i + 1]); return 1; }
            outf("%s\n", signames[v]); return 0;
        }
        for (int s = 1; s < 32; s++) outf("%2d) SIG%-8s%s", s, signames[s], s % 5 == 0 || s == 31 ? "\n" : " ");
        return 0;
    }
    if (i < argc && (!strcmp(argv[i], "-s") || !strcmp(argv[i], "-n"))) {
        if (i + 1 >= argc) usage(use);
        sig = sig_number(argv[i + 1]);
        if (sig < 0) { err("%s: invalid signal", argv[i + 1]); return 1; }
        i += 2;
    } else if (i < argc && argv[i][0] == '-' && argv[i][1] && strcmp(argv[i], "--") && !(isdigit((unsigned char) argv[i][1]) && i + 1 >= argc)) {
        sig = sig_number(argv[i] + 1);
        if (sig < 0) { err("%s: invalid signal", argv[i] + 1); return 1; }
        i++;
    }
    if (i < argc && !strcmp(argv[i], "--")) i++;
    if (i >= argc) usage(use);
    int rc = 0;
    for (; i < argc; i++) {
        long pid;
        if (parse_long(argv[i], &pid) != 0) { err("%s: arguments must be process or job IDs", argv[i]); rc = 1; continue; }
        if (kill((pid_t) pid, sig) < 0) { err("(%ld): %s", pid, strerror(errno)); rc = 1; }
    }
    return rc;
}

/* ---- uname [-asnrvmo] ---- */
int uname_main(int argc, char **argv) {
    int f[6] = {0};   /* s n r v m o */
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] != '-') usage("uname [-asnrvmo]");
        for (const char *o = argv[i] + 1; *o; o++) {
            const char *p = strchr("snrvmo", *o);
            if (*o == 'a') { for (int k = 0; k < 6; k++) f[k] = 1; }
            else if (p) f[p - "snrvmo"] = 1;
            else usage("uname [-asnrvmo]");
        }
    }
    if (!f[0] && !f[1] && !f[2] && !f[3] && !f[4] && !f[5]) f[0] = 1;
    struct utsname u;
    if (uname(&u) < 0) { err_errno("uname"); return 1; }
    const char *v[6] = { u.sysname, u.nodename, u.release, u.version, u.machine, u.sysname };
    int first = 1;
    for (int k = 0; k < 6; k++) if (f[k]) {
        if (k == 5 && f[0]) continue;   /* -a: the operating system is the kernel name once */
        outf(first ? "%s" : " %s", v[k]); first = 0;
    }
    outc('\n');
    return 0;
}

/* ---- date [-u] [-d @SECONDS] [+FORMAT]: always UTC (the guest has no time zone database) ---- */
static const char *wday[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
static const char *wdayl[] = { "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday" };
static const char *mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
static const char *monl[] = { "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December" };

static void date_format(const char *f, struct tm *tm, time_t t, long nsec) {
    for (; *f; f++) {
        if (*f != '%' || !f[1]) { outc(*f); continue; }
        switch (*++f) {
        case 'Y': outf("%d", tm->tm_year + 1900); break;
        case 'C': outf("%02d", (tm->tm_year + 1900) / 100); break;
        case 'y': outf("%02d", tm->tm_year % 100); break;
        case 'm': outf("%02d", tm->tm_mon + 1); break;
        case 'd': outf("%02d", tm->tm_mday); break;
        case 'e': outf("%2d", tm->tm_mday); break;
        case 'H': outf("%02d", tm->tm_hour); break;
        case 'I': outf("%02d", tm->tm_hour % 12 ? tm->tm_hour % 12 : 12); break;
        case 'M': outf("%02d", tm->tm_min); break;
        case 'S': outf("%02d", tm->tm_sec); break;
        case 'N': outf("%09ld", nsec); break;
        case 'p': out(tm->tm_hour < 12 ? "AM" : "PM"); break;
        case 'j': outf("%03d", tm->tm_yday + 1); break;
        case 'a': out(wday[tm->tm_wday]); break;
        case 'A': out(wdayl[tm->tm_wday]); break;
        case 'u': outf("%d", tm->tm_wday ? tm->tm_wday : 7); break;
        case 'w': outf("%d", tm->tm_wday); break;
        case 'b': case 'h': out(mon[tm->tm_mon]); break;
        case 'B': out(monl[tm->tm_mon]); break;
        case 's': outf("%ld", (long) t); break;
        case 'Z': out("UTC"); break;
        case 'z': out("+0000"); break;
        case 'n': outc('\n'); break;
        case 't': outc('\t'); break;
        case '%': outc('%'); break;
        case 'F': date_format("%Y-%m-%d", tm, t, nsec); break;
        case 'T': date_format("%H:%M:%S", tm, t, nsec); break;
        case 'D': date_format("%m/%d/%y", tm, t, nsec); break;
        case 'R': date_format("%H:%M", tm, t, nsec); break;
        case 'c': date_format("%a %b %e %H:%M:%S %Y", tm, t, nsec); break;
        default: outc('%'); outc(*f);
        }
    }
}

int date_main(int argc, char **argv) {
    const char *fmt = "%a %b %e %H:%M:%S %Z %Y";
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-u") || !strcmp(argv[i], "-R")) { if (argv[i][1] == 'R') fmt = "%a, %d %b %Y %H:%M:%S %z"; continue; }
        if (!strcmp(argv[i], "-d") && i + 1 < argc) {
            const char *v = argv[++i];
            long s;
            if (v[0] != '@' || parse_long(v + 1, &s) != 0) { err("invalid date '%s' (only @SECONDS is understood)", v); return 1; }
            ts.tv_sec = s; ts.tv_nsec = 0;
            continue;
        }
        if (argv[i][0] == '+') { fmt = argv[i] + 1; continue; }
        if (!strcmp(argv[i], "-s") || argv[i][0] != '-') {
            err("setting the clock is not supported");
            return 1;
        }
        usage("date [-u] [-d @SECONDS] [+FORMAT]");
    }
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    date_format(fmt, &tm, ts.tv_sec, ts.tv_nsec);
    outc('\n');
    return 0;
}

/* ---- dmesg [-c] [-r]: the kernel log through syslog(2); -r keeps the "<LEVEL>" line prefixes ---- */
int dmesg_main(int argc, char **argv) {
    int clear = 0, raw = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-c")) clear = 1; else if (!strcmp(argv[i], "-r")) raw = 1; else usage("dmesg [-c] [-r]");
    }
    int size = klogctl(10, 0, 0);             /* SYSLOG_ACTION_SIZE_BUFFER */
    if (size <= 0) size = 1 << 17;
    char *buf = xmalloc((size_t) size);
    int n = klogctl(clear ? 4 : 3, buf, size);  /* READ_CLEAR : READ_ALL */
    if (n < 0) { err("syslog(SYSLOG_ACTION_READ_ALL): %s", strerror(errno)); return 1; }
    for (int i = 0; i < n; ) {
        int e = i;
        while (e < n && buf[e] != '\n') e++;
        int s = i;
        if (!raw && buf[s] == '<') {         /* "<6>" - the level, as syslog(2) returns it */
            int k = s + 1;
            while (k < e && buf[k] >= '0' && buf[k] <= '9') k++;
            if (k < e && k > s + 1 && buf[k] == '>') s = k + 1;
        }
        outn(buf + s, (size_t) (e - s));
        outc('\n');
        i = e + 1;
    }
    free(buf);
    return 0;
}

/* ---- free [-k|-m|-b|-h]: from /proc/meminfo ---- */
static long meminfo(const char *text, const char *key) {
    size_t kl = strlen(key);
    for (const char *p = text; p && *p; ) {
        if (!strncmp(p, key, kl) && p[kl] == ':') return strtol(p + kl + 1, 0, 10);
        p = strchr(p, '\n'); if (p) p++;
    }
    return -1;
}

int free_main(int argc, char **argv) {
    long div = 1; int human = 0; const char *unit = "";
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-k")) div = 1; else if (!strcmp(argv[i], "-m")) div = 1024; else if (!strcmp(argv[i], "-g")) div = 1024 * 1024;
        else if (!strcmp(argv[i], "-b")) div = -1; else if (!strcmp(argv[i], "-h")) human = 1;
        else usage("free [-b|-k|-m|-g|-h]");
    }
    (void) unit;
    char *m = slurp("/proc/meminfo", 0);
    if (!m) { err("/proc/meminfo: %s (is procfs mounted?)", strerror(errno)); return 1; }
    long total = meminfo(m, "MemTotal"), fr = meminfo(m, "MemFree"), avail = meminfo(m, "MemAvailable");
    long buffers = meminfo(m, "Buffers"), cached = meminfo(m, "Cached"), shmem = meminfo(m, "Shmem"), srecl = meminfo(m, "SReclaimable");
    long stotal = meminfo(m, "SwapTotal"), sfree = meminfo(m, "SwapFree");
    free(m);
    if (total < 0 || fr < 0) { err("/proc/meminfo: no MemTotal/MemFree"); return 1; }
    if (buffers < 0) buffers = 0;
    if (cached < 0) cached = 0;
    if (srecl > 0) cached += srecl;
    if (shmem < 0) shmem = 0;
    if (avail < 0) avail = fr + buffers + cached;
    if (stotal < 0) stotal = 0;
    if (sfree < 0) sfree = 0;
    long used = total - fr - buffers - cached;
    if (used < 0) used = total - fr;
    long v[9] = { total, used, fr, shmem, buffers + cached, avail, stotal, stotal - sfree, sfree };
    char s[9][24];
    for (int k = 0; k < 9; k++) {
        if (human) {
            double x = (double) v[k]; const char *u = "Ki";
            if (x >= 1024) { x /= 1024; u = "Mi"; }
            if (x >= 1024) { x /= 1024; u = "Gi"; }
            long whole = (long) x, tenth = (long) ((x - (double) whole) * 10);
            if (*u == 'K' || whole >= 10) sfmt(s[k], 24, "%ld%s", whole, u); else sfmt(s[k], 24, "%ld.%ld%s", whole, tenth, u);
        } else sfmt(s[k], 24, "%ld", div < 0 ? v[k] * 1024 : v[k] / div);
    }
    outf("%15s %11s %11s %11s %11s %11s\n", "total", "used", "free", "shared", "buff/cache", "available");
    outf("Mem:    %11s %11s %11s %11s %11s %11s\n", s[0], s[1], s[2], s[3], s[4], s[5]);
    outf("Swap:   %11s %11s %11s\n", s[6], s[7], s[8]);
    return 0;
}

/* ---- mount / umount / df: the mount table is /proc/mounts ---- */
struct mnt { char *dev, *dir, *type, *opts; };

/* /proc/mounts escapes spaces as \040 */
static void unescape(char *s) {
    char *o = s;
    for (; *s; s++) {
        if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
            *o++ = (char) ((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0')); s += 3;
        } else *o++ = *s;
    }
    *o = 0;
}

static int read_mounts(struct mnt **out_m) {
    char *t = slurp("/proc/mounts", 0);
    if (!t) return -1;
    int n = 0, cap = 16;
    struct mnt *m = xmalloc(sizeof *m * (size_t) cap);
    for (char *line = strtok(t, "\n"); line; line = strtok(0, "\n")) {
        char *f[4]; int k = 0;
        for (char *p = line; k < 4; ) {
            while (*p == ' ') p++;
            if (!*p) break;
            f[k++] = p;
            while (*p && *p != ' ') p++;
            if (*p) *p++ = 0;
        }
        if (k < 3) continue;
        if (n == cap) { cap *= 2; m = xrealloc(m, sizeof *m * (size_t) cap); }
        for (int j = 0; j < k; j++) unescape(f[j]);
        m[n].dev = f[0]; m[n].dir = f[1]; m[n].type = f[2]; m[n].opts = k > 3 ? f[3] : "rw";
        n++;
    }
    *out_m = m;
    return n;
}

/* -o options: the flag words become MS_* bits, the rest is the data string */
static unsigned long mount_flags(const char *opts, char *data, size_t cap) {
    static const struct { const char *name; unsigned long set, clear; } map[] = {
        { "ro", MS_RDONLY, 0 }, { "rw", 0, MS_RDONLY }, { "nosuid", MS_NOSUID, 0 }, { "suid", 0, MS_NOSUID },
        { "nodev", MS_NODEV, 0 }, { "dev", 0, MS_NODEV }, { "noexec", MS_NOEXEC, 0 }, { "exec", 0, MS_NOEXEC },
        { "sync", MS_SYNCHRONOUS, 0 }, { "async", 0, MS_SYNCHRONOUS }, { "remount", MS_REMOUNT, 0 },
        { "bind", MS_BIND, 0 }, { "noatime", MS_NOATIME, 0 }, { "relatime", MS_RELATIME, 0 }, { "defaults", 0, 0 },
    };
    unsigned long fl = 0;
    size_t dn = 0;
    data[0] = 0;
    char *copy = xstrdup(opts);
    for (char *o = strtok(copy, ","); o; o = strtok(0, ",")) {
        size_t k = 0;
        for (; k < sizeof map / sizeof map[0]; k++) if (!strcmp(o, map[k].name)) { fl = (fl | map[k].set) & ~map[k].clear; break; }
        if (k == sizeof map / sizeof map[0]) dn += (size_t) sfmt(data + dn, cap - dn, "%s%s", dn ? "," : "", o);
    }
    free(copy);
    return fl;
}

int mount_main(int argc, char **argv) {
    const char *type = 0, *opts = "";
    int i = 1;
    const char *use = "mount [-t TYPE] [-o OPTIONS] DEVICE DIR | mount";
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "-t") && i + 1 < argc) type = argv[++i];
        else if (!strcmp(argv[i], "-o") && i + 1 < argc) opts = argv[++i];
        else if (!strcmp(argv[i], "-r")) opts = "ro";
        else usage(use);
    }
    if (i == argc) {
        struct mnt *m;
        int n = read_mounts(&m);
        if (n < 0) { err("/proc/mounts: %s (the kernel does not publish its mount table)", strerror(errno)); return 1; }
        for (int k = 0; k < n; k++) if (!type || !strcmp(type, m[k].type)) outf("%s on %s type %s (%s)\n", m[k].dev, m[k].dir, m[k].type, m[k].opts);
        return 0;
    }
    if (argc - i != 2) usage(use);
    char data[512];
    unsigned long fl = mount_flags(opts, data, sizeof data);
    if (!type && !(fl & (MS_BIND | MS_REMOUNT))) { err("give the file system type with -t TYPE"); return 1; }
    if (mount(argv[i], argv[i + 1], type ? type : "", fl, data[0] ? data : 0) < 0) {
        err("mounting %s on %s failed: %s", argv[i], argv[i + 1], strerror(errno));
        return 1;
    }
    return 0;
}

int umount_main(int argc, char **argv) {
    int i = 1, flags = 0, rc = 0;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "-f")) flags |= MNT_FORCE; else if (!strcmp(argv[i], "-l")) flags |= MNT_DETACH; else usage("umount [-fl] DIR...");
    }
    if (i == argc) usage("umount [-fl] DIR...");
    for (; i < argc; i++) if (umount2(argv[i], flags) < 0) { err("%s: %s", argv[i], strerror(errno)); rc = 1; }
    return rc;
}

static void human(char *b, size_t cap, unsigned long long kb) {
    const char *u = "KMGTP"; double x = (double) kb; int k = 0;
    while (x >= 1024 && k < 4) { x /= 1024; k++; }
    if (x < 10 && k > 0) { long w = (long) x; sfmt(b, cap, "%ld.%ld%c", w, (long) ((x - (double) w) * 10), u[k]); }
    else sfmt(b, cap, "%ld%c", (long) (x + 0.5), u[k]);
}

static void df_line(const char *dev, const char *dir, int hum) {
    struct statfs s;
    if (statfs(dir, &s) < 0) { err("%s: %s", dir, strerror(errno)); return; }
    unsigned long long bs = s.f_frsize ? (unsigned long long) s.f_frsize : (unsigned long long) s.f_bsize;
    unsigned long long total = s.f_blocks * bs / 1024, avail = s.f_bavail * bs / 1024, used = (s.f_blocks - s.f_bfree) * bs / 1024;
    unsigned long long denom = used + avail;
    int pct = denom ? (int) ((used * 100 + denom - 1) / denom) : 0;
    if (hum) {
        char a[16], b[16], c[16];
        human(a, sizeof a, total); human(b, sizeof b, used); human(c, sizeof c, avail);
        outf("%-20s %6s %6s %6s %3d%% %s\n", dev, a, b, c, pct, dir);
    } else outf("%-20s %10lu %10lu %10lu %3d%% %s\n", dev, (unsigned long) total, (unsigned long) used, (unsigned long) avail, pct, dir);
    if (s.f_blocks == 0) { /* pseudo file systems (and kernels whose statfs reports nothing) show zeros */ }
}

int df_main(int argc, char **argv) {
    int hum = 0, i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) { if (!strcmp(argv[i], "-h")) hum = 1; else if (!strcmp(argv[i], "-k")) hum = 0; else usage("df [-hk] [DIR]..."); }
    if (hum) outf("%-20s %6s %6s %6s %4s %s\n", "Filesystem", "Size", "Used", "Avail", "Use%", "Mounted on");
    else outf("%-20s %10s %10s %10s %4s %s\n", "Filesystem", "1K-blocks", "Used", "Available", "Use%", "Mounted on");
    struct mnt *m;
    int n = read_mounts(&m);
    if (i < argc) {
        /* the mount holding each path: the longest mount point that prefixes it */
        for (; i < argc; i++) {
            const char *dev = argv[i];
            size_t best = 0;
            char real[4096];
            if (!realpath(argv[i], real)) { err("%s: %s", argv[i], strerror(errno)); continue; }
            for (int k = 0; k < n; k++) {
                size_t l = strlen(m[k].dir);
                if (!strncmp(real, m[k].dir, l) && (real[l] == '/' || real[l] == 0 || l == 1) && l >= best) { best = l; dev = m[k].dev; }
            }
            df_line(dev, argv[i], hum);
        }
        return 0;
    }
    if (n < 0) { err("/proc/mounts: %s (the kernel does not publish its mount table)", strerror(errno)); return 1; }
    for (int k = 0; k < n; k++) df_line(m[k].dev, m[k].dir, hum);
    return 0;
}

/* ---- hostname [NAME | -F FILE] ---- */
int hostname_main(int argc, char **argv) {
    char name[256];
    if (argc == 1) {
        if (gethostname(name, sizeof name) < 0) { err_errno("gethostname"); return 1; }
        outf("%s\n", name);
        return 0;
    }
    const char *v = argv[1];
    if (!strcmp(argv[1], "-F")) {
        if (argc != 3) usage("hostname [NAME | -F FILE]");
        char *t = slurp(argv[2], 0);
        if (!t) { err_errno(argv[2]); return 1; }
        t[strcspn(t, "\n")] = 0;
        v = t;
    } else if (argc != 2 || argv[1][0] == '-') usage("hostname [NAME | -F FILE]");
    if (sethostname(v, strlen(v)) < 0) { err("sethostname: %s", strerror(errno)); return 1; }
    return 0;
}

int sync_main(int argc, char **argv) { (void) argc; (void) argv; sync(); return 0; }

/* ---- poweroff / reboot / halt ----
 * With our init as PID 1 they ask it (a signal) to stop services, sync and unmount; with -f,
 * or without such an init, they do that themselves: sync, unmount everything, reboot(2). */
void shutdown_system(int cmd);   /* init.c */

static int init_is_ours(void) {
    char *c = slurp("/proc/1/cmdline", 0);
    if (!c) return 0;
    const char *b = base_name(c);
    int ours = !strcmp(b, "init") || (!strcmp(b, "mbox") && !strcmp(c + strlen(c) + 1, "init"));
    free(c);
    return ours;
}

static int halt_like(int argc, char **argv, int cmd, int sig) {
    int force = 0;
    for (int i = 1; i < argc; i++) { if (!strcmp(argv[i], "-f")) force = 1; else usage("poweroff|reboot|halt [-f]"); }
    if (getpid() != 1 && !force && init_is_ours()) {
        /* init's SIGTERM to everyone must not end us early (the shell would report it and
         * prompt again); its SIGKILL ends us together with the shell */
        signal(SIGTERM, SIG_IGN); signal(SIGINT, SIG_IGN); signal(SIGHUP, SIG_IGN);
        if (kill(1, sig) == 0) { for (;;) pause(); }
    }
    shutdown_system(cmd);
    return 1;
}

int poweroff_main(int argc, char **argv) { return halt_like(argc, argv, RB_POWER_OFF, SIGUSR2); }
int reboot_main(int argc, char **argv) { return halt_like(argc, argv, RB_AUTOBOOT, SIGTERM); }
int halt_main(int argc, char **argv) { return halt_like(argc, argv, RB_HALT_SYSTEM, SIGUSR1); }
