/* Signals meet blocking syscalls: SA_RESTART restarts a pipe read, no SA_RESTART gives EINTR, sigsuspend, a pause'd child. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t hits;
static void on_usr1(int s) { (void)s; hits++; }

static void reader_test(int flags) {
    int p[2];
    pipe(p);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sa.sa_flags = flags;
    sigaction(SIGUSR1, &sa, NULL);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        usleep(20000);
        kill(parent, SIGUSR1);
        usleep(20000);
        write(p[1], "x", 1);
        _exit(0);
    }
    char c;
    hits = 0;
    ssize_t n = read(p[0], &c, 1);
    printf("%s: read %zd %s, handler ran %d\n", flags ? "SA_RESTART" : "no SA_RESTART", n, n < 0 ? strerror(errno) : "ok", hits);
    waitpid(pid, NULL, 0);
    close(p[0]);
    close(p[1]);
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    reader_test(SA_RESTART);
    reader_test(0);
    sigset_t block, empty;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigprocmask(SIG_BLOCK, &block, NULL);
    pid_t parent = getpid();
    if (fork() == 0) { usleep(10000); kill(parent, SIGUSR1); _exit(0); }
    sigemptyset(&empty);
    hits = 0;
    int r = sigsuspend(&empty);
    printf("sigsuspend %d %s, handler ran %d\n", r, strerror(errno), hits);
    wait(NULL);
    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    printf("mask restored %d\n", sigismember(&now, SIGUSR1));
    return 0;
}
