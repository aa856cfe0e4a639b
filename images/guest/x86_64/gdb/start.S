/*
 * Boot stub of the x86_64 GDB test guest, as a PC firmware ROM (64 KiB, --bios): reset vector ->
 * 16-bit real mode -> 32-bit protected mode -> long mode with identity paging -> C main.
 *
 * The board maps the ROM at 4 GiB - 64 KiB and also copies its last 128 KiB (here: all of it)
 * into the shadow area below 1 MiB, so the whole program runs at its link addresses from 0xf0000;
 * only the reset vector itself executes at 0xfffffff0 (CS base 0xffff0000), and it far-jumps down.
 * Running in place (rather than copying the C code to RAM) means the code is where the ELF says
 * from the first instruction on, so GDB reads the right bytes when it analyses prologues at
 * attach time. The 32-bit stub builds page tables identity-mapping the first GiB with 2 MiB
 * pages, enables PAE, EFER.LME and paging, and jumps to the 64-bit entry. .bss and the stack
 * are RAM at 1 MiB; the program writes nothing in the shadow area.
 */
    .section .note.GNU-stack, "", @progbits
    .section .rom, "ax"
    .code16
    .globl rom_start
rom_start:
entry16:
    cli
    cld
    mov     $0xf000, %ax            /* DS base 0xf0000: offsets below are from rom_start */
    mov     %ax, %ds
    lgdtl   gdt_desc - 0xf0000      /* operand size 32: the full 32-bit GDT base */
    mov     %cr0, %eax
    or      $1, %eax                /* CR0.PE */
    mov     %eax, %cr0
    ljmpl   $0x08, $entry32

    .code32
entry32:
    mov     $0x10, %ax
    mov     %ax, %ds
    mov     %ax, %es
    mov     %ax, %ss
    mov     %ax, %fs
    mov     %ax, %gs
    /* Page tables at 0x1000 (PML4), 0x2000 (PDPT), 0x3000 (PD: 512 x 2 MiB = 1 GiB identity). */
    mov     $0x1000, %edi
    xor     %eax, %eax
    mov     $(3 * 4096 / 4), %ecx
    rep stosl
    movl    $0x2003, 0x1000         /* present, writable */
    movl    $0x3003, 0x2000
    mov     $0x3000, %edi
    mov     $0x83, %eax             /* present, writable, 2 MiB page */
    mov     $512, %ecx
1:  mov     %eax, (%edi)
    add     $0x200000, %eax
    add     $8, %edi
    loop    1b
    mov     %cr4, %eax
    or      $0x20, %eax             /* CR4.PAE */
    mov     %eax, %cr4
    mov     $0x1000, %eax
    mov     %eax, %cr3
    mov     $0xc0000080, %ecx       /* EFER.LME */
    rdmsr
    or      $0x100, %eax
    wrmsr
    mov     %cr0, %eax
    or      $0x80000000, %eax       /* CR0.PG: long mode is now active (compatibility mode) */
    mov     %eax, %cr0
    ljmp    $0x18, $_start

    .balign 8
gdt:
    .quad   0
    .quad   0x00cf9a000000ffff      /* 0x08: 32-bit code, flat */
    .quad   0x00cf92000000ffff      /* 0x10: data, flat */
    .quad   0x00af9a000000ffff      /* 0x18: 64-bit code */
gdt_end:
gdt_desc:
    .word   gdt_end - gdt - 1
    .long   gdt

/* The reset vector, the last 16 bytes of the ROM: far jump to the shadow copy (CS base 0xf0000). */
    .section .reset, "ax"
    .code16
reset:
    ljmp    $0xf000, $(entry16 - 0xf0000)
    .balign 16, 0xf4

/* 64-bit entry: a stack, zeroed .bss, then main. */
    .section .text.start, "ax"
    .code64
    .globl _start
_start:
    mov     $stack_top, %rsp
    mov     $__bss_start, %rdi
    mov     $__bss_end, %rcx
    sub     %rdi, %rcx
    xor     %eax, %eax
    rep stosb
    call    main
2:  cli
    hlt
    jmp     2b
