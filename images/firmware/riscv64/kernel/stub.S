/*
 * The kernel entry stub (/boot/kernel.elf): stage 2 jumps here with a0 = BootInfo, a1 = hart
 * id. Native call 2 (KERNEL_ENTRY, custom-0 opcode, see RiscvPort.nativeCall) hands the hart
 * to the Java kernel, which never returns here; the loop is only a backstop.
 */
    .section .text.start, "ax"
    .globl _start
_start:
    .word   0x0020000b
1:  wfi
    j       1b
