/*
 * Start-up and trap entry for the bare-metal guest programs.
 * QEMU virt with -bios none (and our riscv64-virt board with --bios none) enters here
 * in M-mode with a0 = hart id and a1 = address of the flattened device tree.
 */
#include "rt_asm.h"

    .section .text.start, "ax"
    .globl _start
_start:
    /* Hart 0 runs the program; the others wait in secondary (QEMU's reset ROM sends every
     * hart here at once). */
    csrr    t0, mhartid
    bnez    t0, secondary
    .option push
    .option norelax
    la      gp, __global_pointer$
    .option pop
    la      sp, rt_stack_m_top
    mv      s0, a0
    mv      s1, a1
    /* Direct-mode M trap vector; mscratch holds the top of the M trap stack. */
    la      t0, rt_m_trap_entry
    csrw    mtvec, t0
    la      t0, rt_stack_mtrap_top
    csrw    mscratch, t0
    /* FS = Initial so the compiler may use the FPU (programs built with the D extension). */
    li      t0, (1 << 13)
    csrs    mstatus, t0
    csrwi   fcsr, 0
    /* Clear .bss (the stacks live there too; nothing is on them yet). */
    la      t0, __bss_start
    la      t1, __bss_end
1:  bgeu    t0, t1, 2f
    sd      zero, 0(t0)
    addi    t0, t0, 8
    j       1b
2:  /* Let the other harts go: .bss (their stacks included) is clear now. */
    fence   rw, rw
    li      t0, 1
    la      t1, rt_boot_go
    sw      t0, 0(t1)
    mv      a0, s0
    mv      a1, s1
    call    rt_start
park:
    wfi
    j       park

/* Secondary harts: wait (touching no stack) until hart 0 has cleared .bss, then take a
 * stack and an M trap stack of their own and call rt_secondary_main(hartid), which by
 * default parks. */
secondary:
    li      t1, RT_MAX_HARTS
    bgeu    t0, t1, park
    la      t1, rt_boot_go
3:  lw      t2, 0(t1)
    beqz    t2, 3b
    fence   rw, rw
    .option push
    .option norelax
    la      gp, __global_pointer$
    .option pop
    /* hart h: stack top = rt_stack_harts_top - (h - 1) * 8 KiB; its trap stack is the
     * upper half of that slot, the program stack the lower. */
    addi    t2, t0, -1
    slli    t2, t2, 13
    la      t1, rt_stack_harts_top
    sub     t1, t1, t2
    csrw    mscratch, t1
    li      t2, 4096
    sub     sp, t1, t2
    la      t1, rt_m_trap_entry
    csrw    mtvec, t1
    li      t1, (1 << 13)
    csrs    mstatus, t1
    csrwi   fcsr, 0
    mv      a0, t0
    call    rt_secondary_main
    j       park

/* Saves every GPR and the trap CSRs of one privilege level into a trap_frame on its
 * trap stack, calls the C handler, then restores (the handler may change epc,
 * status and any register) and returns with xRET. */
.macro TRAP_ENTRY name, scratch, epc, cause, tval, status, handler, ret
    .align 4
    .globl \name
\name:
    csrrw   sp, \scratch, sp
    addi    sp, sp, -FRAME_SIZE
    SAVE_GPRS
    csrr    t0, \scratch
    sd      t0, 2*8(sp)
    addi    t0, sp, FRAME_SIZE
    csrw    \scratch, t0
    csrr    t0, \epc
    sd      t0, FRAME_EPC(sp)
    csrr    t0, \cause
    sd      t0, FRAME_CAUSE(sp)
    csrr    t0, \tval
    sd      t0, FRAME_TVAL(sp)
    csrr    t0, \status
    sd      t0, FRAME_STATUS(sp)
    mv      a0, sp
    call    \handler
    ld      t0, FRAME_EPC(sp)
    csrw    \epc, t0
    ld      t0, FRAME_STATUS(sp)
    csrw    \status, t0
    RESTORE_GPRS
    ld      sp, 2*8(sp)
    \ret
.endm

    .text
    TRAP_ENTRY rt_m_trap_entry, mscratch, mepc, mcause, mtval, mstatus, m_trap_handler, mret
    TRAP_ENTRY rt_s_trap_entry, sscratch, sepc, scause, stval, sstatus, s_trap_handler, sret

/* long rt_setjmp(rt_jmp_buf *b) / void rt_longjmp(rt_jmp_buf *b, long v):
 * only ra, sp, gp, tp and the callee-saved registers survive, as in the ABI. */
    .globl rt_setjmp
rt_setjmp:
    sd      ra, 0*8(a0)
    sd      sp, 1*8(a0)
    sd      s0, 2*8(a0)
    sd      s1, 3*8(a0)
    sd      s2, 4*8(a0)
    sd      s3, 5*8(a0)
    sd      s4, 6*8(a0)
    sd      s5, 7*8(a0)
    sd      s6, 8*8(a0)
    sd      s7, 9*8(a0)
    sd      s8, 10*8(a0)
    sd      s9, 11*8(a0)
    sd      s10, 12*8(a0)
    sd      s11, 13*8(a0)
    sd      gp, 14*8(a0)
    sd      tp, 15*8(a0)
    li      a0, 0
    ret

    .globl rt_longjmp
rt_longjmp:
    ld      ra, 0*8(a0)
    ld      sp, 1*8(a0)
    ld      s0, 2*8(a0)
    ld      s1, 3*8(a0)
    ld      s2, 4*8(a0)
    ld      s3, 5*8(a0)
    ld      s4, 6*8(a0)
    ld      s5, 7*8(a0)
    ld      s6, 8*8(a0)
    ld      s7, 9*8(a0)
    ld      s8, 10*8(a0)
    ld      s9, 11*8(a0)
    ld      s10, 12*8(a0)
    ld      s11, 13*8(a0)
    ld      gp, 14*8(a0)
    ld      tp, 15*8(a0)
    seqz    t0, a1
    add     a0, a1, t0
    ret

/* void rt_mret_to(long mpp, void (*fn)(long), long arg, void *stack):
 * enters fn(arg) at privilege mpp (0 = U, 1 = S) on the given stack via mret. When fn
 * returns it lands in rt_lower_return, which asks M-mode to end the excursion. */
    .globl rt_mret_to
rt_mret_to:
    li      t0, (3 << 11)
    csrc    mstatus, t0
    slli    a0, a0, 11
    csrs    mstatus, a0
    csrw    mepc, a1
    mv      sp, a3
    mv      a0, a2
    la      ra, rt_lower_return
    mret

/* void rt_sret_to(long spp, void (*fn)(long), long arg, void *stack): the same from S. */
    .globl rt_sret_to
rt_sret_to:
    li      t0, (1 << 8)
    csrc    sstatus, t0
    slli    a0, a0, 8
    csrs    sstatus, a0
    csrw    sepc, a1
    mv      sp, a3
    mv      a0, a2
    la      ra, rt_lower_return
    sret

/* A lower-privilege function returned with its result in a0: ecall with the
 * runtime's "return to caller" service number in a7. */
    .globl rt_lower_return
rt_lower_return:
    li      a7, RT_ECALL_RETURN
    ecall
1:  j       1b

    .data
    .align 2
    .globl rt_boot_go
rt_boot_go:
    .word 0

    .section .bss.stacks, "aw", @nobits
    .align 4
    .space 8192 * (RT_MAX_HARTS - 1)
    .globl rt_stack_harts_top
rt_stack_harts_top:
    .align 4
    .space 16384
    .globl rt_stack_m_top
rt_stack_m_top:
    .space 8192
    .globl rt_stack_mtrap_top
rt_stack_mtrap_top:
    .space 8192
    .globl rt_stack_strap_top
rt_stack_strap_top:
    .space 16384
    .globl rt_stack_s_top
rt_stack_s_top:
    .space 16384
    .globl rt_stack_u_top
rt_stack_u_top:
