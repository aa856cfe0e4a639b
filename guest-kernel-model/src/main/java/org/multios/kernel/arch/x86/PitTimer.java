package org.multios.kernel.arch.x86;

import org.multios.core.time.VirtualClock;
import org.multios.isa.x86.IoPorts;
import org.multios.kernel.arch.KernelTimer;

/**
 * The booted x86 kernel's timer: 8254 channel 0 as a one-shot (mode 0, interrupt on terminal
 * count) on IRQ 0 through the 8259. The kernel asks for deadlines, not periods: each is
 * programmed as a count of 1.193182 MHz ticks, at most 0xffff (55 ms) ahead; a deadline further
 * away takes a few early interrupts on which the kernel simply re-arms. "No deadline" writes the
 * control word alone, which stops the channel.
 */
public final class PitTimer implements KernelTimer {
    static final int CH0 = 0x40, CONTROL = 0x43, HZ = 1_193_182;
    private final IoPorts io;
    private final VirtualClock clock;
    private final I8259Driver pic;

    public PitTimer(IoPorts io, VirtualClock clock, I8259Driver pic) {
        this.io = io;
        this.clock = clock;
        this.pic = pic;
    }

    @Override
    public void arm(long deadlineNanos) {
        io.out(CONTROL, 1, 0x30); // channel 0, lobyte/hibyte, mode 0: stops it until a count is loaded
        if (deadlineNanos == Long.MAX_VALUE) return;
        long delta = Math.max(0, deadlineNanos - clock.preciseNanos());
        long count = Math.min(0xffff, Math.max(1, (delta * HZ + 999_999_999L) / 1_000_000_000L));
        io.out(CH0, 1, count & 0xff);
        io.out(CH0, 1, (count >> 8) & 0xff);
    }

    @Override public void acknowledge() { pic.eoi(0); }

    @Override public void kick() { arm(clock.preciseNanos()); }
}
