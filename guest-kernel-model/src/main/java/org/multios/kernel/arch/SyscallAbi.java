package org.multios.kernel.arch;

/**
 * Where a port's syscall convention keeps things: the number register, up to six argument
 * registers, the result register, stack and thread pointers, the link register, and the
 * length of the trapping instruction (to back up over it when a syscall restarts).
 */
public record SyscallAbi(int numberReg, int[] argRegs, int returnReg, int spReg, int tpReg, int linkReg, int insnLength) {}
