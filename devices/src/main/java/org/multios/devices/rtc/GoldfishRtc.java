package org.multios.devices.rtc;

import java.time.Instant;
import org.multios.core.bus.MmioDevice;
import org.multios.core.irq.InterruptLine;
import org.multios.core.time.TimerEvent;
import org.multios.core.time.VirtualClock;

/**
 * The Goldfish RTC (compatible {@code google,goldfish-rtc}) at 0x101000 on QEMU's virt machine.
 * Time is nanoseconds since the Unix epoch: a base instant plus the machine's virtual time, so
 * a run is reproducible with the default fixed base; {@link #hostBase()} starts from the host's
 * clock instead. The guest may set the time (TIME_HIGH then TIME_LOW) and arm one alarm
 * (ALARM_HIGH then ALARM_LOW); when it expires the alarm is disarmed and, with IRQ_ENABLED,
 * the interrupt line rises until CLEAR_INTERRUPT.
 */
public final class GoldfishRtc implements MmioDevice {
    public static final long WINDOW = 0x1000;
    /** Default base: 2026-01-01T00:00:00Z, fixed so that runs are reproducible. */
    public static final long DEFAULT_EPOCH_NANOS = Instant.parse("2026-01-01T00:00:00Z").getEpochSecond() * 1_000_000_000L;

    private final VirtualClock clock;
    private final InterruptLine irq;
    private final long baseNanos;
    private long offset;
    private int timeHighLatch, alarmHigh;
    private int setHigh;
    private long alarm;
    private boolean alarmArmed, irqEnabled, irqPending;
    private TimerEvent alarmEvent;

    public GoldfishRtc(VirtualClock clock, InterruptLine irq, long baseNanos) {
        this.clock = clock;
        this.irq = irq;
        this.baseNanos = baseNanos;
        reset();
    }

    public GoldfishRtc(VirtualClock clock, InterruptLine irq) { this(clock, irq, DEFAULT_EPOCH_NANOS); }

    /** The host's current time, for {@code --rtc host}. */
    public static long hostBase() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /** The RTC's current time in ns since 1970. */
    public long now() { return baseNanos + offset + clock.preciseNanos(); }

    @Override
    public void reset() {
        // The time keeps running across a machine reset, as a battery-backed clock does.
        clock.cancel(alarmEvent);
        alarmEvent = null;
        alarmArmed = irqEnabled = irqPending = false;
        timeHighLatch = alarmHigh = setHigh = 0;
        alarm = 0;
        irq.set(false);
    }

    @Override
    public long read(long off, int size) {
        GoldfishRtcRegister r = GoldfishRtcRegister.at(off);
        if (r == null) return 0;
        return switch (r) {
            case TIME_LOW -> {
                long t = now();
                timeHighLatch = (int) (t >>> 32);
                yield t & 0xffff_ffffL;
            }
            case TIME_HIGH -> timeHighLatch & 0xffff_ffffL;
            case ALARM_LOW -> alarm & 0xffff_ffffL;
            case ALARM_HIGH -> alarm >>> 32;
            case IRQ_ENABLED -> irqEnabled ? 1 : 0;
            case ALARM_STATUS -> alarmArmed ? 1 : 0;
            default -> 0;
        };
    }

    @Override
    public void write(long off, int size, long value) {
        GoldfishRtcRegister r = GoldfishRtcRegister.at(off);
        if (r == null) return;
        int v = (int) value;
        switch (r) {
            case TIME_HIGH -> setHigh = v;
            case TIME_LOW -> {
                long wanted = ((long) setHigh << 32) | (v & 0xffff_ffffL);
                offset += wanted - now();
                if (alarmArmed) armAlarm(); // the alarm is in RTC time, which just moved
            }
            case ALARM_HIGH -> alarmHigh = v;
            case ALARM_LOW -> {
                alarm = ((long) alarmHigh << 32) | (v & 0xffff_ffffL);
                alarmArmed = true;
                armAlarm();
            }
            case IRQ_ENABLED -> {
                irqEnabled = (v & 1) != 0;
                updateIrq();
            }
            case CLEAR_ALARM -> {
                clock.cancel(alarmEvent);
                alarmEvent = null;
                alarmArmed = false;
            }
            case CLEAR_INTERRUPT -> {
                irqPending = false;
                updateIrq();
            }
            default -> { /* TIME_HIGH latch and ALARM_STATUS are read-only */ }
        }
    }

    private void armAlarm() {
        clock.cancel(alarmEvent);
        long delay = alarm - now();
        if (delay <= 0) {
            alarmEvent = null;
            fire();
        } else {
            alarmEvent = clock.scheduleIn(delay, this::fire);
        }
    }

    private void fire() {
        alarmEvent = null;
        alarmArmed = false;
        irqPending = true;
        updateIrq();
    }

    private void updateIrq() { irq.set(irqPending && irqEnabled); }
}
