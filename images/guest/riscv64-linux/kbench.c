/*
 * Kernel micro-benchmark guest: `kbench OP N` does N iterations of one kernel operation
 * between two CLOCK_MONOTONIC timestamps and prints "OP N NANOS" (NANOS = the time between
 * the timestamps as the guest sees it: host time under qemu-riscv64, virtual time under
 * MultiOS). The host-side benchmark (benchmarks/KernelOpsBenchmark) times whole runs and
 * takes (T(OP, N) - T(OP, 0)) / N, so everything but the N iterations (exec, libc start-up,
 * the operation's own set-up such as forking the ping-pong partner, exit) cancels out.
 *
 * OP: empty     the bare loop (what the loop itself costs per iteration)
 *     getppid   null syscall
 *     pingpong  one byte there and back between two processes over two pipes (2 switches)
 *     fork      fork + _exit in the child + wait4 in the parent
 *     fault     touch N fresh pages of one anonymous mapping (one demand-zero fault each)
 *     mmap      mmap one page, touch it, munmap it (page allocation + free through the kernel)
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

/* The raw ecall (svc on aarch64), so the figure is the kernel's and not glibc's wrapper. */
static inline long raw_getppid(void) {
#if defined(__aarch64__)
    register long x8 __asm__("x8") = SYS_getppid;
    register long x0 __asm__("x0");
    __asm__ volatile("svc #0" : "=r"(x0) : "r"(x8) : "memory");
    return x0;
#else
    register long a7 __asm__("a7") = SYS_getppid;
    register long a0 __asm__("a0");
    __asm__ volatile("ecall" : "=r"(a0) : "r"(a7) : "memory");
    return a0;
#endif
}

static void die(const char *what) { perror(what); exit(1); }

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: kbench empty|getppid|pingpong|fork|fault|mmap N\n"); return 2; }
    const char *op = argv[1];
    long n = atol(argv[2]);
    long t0, t1;
    if (!strcmp(op, "empty")) {
        t0 = now();
        for (long i = 0; i < n; i++) __asm__ volatile("" ::: "memory");
        t1 = now();
    } else if (!strcmp(op, "getppid")) {
        t0 = now();
        for (long i = 0; i < n; i++) raw_getppid();
        t1 = now();
    } else if (!strcmp(op, "pingpong")) {
        int there[2], back[2];
        if (pipe(there) || pipe(back)) die("pipe");
        pid_t pid = fork();
        if (pid < 0) die("fork");
        char c = 'x';
        if (pid == 0) {
            close(there[1]); /* so the parent's close is our EOF */
            close(back[0]);
            while (read(there[0], &c, 1) == 1) if (write(back[1], &c, 1) != 1) _exit(1);
            _exit(0);
        }
        t0 = now();
        for (long i = 0; i < n; i++) {
            if (write(there[1], &c, 1) != 1 || read(back[0], &c, 1) != 1) die("pingpong");
        }
        t1 = now();
        close(there[1]);
        waitpid(pid, NULL, 0);
    } else if (!strcmp(op, "fork")) {
        t0 = now();
        for (long i = 0; i < n; i++) {
            pid_t pid = fork();
            if (pid == 0) _exit(0);
            if (pid < 0) die("fork");
            if (waitpid(pid, NULL, 0) != pid) die("wait");
        }
        t1 = now();
    } else if (!strcmp(op, "fault")) {
        size_t len = (size_t)(n > 0 ? n : 1) * 4096;
        volatile char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) die("mmap");
        t0 = now();
        for (long i = 0; i < n; i++) p[i * 4096] = 1;
        t1 = now();
        munmap((void *)p, len);
    } else if (!strcmp(op, "mmap")) {
        t0 = now();
        for (long i = 0; i < n; i++) {
            volatile char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            if (p == MAP_FAILED) die("mmap");
            p[0] = 1;
            munmap((void *)p, 4096);
        }
        t1 = now();
    } else {
        fprintf(stderr, "kbench: unknown operation %s\n", op);
        return 2;
    }
    printf("%s %ld %ld\n", op, n, t1 - t0);
    return 0;
}
