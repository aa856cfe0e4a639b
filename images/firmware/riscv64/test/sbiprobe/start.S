/*
 * sbiprobe: a stand-in kernel for the firmware tests. Stage 2 enters it like the real kernel
 * entry stub (S-mode, a0 = BootInfo, a1 = hart id); it exercises stage 1's resident SBI and the
 * delegation stage 1 set up, prints the results through SBI console_putchar and powers off
 * through SBI SRST.
 */
    .section .text.start, "ax"
    .globl _start
_start:
    .option push
    .option norelax
    la      gp, __global_pointer$
    .option pop
    la      sp, probe_stack_top
    la      t0, probe_trap
    csrw    stvec, t0
    la      t0, __bss_start
    la      t1, __bss_end
1:  bgeu    t0, t1, 2f
    sd      zero, 0(t0)
    addi    t0, t0, 8
    j       1b
2:  call    probe_main
3:  wfi
    j       3b

/* S trap handler: records scause/stval, skips the trapping 4-byte instruction. Only t0 and
 * sscratch are used, so the interrupted code sees its registers unchanged. */
    .align 4
probe_trap:
    csrw    sscratch, t0
    csrr    t0, scause
    sd      t0, probe_last_cause, t1
    csrr    t0, sepc
    addi    t0, t0, 4
    csrw    sepc, t0
    csrr    t0, sscratch
    sret

    .globl probe_ebreak
probe_ebreak:
    .option push
    .option norvc
    ebreak
    .option pop
    ret

    .globl probe_illegal
probe_illegal:
    .word   0x30002573          /* csrr a0, mstatus: an M CSR, illegal in S */
    ret

    .section .bss
    .align 12
    .space 8192
probe_stack_top:
