package org.multios.kernel.arch.arm64;

import org.multios.isa.arm64.irq.GenericTimer;
import org.multios.kernel.arch.KernelTimer;
import org.multios.kernel.driver.GicV3Driver;

/**
 * The booted arm64 kernel's tick: the EL1 virtual timer (CNTV_CVAL_EL0 / CNTV_CTL_EL0), whose
 * output is a PPI of the GIC (the device tree's /timer, INTID 27 on virt). Unlike
 * {@link GenericTimerKernelTimer} of {@code run}, nothing bypasses the interrupt controller:
 * the port's IRQ vector acknowledged the PPI, {@link #acknowledge} lowers the timer's output
 * and completes it, and {@link #kick} sets the compare value to 0 so the PPI fires at once
 * (as the riscv64 kernel writes 0 to stimecmp).
 */
public final class GicTimer implements KernelTimer {
    private static final long NANOS_PER_TICK = 1_000_000_000L / GenericTimer.FREQUENCY;
    private final GenericTimer timer;
    private final GicV3Driver gic;
    private final int intid;

    public GicTimer(GenericTimer timer, GicV3Driver gic, int intid) {
        this.timer = timer;
        this.gic = gic;
        this.intid = intid;
    }

    public int intid() { return intid; }

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
        timer.setCtl(GenericTimer.VIRT, 0); // the level drops before the EOI, so the PPI is not pending again
        gic.endOfInterrupt(intid);
    }

    @Override
    public void kick() {
        timer.setCval(GenericTimer.VIRT, 0);
        timer.setCtl(GenericTimer.VIRT, 1);
    }
}
