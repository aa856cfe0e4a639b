package org.multios.core.time;

import java.util.PriorityQueue;

/**
 * Machine time derived from retired instructions, so a run is reproducible: the same
 * guest with the same input retires the same instructions and sees the same time.
 * Time is kept in nanoseconds; each retired instruction is worth
 * {@code nanosPerInstruction} (default 10 ns, a 100 MIPS virtual machine).
 * <p>
 * Devices schedule {@link TimerEvent}s at absolute virtual times; the machine loop runs
 * CPUs no further than {@link #nextDeadline()} and then fires what is due. When every
 * CPU waits for an interrupt, the loop skips time straight to the next deadline, unless a
 * {@link HostInput} source is live: then idle time passes no faster than host time.
 */
public final class VirtualClock {
    private final long nanosPerInstruction;
    private long now;
    private long sequence;
    private final PriorityQueue<TimerEvent> queue = new PriorityQueue<>();
    private final HostInput hostInput = new HostInput();

    public VirtualClock(long nanosPerInstruction) {
        if (nanosPerInstruction <= 0) throw new IllegalArgumentException("nanosPerInstruction must be positive");
        this.nanosPerInstruction = nanosPerInstruction;
    }

    public VirtualClock() { this(10); }

    private long inFlight;
    private Runnable earlierDeadlineListener = () -> {};

    /** Time at the start of the current CPU slice (or now, between slices). */
    public long nanos() { return now; }

    /**
     * Time including the instructions the running CPU has retired in its current slice;
     * what timer registers (mtime, CNTVCT, TSC) read. CPUs publish their progress with
     * {@link #setInFlight} at block boundaries.
     */
    public long preciseNanos() { return now + inFlight * nanosPerInstruction; }

    public void setInFlight(long instructions) { inFlight = instructions; }

    /** Called when an event is scheduled earlier than every pending one (the machine then ends the CPU slice). */
    public void onEarlierDeadline(Runnable listener) { earlierDeadlineListener = listener; }

    public long nanosPerInstruction() { return nanosPerInstruction; }

    /** Asynchronous input from host threads, and whether any may arrive (idle pacing). */
    public HostInput hostInput() { return hostInput; }

    /** Advances time by the cost of {@code instructions} retired instructions. */
    public void retire(long instructions) {
        now += instructions * nanosPerInstruction;
        inFlight = 0;
    }

    /** Moves time forward to {@code t} (idle skip); never backwards. */
    public void advanceTo(long t) { if (t > now) now = t; }

    /** Virtual time of the earliest pending event, or Long.MAX_VALUE. */
    public long nextDeadline() {
        TimerEvent e = queue.peek();
        return e == null ? Long.MAX_VALUE : e.deadline;
    }

    /** Instructions one CPU may run before the next event is due (at least 1). */
    public long instructionsUntilDeadline() {
        long d = nextDeadline();
        if (d == Long.MAX_VALUE) return Long.MAX_VALUE;
        long delta = d - preciseNanos();
        return delta <= 0 ? 1 : Math.max(1, (delta + nanosPerInstruction - 1) / nanosPerInstruction);
    }

    public TimerEvent schedule(long deadlineNanos, Runnable action) {
        TimerEvent e = new TimerEvent(deadlineNanos, sequence++, action);
        boolean earlier = deadlineNanos < nextDeadline();
        queue.add(e);
        if (earlier) earlierDeadlineListener.run();
        return e;
    }

    public TimerEvent scheduleIn(long delayNanos, Runnable action) {
        return schedule(preciseNanos() + Math.max(0, delayNanos), action);
    }

    public void cancel(TimerEvent e) {
        if (e != null) queue.remove(e);
    }

    /** Fires every event due at or before now, in deadline then scheduling order. */
    public void fireDue() {
        TimerEvent e;
        while ((e = queue.peek()) != null && e.deadline <= now) {
            queue.poll();
            e.action.run();
        }
    }

    public void clearEvents() { queue.clear(); }
}
