/*
 * Host side of HostFpDifferentialTest: runs one instruction per case natively.
 * Memory map (the emulator uses the same addresses):
 *   0x300000  256 bytes of data for memory operands ([rbx+d8] / [r11+d8])
 *   0x301000  input: FXSAVE image (512), GPRs (16 x 8 at +0x200), RFLAGS (+0x280),
 *             return address (+0x288), saved RSP (+0x290), address of the code (+0x2a0)
 *   0x302000  output: FXSAVE image, GPRs, RFLAGS at the same offsets
 *   0x303000  the instruction under test followed by "jmp *0x301288"
 * stdin: cases of [len u8][code 15][fx 512][gpr 16*8][rflags 8][mem 256]
 * stdout: header [stub address u64][back address u64][stub length u32][stub bytes], then per
 *   case [signal i32][mxcsr at fault u32][fx 512][gpr 128][rflags 8][mem 256]
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

extern char stub[], stub_back[], stub_end[];
__asm__(
    ".text\n.globl stub\nstub:\n"
    "push %rbx\npush %rbp\npush %r12\npush %r13\npush %r14\npush %r15\n"
    "mov %rsp,0x301290\n"
    "fxrstor64 0x301000\n"
    "pushq 0x301280\npopfq\n"
    "mov 0x301200,%rax\nmov 0x301208,%rcx\nmov 0x301210,%rdx\nmov 0x301218,%rbx\n"
    "mov 0x301228,%rbp\nmov 0x301230,%rsi\nmov 0x301238,%rdi\n"
    "mov 0x301240,%r8\nmov 0x301248,%r9\nmov 0x301250,%r10\nmov 0x301258,%r11\n"
    "mov 0x301260,%r12\nmov 0x301268,%r13\nmov 0x301270,%r14\nmov 0x301278,%r15\n"
    "jmp *0x3012a0\n"
    ".globl stub_back\nstub_back:\n"
    "mov %rax,0x302200\nmov %rcx,0x302208\nmov %rdx,0x302210\nmov %rbx,0x302218\n"
    "mov %rbp,0x302228\nmov %rsi,0x302230\nmov %rdi,0x302238\n"
    "mov %r8,0x302240\nmov %r9,0x302248\nmov %r10,0x302250\nmov %r11,0x302258\n"
    "mov %r12,0x302260\nmov %r13,0x302268\nmov %r14,0x302270\nmov %r15,0x302278\n"
    "pushfq\npopq 0x302280\n"
    "fxsave64 0x302000\n"
    "mov 0x301290,%rsp\n"
    "pop %r15\npop %r14\npop %r13\npop %r12\npop %rbp\npop %rbx\nret\n"
    ".globl stub_end\nstub_end:\n");

static sigjmp_buf jb;
static volatile int sig;
static volatile uint32_t faultMxcsr;

static void handler(int s, siginfo_t *si, void *ctx) {
    ucontext_t *uc = ctx;
    sig = s;
    faultMxcsr = uc->uc_mcontext.fpregs ? uc->uc_mcontext.fpregs->mxcsr : 0;
    siglongjmp(jb, 1);
}

static int readAll(void *p, size_t n) {
    char *c = p;
    while (n) { ssize_t r = read(0, c, n); if (r <= 0) return 0; c += r; n -= (size_t) r; }
    return 1;
}

static void writeAll(const void *p, size_t n) {
    const char *c = p;
    while (n) { ssize_t r = write(1, c, n); if (r <= 0) _exit(3); c += r; n -= (size_t) r; }
}

int main(void) {
    char *base = mmap((void *) 0x300000, 0x4000, PROT_READ | PROT_WRITE | PROT_EXEC,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (base != (char *) 0x300000) { perror("mmap"); return 2; }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGFPE, &sa, 0);
    sigaction(SIGSEGV, &sa, 0);
    sigaction(SIGILL, &sa, 0);
    sigaction(SIGBUS, &sa, 0);
    uint64_t hdr[2] = {(uint64_t) stub, (uint64_t) stub_back};
    uint32_t len = (uint32_t) (stub_end - stub);
    writeAll(hdr, sizeof hdr);
    writeAll(&len, 4);
    writeAll(stub, len);
    unsigned char in[1 + 15 + 512 + 128 + 8 + 256];
    void (*fn)(void) = (void (*)(void)) stub;
    while (readAll(in, sizeof in)) {
        unsigned char *p = in;
        int n = *p++;
        memcpy(base + 0x3000, p, 15);
        p += 15;
        /* jmp *0x301288 */
        unsigned char jmp[7] = {0xff, 0x24, 0x25, 0x88, 0x12, 0x30, 0x00};
        memcpy(base + 0x3000 + n, jmp, 7);
        memcpy(base + 0x1000, p, 512); p += 512;
        memcpy(base + 0x1200, p, 128); p += 128;
        memcpy(base + 0x1280, p, 8); p += 8;
        memcpy(base, p, 256);
        *(uint64_t *) (base + 0x1288) = (uint64_t) stub_back;
        *(uint64_t *) (base + 0x12a0) = 0x303000;
        memset(base + 0x2000, 0, 0x300);
        sig = 0;
        faultMxcsr = 0;
        if (sigsetjmp(jb, 1) == 0) fn();
        int32_t s = sig;
        writeAll(&s, 4);
        uint32_t m = faultMxcsr;
        writeAll(&m, 4);
        writeAll(base + 0x2000, 512);
        writeAll(base + 0x2200, 128);
        writeAll(base + 0x2280, 8);
        writeAll(base, 256);
    }
    return 0;
}
