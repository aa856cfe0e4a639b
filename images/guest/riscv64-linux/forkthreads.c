/*
 * fork while another thread sleeps on a futex: the copy-on-write copy of the futex's page
 * must not lose the wake-up (private futexes are keyed by address space + virtual address).
 */
#include <pthread.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t c = PTHREAD_COND_INITIALIZER;
static int flag;

static void *waiter(void *arg) {
    (void)arg;
    pthread_mutex_lock(&m);
    while (!flag) pthread_cond_wait(&c, &m);
    pthread_mutex_unlock(&m);
    return (void *)42;
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    pthread_t t;
    pthread_create(&t, NULL, waiter, NULL);
    usleep(20000); /* let the waiter sleep on the condition variable */
    pid_t pid = fork();
    if (pid == 0) {
        usleep(50000);
        _exit(flag); /* the child's copy never sees the parent's write */
    }
    pthread_mutex_lock(&m); /* writes the page: copy-on-write while the child still shares it */
    flag = 1;
    pthread_cond_signal(&c);
    pthread_mutex_unlock(&m);
    void *r;
    pthread_join(t, &r);
    int st;
    waitpid(pid, &st, 0);
    printf("waiter returned %ld, child saw flag %d\n", (long)r, WEXITSTATUS(st));
    return 0;
}
