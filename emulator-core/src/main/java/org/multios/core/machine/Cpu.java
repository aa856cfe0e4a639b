package org.multios.core.machine;

/**
 * One emulated processor (hart, PE, logical CPU) as the machine loop drives it.
 * Implementations keep all their state per CPU and share only the bus and the block cache.
 */
public interface Cpu {
    /** Index of this CPU in its machine (hart id, MPIDR Aff0, APIC id). */
    int index();

    /** Returns to the architectural reset state. */
    void reset();

    /**
     * Runs at most {@code maxInstructions} instructions, stopping early when the CPU waits
     * for an interrupt or the machine asks it to stop. Returns the number retired.
     * Interrupts are taken at block boundaries.
     */
    long run(long maxInstructions);

    /** True while the CPU sleeps in WFI/HLT with no interrupt pending. */
    boolean isWaiting();

    /**
     * False when the CPU waits with every interrupt source disabled, so nothing can ever wake
     * it (a firmware "halt": wfi with mie = 0). The machine stops when all CPUs are in that state.
     */
    default boolean canWake() { return true; }

    /** Program counter of the next instruction. */
    long pc();

    /** Asks a running {@link #run} to return at the next block boundary (thread-safe). */
    void requestExit();
}
