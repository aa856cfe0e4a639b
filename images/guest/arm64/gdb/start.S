/* Entry of the arm64 GDB test guest: EL1, MMU off; a stack, zeroed .bss, main, then PSCI SYSTEM_OFF. */
    .section .text.start, "ax"
    .global _start
_start:
    ldr     x1, =stack_top
    mov     sp, x1
    ldr     x1, =__bss_start
    ldr     x2, =__bss_end
1:  cmp     x1, x2
    b.hs    2f
    str     xzr, [x1], #8
    b       1b
2:  bl      main
    ldr     w0, =0x84000008     // PSCI SYSTEM_OFF
    hvc     #0
3:  wfi
    b       3b
