package org.multios.core.time;

/** One scheduled action in virtual time. Ties are broken by scheduling order, for determinism. */
public final class TimerEvent implements Comparable<TimerEvent> {
    final long deadline;
    final long sequence;
    final Runnable action;

    TimerEvent(long deadline, long sequence, Runnable action) {
        this.deadline = deadline;
        this.sequence = sequence;
        this.action = action;
    }

    public long deadline() { return deadline; }

    @Override
    public int compareTo(TimerEvent o) {
        int c = Long.compare(deadline, o.deadline);
        return c != 0 ? c : Long.compare(sequence, o.sequence);
    }
}
