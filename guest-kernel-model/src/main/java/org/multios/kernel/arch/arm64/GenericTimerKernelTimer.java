package org.multios.kernel.arch.arm64;

import org.multios.isa.arm64.irq.GenericTimer;
import org.multios.kernel.arch.KernelTimer;

/**
 * The kernel's tick on AArch64: the EL1 virtual timer (CNTV_CVAL_EL0 / CNTV_CTL_EL0), whose
 * output is the CPU's IRQ. {@link #kick} is a software request through the port instead,
 * since it may come from a host thread (console input) that must not touch the timer.
 */
public final class GenericTimerKernelTimer implements KernelTimer {
    private static final long NANOS_PER_TICK = 1_000_000_000L / GenericTimer.FREQUENCY;
    private final GenericTimer timer;
    private final Arm64Port port;

    public GenericTimerKernelTimer(Arm64Port port) {
        this.port = port;
        this.timer = port.cpu().timer;
    }

    @Override
    public void arm(long deadlineNanos) {
        if (deadlineNanos == Long.MAX_VALUE) {
            timer.setCtl(GenericTimer.VIRT, 0);
            return;
        }
        long cval = (deadlineNanos + NANOS_PER_TICK - 1) / NANOS_PER_TICK;
        // unchanged: leave the pending clock event alone (re-scheduling it ends the CPU's run slice)
        if (timer.cval(GenericTimer.VIRT) == cval && (timer.ctl(GenericTimer.VIRT) & 3) == 1) return;
        timer.setCval(GenericTimer.VIRT, cval);
        timer.setCtl(GenericTimer.VIRT, 1); // ENABLE, IMASK clear
    }

    @Override
    public void acknowledge() {
        timer.setCtl(GenericTimer.VIRT, 0);
        port.setTimerPending(false);
    }

    @Override public void kick() { port.setTimerPending(true); }
}
