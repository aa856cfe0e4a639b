/*
 * Stage 2 entry at 0x80200000 in S-mode, from stage 1 with a0 = hart id, a1 = device tree.
 * Clears .bss (not part of stage2.bin) and runs stage2_main on its own stack.
 */
    .section .text.start, "ax"
    .globl _start
_start:
    .option push
    .option norelax
    la      gp, __global_pointer$
    .option pop
    la      sp, stage2_stack_top
    csrw    sie, zero
    li      t0, (1 << 13)               /* sstatus.FS = Initial */
    csrs    sstatus, t0
    csrwi   fcsr, 0
    la      t0, __bss_start
    la      t1, __bss_end
1:  bgeu    t0, t1, 2f
    sd      zero, 0(t0)
    addi    t0, t0, 8
    j       1b
2:  call    stage2_main
3:  wfi
    j       3b

/* stvec once the kernel runs: a trap that reaches here means the kernel stub did not hand
 * the hart to the Java kernel (on QEMU its native call is an illegal instruction). Take our
 * own stack and report; never returns. */
    .align 4
    .globl stage2_trap_entry
stage2_trap_entry:
    .option push
    .option norelax
    la      gp, __global_pointer$
    .option pop
    la      sp, stage2_trap_stack_top
    call    stage2_trap
4:  wfi
    j       4b

    .section .bss.stack, "aw", @nobits
    .align 12
    .space 16384
    .globl stage2_stack_top
stage2_stack_top:
    .space 8192
    .globl stage2_trap_stack_top
stage2_trap_stack_top:
