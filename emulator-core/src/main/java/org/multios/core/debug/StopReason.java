package org.multios.core.debug;

/**
 * Why the guest stopped, as a GDB stop reply reports it.
 *
 * @param cpu     index of the CPU that stopped (the thread GDB switches to)
 * @param address data address for watchpoints, breakpoint address for breakpoints
 * @param value   signal number for {@link Kind#SIGNAL}, exit status for {@link Kind#EXITED}
 */
public record StopReason(Kind kind, int cpu, long address, int value) {
    public static final int SIGINT = 2, SIGTRAP = 5;

    public enum Kind {
        /** Interrupted (Ctrl-C), attached, or a finished single step: a plain signal. */
        SIGNAL,
        /** A software breakpoint ({@code Z0}). */
        SWBREAK,
        /** A hardware breakpoint ({@code Z1}). */
        HWBREAK,
        /** A write watchpoint ({@code Z2}). */
        WATCH,
        /** A read watchpoint ({@code Z3}). */
        RWATCH,
        /** An access watchpoint ({@code Z4}). */
        AWATCH,
        /** The machine stopped for good (guest power-off, test finisher, kill). */
        EXITED
    }

    public static StopReason signal(int cpu, int signal) { return new StopReason(Kind.SIGNAL, cpu, 0, signal); }

    public static StopReason exited(int status) { return new StopReason(Kind.EXITED, 0, 0, status); }

    /** The signal a {@code T} reply carries: SIGTRAP for every debug event. */
    public int signal() { return kind == Kind.SIGNAL ? value : SIGTRAP; }
}
