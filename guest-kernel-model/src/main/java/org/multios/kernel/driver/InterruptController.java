package org.multios.kernel.driver;

/**
 * The platform interrupt controller as the kernel drives it: the RISC-V PLIC here, the arm64
 * GIC and the x86 I/O APIC in their ports. Drivers enable their source with a handler; the
 * kernel calls {@link #handlePending} on an external-interrupt trap.
 */
public interface InterruptController {
    /** Routes source to this CPU's kernel context and runs handler when it fires. */
    void enable(int source, Runnable handler);

    /** Claims, dispatches and completes every pending source (external interrupt trap). */
    void handlePending();
}
