/*
 * The boot stages' exception vectors (VBAR_EL1): 16 entries of 128 bytes, 2 KiB aligned.
 * Nothing is expected to trap in firmware, so every entry reports: it takes the trap stack
 * and calls fw_trap(entry) in trap.c, which prints ESR/ELR/FAR in one line and halts.
 */
    .section .text.vectors, "ax"
    .balign 2048
    .globl fw_vectors
fw_vectors:
    .irp n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
    .balign 128
    mov     x0, #\n
    b       fw_vector_common
    .endr

fw_vector_common:
    msr     daifset, #0xf
    ldr     x1, =fw_trap_stack_top
    mov     sp, x1
    bl      fw_trap
1:  wfi
    b       1b

    .section .bss.trapstack, "aw", @nobits
    .balign 16
    .space  8192
fw_trap_stack_top:
