/* Hostile: a fork bomb under RLIMIT_NPROC; fork fails with EAGAIN and everything is reaped. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    struct rlimit rl = {32, 32};
    printf("setrlimit %d\n", setrlimit(RLIMIT_NPROC, &rl));
    int made = 0, failed_errno = 0;
    for (int i = 0; i < 1000; i++) {
        pid_t p = fork();
        if (p == 0) {
            /* every child tries to fork too, then waits to be killed by the limit test's end */
            pid_t q = fork();
            if (q > 0) waitpid(q, NULL, 0);
            sleep(1);
            _exit(0);
        }
        if (p < 0) { failed_errno = errno; break; }
        made++;
    }
    printf("fork stopped by the limit %d (%s) after at most 32 processes %d\n", failed_errno == EAGAIN, strerrorname_np(failed_errno), made < 32);
    int reaped = 0;
    while (wait(NULL) > 0) reaped++;
    printf("reaped all %d\n", reaped == made);
    return 0;
}
