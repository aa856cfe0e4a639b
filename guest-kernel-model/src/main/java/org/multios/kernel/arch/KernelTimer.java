package org.multios.kernel.arch;

/**
 * How the kernel gets its timer interrupt: {@code run} raises the S timer line from a
 * virtual-clock event (SBI-style, no Sstc needed); a booted kernel programs the CPU's own
 * compare register (RISC-V Sstc {@code stimecmp}, the arm64 generic timer, the x86 LAPIC).
 */
public interface KernelTimer {
    /** Requests a timer interrupt at {@code deadlineNanos} of virtual time; Long.MAX_VALUE = none. */
    void arm(long deadlineNanos);

    /** The timer interrupt was taken: lower the request until the next {@link #arm}. */
    void acknowledge();

    /** Interrupts the CPU as soon as possible (an event outside a trap needs the kernel). */
    void kick();
}
