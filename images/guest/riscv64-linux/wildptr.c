/* Hostile: reads and writes through wild pointers into kernel addresses; each is a SIGSEGV, then a fatal one. */
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>

static sigjmp_buf jb;
static volatile uintptr_t where;
static void on_segv(int s, siginfo_t *si, void *uc) { (void)s; (void)uc; where = (uintptr_t)si->si_addr; siglongjmp(jb, 1); }

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    struct sigaction sa = {0};
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGSEGV, &sa, NULL);
    uintptr_t targets[] = {0xfffffffffffff000UL /* the kernel's vector page */, 0xffffffc000000000UL, 0x4000000000UL,
                           0x80000000UL /* physical RAM base, not mapped for users */, 0};
    for (int i = 0; i < 5; i++) {
        if (sigsetjmp(jb, 1) == 0) {
            *(volatile long *)targets[i] = 0x41;
            printf("write to %lx succeeded!\n", (unsigned long)targets[i]);
        } else {
            printf("write %d faulted at %lx\n", i, (unsigned long)where);
        }
        if (sigsetjmp(jb, 1) == 0) {
            long v = *(volatile long *)targets[i];
            printf("read from %lx succeeded: %ld!\n", (unsigned long)targets[i], v);
        } else {
            printf("read %d faulted\n", i);
        }
    }
    if (sigsetjmp(jb, 1) == 0) {
        ((void (*)(void))0xfffffffffffff000UL)();
        printf("jump into the kernel succeeded!\n");
    } else {
        printf("jump into the kernel faulted\n");
    }
    signal(SIGSEGV, SIG_DFL);
    *(volatile int *)0xfffffffffffff010UL = 1;
    printf("not reached\n");
    return 0;
}
