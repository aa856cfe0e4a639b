package org.multios.isa.arm64.irq;

import org.multios.core.irq.InterruptLine;
import org.multios.core.time.TimerEvent;
import org.multios.core.time.VirtualClock;

/**
 * The generic timer of one PE (Arm ARM D11): the system counter read from virtual time at
 * {@link #FREQUENCY} (62.5 MHz, QEMU's frequency for virt CPUs), and the EL1 physical and
 * virtual timers with CTL (ENABLE, IMASK, ISTATUS), CVAL and TVAL. CNTVOFF is zero (no
 * EL2), so both timers count the same. The timer outputs are level lines to the GIC
 * (PPI 30 and 27 on virt), re-evaluated when registers change and when a compare value is
 * reached (a virtual-clock event).
 */
public final class GenericTimer {
    public static final long FREQUENCY = 62_500_000L;
    private static final long NANOS_PER_TICK = 1_000_000_000L / FREQUENCY; // 16

    /** Index of the physical and the virtual timer. */
    public static final int PHYS = 0, VIRT = 1;

    private final VirtualClock clock;
    private final long[] ctl = new long[2], cval = new long[2];
    private final InterruptLine[] out = {InterruptLine.NONE, InterruptLine.NONE};
    private final TimerEvent[] events = new TimerEvent[2];
    private final boolean[] level = new boolean[2];

    public GenericTimer(VirtualClock clock) { this.clock = clock; }

    public void connect(int timer, InterruptLine line) { out[timer] = line; update(timer); }

    public void reset() {
        for (int t = 0; t < 2; t++) {
            ctl[t] = 0;
            cval[t] = 0;
            clock.cancel(events[t]);
            events[t] = null;
            update(t);
        }
    }

    /** CNTPCT/CNTVCT: ticks of virtual time. */
    public long counter() { return clock.preciseNanos() / NANOS_PER_TICK; }

    public long ctl(int t) {
        boolean istatus = (ctl[t] & 1) != 0 && counter() >= cval[t];
        return (ctl[t] & 3) | (istatus ? 4 : 0);
    }

    public void setCtl(int t, long value) { ctl[t] = value & 3; update(t); }

    public long cval(int t) { return cval[t]; }

    public void setCval(int t, long value) { cval[t] = value; update(t); }

    /** TVAL reads as the signed 32-bit distance to CVAL. */
    public long tval(int t) { return (int) (cval[t] - counter()) & 0xffffffffL; }

    public void setTval(int t, long value) { setCval(t, counter() + (int) value); }

    private void update(int t) {
        boolean enabled = (ctl[t] & 1) != 0, masked = (ctl[t] & 2) != 0;
        boolean fired = enabled && counter() >= cval[t];
        boolean l = fired && !masked;
        if (l != level[t]) {
            level[t] = l;
            out[t].set(l);
        }
        clock.cancel(events[t]);
        events[t] = null;
        if (enabled && !fired) {
            long deadline = cval[t] > Long.MAX_VALUE / NANOS_PER_TICK ? Long.MAX_VALUE / 2 : cval[t] * NANOS_PER_TICK;
            events[t] = clock.schedule(deadline, () -> { events[t] = null; update(t); });
        }
    }
}
