package org.multios.devices.rtc;

import org.multios.core.bus.MmioDevice;
import org.multios.core.irq.InterruptLine;
import org.multios.core.time.TimerEvent;
import org.multios.core.time.VirtualClock;

/**
 * An Arm PrimeCell RTC (PL031, DDI 0224) as on QEMU's arm virt machine at 0x09010000: a
 * 32-bit seconds counter (RTCDR) that runs from a base instant plus virtual time (so runs
 * are reproducible with the fixed default base), a load register (RTCLR) that sets it, and a
 * match register (RTCMR) raising the interrupt when the counter reaches it.
 */
public final class Pl031Rtc implements MmioDevice {
    public static final long WINDOW = 0x1000;
    static final int DR = 0x00, MR = 0x04, LR = 0x08, CR = 0x0c, IMSC = 0x10, RIS = 0x14, MIS = 0x18, ICR = 0x1c;
    private static final int[] ID = {0x31, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

    private final VirtualClock clock;
    private final InterruptLine irq;
    private final long baseNanos;
    /** Seconds added to base + virtual time by RTCLR writes. */
    private long offsetSeconds;
    private int match, lastLoad, imsc, ris;
    private TimerEvent matchEvent;
    private boolean level;

    public Pl031Rtc(VirtualClock clock, InterruptLine irq, long baseNanos) {
        this.clock = clock;
        this.irq = irq;
        this.baseNanos = baseNanos;
    }

    private long seconds() { return (baseNanos + clock.preciseNanos()) / 1_000_000_000L + offsetSeconds; }

    /** The value RTCDR reads now. */
    public int counter() { return (int) seconds(); }

    @Override
    public void reset() {
        match = imsc = ris = 0;
        clock.cancel(matchEvent);
        matchEvent = null;
        update();
    }

    @Override
    public long read(long offset, int size) {
        int off = (int) offset;
        if (off >= 0xfe0 && off < 0x1000) return ID[(off - 0xfe0) >> 2];
        return switch (off) {
            case DR -> counter() & 0xffffffffL;
            case MR -> match & 0xffffffffL;
            case LR -> lastLoad & 0xffffffffL;
            case CR -> 1; // the counter always runs (RTCCR.RTCStart reads 1 once started)
            case IMSC -> imsc;
            case RIS -> ris;
            case MIS -> ris & imsc;
            default -> 0;
        };
    }

    @Override
    public void write(long offset, int size, long value) {
        int v = (int) value;
        switch ((int) offset) {
            case MR -> { match = v; armMatch(); }
            case LR -> {
                lastLoad = v;
                offsetSeconds += (v & 0xffffffffL) - (seconds() & 0xffffffffL);
                armMatch();
            }
            case IMSC -> imsc = v & 1;
            case ICR -> ris &= ~(v & 1);
            default -> { }
        }
        update();
    }

    private void armMatch() {
        clock.cancel(matchEvent);
        long now = seconds() & 0xffffffffL;
        long delta = ((match & 0xffffffffL) - now) & 0xffffffffL;
        if (delta == 0) delta = 1L << 32;
        long nanosIntoSecond = (baseNanos + clock.preciseNanos()) % 1_000_000_000L;
        long due = clock.preciseNanos() + delta * 1_000_000_000L - nanosIntoSecond;
        matchEvent = clock.schedule(due, () -> { ris |= 1; update(); armMatch(); });
    }

    private void update() {
        boolean l = (ris & imsc) != 0;
        if (l != level) {
            level = l;
            irq.set(l);
        }
    }
}
