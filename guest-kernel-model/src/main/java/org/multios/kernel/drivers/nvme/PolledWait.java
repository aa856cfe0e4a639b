package org.multios.kernel.drivers.nvme;

import java.util.function.BooleanSupplier;
import org.multios.core.time.VirtualClock;

/**
 * How a synchronous kernel path waits for a device that answers later in virtual time.
 * <p>
 * The Java kernel runs inside a native call on the machine thread, so it cannot sleep and let the
 * machine loop run the device: instead the CPU "spins" in the driver, as a Linux polled queue
 * ({@code nvme.poll_queues}, {@code REQ_POLLED}) does. Each turn of the spin jumps virtual time to
 * the next pending clock event and runs what is due — the controller's fetch, its completion (which
 * itself waits for the namespace's host I/O thread), other devices' timers — until the condition
 * holds. The time spent is charged to the interrupted CPU slice as kernel time.
 * <p>
 * The first jump folds the instructions the CPU had already retired in its slice into the clock
 * (so each event fires at the time it was scheduled for); the CPU counts those instructions again
 * when the slice ends, so one spin may over-charge up to one machine quantum (1 ms at 100 MIPS).
 * <p>
 * A wait ends with {@code false} (the caller reports EIO) when virtual time passes the deadline,
 * when nothing is scheduled that could ever satisfy it, or after a wall-clock guard, so a device
 * that never answers cannot hang the host.
 */
public final class PolledWait {
    /** Host time a single wait may take before it is abandoned (a stuck host disk, a bug of ours). */
    static final long WALL_GUARD_NANOS = 60_000_000_000L;
    private final VirtualClock clock;
    private long spunNanos;

    public PolledWait(VirtualClock clock) { this.clock = clock; }

    public VirtualClock clock() { return clock; }

    /** Virtual time spent spinning so far (for statistics). */
    public long spunNanos() { return spunNanos; }

    /** Spins until {@code done} holds or virtual time reaches {@code deadline}; true when it holds. */
    public boolean until(BooleanSupplier done, long deadline) {
        if (done.getAsBoolean()) return true;
        long start = clock.preciseNanos();
        long wallStart = System.nanoTime();
        boolean folded = false;
        while (true) {
            long next = clock.nextDeadline();
            if (next == Long.MAX_VALUE || next > deadline) {
                // Nothing (more) can happen before the deadline: let time reach it so that timeouts
                // are visible in virtual time, then give up.
                if (deadline != Long.MAX_VALUE) clock.advanceTo(deadline);
                return done.getAsBoolean();
            }
            if (!folded) {
                clock.advanceTo(clock.preciseNanos());
                clock.setInFlight(0);
                folded = true;
            }
            clock.advanceTo(next);
            clock.fireDue();
            spunNanos += Math.max(0, clock.preciseNanos() - start);
            start = clock.preciseNanos();
            if (done.getAsBoolean()) return true;
            if (System.nanoTime() - wallStart > WALL_GUARD_NANOS) return false;
        }
    }
}
