/* CPU exceptions a user program can raise and the signals Linux turns them into
 * (arch/x86/kernel/traps.c): #DE -> SIGFPE/FPE_INTDIV, #UD -> SIGILL/ILL_ILLOPN, #GP ->
 * SIGSEGV/SI_KERNEL, #PF -> SIGSEGV/SEGV_MAPERR or SEGV_ACCERR, #BP (int3) -> SIGTRAP/SI_KERNEL,
 * #XM -> SIGFPE with the FPE_* code of the unmasked MXCSR exception, #MF -> SIGFPE from the x87
 * status word, #AC is not enabled by Linux. Each handler prints signo, si_code and where the
 * fault address points (relative to the instruction or the data), then resumes past the fault. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>

static sigjmp_buf env;
static volatile uintptr_t expect_addr;

static void handler(int sig, siginfo_t *si, void *uc_) {
    ucontext_t *uc = uc_;
    uintptr_t rip = uc->uc_mcontext.gregs[REG_RIP];
    long trapno = uc->uc_mcontext.gregs[REG_TRAPNO], err = uc->uc_mcontext.gregs[REG_ERR];
    printf("  signal %d (%s) code %d addr %s trapno %ld err %ld rip-at-label %d\n", sig, strsignal(sig), si->si_code,
           si->si_addr == NULL ? "NULL" : (uintptr_t)si->si_addr == expect_addr ? "expected" : "other", trapno, err,
           rip == expect_addr);
    siglongjmp(env, 1);
}

static volatile int zero = 0;
static volatile long big = INT64_MIN, minus1 = -1;

#define TRY(name, code) do { \
    printf("%s\n", name); \
    if (sigsetjmp(env, 1) == 0) { code; printf("  no signal\n"); } \
} while (0)

int main(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    int sigs[] = {SIGFPE, SIGILL, SIGSEGV, SIGTRAP, SIGBUS};
    for (int i = 0; i < 5; i++) sigaction(sigs[i], &sa, NULL);
    setvbuf(stdout, NULL, _IONBF, 0);

    uintptr_t at;
    TRY("divide by zero (#DE)", {
        asm volatile("lea 1f(%%rip), %0; mov %0, expect_addr(%%rip); xor %%edx, %%edx; mov $1, %%eax; 1: divl zero(%%rip)"
                     : "=&r"(at) : : "rax", "rdx", "memory");
    });
    TRY("idiv overflow (#DE)", {
        asm volatile("lea 1f(%%rip), %0; mov %0, expect_addr(%%rip); mov big(%%rip), %%rax; cqo; 1: idivq minus1(%%rip)"
                     : "=&r"(at) : : "rax", "rdx", "memory");
    });
    TRY("ud2 (#UD)", {
        asm volatile("lea 1f(%%rip), %0; mov %0, expect_addr(%%rip); 1: ud2" : "=&r"(at) : : "memory");
    });
    TRY("hlt at CPL 3 (#GP)", {
        asm volatile("lea 1f(%%rip), %0; mov %0, expect_addr(%%rip); 1: hlt" : "=&r"(at) : : "memory");
    });
    TRY("non-canonical load (#GP)", {
        asm volatile("lea 1f(%%rip), %0; mov %0, expect_addr(%%rip); movabs $0x8000000000000000, %%rax; 1: mov (%%rax), %%rax"
                     : "=&r"(at) : : "rax", "memory");
    });
    TRY("misaligned movaps (#GP)", {
        static char buf[64] __attribute__((aligned(16)));
        asm volatile("lea 1f(%%rip), %0; mov %0, expect_addr(%%rip); lea 1+%1, %%rax; 1: movaps (%%rax), %%xmm0"
                     : "=&r"(at) : "m"(buf) : "rax", "xmm0", "memory");
    });
    TRY("NULL read (#PF)", {
        expect_addr = 8;
        asm volatile("mov $8, %%eax; mov (%%rax), %%rax" : : : "rax", "memory");
    });
    TRY("write to read-only page (#PF)", {
        char *p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        expect_addr = (uintptr_t)(p + 100);
        *(volatile char *)(p + 100) = 1;
    });
    TRY("int3 (#BP)", {
        asm volatile("lea 1f(%%rip), %0; mov %0, expect_addr(%%rip); int3; 1:" : "=&r"(at) : : "memory");
    });
    TRY("SSE divide by zero unmasked (#XM)", {
        unsigned m = 0x1f80 & ~0x200; /* unmask ZE */
        asm volatile("ldmxcsr %1; lea 1f(%%rip), %0; mov %0, expect_addr(%%rip); xorps %%xmm1, %%xmm1; mov $1, %%eax;"
                     "cvtsi2ss %%eax, %%xmm0; 1: divss %%xmm1, %%xmm0" : "=&r"(at) : "m"(m) : "rax", "xmm0", "xmm1", "memory");
    });
    TRY("SSE invalid unmasked (#XM)", {
        unsigned m = 0x1f80 & ~0x80; /* unmask IE */
        asm volatile("ldmxcsr %1; lea 1f(%%rip), %0; mov %0, expect_addr(%%rip); xorps %%xmm1, %%xmm1; xorps %%xmm0, %%xmm0;"
                     "1: divsd %%xmm1, %%xmm0" : "=&r"(at) : "m"(m) : "xmm0", "xmm1", "memory");
    });
    TRY("SSE inexact unmasked (#XM)", {
        unsigned m = 0x1f80 & ~0x1000; /* unmask PE */
        asm volatile("ldmxcsr %1; lea 1f(%%rip), %0; mov %0, expect_addr(%%rip); mov $3, %%eax; cvtsi2sd %%eax, %%xmm1;"
                     "mov $1, %%eax; cvtsi2sd %%eax, %%xmm0; 1: divsd %%xmm1, %%xmm0" : "=&r"(at) : "m"(m) : "rax", "xmm0", "xmm1", "memory");
    });
    TRY("x87 divide by zero unmasked (#MF)", {
        unsigned short cw = 0x37f & ~0x4; /* unmask ZE */
        asm volatile("fldcw %1; fld1; fldz; fdivrp; lea 1f(%%rip), %0; mov %0, expect_addr(%%rip); 1: fwait; fstp %%st(0)"
                     : "=&r"(at) : "m"(cw) : "memory", "st");
    });
    printf("done\n");
    return 0;
}
