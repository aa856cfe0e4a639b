/*
 * Hostile: children issue thousands of random syscalls with random, small, scratch-buffer and
 * kernel-address arguments (stdin/stdout/stderr closed first). Each child may crash or hang;
 * the parent kills it after a while. The kernel must stay up for the next one.
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static uint64_t next(void) { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return rng; }
static char scratch[8192];

static long arg(void) {
    switch (next() % 5) {
        case 0: return (long)(next() % 8);
        case 1: return (long)next();
        case 2: return (long)(scratch + next() % 4096);
        case 3: return (long)(0xfffffffffffff000UL + (next() % 4096));
        default: return (long)(next() % 65536);
    }
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    int crashed = 0, finished = 0, killed = 0;
    for (int child = 0; child < 12; child++) {
        rng += child * 7919;
        pid_t pid = fork();
        if (pid == 0) {
            close(0); close(1); close(2);
            for (int i = 0; i < 3000; i++) {
                long nr = (long)(next() % 300);
                /* leave out what would hit the test harness itself: signals to others, process creation */
                if (nr == SYS_kill || nr == SYS_tkill || nr == SYS_tgkill || nr == SYS_clone || nr == SYS_execve) continue;
                syscall(nr, arg(), arg(), arg(), arg(), arg(), arg());
            }
            _exit(0);
        }
        struct timespec ts = {0, 200 * 1000 * 1000};
        nanosleep(&ts, NULL);
        kill(pid, SIGKILL);
        int st;
        waitpid(pid, &st, 0);
        if (WIFEXITED(st)) finished++;
        else if (WTERMSIG(st) == SIGKILL) killed++;
        else crashed++;
    }
    printf("fuzzed 12 children: %d finished, %d crashed, %d killed; kernel alive\n", finished, crashed, killed);
    return 0;
}
