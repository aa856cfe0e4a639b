/*
 * Stage 2 entry at 0x40200000 (EL1, MMU off), from stage 1 with x0 = device tree. Sets its
 * own vectors (lib/vectors.S: any exception is reported), clears .bss (not part of
 * stage2.bin) and runs stage2_main(fdt) on its own stack.
 */
    .section .text.start, "ax"
    .globl _start
_start:
    msr     daifset, #0xf
    ldr     x1, =stage2_stack_top
    mov     sp, x1
    ldr     x1, =fw_vectors
    msr     vbar_el1, x1
    isb
    ldr     x1, =__bss_start
    ldr     x2, =__bss_end
1:  cmp     x1, x2
    b.hs    2f
    str     xzr, [x1], #8
    b       1b
2:  bl      stage2_main
3:  wfi
    b       3b
    .ltorg

    .section .bss.stack, "aw", @nobits
    .balign 4096
    .space  16384
    .globl stage2_stack_top
stage2_stack_top:
