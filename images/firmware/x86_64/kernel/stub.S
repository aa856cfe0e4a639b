/*
 * The kernel entry stub (/boot/kernel.elf), x86_64: stage 2 jumps here in long mode at CPL 0
 * with rdi = BootInfo, rsi = boot CPU. Native call 2 (KERNEL_ENTRY) on x86 is vmcall with
 * eax = 2 (X86KernelBoot): the Java kernel takes the CPU and never returns here; the loop is
 * only a backstop. Without the MultiOS emulator vmcall is #UD, which stage 2 reports.
 */
    .section .text.start, "ax"
    .code64
    .globl _start
_start:
    movl    $2, %eax
    vmcall
1:  cli
    hlt
    jmp     1b
