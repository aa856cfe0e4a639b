package org.multios.kernel.net;

import org.multios.core.time.TimerEvent;
import org.multios.kernel.Kernel;

/** The kernel's one network stack, made on first use (so `run` has a loopback interface without any set-up). */
public final class KernelNet {
    private KernelNet() {}

    public static NetStack stack(Kernel k) {
        if (k.net == null) {
            k.net = new NetStack(new NetClock() {
                @Override public long now() { return k.now(); }
                @Override public Object schedule(long at, Runnable r) { return k.clock.schedule(Math.max(at, k.clock.preciseNanos()), r); }
                @Override public void cancel(Object h) { if (h != null) k.clock.cancel((TimerEvent) h); }
                // a timer woke sleepers while the hart may be idle or in user mode: enter the kernel to schedule them
                @Override public void afterEvent() { k.kickTimer(); }
            });
        }
        return k.net;
    }
}
