package org.multios.core.time;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * Where asynchronous host input (a frame from a socket, a connection through a port
 * forward) meets the machine's virtual time. A host thread {@link #post}s an action; the
 * machine thread runs it at its next loop boundary at the current virtual time, so devices
 * never touch guest state from a foreign thread. Posting ends the running CPU slice and
 * wakes an idle wait, so delivery needs no periodic device poll.
 * <p>
 * Devices also register {@linkplain #addSource sources}: "this may deliver at any moment"
 * (a socket back end, a user back end with open host connections). While any is live the
 * machine does not skip idle time to the next deadline in one jump but lets it pass no
 * faster than host time (docs/architecture.md, "Time"); a machine with no live source
 * keeps the instant skip and its runs stay bit-exact.
 */
public final class HostInput {
    private final ConcurrentLinkedQueue<Runnable> actions = new ConcurrentLinkedQueue<>();
    private final CopyOnWriteArrayList<BooleanSupplier> sources = new CopyOnWriteArrayList<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final AtomicLong posts = new AtomicLong();
    private volatile boolean pending;
    private volatile boolean kicked;
    private volatile Runnable interrupter = () -> {};

    /** Called on every post (the machine ends the running CPU slice here). */
    public void onPost(Runnable interrupter) { this.interrupter = interrupter; }

    /** Hands {@code action} to the machine thread (any thread; never blocks). */
    public void post(Runnable action) {
        actions.add(action);
        posts.incrementAndGet();
        pending = true;
        interrupter.run();
        wakeWaiter();
    }

    /** Registers something that may post at any moment while {@code mayDeliver} is true. */
    public void addSource(BooleanSupplier mayDeliver) { sources.add(mayDeliver); }

    public void removeSource(BooleanSupplier mayDeliver) { sources.remove(mayDeliver); }

    /** True while some registered source may deliver (the machine then paces idle time). */
    public boolean live() {
        for (BooleanSupplier s : sources) if (s.getAsBoolean()) return true;
        return false;
    }

    public boolean hasPending() { return pending; }

    /** Actions posted so far (tests, diagnostics). */
    public long posts() { return posts.get(); }

    /** Machine thread: runs every posted action in posting order; returns how many ran. */
    public int runPending() {
        pending = false;
        int n = 0;
        Runnable a;
        while ((a = actions.poll()) != null) {
            a.run();
            n++;
        }
        return n;
    }

    /**
     * Machine thread: waits up to {@code nanos} of host time for a post or a {@link #kick}.
     * The first {@value #SPIN_NS} ns spin (a park overshoots by tens of microseconds), the
     * rest parks. Returns the host nanoseconds that passed.
     */
    public long await(long nanos) {
        long start = System.nanoTime();
        if (nanos <= 0) return 0;
        // Spin first: input often follows within microseconds (an ACK to a frame just sent), and a
        // parked thread on a busy host may wait a scheduler slice to run again.
        long spin = Math.min(nanos, SPIN_NS);
        while (!pending && !kicked && System.nanoTime() - start < spin) Thread.onSpinWait();
        if (!pending && !kicked && nanos > spin) {
            lock.lock();
            try {
                long left = nanos - (System.nanoTime() - start);
                while (!pending && !kicked && left > 0) {
                    try {
                        left = changed.awaitNanos(left);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
            } finally {
                lock.unlock();
            }
        }
        kicked = false;
        return System.nanoTime() - start;
    }

    /** Ends a running {@link #await} without posting (stop, pause). */
    public void kick() {
        kicked = true;
        wakeWaiter();
    }

    /** Each wait spins this long before it parks. */
    static final long SPIN_NS = TimeUnit.MICROSECONDS.toNanos(50);

    private void wakeWaiter() {
        lock.lock();
        try { changed.signalAll(); } finally { lock.unlock(); }
    }
}
