/* A forking program for the GDB test of `multios run --gdb` (cli GdbRunTest): built -g -O0 and
 * not stripped, so GDB sees locals and lines. The child computes in child_work(), which only it
 * calls, sleeps, reports in child_report() and exits; the parent keeps running (counting polls of waitpid) until the child is
 * gone, then reports. The test breaks in the child, steps it, reads both processes' memory. */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

volatile long parent_ticks; /* only the parent increments it (after fork, each process has its own) */
volatile long child_value;  /* only the child sets it */

long child_work(long seed) {
    long acc = seed;
    for (int i = 0; i < 5; i++) {
        acc = acc * 3 + i;
    }
    child_value = acc;
    return acc;
}

void child_report(long r) {
    printf("child: %ld\n", r);
}

int main(void) {
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return 1;
    }
    if (pid == 0) {
        long r = child_work(7);
        usleep(20000); /* the parent runs meanwhile */
        child_report(r);
        return 0;
    }
    int status = 0;
    while (waitpid(pid, &status, WNOHANG) == 0) {
        parent_ticks++;
    }
    printf("parent: child exited with %d, parent polled %s\n", WEXITSTATUS(status), parent_ticks > 0 ? "meanwhile" : "never");
    return 0;
}
