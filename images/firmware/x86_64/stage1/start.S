/*
 * Stage 1 from the reset vector (docs/firmware.md, x86_64). The CPU starts at F000:FFF0 in
 * real mode with CS.base = 0xFFFF0000, i.e. at the top of this 64 KiB ROM. This file takes
 * it through the three modes a PC firmware must:
 *   16-bit real mode  ->  32-bit protected mode (GDT, CR0.PE)  ->  64-bit long mode (PAE
 *   identity page tables for the low 4 GiB in 2 MiB pages, EFER.LME, CR0.PG)
 * and then calls the C part (stage1_main), which it first copies from the ROM into RAM at
 * 0x10000 (linked there; .bss cleared). Nothing here needs a stack until long mode.
 * The state met on the way is left at 0x7000 for the C part to report:
 *   0x7000 EDX at reset (the processor signature), 0x7004 CR0 at reset, 0x7008 CR0 in
 *   protected mode, 0x700c CR0 after paging is on.
 */
#define PML4 0x1000
#define PDPT 0x2000
#define PD   0x3000            /* four page directories, 0x3000-0x6fff */
#define MARKS 0x7000
#define STACK_TOP 0x9f000

    .section .rom, "ax"
    .code16
    .globl start16
start16:
    cli
    cld
    movl    %edx, %ebp                  /* processor signature, kept for the report */
    xorw    %ax, %ax
    movw    %ax, %ds                    /* DS.base = 0: the marks go to 0x7000 */
    movl    %ebp, MARKS
    movl    %cr0, %eax
    movl    %eax, MARKS + 4
    lgdtl   %cs:gdt_ptr16               /* CS-relative: CS.base is 0xFFFF0000 */
    orl     $1, %eax                    /* CR0.PE */
    movl    %eax, %cr0
    ljmpl   $0x08, $start32

    .code32
start32:
    movw    $0x10, %ax
    movw    %ax, %ds
    movw    %ax, %es
    movw    %ax, %ss
    movw    %ax, %fs
    movw    %ax, %gs
    movl    %cr0, %eax
    movl    %eax, MARKS + 8
    inb     $0x92, %al                  /* A20 on through port A (fast A20), no reset */
    orb     $2, %al
    andb    $0xfe, %al
    outb    %al, $0x92
    /* the C part: ROM -> RAM, then .bss cleared */
    movl    $__c_lma, %esi
    movl    $__c_vma, %edi
    movl    $__c_dwords, %ecx
    rep movsl
    xorl    %eax, %eax
    movl    $__bss_start, %edi
    movl    $__bss_dwords, %ecx
    rep stosl
    /* identity page tables: PML4[0] -> PDPT, PDPT[0..3] -> PD0..3, 2048 2 MiB pages */
    movl    $PML4, %edi
    movl    $(0x6000 / 4), %ecx
    rep stosl
    movl    $(PDPT | 3), PML4
    movl    $(PD | 3), PDPT
    movl    $((PD + 0x1000) | 3), PDPT + 8
    movl    $((PD + 0x2000) | 3), PDPT + 16
    movl    $((PD + 0x3000) | 3), PDPT + 24
    movl    $PD, %edi
    movl    $0x83, %eax                 /* present, writable, PS */
    movl    $2048, %ecx
1:  movl    %eax, (%edi)
    addl    $0x200000, %eax
    addl    $8, %edi
    loop    1b
    movl    $PML4, %eax
    movl    %eax, %cr3
    movl    %cr4, %eax
    orl     $0x20, %eax                 /* CR4.PAE */
    movl    %eax, %cr4
    movl    $0xc0000080, %ecx           /* IA32_EFER */
    rdmsr
    orl     $0x100, %eax                /* LME */
    wrmsr
    movl    %cr0, %eax
    orl     $0x80000000, %eax           /* CR0.PG: long mode becomes active (EFER.LMA) */
    movl    %eax, %cr0
    movl    %eax, MARKS + 12
    ljmpl   $0x18, $start64

    .code64
start64:
    movw    $0x10, %ax
    movw    %ax, %ds
    movw    %ax, %ss
    movq    $STACK_TOP, %rsp
    movabsq $stage1_idt_init, %rax      /* exceptions are reported from here on, not triple faults */
    call    *%rax
    movabsq $stage1_main, %rax
    call    *%rax
2:  cli
    hlt
    jmp     2b

    .align 8
gdt:
    .quad   0
    .quad   0x00cf9b000000ffff          /* 0x08: 32-bit code, flat (accessed: no write to ROM) */
    .quad   0x00cf93000000ffff          /* 0x10: data, flat */
    .quad   0x00af9b000000ffff          /* 0x18: 64-bit code */
gdt_end:
    .globl gdt_ptr
gdt_ptr:
    .word   gdt_end - gdt - 1
    .long   gdt

    .section .resetvec, "ax"
    .code16
    .globl reset_vector
reset_vector:                           /* 0xFFFFFFF0: F000:FFF0 */
    jmp     start16
    .balign 16, 0xf4

/* Exceptions 0-31 in long mode: one 16-byte stub each (a dummy error code where the CPU pushes
 * none), then stage1_exception(vector, error, frame, cr2), which prints one error line and halts.
 * A fault in the firmware (or in a foreign stage 2 before it loads its own IDT) is reported
 * instead of becoming a triple fault, which would reset the machine into the same fault again. */
    .text
    .code64
    .globl stage1_idt_init
stage1_idt_init:
    leaq    stage1_idt(%rip), %rdi
    leaq    exc_stubs(%rip), %rdx
    xorl    %ecx, %ecx
1:  movq    %rdx, %rax
    movw    %ax, (%rdi)
    movw    $0x18, 2(%rdi)              /* the ROM GDT's 64-bit code selector */
    movw    $0x8e00, 4(%rdi)
    shrq    $16, %rax
    movw    %ax, 6(%rdi)
    shrq    $16, %rax
    movl    %eax, 8(%rdi)
    movl    $0, 12(%rdi)
    addq    $16, %rdi
    addq    $16, %rdx
    incl    %ecx
    cmpl    $32, %ecx
    jb      1b
    lidt    stage1_idt_ptr(%rip)
    ret

    .balign 16
exc_stubs:
    .set    v, 0
    .rept   32
    .balign 16
    .if (v == 8 || (v >= 10 && v <= 14) || v == 17 || v == 21)
    pushq   $v
    .else
    pushq   $0
    pushq   $v
    .endif
    jmp     exc_common
    .set    v, v + 1
    .endr

exc_common:
    movq    %rsp, %rsi
    movq    $STACK_TOP, %rsp
    movq    (%rsi), %rdi                /* vector */
    leaq    16(%rsi), %rdx              /* rip, cs, rflags, rsp, ss */
    movq    8(%rsi), %rsi               /* error code */
    movq    %cr2, %rcx
    call    stage1_exception
2:  cli
    hlt
    jmp     2b

    .section .rodata
    .balign 8
stage1_idt_ptr:
    .word   32 * 16 - 1
    .quad   stage1_idt

    .section .bss
    .balign 16
stage1_idt:
    .space  32 * 16
