/* init: PID 1 of MultiOS.
 *
 * /etc/inittab, one entry a line, "ACTION:COMMAND" ('#' starts a comment):
 *   sysinit:CMD    run at boot, in order, each waited for
 *   wait:CMD       run after the sysinit entries, each waited for
 *   once:CMD       started after those, not waited for, not restarted
 *   respawn:CMD    started on the console (new session, controlling terminal), restarted when it exits
 *   shutdown:CMD   run, waited for, when the system goes down
 * CMD is split on blanks (no quoting) and run directly; a CMD beginning with '-' is started as a
 * login shell (argv[0] "-NAME": the shell then reads /etc/profile). Without /etc/inittab init
 * behaves as if it held "respawn:-/bin/sh".
 *
 * Signals: SIGTERM -> reboot, SIGUSR2 -> power off, SIGUSR1 -> halt (what poweroff/reboot/halt
 * send), SIGINT (ctrl-alt-del) -> reboot. Going down: shutdown entries, SIGTERM to every process,
 * a grace period, SIGKILL, sync, every file system unmounted (innermost first), sync, reboot(2).
 * If reboot(2) fails, init exits (0 for power off/halt, 1 for reboot): the kernel then stops. */
#include "lib.h"
#include "applets.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { A_SYSINIT, A_WAIT, A_ONCE, A_RESPAWN, A_SHUTDOWN };
static const char *actions[] = { "sysinit", "wait", "once", "respawn", "shutdown" };

struct entry { int action; char **argv; pid_t pid; time_t last_start; int fast_restarts; };
static struct entry *entries; static int nentries;
static volatile sig_atomic_t going_down;   /* the RB_* command, 0 while running */

static void on_signal(int sig) {
    if (going_down) return;
    going_down = sig == SIGUSR2 ? RB_POWER_OFF : sig == SIGUSR1 ? RB_HALT_SYSTEM : RB_AUTOBOOT;
}

static void add_entry(int action, char *cmd) {
    char **argv = xmalloc(sizeof(char *) * (strlen(cmd) / 2 + 2));
    int n = 0;
    for (char *t = strtok(cmd, " \t"); t; t = strtok(0, " \t")) argv[n++] = xstrdup(t);
    argv[n] = 0;
    if (n == 0) { free(argv); return; }
    entries = xrealloc(entries, sizeof *entries * (size_t) (nentries + 1));
    entries[nentries++] = (struct entry) { action, argv, 0, 0, 0 };
}

static void read_inittab(void) {
    int fd = open("/etc/inittab", O_RDONLY | O_CLOEXEC);
    if (fd < 0) { char d[] = "-/bin/sh"; add_entry(A_RESPAWN, d); return; }
    struct lreader r; lr_init(&r, fd);
    char *line = 0; size_t cap = 0; ssize_t n; int lineno = 0;
    while ((n = lr_getline(&r, &line, &cap)) >= 0) {
        lineno++;
        if (n > 0 && line[n - 1] == '\n') line[n - 1] = 0;
        char *s = line; while (*s == ' ' || *s == '\t') s++;
        if (!*s || *s == '#') continue;
        char *colon = strchr(s, ':');
        int a = -1;
        if (colon) { *colon = 0; for (int k = 0; k < 5; k++) if (!strcmp(s, actions[k])) a = k; }
        if (a < 0) { err("/etc/inittab:%d: unknown entry (want ACTION:COMMAND, ACTION one of sysinit wait once respawn shutdown)", lineno); continue; }
        add_entry(a, colon + 1);
    }
    free(line);
    close(fd);
}

static void open_console(void) {
    int fd = open("/dev/console", O_RDWR | O_NOCTTY);
    if (fd < 0) return;          /* keep whatever we were given */
    for (int k = 0; k < 3; k++) if (fd != k) dup2(fd, k);
    if (fd > 2) close(fd);
}

static int argc_of(char **av) { int n = 0; while (av[n]) n++; return n; }

static pid_t start(struct entry *e) {
    pid_t pid = fork();
    if (pid < 0) { err("fork: %s", strerror(errno)); return -1; }
    if (pid > 0) { e->pid = pid; e->last_start = time(0); return pid; }
    sigset_t none; sigemptyset(&none); sigprocmask(SIG_SETMASK, &none, 0);
    for (int s = 1; s < 32; s++) if (s != SIGKILL && s != SIGSTOP) signal(s, SIG_DFL);
    setsid();
    if (e->action == A_RESPAWN) {
        /* its own session on the console, which becomes its controlling terminal */
        int fd = open("/dev/console", O_RDWR);
        if (fd >= 0) {
            ioctl(fd, TIOCSCTTY, 0);        /* ENOTTY/EINVAL without TTY sessions: the shell still works */
            for (int k = 0; k < 3; k++) if (fd != k) dup2(fd, k);
            if (fd > 2) close(fd);
        }
    }
    char **argv = e->argv;
    const char *path = argv[0][0] == '-' ? argv[0] + 1 : argv[0];
    char **av = argv;
    if (argv[0][0] == '-') {
        int n = 0; while (argv[n]) n++;
        av = xmalloc(sizeof(char *) * (size_t) (n + 1));
        memcpy(av, argv, sizeof(char *) * (size_t) (n + 1));
        char *b = xmalloc(strlen(path) + 2); b[0] = '-'; strcpy(b + 1, base_name(path));
        av[0] = b;
    }
    static char *envp[] = { "PATH=/bin:/sbin", "HOME=/root", "TERM=vt100", "SHELL=/bin/sh", "USER=root", "LOGNAME=root", 0 };
    environ = envp;
    execve(path, av, envp);
    /* no executable there (an initrd without links): run our own applet of that name */
    if (find_applet(base_name(path))) { av[0] = argv[0][0] == '-' ? av[0] : (char *) base_name(path); _exit(run_applet(argc_of(av), av)); }
    err("%s: %s", path, strerror(errno));
    _exit(127);
}


static void run_and_wait(struct entry *e) {
    pid_t pid = start(e);
    if (pid < 0) return;
    for (;;) {
        int st;
        pid_t r = waitpid(-1, &st, 0);
        if (r == pid || (r < 0 && errno == ECHILD)) break;
        if (r < 0 && errno == EINTR && going_down) break;
    }
    e->pid = 0;
}

/* Stops everything, unmounts, reboot(2). Used by init and by poweroff -f. */
void shutdown_system(int cmd) {
    sync();
    /* unmount in reverse order of /proc/mounts (innermost last mounted first) */
    int fd = open("/proc/mounts", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        struct lreader r; lr_init(&r, fd);
        char *line = 0; size_t cap = 0; ssize_t n;
        char **dirs = 0; int nd = 0;
        while ((n = lr_getline(&r, &line, &cap)) >= 0) {
            char *sp = strchr(line, ' '); if (!sp) continue;
            char *dir = sp + 1, *e = strchr(dir, ' '); if (!e) continue;
            *e = 0;
            dirs = xrealloc(dirs, sizeof(char *) * (size_t) (nd + 1));
            dirs[nd++] = xstrdup(dir);
        }
        close(fd);
        for (int k = nd - 1; k >= 0; k--) {
            if (!strcmp(dirs[k], "/")) { mount("", "/", "", MS_REMOUNT | MS_RDONLY, 0); continue; }
            if (umount2(dirs[k], 0) < 0 && errno != EINVAL && errno != ENOENT) umount2(dirs[k], MNT_DETACH);
        }
    }
    sync();
    if (reboot(cmd) == 0) for (;;) pause();
    err("reboot(2): %s", strerror(errno));
}

static void go_down(int cmd) {
    for (int k = 0; k < nentries; k++) if (entries[k].action == A_SHUTDOWN) run_and_wait(&entries[k]);
    fdf(2, "init: %s\n", cmd == (int) RB_POWER_OFF ? "powering off" : cmd == (int) RB_HALT_SYSTEM ? "halting" : "rebooting");
    kill(-1, SIGTERM);
    /* a short grace period, reaping as they go */
    for (int i = 0; i < 20; i++) {
        while (waitpid(-1, 0, WNOHANG) > 0) {}
        if (waitpid(-1, 0, WNOHANG) < 0 && errno == ECHILD) break;
        struct timespec ts = { 0, 50 * 1000 * 1000 };
        nanosleep(&ts, 0);
    }
    kill(-1, SIGKILL);
    while (waitpid(-1, 0, WNOHANG) > 0) {}
    shutdown_system(cmd);
    /* reboot(2) failed (a kernel without it): ending init is the only way left to stop; the
     * status says which was asked (0 power off or halt, 1 reboot) */
    _exit(cmd == (int) RB_AUTOBOOT ? 1 : 0);
}

int init_main(int argc, char **argv) {
    (void) argc; (void) argv;
    if (getpid() != 1) fdf(2, "init: warning: not process 1 (pid %d); orphans will not be reaped here\n", (int) getpid());
    open_console();
    struct sigaction sa; memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;                  /* no SA_RESTART: a signal ends the wait */
    sigaction(SIGTERM, &sa, 0); sigaction(SIGUSR1, &sa, 0); sigaction(SIGUSR2, &sa, 0); sigaction(SIGINT, &sa, 0);
    signal(SIGHUP, SIG_IGN); signal(SIGTSTP, SIG_IGN); signal(SIGTTOU, SIG_IGN); signal(SIGTTIN, SIG_IGN);
    reboot(RB_DISABLE_CAD);                     /* ctrl-alt-del becomes SIGINT to us (where supported) */
    read_inittab();
    for (int k = 0; k < nentries && !going_down; k++) if (entries[k].action == A_SYSINIT) run_and_wait(&entries[k]);
    for (int k = 0; k < nentries && !going_down; k++) if (entries[k].action == A_WAIT) run_and_wait(&entries[k]);
    for (int k = 0; k < nentries && !going_down; k++) if (entries[k].action == A_ONCE || entries[k].action == A_RESPAWN) start(&entries[k]);
    while (!going_down) {
        int st;
        pid_t pid = waitpid(-1, &st, 0);
        if (pid < 0) {
            if (errno == ECHILD) { struct timespec ts = { 1, 0 }; nanosleep(&ts, 0); }
            continue;                            /* EINTR: maybe going down */
        }
        /* an orphan, a once entry, or a respawn entry to start again */
        for (int k = 0; k < nentries; k++) {
            struct entry *e = &entries[k];
            if (e->pid != pid) continue;
            e->pid = 0;
            if (e->action != A_RESPAWN) break;
            /* a command that dies at once, over and over, is slowed down rather than spun */
            time_t now = time(0);
            e->fast_restarts = now - e->last_start < 2 ? e->fast_restarts + 1 : 0;
            if (e->fast_restarts >= 5) { err("'%s' respawning too fast: waiting 5 s", e->argv[0]); struct timespec ts = { 5, 0 }; nanosleep(&ts, 0); e->fast_restarts = 0; }
            if (!going_down) start(e);
            break;
        }
    }
    go_down(going_down);
    return 0;
}
