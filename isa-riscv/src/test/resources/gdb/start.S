/* Entry of the GDB test guest: M-mode, no paging; a stack, then main. */
    .section .text.start, "ax"
    .globl _start
_start:
    .option push
    .option norelax
    la      gp, __global_pointer$
    .option pop
    la      sp, stack_top
    call    main
1:  wfi
    j       1b

    .bss
    .align 4
    .space 8192
stack_top:
