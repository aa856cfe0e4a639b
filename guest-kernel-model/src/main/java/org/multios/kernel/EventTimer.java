package org.multios.kernel;

import org.multios.core.time.TimerEvent;
import org.multios.core.time.VirtualClock;
import org.multios.kernel.arch.ArchPort;
import org.multios.kernel.arch.KernelTimer;

/**
 * The timer of {@code run}: a virtual-clock event raises the port's timer line at the
 * deadline, as an SBI set_timer would, so no Sstc is needed.
 */
final class EventTimer implements KernelTimer {
    private final VirtualClock clock;
    private final ArchPort port;
    private TimerEvent event;
    private long deadline = Long.MAX_VALUE;

    EventTimer(VirtualClock clock, ArchPort port) {
        this.clock = clock;
        this.port = port;
    }

    @Override
    public void arm(long when) {
        if (when == deadline && event != null) return;
        clock.cancel(event);
        event = null;
        deadline = when;
        if (when == Long.MAX_VALUE) return;
        event = clock.schedule(Math.max(when, clock.preciseNanos()), () -> {
            event = null;
            deadline = Long.MAX_VALUE;
            port.setTimerPending(true);
        });
    }

    @Override public void acknowledge() { port.setTimerPending(false); }
    @Override public void kick() { port.setTimerPending(true); }
}
