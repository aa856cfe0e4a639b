/* Hostile: syscalls with bad pointers and huge lengths get errors, never crash the kernel. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#define KERNEL ((void *)0xfffffffffffff000UL)
#define WILD ((void *)0x123456789000UL)
static void show(const char *what, long r) { printf("%-28s %ld errno %s\n", what, r, r < 0 ? strerrorname_np(errno) : "-"); errno = 0; }

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    char buf[64];
    show("write kernel ptr", syscall(SYS_write, 1, KERNEL, 16));
    show("write wild ptr", syscall(SYS_write, 1, WILD, 16));
    show("read into kernel", syscall(SYS_read, 0, KERNEL, 16));
    show("read into text", syscall(SYS_read, 0, (void *)main, 16));
    show("openat kernel path", syscall(SYS_openat, AT_FDCWD, KERNEL, O_RDONLY));
    show("clock_gettime kernel", syscall(SYS_clock_gettime, CLOCK_MONOTONIC, KERNEL));
    show("getrandom huge to kernel", syscall(SYS_getrandom, KERNEL, (size_t)1 << 62, 0));
    show("getrandom huge bounded", syscall(SYS_getrandom, buf, sizeof buf, 0));
    show("write huge length", syscall(SYS_write, 1, WILD, (size_t)1 << 62));
    int p[2];
    pipe(p);
    show("pipe write huge", syscall(SYS_write, p[1], buf, (size_t)-1));
    show("pipe2 kernel", syscall(SYS_pipe2, KERNEL, 0));
    show("writev bad iov", syscall(SYS_writev, 1, KERNEL, 2));
    struct iovec iov = {KERNEL, 8};
    show("writev iov to kernel", syscall(SYS_writev, 1, &iov, 1));
    show("writev huge count", syscall(SYS_writev, 1, &iov, 1 << 30));
    show("mmap kernel fixed", (long)syscall(SYS_mmap, KERNEL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0));
    show("mmap huge", (long)syscall(SYS_mmap, 0, (size_t)1 << 62, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    show("munmap kernel", syscall(SYS_munmap, KERNEL, 4096));
    show("mprotect kernel", syscall(SYS_mprotect, KERNEL, 4096, PROT_READ | PROT_WRITE));
    show("rt_sigaction kernel", syscall(SYS_rt_sigaction, SIGUSR1, KERNEL, NULL, 8));
    show("execve kernel", syscall(SYS_execve, KERNEL, NULL, NULL));
    show("wait4 bad status", syscall(SYS_wait4, -1, KERNEL, 0, NULL));
    show("futex kernel", syscall(SYS_futex, KERNEL, 0, 0, NULL, NULL, 0));
    show("bad fd", syscall(SYS_write, 12345, buf, 1));
    show("unknown syscall", syscall(4000));
    show("kill bad signal", syscall(SYS_kill, getpid(), 1000));
    int fd = open("/tmp/bad.txt", O_CREAT | O_RDWR, 0600);
    show("pread negative offset", syscall(SYS_pread64, fd, buf, 8, -5L));
    show("ftruncate negative", syscall(SYS_ftruncate, fd, -1L));
    int dfd = open("/", O_RDONLY | O_DIRECTORY);
    show("getdents negative count", syscall(SYS_getdents64, dfd, buf, -1L));
    show("getdents tiny buffer", syscall(SYS_getdents64, dfd, buf, 4));
    long cur = syscall(SYS_brk, 0);
    printf("brk huge leaves the break %d\n", syscall(SYS_brk, 0x7ffffffffffff000L) == cur);
    printf("brk into the kernel leaves the break %d\n", syscall(SYS_brk, 0xfffffffffffff000UL) == cur);
    pid_t pid = fork();
    if (pid == 0) {
        /* rt_sigreturn with a garbage stack: the kernel must kill only us */
        __asm__ volatile("li sp, 16\n li a7, 139\n ecall" ::: "memory");
        _exit(0);
    }
    int st;
    waitpid(pid, &st, 0);
    printf("bogus sigreturn killed the child by signal %d\n", WIFSIGNALED(st) ? WTERMSIG(st) : 0);
    printf("still alive\n");
    return 0;
}
