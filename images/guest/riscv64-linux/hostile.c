/*
 * Hostile-program supervisor: forks each hostile child in turn (in the same kernel), reports
 * how it ended (exit status or the signal that killed it, plus what the child itself printed),
 * and finally proves the system still works: fork + exec + pipe round trip, a fresh page of
 * memory, a file in /tmp.
 *
 *   hostile                 every case, then the "alive" check
 *   hostile CASE...         only these cases (names below; "alive" is the final check)
 *   hostile --host-safe     every case that may run under qemu-riscv64 (no "alive")
 *   hostile --echo          (internal) what the alive check execs: stdin upper-cased to stdout
 *
 * The cases marked "host-unsafe" must not run under qemu-riscv64 (there the host kernel is
 * the one being attacked: root ignores RLIMIT_NPROC, qemu-user ignores RLIMIT_AS); the test
 * runs the others under both and compares.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#define VECTOR_PAGE 0xfffffffffffff000UL /* MultiOS maps its trap vector here, supervisor-only */
#define UPPER_HALF 0xffffffc000000000UL  /* start of the Sv39 kernel half */

static void report(const char *what, long r) {
    if (r < 0) printf("  %-34s -1 %s\n", what, strerrorname_np(errno));
    else printf("  %-34s %ld\n", what, r);
    errno = 0;
}

/* ---- wild pointers into the kernel ---- */
static void k_write(void) { *(volatile long *)VECTOR_PAGE = 0x41; puts("  wrote the vector page!"); }
static void k_read(void) { printf("  read %ld from the upper half!\n", *(volatile long *)UPPER_HALF); }
static void k_jump(void) { ((void (*)(void))VECTOR_PAGE)(); puts("  ran the vector page!"); }
static void k_top(void) { printf("  read %ld at -8!\n", *(volatile long *)0xfffffffffffffff8UL); }

/* ---- syscalls with bad arguments: each must fail cleanly (or, where Linux allows it, succeed) ---- */
static void bad_syscalls(void) {
    char buf[64] = "abcdefgh";
    int p[2];
    if (pipe(p)) { perror("pipe"); return; }
    report("write from the vector page", syscall(SYS_write, p[1], (void *)VECTOR_PAGE, 16));
    report("write from the upper half", syscall(SYS_write, p[1], (void *)UPPER_HALF, 16));
    report("read into the vector page", syscall(SYS_read, 0, (void *)VECTOR_PAGE, 16));
    report("write huge length", syscall(SYS_write, p[1], buf, (size_t)1 << 62));
    report("write length -1", syscall(SYS_write, p[1], buf, (size_t)-1));
    report("write wrapping range", syscall(SYS_write, p[1], (void *)-16L, 64));
    report("read fd -1", syscall(SYS_read, -1, buf, 8));
    report("write fd -100", syscall(SYS_write, -100, buf, 8));
    report("close fd 1<<30", syscall(SYS_close, 1 << 30));
    report("dup3 to fd -2", syscall(SYS_dup3, 0, -2, 0));
    report("openat kernel path", syscall(SYS_openat, AT_FDCWD, (void *)VECTOR_PAGE, O_RDONLY));
    report("openat unterminated path", syscall(SYS_openat, AT_FDCWD, (void *)-4096L, O_RDONLY));
    report("clock_gettime into kernel", syscall(SYS_clock_gettime, CLOCK_MONOTONIC, (void *)UPPER_HALF));
    report("clock_gettime misaligned", syscall(SYS_clock_gettime, CLOCK_MONOTONIC, buf + 3) < 0 ? -1 : 0);
    report("clock_gettime bad clock", syscall(SYS_clock_gettime, 12345, buf));
    report("nanosleep negative", syscall(SYS_nanosleep, &(struct timespec){-1, 0}, NULL));
    report("nanosleep nsec 2e9", syscall(SYS_nanosleep, &(struct timespec){0, 2000000000L}, NULL));
    report("lseek on a pipe", syscall(SYS_lseek, p[0], 0, SEEK_SET));
    report("mmap length 0", (long)syscall(SYS_mmap, 0, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    report("mmap misaligned fixed", (long)syscall(SYS_mmap, 0x10000001UL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0));
    report("mmap huge", (long)syscall(SYS_mmap, 0, (size_t)1 << 62, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    report("mmap bad fd", (long)syscall(SYS_mmap, 0, 4096, PROT_READ, MAP_PRIVATE, 999, 0));
    report("munmap misaligned", syscall(SYS_munmap, buf + 1, 4096));
    report("mprotect misaligned", syscall(SYS_mprotect, buf + 1, 4096, PROT_READ));
    report("writev count -1", syscall(SYS_writev, p[1], buf, -1));
    report("writev count 1<<20", syscall(SYS_writev, p[1], buf, 1 << 20));
    struct iovec kiov = {(void *)VECTOR_PAGE, 8};
    report("writev iovec into kernel", syscall(SYS_writev, p[1], &kiov, 1));
    report("rt_sigaction signal 0", syscall(SYS_rt_sigaction, 0, NULL, NULL, 8));
    report("rt_sigaction signal 65", syscall(SYS_rt_sigaction, 65, NULL, NULL, 8));
    report("rt_sigaction SIGKILL", syscall(SYS_rt_sigaction, SIGKILL, &(struct sigaction){.sa_handler = SIG_IGN}, NULL, 8));
    report("rt_sigprocmask bad size", syscall(SYS_rt_sigprocmask, SIG_BLOCK, buf, NULL, 3));
    report("kill signal 1000", syscall(SYS_kill, getpid(), 1000));
    report("wait4 with no children", syscall(SYS_wait4, -1, NULL, 0, NULL));
    report("execve kernel path", syscall(SYS_execve, (void *)VECTOR_PAGE, NULL, NULL));
    /* overlapping buffers: the same memory as source and destination of one call */
    if (write(p[1], "ABCDEFGH", 8) != 8) puts("  pipe write failed");
    struct iovec ov[2] = {{buf, 4}, {buf + 2, 4}};
    report("readv overlapping iovecs", syscall(SYS_readv, p[0], ov, 2));
    buf[6] = 0;
    printf("  %-34s %s\n", "  ... buffer now", buf);
    int fd = open("/tmp/hostile.dat", O_CREAT | O_RDWR | O_TRUNC, 0600);
    report("pwrite self-overlap", syscall(SYS_pwrite64, fd, "0123456789", 10, 0));
    report("pread into its own source", syscall(SYS_pread64, fd, buf + 1, 8, 1));
    buf[9] = 0;
    printf("  %-34s %s\n", "  ... buffer now", buf);
    report("lseek whence 99", syscall(SYS_lseek, fd, 0, 99));
    report("pread negative offset", syscall(SYS_pread64, fd, buf, 8, -1L));
    report("ftruncate negative", syscall(SYS_ftruncate, fd, -1L));
    close(fd);
    unlink("/tmp/hostile.dat");
    puts("  survived every bad syscall");
}

/* ---- fork bomb: every process forks until RLIMIT_NPROC says EAGAIN ---- */
static void fork_bomb(void) {
    struct rlimit rl = {24, 24};
    setrlimit(RLIMIT_NPROC, &rl);
    setpgid(0, 0);
    pid_t root = getpid();
    int hit = 0;
    for (int round = 0; round < 64; round++) {
        pid_t c = fork();
        if (c < 0) { hit = errno == EAGAIN; break; }
        if (c == 0) continue; /* the child keeps bombing too */
    }
    if (getpid() != root) { pause(); _exit(0); }
    printf("  fork failed with EAGAIN: %d\n", hit);
    fflush(stdout);
    usleep(20000); /* let the others hit the limit as well */
    kill(0, SIGKILL); /* the whole group, this process included */
}

/* ---- memory exhaustion: the kernel kills the hog, not itself ---- */
static void mmap_hog(void) {
    for (long total = 0;; total += 1 << 20) {
        char *m = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m == MAP_FAILED) { printf("  mmap failed (%s)\n", strerrorname_np(errno)); return; }
        for (int i = 0; i < 1 << 20; i += 4096) m[i] = 1;
    }
}

static void brk_hog(void) {
    for (;;) {
        char *m = sbrk(1 << 20);
        if (m == (void *)-1) { printf("  sbrk failed (%s)\n", strerrorname_np(errno)); return; }
        for (int i = 0; i < 1 << 20; i += 4096) m[i] = 1;
    }
}

/* ---- an infinite loop: the timer must preempt it so the supervisor runs ---- */
static void spin(void) { for (volatile unsigned long i = 0;; i++) {} }

/* ---- deep recursion into the end of the stack ---- */
#pragma GCC diagnostic ignored "-Winfinite-recursion"
static int recurse(int depth) {
    volatile char frame[1024];
    frame[0] = (char)depth;
    return recurse(depth + 1) + frame[0];
}
static void stack_overflow(void) { printf("  %d\n", recurse(0)); }

static void on_overflow(int sig) {
    static const char m[] = "  caught the stack overflow on the alternate stack\n";
    (void)sig;
    write(1, m, sizeof m - 1);
    _exit(3);
}
static void stack_overflow_caught(void) {
    static char alt[64 * 1024];
    stack_t ss = {.ss_sp = alt, .ss_size = sizeof alt};
    sigaltstack(&ss, NULL);
    struct sigaction sa = {.sa_handler = on_overflow, .sa_flags = SA_ONSTACK};
    sigaction(SIGSEGV, &sa, NULL);
    stack_overflow();
}

/* ---- signal storms ---- */
static volatile long usr1, usr2;
static void count1(int s) { (void)s; usr1++; }
static void count2(int s) { (void)s; usr2++; }
static void signal_storm(void) {
    signal(SIGUSR1, count1);
    signal(SIGUSR2, count2);
    for (int i = 0; i < 5000; i++) kill(getpid(), SIGUSR1);
    printf("  5000 self-sent signals handled: %ld\n", usr1);
    pid_t me = getpid(), c = fork();
    if (c == 0) {
        for (int i = 0; i < 5000; i++) kill(me, SIGUSR2);
        _exit(0);
    }
    int st;
    while (waitpid(c, &st, 0) < 0 && errno == EINTR) {}
    printf("  storm from a child: some handled %d, no more than sent %d\n", usr2 > 0, usr2 <= 5000);
    puts("  survived the storm");
}

/* ---- file descriptor exhaustion ---- */
static void fd_exhaustion(void) {
    struct rlimit rl = {32, 32};
    printf("  setrlimit NOFILE 32: %d\n", setrlimit(RLIMIT_NOFILE, &rl));
    int n = 0, fd, last = -1;
    while ((fd = open("/dev/null", O_RDONLY)) >= 0) { n++; last = fd; }
    printf("  open failed with %s; highest fd %d\n", strerrorname_np(errno), last);
    int p[2];
    report("pipe when full", pipe(p));
    report("dup when full", dup(0));
    report("dup2 to fd 32 (the limit)", dup2(0, 32));
    report("fcntl F_DUPFD from 40", fcntl(0, F_DUPFD, 40));
    rl.rlim_cur = rl.rlim_max = 4096;
    report("raise NOFILE above the hard limit", setrlimit(RLIMIT_NOFILE, &rl));
    close(last);
    fd = open("/dev/null", O_RDONLY);
    printf("  a closed slot is reused: %d\n", fd == last);
}

/* ---- executing what is not code ---- */
static void illegal_insn(void) { __asm__ volatile(".word 0"); puts("  executed an all-zero word!"); }
static void privileged_csr(void) {
    unsigned long v;
    __asm__ volatile("csrr %0, sstatus" : "=r"(v));
    printf("  read sstatus %lx!\n", v);
}
static void privileged_sret(void) { __asm__ volatile("sret"); puts("  sret in user mode!"); }
static void breakpoint(void) { __asm__ volatile("ebreak"); puts("  continued past ebreak!"); }
static void exec_heap(void) {
    uint32_t *code = malloc(64);
    code[0] = 0x00008067; /* ret */
    __builtin___clear_cache((char *)code, (char *)(code + 1));
    ((void (*)(void))code)();
    puts("  executed the heap!");
}
static void exec_stack(void) {
    volatile uint32_t code[4] = {0x00008067};
    ((void (*)(void))code)();
    puts("  executed the stack!");
}
static void exec_noexec_mapping(void) {
    uint32_t *code = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    code[0] = 0x00008067;
    ((void (*)(void))code)();
    puts("  executed a PROT_READ|PROT_WRITE page!");
}

/* ---- smashing the signal frame before sigreturn ---- */
static void smash_pc(int sig, siginfo_t *si, void *ucv) {
    (void)sig; (void)si;
    ((ucontext_t *)ucv)->uc_mcontext.__gregs[REG_PC] = VECTOR_PAGE;
}
static void smash_all(int sig, siginfo_t *si, void *ucv) {
    (void)sig; (void)si;
    memset(ucv, 0xa5, sizeof(ucontext_t));
}
static void smash_sp(int sig, siginfo_t *si, void *ucv) {
    (void)sig; (void)si;
    /* sigreturn reads the frame from sp: point it at the kernel */
    __asm__ volatile("mv sp, %0\n li a7, 139\n ecall" ::"r"(UPPER_HALF) : "memory");
    (void)ucv;
}
static void with_handler(void (*h)(int, siginfo_t *, void *)) {
    struct sigaction sa = {.sa_sigaction = h, .sa_flags = SA_SIGINFO};
    sigaction(SIGUSR1, &sa, NULL);
    raise(SIGUSR1);
    puts("  returned from the smashed frame!");
}
static void frame_pc(void) { with_handler(smash_pc); }
static void frame_trash(void) { with_handler(smash_all); }
static void frame_sp(void) { with_handler(smash_sp); }
static void bogus_sigreturn(void) {
    __asm__ volatile("li sp, 16\n li a7, 139\n ecall" ::: "memory");
    puts("  survived a bogus sigreturn!");
}

struct hostile { const char *name; void (*run)(void); int host_unsafe; };
static const struct hostile cases[] = {
    {"kernel-write", k_write, 0},         {"kernel-read", k_read, 0},
    {"kernel-jump", k_jump, 0},           {"kernel-top", k_top, 0},
    {"bad-syscalls", bad_syscalls, 0},    {"fork-bomb", fork_bomb, 1},
    {"mmap-hog", mmap_hog, 1},            {"brk-hog", brk_hog, 1},
    {"spin", spin, 0},                    {"stack-overflow", stack_overflow, 0},
    {"stack-overflow-caught", stack_overflow_caught, 0},
    {"signal-storm", signal_storm, 0},    {"fd-exhaustion", fd_exhaustion, 0},
    {"illegal-instruction", illegal_insn, 0}, {"privileged-csr", privileged_csr, 0},
    {"privileged-sret", privileged_sret, 0},  {"ebreak", breakpoint, 0},
    {"exec-heap", exec_heap, 0},          {"exec-stack", exec_stack, 0},
    {"exec-noexec-mapping", exec_noexec_mapping, 0},
    {"sigframe-pc", frame_pc, 0},         {"sigframe-trash", frame_trash, 0},
    {"sigframe-sp", frame_sp, 0},         {"bogus-sigreturn", bogus_sigreturn, 0},
};
#define NCASES (sizeof cases / sizeof cases[0])

static void ended(const char *name, int st) {
    if (WIFSIGNALED(st)) printf("%s: killed by SIG%s\n", name, sigabbrev_np(WTERMSIG(st)));
    else printf("%s: exit %d\n", name, WEXITSTATUS(st));
}

static void run_case(const struct hostile *h) {
    printf("%s:\n", h->name);
    fflush(stdout);
    pid_t c = fork();
    if (c < 0) { printf("%s: fork failed (%s)\n", h->name, strerrorname_np(errno)); return; }
    if (c == 0) {
        h->run();
        fflush(stdout);
        _exit(0);
    }
    if (!strcmp(h->name, "spin")) {
        /* only the timer interrupt can take the CPU from the spinner and give it back to us */
        struct timespec ts = {0, 30 * 1000000L};
        nanosleep(&ts, NULL);
        printf("  the supervisor ran while the child spun\n");
        kill(c, SIGKILL);
    }
    int st;
    while (waitpid(c, &st, 0) < 0) {
        if (errno != EINTR) { printf("%s: waitpid failed (%s)\n", h->name, strerrorname_np(errno)); return; }
    }
    ended(h->name, st);
}

/* ---- the system still works ---- */
static void echo_upper(void) {
    char buf[256];
    ssize_t n;
    while ((n = read(0, buf, sizeof buf)) > 0) {
        for (ssize_t i = 0; i < n; i++) buf[i] = (char)toupper((unsigned char)buf[i]);
        if (write(1, buf, (size_t)n) != n) _exit(1);
    }
    _exit(0);
}

static void alive(void) {
    puts("alive:");
    int to[2], from[2];
    if (pipe(to) || pipe(from)) { printf("  pipe failed (%s)\n", strerrorname_np(errno)); return; }
    pid_t c = fork();
    if (c == 0) {
        dup2(to[0], 0);
        dup2(from[1], 1);
        close(to[0]); close(to[1]); close(from[0]); close(from[1]);
        execl("/proc/self/exe", "hostile", "--echo", (char *)NULL);
        printf("  exec failed (%s)\n", strerrorname_np(errno));
        _exit(127);
    }
    close(to[0]);
    close(from[1]);
    const char msg[] = "the kernel survived";
    if (write(to[1], msg, sizeof msg - 1) != sizeof msg - 1) puts("  write to the child failed");
    close(to[1]);
    char got[64] = {0};
    ssize_t n, total = 0;
    while ((n = read(from[0], got + total, sizeof got - 1 - total)) > 0) total += n;
    int st;
    waitpid(c, &st, 0);
    printf("  fork+exec+pipe round trip: %s (child exit %d)\n", got, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    size_t len = 8 << 20;
    char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    long sum = 0;
    for (size_t i = 0; m != MAP_FAILED && i < len; i += 4096) { m[i] = 1; sum += m[i]; }
    printf("  8 MiB of fresh memory touched: %ld pages\n", sum);
    FILE *f = fopen("/tmp/alive.txt", "w");
    fputs("still here\n", f);
    fclose(f);
    f = fopen("/tmp/alive.txt", "r");
    char line[32] = {0};
    fgets(line, sizeof line, f);
    fclose(f);
    printf("  /tmp file round trip: %s", line);
}

int main(int argc, char **argv) {
    if (argc == 2 && !strcmp(argv[1], "--echo")) echo_upper();
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc == 1) {
        for (size_t i = 0; i < NCASES; i++) run_case(&cases[i]);
        alive();
        return 0;
    }
    if (argc == 2 && !strcmp(argv[1], "--host-safe")) {
        for (size_t i = 0; i < NCASES; i++) if (!cases[i].host_unsafe) run_case(&cases[i]);
        return 0;
    }
    for (int a = 1; a < argc; a++) {
        if (!strcmp(argv[a], "alive")) { alive(); continue; }
        size_t i = 0;
        while (i < NCASES && strcmp(cases[i].name, argv[a])) i++;
        if (i == NCASES) { fprintf(stderr, "hostile: no case %s\n", argv[a]); return 2; }
        run_case(&cases[i]);
    }
    return 0;
}
