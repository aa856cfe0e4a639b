package org.multios.isa.x86;

/** The CPU's INTR input as an interrupt controller (8259 PIC, local APIC) drives it. */
public interface InterruptSource {
    /** True when a maskable interrupt is pending for this CPU. */
    boolean pending();

    /** The interrupt acknowledge cycle: the controller answers the vector and marks it in service. */
    int acknowledge();

    InterruptSource NONE = new InterruptSource() {
        @Override public boolean pending() { return false; }
        @Override public int acknowledge() { return -1; }
    };
}
