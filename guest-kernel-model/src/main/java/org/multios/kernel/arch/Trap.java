package org.multios.kernel.arch;

/** A trap decoded arch-neutrally: what happened, and the faulting address when there is one. */
public record Trap(Kind kind, long address, long raw) {
    public enum Kind { SYSCALL, READ_FAULT, WRITE_FAULT, EXEC_FAULT, ILLEGAL_INSTRUCTION, BREAKPOINT, MISALIGNED, TIMER, EXTERNAL, OTHER }
}
