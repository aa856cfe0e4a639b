/* start.S's vectors call trap(); intmix takes no exceptions, so any is reported and stops. */
#include <stdint.h>
#include "rt.h"
uint64_t trap(uint64_t kind, uint64_t esr, uint64_t elr, uint64_t far) {
    rt_printf("unexpected exception %lx esr %lx elr %lx far %lx\n", kind, esr, elr, far);
    for (;;) __asm__ volatile("wfi");
}
void after_user(void) { }
