/*
 * Stage 2 entry at 0x200000 in long mode, from stage 1 with rdi = boot CPU, rsi = device tree.
 * Loads its own GDT and an IDT: vectors 0-31 report the exception and stop (a fault before
 * the kernel installs its own IDT is reported instead of triple-faulting), 0x20-0x2f are the
 * 8259's IRQs (EOI and return: the menu's PIT naps wake the CPU from hlt through them).
 * Clears .bss and runs stage2_main on its own stack.
 */
    .section .text.start, "ax"
    .code64
    .globl _start
_start:
    jmp     0f
    .ascii  "MOSX86S2"                  /* stage 1 checks this: a stage 2 for another architecture is refused */
0:  cli
    lgdt    gdt_ptr(%rip)
    leaq    stage2_stack_top(%rip), %rsp
    pushq   $0x08
    leaq    1f(%rip), %rax
    pushq   %rax
    lretq                               /* CS = our 64-bit code selector */
1:  movw    $0x10, %ax
    movw    %ax, %ds
    movw    %ax, %es
    movw    %ax, %ss
    movw    %ax, %fs
    movw    %ax, %gs
    movq    %rdi, %r12
    movq    %rsi, %r13
    /* .bss first: the IDT lives there */
    xorl    %eax, %eax
    leaq    __bss_start(%rip), %rdi
    leaq    __bss_end(%rip), %rcx
    subq    %rdi, %rcx
    shrq    $3, %rcx
    rep stosq
    /* IDT: gate i -> vec_stubs + 16 * i, interrupt gates, CPL 0 */
    leaq    idt(%rip), %rdi
    leaq    vec_stubs(%rip), %rdx
    xorl    %ecx, %ecx
2:  movq    %rdx, %rax
    movw    %ax, (%rdi)
    movw    $0x08, 2(%rdi)
    movw    $0x8e00, 4(%rdi)
    shrq    $16, %rax
    movw    %ax, 6(%rdi)
    shrq    $16, %rax
    movl    %eax, 8(%rdi)
    movl    $0, 12(%rdi)
    addq    $16, %rdi
    addq    $16, %rdx
    incl    %ecx
    cmpl    $48, %ecx
    jb      2b
    lidt    idt_ptr(%rip)
    movq    %r12, %rdi
    movq    %r13, %rsi
    call    stage2_main
3:  cli
    hlt
    jmp     3b

/* 48 stubs of 16 bytes: exceptions push a dummy error code where the CPU pushes none */
    .balign 16
vec_stubs:
    .set    v, 0
    .rept   48
    .balign 16
    .if (v == 8 || (v >= 10 && v <= 14) || v == 17 || v == 21)
    pushq   $v
    jmp     exception
    .elseif v < 32
    pushq   $0
    pushq   $v
    jmp     exception
    .else
    pushq   $v
    jmp     irq
    .endif
    .set    v, v + 1
    .endr

exception:                              /* stack: vector, error, rip, cs, rflags, rsp, ss */
    leaq    stage2_trap_stack_top(%rip), %rax
    movq    %rsp, %rsi
    movq    %rax, %rsp
    movq    (%rsi), %rdi                /* vector */
    leaq    16(%rsi), %rdx              /* the CPU's frame: rip, cs, rflags, rsp, ss */
    movq    8(%rsi), %rsi               /* error code */
    movq    %cr2, %rcx
    call    stage2_exception
4:  cli
    hlt
    jmp     4b

irq:                                    /* an 8259 IRQ: end of interrupt, back to the hlt */
    pushq   %rax
    movb    $0x20, %al
    cmpq    $0x28, 8(%rsp)
    jb      5f
    outb    %al, $0xa0
5:  outb    %al, $0x20
    popq    %rax
    addq    $8, %rsp
    iretq

    .section .rodata
    .balign 8
gdt:
    .quad   0
    .quad   0x00af9b000000ffff          /* 0x08: 64-bit code */
    .quad   0x00cf93000000ffff          /* 0x10: data */
gdt_end:
gdt_ptr:
    .word   gdt_end - gdt - 1
    .quad   gdt
idt_ptr:
    .word   48 * 16 - 1
    .quad   idt

    .section .bss.idt, "aw", @nobits
    .balign 16
idt:
    .space  48 * 16

    .section .bss.stack, "aw", @nobits
    .balign 4096
    .space  16384
    .globl stage2_stack_top
stage2_stack_top:
    .space  8192
    .globl stage2_trap_stack_top
stage2_trap_stack_top:
