/* Timers and waiting for signals: alarm + pause, a periodic itimer, sigwait, sigtimedwait timeout. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t alarms;
static void on_alrm(int s) { (void)s; alarms++; }

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    signal(SIGALRM, on_alrm);
    alarm(1);
    pause();
    printf("pause returned after alarm: %d\n", alarms);
    struct itimerval it = {{0, 20000}, {0, 20000}};
    setitimer(ITIMER_REAL, &it, NULL);
    while (alarms < 4) pause();
    struct itimerval off = {{0, 0}, {0, 0}}, old;
    setitimer(ITIMER_REAL, &off, &old);
    printf("periodic alarms reached %d, interval was %ld us\n", alarms, (long)old.it_interval.tv_usec);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, NULL);
    kill(getpid(), SIGUSR1);
    int sig = 0;
    printf("sigwait %d sig %d\n", sigwait(&set, &sig), sig);
    struct timespec ts = {0, 30000000};
    int r = sigtimedwait(&set, NULL, &ts);
    printf("sigtimedwait timeout %d %s\n", r, strerror(errno));
    return 0;
}
