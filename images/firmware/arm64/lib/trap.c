/* What the boot stages do with an exception (vectors.S): one line naming it, then halt. A
 * stage may look at it first (fw_trap_hook, e.g. stage 2 after the kernel hand-off). */
#include "fw.h"

__attribute__((weak)) void fw_trap_hook(unsigned vector, uint64_t esr, uint64_t elr, uint64_t far) {
    (void)vector; (void)esr; (void)elr; (void)far;
}

void fw_trap(unsigned vector) {
    uint64_t esr = read_sysreg(esr_el1), elr = read_sysreg(elr_el1), far = read_sysreg(far_el1);
    fw_trap_hook(vector, esr, elr, far);
    static const char *const kinds[4] = {"synchronous exception", "IRQ", "FIQ", "SError"};
    fw_die("unexpected %s (vector %u): ESR %lx (EC %lx), ELR %lx, FAR %lx", kinds[vector & 3], vector, esr, esr >> 26 & 0x3f, elr, far);
}

void fw_halt(void) {
    __asm__ volatile("msr daifset, #0xf" ::: "memory");
    for (;;) __asm__ volatile("wfi");
}
