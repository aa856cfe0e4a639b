package org.multios.boards.x86;

import java.util.function.IntFunction;
import java.util.function.LongSupplier;
import org.multios.core.bus.MmioDevice;
import org.multios.core.irq.InterruptLine;
import org.multios.core.time.TimerEvent;
import org.multios.core.time.VirtualClock;

/**
 * The High Precision Event Timer (IA-PC HPET specification 1.0a) at 0xFED00000: a 64-bit main
 * counter at 100 MHz of virtual time (period 10 ns, as QEMU's), three comparators with one-shot
 * and periodic modes, 32-bit mode, edge or level interrupts (the general interrupt status
 * register for level ones), routing to IO-APIC inputs by Tn_INT_ROUTE_CNF among those the
 * capability allows (2, 8 and 16-23 as QEMU's q35 HPET), and legacy replacement routing
 * (timer 0 → ISA IRQ 0 / GSI 2, timer 1 → IRQ 8 / GSI 8, while the 8254 and RTC are cut off).
 * FSB (MSI) delivery is not offered (Tn_FSB_INT_DEL_CAP clear).
 */
public final class Hpet implements MmioDevice {
    public static final long BASE = 0xfed0_0000L, SIZE = 0x400;
    public static final int TIMERS = 3;
    /** Femtoseconds per tick: 10 ns. */
    public static final long PERIOD_FS = 10_000_000L;
    static final long NANOS_PER_TICK = PERIOD_FS / 1_000_000;
    /** GCAP_ID: period, vendor 0x8086, LEG_RT_CAP, COUNT_SIZE_CAP (64-bit), NUM_TIM_CAP = timers - 1, revision 1. */
    static final long CAPABILITIES = PERIOD_FS << 32 | 0x8086L << 16 | 1L << 15 | 1L << 13 | (TIMERS - 1) << 8 | 1;
    static final long ROUTE_CAP = 0x00ff_0104L;
    // Tn_CONF bits
    static final long INT_LEVEL = 1 << 1, INT_ENABLE = 1 << 2, PERIODIC = 1 << 3, PERIODIC_CAP = 1 << 4, SIZE_CAP = 1 << 5,
            VAL_SET = 1 << 6, MODE32 = 1 << 8;
    static final long CONF_WRITABLE = INT_LEVEL | INT_ENABLE | PERIODIC | VAL_SET | MODE32 | 0x1f << 9;
    static final int ENABLE = 1, LEGACY = 2;

    private final VirtualClock clock;
    private final LongSupplier now;
    /** Interrupt lines by IO-APIC GSI; legacy replacement uses ISA IRQ 0 and 8 (which fan out to PIC and IO-APIC). */
    private final IntFunction<InterruptLine> gsi;
    private final InterruptLine legacyIrq0, legacyIrq8;
    private final Timer[] timers = new Timer[TIMERS];
    private final InterruptLine[] gsiLines = new InterruptLine[32];
    private int config, status;
    /** Counter value at {@link #startNanos} (while enabled), or its frozen value. */
    private long counterBase, startNanos;

    private final class Timer {
        final int n;
        long conf, comparator, period;
        TimerEvent event;
        InterruptLine asserted;

        Timer(int n) { this.n = n; }

        int route() { return (int) (conf >> 9) & 0x1f; }

        InterruptLine line() {
            if ((config & LEGACY) != 0 && n < 2) return n == 0 ? legacyIrq0 : legacyIrq8;
            int r = route();
            if ((ROUTE_CAP & (1L << r)) == 0) return InterruptLine.NONE;
            if (gsiLines[r] == null) gsiLines[r] = gsi.apply(r); // one line object per input, so a level stays on it
            return gsiLines[r];
        }

        void arm() { arm(now.getAsLong()); }

        /** Schedules the next match of the comparator as seen from virtual time {@code t}. */
        void arm(long t) {
            if (event != null) {
                clock.cancel(event);
                event = null;
            }
            if ((config & ENABLE) == 0) return;
            long mask = (conf & MODE32) != 0 ? 0xffff_ffffL : -1L;
            long delta = (comparator - counterAt(t)) & mask;   // unsigned ticks to the match
            if (delta == 0) delta = mask;                      // just matched: the next one is a wrap away
            long ticks = Long.compareUnsigned(delta, MAX_TICKS) > 0 ? MAX_TICKS : delta;
            long at = t + ticks * NANOS_PER_TICK;
            event = clock.schedule(at, () -> fire(at));
        }

        void fire(long at) {
            synchronized (Hpet.this) {
                event = null;
                if ((conf & INT_ENABLE) != 0) interrupt();
                if ((conf & PERIODIC) != 0 && period != 0) {
                    comparator += period;
                    if ((conf & MODE32) != 0) comparator &= 0xffff_ffffL;
                }
                arm(at); // from the match time, so periodic interrupts keep their phase
            }
        }

        void interrupt() {
            InterruptLine l = line();
            if ((conf & INT_LEVEL) != 0) {
                status |= 1 << n;
                if (asserted != null && asserted != l) asserted.lower();
                asserted = l;
                l.raise();
            } else {
                l.raise();
                l.lower();
            }
        }

        void deassert() {
            if (asserted != null) asserted.lower();
            asserted = null;
        }
    }

    public Hpet(VirtualClock clock, LongSupplier now, IntFunction<InterruptLine> gsi, InterruptLine legacyIrq0, InterruptLine legacyIrq8) {
        this.clock = clock;
        this.now = now;
        this.gsi = gsi;
        this.legacyIrq0 = legacyIrq0;
        this.legacyIrq8 = legacyIrq8;
        for (int i = 0; i < TIMERS; i++) timers[i] = new Timer(i);
        reset();
    }

    /** True while legacy replacement routing takes IRQ 0 and IRQ 8 from the 8254 and the RTC. */
    public boolean legacyReplacement() { return (config & (LEGACY | ENABLE)) == (LEGACY | ENABLE); }

    private long counter() { return counterAt(now.getAsLong()); }

    private long counterAt(long t) {
        if ((config & ENABLE) == 0) return counterBase;
        return counterBase + (t - startNanos) / NANOS_PER_TICK;
    }

    /** The furthest a match is scheduled ahead (a 64-bit wrap at 100 MHz is millennia away). */
    static final long MAX_TICKS = Long.MAX_VALUE / NANOS_PER_TICK / 4;

    @Override
    public synchronized long read(long offset, int size) {
        long v = register(offset & ~7L);
        v >>>= 8 * (offset & 7);
        return size == 8 ? v : v & ((1L << (8 * size)) - 1);
    }

    private long register(long off) {
        if (off >= 0x100 && off < 0x100 + 0x20L * TIMERS) {
            Timer t = timers[(int) (off - 0x100) >> 5];
            return switch ((int) (off & 0x18)) {
                case 0 -> t.conf | PERIODIC_CAP | SIZE_CAP | ROUTE_CAP << 32;
                case 8 -> t.comparator;
                default -> 0; // FSB route: FSB delivery is not offered
            };
        }
        return switch ((int) off) {
            case 0x000 -> CAPABILITIES;
            case 0x010 -> config;
            case 0x020 -> status;
            case 0x0f0 -> counter();
            default -> 0;
        };
    }

    @Override
    public synchronized void write(long offset, int size, long value) {
        long aligned = offset & ~7L;
        int shift = 8 * (int) (offset & 7);
        long mask = (size == 8 ? -1L : (1L << (8 * size)) - 1) << shift;
        long v = register(aligned) & ~mask | (value << shift) & mask;
        if (aligned >= 0x100 && aligned < 0x100 + 0x20L * TIMERS) {
            writeTimer(timers[(int) (aligned - 0x100) >> 5], (int) (aligned & 0x18), v);
            return;
        }
        switch ((int) aligned) {
            case 0x010 -> {
                int old = config;
                long c = counter();
                config = (int) v & (ENABLE | LEGACY);
                if ((old & ENABLE) != (config & ENABLE)) {
                    counterBase = c;
                    startNanos = now.getAsLong();
                }
                for (Timer t : timers) {
                    if ((old & LEGACY) != (config & LEGACY)) t.deassert();
                    t.arm();
                }
            }
            case 0x020 -> { // write 1 to clear a level interrupt's status
                int clear = (int) (value << shift) & status;
                status &= ~clear;
                for (Timer t : timers) if ((clear & (1 << t.n)) != 0) t.deassert();
            }
            case 0x0f0 -> {
                if ((config & ENABLE) == 0) counterBase = v; // writable only while halted
            }
            default -> { }
        }
    }

    private void writeTimer(Timer t, int reg, long v) {
        switch (reg) {
            case 0 -> {
                long old = t.conf;
                t.conf = v & CONF_WRITABLE;
                if ((t.conf & INT_LEVEL) == 0 || (t.conf & INT_ENABLE) == 0) {
                    if ((old & INT_LEVEL) != 0) t.deassert();
                }
                if ((t.conf & MODE32) != 0) t.comparator &= 0xffff_ffffL;
                t.arm();
            }
            case 8 -> {
                long value = (t.conf & MODE32) != 0 ? v & 0xffff_ffffL : v;
                // QEMU's rule: in periodic mode a write without VAL_SET changes only the period
                if ((t.conf & PERIODIC) == 0 || (t.conf & VAL_SET) != 0) t.comparator = value;
                t.period = value;
                t.conf &= ~VAL_SET;
                t.arm();
            }
            default -> { }
        }
    }

    @Override
    public synchronized void reset() {
        config = status = 0;
        counterBase = 0;
        for (Timer t : timers) {
            if (t.event != null) clock.cancel(t.event);
            t.event = null;
            t.deassert();
            t.conf = 0;
            t.comparator = -1L;
            t.period = 0;
        }
    }
}
