/*
 * The kernel entry stub (/boot/kernel.elf) for arm64: stage 2 jumps here at EL1 with
 * x0 = BootInfo, x1 = CPU number. Native call 16 (KERNEL_ENTRY, hvc #0x4d50, see
 * A64Cpu.nativeCall and docs/boot.md) hands the CPU to the Java kernel, which never returns
 * here. Where HVC is not the MultiOS gate it comes back (or traps) and the udf reaches
 * stage 2's vectors, which report it.
 */
    .section .text.start, "ax"
    .globl _start
_start:
    hvc     #0x4d50
    udf     #0x4d50
1:  wfi
    b       1b
