package org.multios.kernel.arch.riscv;

import org.multios.core.time.VirtualClock;
import org.multios.isa.riscv.RvCpu;
import org.multios.kernel.arch.KernelTimer;

/**
 * The booted kernel's timer on RISC-V: the Sstc compare register. The kernel writes
 * {@code stimecmp} (the hart raises STIP when {@code time} reaches it), all-ones when it wants
 * no interrupt; no SBI call and no emulator-side event.
 */
public final class SstcTimer implements KernelTimer {
    static final int STIMECMP = 0x14d;
    private final RvCpu cpu;
    private final VirtualClock clock;
    private final long nanosPerTick;

    /** timebaseHz: the device tree's {@code /cpus/timebase-frequency}. */
    public SstcTimer(RvCpu cpu, VirtualClock clock, long timebaseHz) {
        this.cpu = cpu;
        this.clock = clock;
        this.nanosPerTick = Math.max(1, 1_000_000_000L / Math.max(1, timebaseHz));
    }

    @Override
    public void arm(long deadlineNanos) {
        if (deadlineNanos == Long.MAX_VALUE) {
            cpu.writeCsr(STIMECMP, -1L);
            return;
        }
        long delta = Math.max(0, deadlineNanos - clock.preciseNanos());
        cpu.writeCsr(STIMECMP, cpu.time() + (delta + nanosPerTick - 1) / nanosPerTick);
    }

    @Override public void acknowledge() { cpu.writeCsr(STIMECMP, -1L); }

    @Override public void kick() { cpu.writeCsr(STIMECMP, 0); }
}
