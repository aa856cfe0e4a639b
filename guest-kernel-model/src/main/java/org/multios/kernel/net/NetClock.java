package org.multios.kernel.net;

/**
 * Time for the stack: every timer (RTO, TIME_WAIT, ARP, DHCP) is a virtual-time event, so a
 * run replays exactly. {@link #afterEvent} is called after a timer fired, so the kernel can
 * reschedule tasks it woke.
 */
public interface NetClock {
    long now();
    Object schedule(long atNanos, Runnable action);
    void cancel(Object handle);
    default void afterEvent() {}
}
