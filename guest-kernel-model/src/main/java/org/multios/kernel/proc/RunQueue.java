package org.multios.kernel.proc;

import java.util.ArrayDeque;

/**
 * One CPU's runnable tasks: a FIFO per priority level (nice -20..19) and a bitmap of the
 * non-empty ones, so picking the next task is O(1). Round-robin within a level.
 */
public final class RunQueue {
    private static final int LEVELS = 40;
    @SuppressWarnings("unchecked")
    private final ArrayDeque<Task>[] levels = new ArrayDeque[LEVELS];
    private long nonEmpty;

    public RunQueue() { for (int i = 0; i < LEVELS; i++) levels[i] = new ArrayDeque<>(); }

    private static int level(Task t) { return Math.max(0, Math.min(LEVELS - 1, t.nice + 20)); }

    public void add(Task t) {
        int l = level(t);
        if (levels[l].contains(t)) return;
        levels[l].addLast(t);
        nonEmpty |= 1L << l;
    }

    public void remove(Task t) {
        for (int l = 0; l < LEVELS; l++) {
            if (levels[l].remove(t) && levels[l].isEmpty()) nonEmpty &= ~(1L << l);
        }
    }

    /** Removes and returns the first task of the best non-empty level, or null. */
    public Task poll() {
        if (nonEmpty == 0) return null;
        int l = Long.numberOfTrailingZeros(nonEmpty);
        Task t = levels[l].pollFirst();
        if (levels[l].isEmpty()) nonEmpty &= ~(1L << l);
        return t;
    }

    public boolean isEmpty() { return nonEmpty == 0; }

    /** True when a task better than nice level of t is waiting. */
    public boolean hasBetterThan(Task t) { return nonEmpty != 0 && Long.numberOfTrailingZeros(nonEmpty) < level(t); }
}
