package org.multios.kernel.arch;

/** A trap decoded arch-neutrally: what happened, and the faulting address when there is one. */
public record Trap(Kind kind, long address, long raw) {
    /** SIGNAL: the port decided the signal itself (x86 #DE, #GP, #XM, ...); raw = signal | si_code << 8. */
    public enum Kind { SYSCALL, READ_FAULT, WRITE_FAULT, EXEC_FAULT, ILLEGAL_INSTRUCTION, BREAKPOINT, MISALIGNED, TIMER, EXTERNAL, OTHER, SIGNAL }

    /** A fault the port maps to signal sig with si_code code and si_addr address, as its Linux does. */
    public static Trap signal(int sig, int code, long address) {
        return new Trap(Kind.SIGNAL, address, sig | ((long) code << 8));
    }

    /** For SIGNAL: the signal number. */
    public int signal() { return (int) (raw & 0xff); }

    /** For SIGNAL: the si_code. */
    public int code() { return (int) (raw >> 8); }
}
