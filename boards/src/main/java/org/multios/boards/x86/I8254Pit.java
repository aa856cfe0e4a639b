package org.multios.boards.x86;

import org.multios.core.bus.MmioDevice;
import org.multios.core.irq.InterruptLine;
import org.multios.core.time.TimerEvent;
import org.multios.core.time.VirtualClock;

/**
 * The 8254 programmable interval timer (Intel 8254 datasheet) at ports 0x40-0x43, clocked at
 * 1.193182 MHz of virtual time. Counters are computed from the time since they were loaded;
 * channel 0 drives IRQ 0 (modes 2 and 3 periodically, mode 0 once); channel 2's gate and
 * output are reached through port 0x61 ({@link #port61}).
 */
public final class I8254Pit implements MmioDevice {
    public static final long HZ = 1_193_182;

    private final VirtualClock clock;
    private final InterruptLine irq0;
    private final Channel[] channels = {new Channel(0), new Channel(1), new Channel(2)};
    private int portB;

    final class Channel {
        final int index;
        int mode, access = 3, reload = 0x10000;
        long loadedAt;
        boolean lsbNext = true, latched, writeLsbNext = true, gate = true, counting;
        int latch, pendingLsb;
        TimerEvent event;

        Channel(int index) { this.index = index; }

        long ticks() { return (clock.preciseNanos() - loadedAt) * HZ / 1_000_000_000L; }

        int count() {
            if (!counting) return reload & 0xffff;
            long t = ticks();
            int n = reload;
            return switch (mode) {
                case 2, 3 -> (int) (n - (t % n)) & 0xffff;
                default -> (int) Math.max(0, n - t) & 0xffff;
            };
        }

        boolean output() {
            if (!counting) return mode != 0;
            long t = ticks();
            return switch (mode) {
                case 0, 1 -> t >= reload;
                case 3 -> (t % reload) < (reload + 1) / 2;
                default -> (t % reload) != reload - 1;
            };
        }

        void load(int value) {
            reload = value == 0 ? 0x10000 : value;
            loadedAt = clock.preciseNanos();
            counting = index != 2 || gate;
            if (index == 0) schedule();
        }

        void schedule() {
            if (event != null) clock.cancel(event);
            event = null;
            if (!counting) return;
            long periodNanos = Math.max(1, reload * 1_000_000_000L / HZ);
            long now = clock.preciseNanos();
            long elapsed = now - loadedAt;
            long next = mode == 2 || mode == 3 ? loadedAt + (elapsed / periodNanos + 1) * periodNanos : loadedAt + periodNanos;
            if (mode != 2 && mode != 3 && next <= now) return;
            event = clock.schedule(next, () -> {
                irq0.raise();
                irq0.lower();
                if (mode == 2 || mode == 3) schedule();
                else event = null;
            });
        }
    }

    public I8254Pit(VirtualClock clock, InterruptLine irq0) {
        this.clock = clock;
        this.irq0 = irq0;
    }

    @Override
    public long read(long offset, int size) {
        if (offset == 3) return 0xff;
        Channel c = channels[(int) offset];
        int v = c.latched ? c.latch : c.count();
        if (c.access == 1) { c.latched = false; return v & 0xff; }
        if (c.access == 2) { c.latched = false; return (v >> 8) & 0xff; }
        int r = c.lsbNext ? v & 0xff : (v >> 8) & 0xff;
        if (!c.lsbNext) c.latched = false;
        c.lsbNext = !c.lsbNext;
        return r;
    }

    @Override
    public void write(long offset, int size, long value) {
        int v = (int) value & 0xff;
        if (offset == 3) {
            int sel = v >> 6;
            if (sel == 3) { // read-back command: latch counts of the selected channels
                for (int i = 0; i < 3; i++) {
                    if ((v & (2 << i)) != 0 && (v & 0x20) == 0) latch(channels[i]);
                }
                return;
            }
            Channel c = channels[sel];
            int access = (v >> 4) & 3;
            if (access == 0) { latch(c); return; }
            c.access = access;
            c.mode = (v >> 1) & 7;
            if (c.mode > 5) c.mode -= 4;
            c.lsbNext = c.writeLsbNext = true;
            c.counting = false;
            if (c.event != null) { clock.cancel(c.event); c.event = null; }
            return;
        }
        Channel c = channels[(int) offset];
        switch (c.access) {
            case 1 -> c.load(v);
            case 2 -> c.load(v << 8);
            default -> {
                if (c.writeLsbNext) c.pendingLsb = v;
                else c.load(c.pendingLsb | v << 8);
                c.writeLsbNext = !c.writeLsbNext;
            }
        }
    }

    private void latch(Channel c) {
        if (!c.latched) {
            c.latch = c.count();
            c.latched = true;
            c.lsbNext = true;
        }
    }

    /** Port 0x61 (system control port B): bit 0 gate of channel 2, bit 1 speaker, bit 5 channel 2 output. */
    public final MmioDevice port61 = new MmioDevice() {
        @Override
        public long read(long offset, int size) {
            return (portB & 3) | (channels[2].output() ? 0x20 : 0) | (refresh() ? 0x10 : 0);
        }

        @Override
        public void write(long offset, int size, long value) {
            Channel c = channels[2];
            boolean gate = (value & 1) != 0;
            if (gate && !c.gate && c.reload != 0) {
                // a rising gate restarts the count in modes 1, 2, 3 and 5
                c.loadedAt = clock.preciseNanos();
                c.counting = true;
            }
            c.gate = gate;
            portB = (int) value & 0xf;
        }
    };

    /** The DRAM refresh toggle (bit 4 of port 0x61) flips every 15 microseconds. */
    private boolean refresh() { return (clock.preciseNanos() / 15_000) % 2 == 1; }

    @Override
    public void reset() {
        for (Channel c : channels) {
            if (c.event != null) clock.cancel(c.event);
            c.event = null;
            c.mode = 0;
            c.access = 3;
            c.reload = 0x10000;
            c.counting = false;
            c.latched = false;
            c.lsbNext = c.writeLsbNext = true;
            c.gate = c.index != 2;
        }
        portB = 0;
    }
}
