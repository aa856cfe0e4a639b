/* fork, pipe, dup2, wait statuses (exit codes and signals), copy-on-write. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
    (void)argc; (void)argv;
    setvbuf(stdout, NULL, _IONBF, 0);
    int p[2];
    if (pipe(p) != 0) { perror("pipe"); return 1; }
    pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        for (int i = 0; i < 5; i++) dprintf(p[1], "message %d from child\n", i);
        close(p[1]);
        _exit(3);
    }
    close(p[1]);
    char buf[512];
    ssize_t n, total = 0;
    while ((n = read(p[0], buf + total, sizeof buf - 1 - total)) > 0) total += n;
    buf[total] = 0;
    printf("parent read %zd bytes:\n%s", total, buf);
    int st;
    pid_t w = waitpid(pid, &st, 0);
    printf("waited right child %d exited %d status %d\n", w == pid, WIFEXITED(st), WEXITSTATUS(st));

    /* dup2 onto stdout in a child */
    int q[2];
    pipe(q);
    pid = fork();
    if (pid == 0) {
        dup2(q[1], 1);
        close(q[0]);
        close(q[1]);
        printf("via dup2");
        fflush(stdout);
        _exit(0);
    }
    close(q[1]);
    n = read(q[0], buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    waitpid(pid, &st, 0);
    printf("child wrote through dup2: %s\n", buf);
    close(q[0]);

    /* killed by a signal */
    pid = fork();
    if (pid == 0) {
        pause();
        _exit(0);
    }
    kill(pid, SIGTERM);
    waitpid(pid, &st, 0);
    printf("signalled %d sig %d\n", WIFSIGNALED(st), WTERMSIG(st));

    /* many children */
    int sum = 0;
    for (int i = 0; i < 10; i++) {
        if (fork() == 0) _exit(i);
    }
    for (int i = 0; i < 10; i++) {
        wait(&st);
        sum += WEXITSTATUS(st);
    }
    printf("sum of child statuses %d\n", sum);
    printf("no more children %d\n", wait(&st));
    /* copy-on-write: child changes must not be seen by the parent */
    static int shared_value = 1;
    char *heap = malloc(100000);
    memset(heap, 'p', 100000);
    pid = fork();
    if (pid == 0) {
        shared_value = 2;
        memset(heap, 'c', 100000);
        _exit(shared_value + heap[5000]);
    }
    waitpid(pid, &st, 0);
    printf("cow parent %d %c child %d\n", shared_value, heap[99999], WEXITSTATUS(st));
    return 0;
}
