package org.multios.core.irq;

/**
 * A level-sensitive wire from a device to an interrupt controller input (or from a
 * controller to a CPU). Edge-triggered sources pulse it: raise, then lower.
 */
@FunctionalInterface
public interface InterruptLine {
    void set(boolean level);

    default void raise() { set(true); }

    default void lower() { set(false); }

    InterruptLine NONE = level -> {};
}
