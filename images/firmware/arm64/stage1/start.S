/*
 * Stage 1 entry at the reset vector: flash bank 0 at address 0 (the board's --bios), EL1,
 * MMU and caches off. Linked to run from RAM at 0x40100000: the first instructions only use
 * PC-relative addressing, copy the image out of flash and branch to its RAM copy (code in
 * flash would be fetched through the flash controller, one bus access per instruction).
 * Secondary PEs do not start (they wait for PSCI CPU_ON); one that does parks in wfi.
 */
    .section .text.start, "ax"
    .globl _start
_start:
    msr     daifset, #0xf
    mrs     x9, mpidr_el1
    tst     x9, #0xffffff
    b.ne    park
    adr     x0, _start                  /* where we run: flash (or RAM when loaded there) */
    ldr     x1, =_start                 /* where we are linked */
    ldr     x2, =__stage1_load_end
    cmp     x0, x1
    b.eq    2f
1:  ldr     w3, [x0], #4                /* 32-bit reads: the flash bus width */
    str     w3, [x1], #4
    cmp     x1, x2
    b.lo    1b
2:  dsb     sy
    ic      iallu
    dsb     sy
    isb
    ldr     x3, =relocated
    br      x3
relocated:
    ldr     x0, =stage1_stack_top
    mov     sp, x0
    ldr     x0, =fw_vectors
    msr     vbar_el1, x0
    isb
    ldr     x0, =__bss_start
    ldr     x1, =__bss_end
3:  cmp     x0, x1
    b.hs    4f
    str     xzr, [x0], #8
    b       3b
4:  ldr     x0, =0x40000000             /* the board's device tree: start of RAM */
    bl      stage1_main
    .globl park
park:
    msr     daifset, #0xf
    wfi
    b       park
    .ltorg

    .section .bss.stack, "aw", @nobits
    .balign 4096
    .space  16384
    .globl stage1_stack_top
stage1_stack_top:
