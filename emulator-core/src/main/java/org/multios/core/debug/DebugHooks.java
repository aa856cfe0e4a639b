package org.multios.core.debug;

/**
 * What a CPU calls while a debugger has work for it (breakpoints, watchpoints, stepping).
 * <p>
 * A CPU keeps one field holding its hooks; it is {@code null} whenever there is nothing to
 * check, which is always the case without a debugger and also while a debugger merely lets
 * the guest run. The only cost on the fast path is therefore a null test at block entry: a
 * CPU with non-null hooks executes instruction by instruction (or checks
 * {@link #beforeInstruction} before each instruction of a block) until they are removed.
 * <p>
 * All methods are called on the machine thread, from inside {@code Cpu.run}.
 */
public interface DebugHooks {
    /**
     * Called before the instruction at virtual address {@code pc} is executed (before fetch,
     * so a breakpoint on an unmapped address stops rather than faults). Returning
     * {@code true} means: do not execute it; leave {@code pc} there, retire nothing more and
     * return from {@code run} at once. The machine is already asked to pause when this
     * returns true. Interrupts and traps taken between instructions are fine: the check
     * happens again at the first instruction of the handler.
     */
    boolean beforeInstruction(int cpu, long pc);

    /**
     * True if loads and stores to the virtual page holding {@code vaddr} must be reported
     * through {@link #dataAccess}: the CPU must then not fill a fast-path TLB entry for that
     * page (the debugger flushes the TLB when it sets a watchpoint).
     */
    boolean watchesPage(long vaddr);

    /**
     * A load or store of {@code size} bytes at virtual address {@code vaddr} on a watched
     * page (called from the TLB slow path after translation succeeded, before or after the
     * access itself). If it hits a watchpoint the debugger records the stop and the next
     * {@link #beforeInstruction} call returns true, so the instruction completes and the
     * guest stops after it (the way QEMU reports watchpoints to GDB). AMOs count as both.
     */
    void dataAccess(int cpu, long vaddr, int size, boolean write);
}
