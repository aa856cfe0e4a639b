/* Signals: handlers with siginfo, masks, raise/kill, SIGSEGV from a bad access, sigaltstack, SIGALRM-free. */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t got;
static volatile void *fault_addr;
static sigjmp_buf jb;

static void on_usr1(int sig) { got = sig; }
static void on_info(int sig, siginfo_t *si, void *uc) { (void)uc; got = sig + 1000 * (si->si_signo == sig); }
static void on_segv(int sig, siginfo_t *si, void *uc) { (void)sig; (void)uc; fault_addr = si->si_addr; siglongjmp(jb, 1); }

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    signal(SIGUSR1, on_usr1);
    raise(SIGUSR1);
    printf("handler saw %d\n", got);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_info;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR2, &sa, NULL);
    kill(getpid(), SIGUSR2);
    printf("siginfo handler %d\n", got);
    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, &old);
    got = 0;
    raise(SIGUSR1);
    printf("blocked: got %d\n", got);
    sigset_t pend;
    sigpending(&pend);
    printf("pending %d\n", sigismember(&pend, SIGUSR1));
    sigprocmask(SIG_SETMASK, &old, NULL);
    printf("unblocked: got %d\n", got);
    signal(SIGUSR1, SIG_IGN);
    raise(SIGUSR1);
    printf("ignored ok\n");

    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, NULL);
    if (sigsetjmp(jb, 1) == 0) {
        *(volatile int *)0x1234 = 5;
        printf("not reached\n");
    } else {
        printf("caught SIGSEGV at %p\n", (void *)fault_addr);
    }
    /* the alternate stack */
    stack_t ss;
    ss.ss_sp = malloc(SIGSTKSZ * 4);
    ss.ss_size = SIGSTKSZ * 4;
    ss.ss_flags = 0;
    printf("sigaltstack %d\n", sigaltstack(&ss, NULL));
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigaction(SIGSEGV, &sa, NULL);
    if (sigsetjmp(jb, 1) == 0) {
        *(volatile int *)8 = 1;
    } else {
        printf("caught again at %p\n", (void *)fault_addr);
    }
    /* default action kills a child */
    pid_t pid = fork();
    if (pid == 0) {
        signal(SIGSEGV, SIG_DFL);
        *(volatile int *)16 = 1;
        _exit(0);
    }
    int st;
    waitpid(pid, &st, 0);
    printf("child killed %d by %d\n", WIFSIGNALED(st), WTERMSIG(st));
    pid = fork();
    if (pid == 0) abort();
    waitpid(pid, &st, 0);
    printf("abort child killed %d by %d\n", WIFSIGNALED(st), WTERMSIG(st));
    return 0;
}
