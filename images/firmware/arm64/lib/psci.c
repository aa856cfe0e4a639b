/* PSCI (Arm DEN 0022) calls for the boot stages: SMC calling convention, function id in x0,
 * result in x0. The conduit is HVC (the arm64-virt board and QEMU's virt without EL3 say
 * method = "hvc" in /psci). */
#include "fw.h"

long psci_call(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3) {
    register uint64_t x0 __asm__("x0") = fn;
    register uint64_t x1 __asm__("x1") = a1;
    register uint64_t x2 __asm__("x2") = a2;
    register uint64_t x3 __asm__("x3") = a3;
    __asm__ volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) :: "memory");
    return (long)x0;
}
