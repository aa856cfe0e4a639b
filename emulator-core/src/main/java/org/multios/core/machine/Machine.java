package org.multios.core.machine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.multios.core.bus.PhysicalBus;
import org.multios.core.time.HostInput;
import org.multios.core.time.VirtualClock;

/**
 * A whole emulated computer: bus, CPUs and virtual clock, with its lifecycle
 * (reset, run, pause, resume, stop). This version runs its CPUs round-robin in the
 * calling thread, a quantum of instructions each, which keeps runs reproducible.
 * <p>
 * Virtual time advances by the quantum each round; when every CPU waits for an
 * interrupt, time jumps to the next device event. While asynchronous host input may
 * arrive ({@link HostInput#live()}: a socket network, open NAT connections), idle time
 * instead passes no faster than host time, waiting for the deadline or the input,
 * whichever comes first; host input runs at the current virtual time at a loop boundary.
 */
public final class Machine {
    /** Instructions each CPU runs per round when no event is due sooner. */
    public static final long QUANTUM = 100_000;

    public enum State { CREATED, RUNNING, PAUSED, STOPPED }

    private final PhysicalBus bus;
    private final VirtualClock clock;
    private final List<Cpu> cpus = new ArrayList<>();
    private final List<Runnable> resetHooks = new ArrayList<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition resumed = lock.newCondition();
    private volatile State state = State.CREATED;
    private volatile boolean pauseRequested;
    private volatile boolean stopRequested;
    private volatile int exitStatus;
    private volatile String stopReason = "";
    private long instructionLimit = Long.MAX_VALUE;
    private long retiredTotal;
    private boolean realtime;
    private volatile long idleSkips, idleWaits; // read by tests from other threads
    /** Longest single idle wait, so stop/pause/limit checks stay prompt. */
    static final long MAX_IDLE_WAIT_NS = 50_000_000;
    /** Most overslept host time carried into later idle waits. */
    static final long MAX_IDLE_LAG_NS = 20_000_000;
    private long idleLag;

    public Machine(PhysicalBus bus, VirtualClock clock) {
        this.bus = bus;
        this.clock = clock;
        clock.onEarlierDeadline(() -> { for (Cpu c : cpus) c.requestExit(); });
        clock.hostInput().onPost(() -> { for (Cpu c : cpus) c.requestExit(); });
    }

    /** Times the loop jumped idle time straight to the next deadline (no live host input). */
    public long idleSkips() { return idleSkips; }

    /** Times the loop let idle time pass at host speed because host input could arrive. */
    public long idleWaits() { return idleWaits; }

    public PhysicalBus bus() { return bus; }
    public VirtualClock clock() { return clock; }
    public List<Cpu> cpus() { return List.copyOf(cpus); }
    public State state() { return state; }
    public int exitStatus() { return exitStatus; }
    public String stopReason() { return stopReason; }
    public long retiredInstructions() { return retiredTotal; }

    public void addCpu(Cpu cpu) { cpus.add(cpu); }

    /** Work to redo on every reset (reload firmware, rewrite the device tree, ...). */
    public void onReset(Runnable hook) { resetHooks.add(hook); }

    /** Stops the run after this many instructions in total (tests, benchmarks). */
    public void setInstructionLimit(long limit) { this.instructionLimit = limit; }

    /** Paces virtual time to the wall clock instead of running as fast as possible. */
    public void setRealtime(boolean realtime) { this.realtime = realtime; }

    public void reset() {
        clock.clearEvents();
        bus.resetDevices();
        for (Runnable r : resetHooks) r.run();
        for (Cpu c : cpus) c.reset();
    }

    /** Runs until the guest or the host stops the machine; returns the exit status. */
    public int run() {
        state = State.RUNNING;
        long wallStart = System.nanoTime(), virtStart = clock.nanos();
        while (!stopRequested) {
            if (pauseRequested) waitWhilePaused();
            if (stopRequested) break;
            long budget = Math.min(QUANTUM, clock.instructionsUntilDeadline());
            budget = Math.min(budget, instructionLimit - retiredTotal);
            if (budget <= 0) {
                stop(0, "instruction limit reached");
                break;
            }
            long maxRetired = 0;
            for (Cpu c : cpus) {
                clock.setInFlight(0);
                long n = c.run(budget);
                maxRetired = Math.max(maxRetired, n);
                retiredTotal += n;
                if (stopRequested) break;
            }
            if (maxRetired > 0) {
                clock.retire(maxRetired);
            } else if (allWaiting()) {
                if (noneCanWake()) {
                    stop(1, "all CPUs halted (waiting for an interrupt with every interrupt disabled)");
                    break;
                }
                long next = clock.nextDeadline();
                HostInput input = clock.hostInput();
                if (input.live() || input.hasPending()) {
                    idleWaits++;
                    waitIdle(input, next);
                } else if (next == Long.MAX_VALUE) {
                    stop(1, "all CPUs wait for an interrupt that nothing can raise");
                    break;
                } else {
                    idleSkips++;
                    clock.advanceTo(next);
                }
            }
            if (clock.hostInput().hasPending()) clock.hostInput().runPending();
            clock.fireDue();
            if (realtime) pace(wallStart, virtStart);
        }
        state = State.STOPPED;
        return exitStatus;
    }

    private boolean noneCanWake() {
        for (Cpu c : cpus) if (c.canWake()) return false;
        return true;
    }

    private boolean allWaiting() {
        for (Cpu c : cpus) if (!c.isWaiting()) return false;
        return true;
    }

    /**
     * Idle with live host input: virtual time follows host time up to the next deadline, and
     * stops following it when input arrives, which then lands at that (sensible) virtual time.
     */
    private void waitIdle(HostInput input, long next) {
        long now = clock.nanos();
        long gap = next == Long.MAX_VALUE ? Long.MAX_VALUE : next - now;
        long want = Math.min(gap, MAX_IDLE_WAIT_NS);
        // Host time an earlier wait overslept (a park wakes late under load) is spent first,
        // so a paced idle guest keeps up with host time instead of falling further behind.
        long credit = Math.min(idleLag, want);
        idleLag -= credit;
        long waited = credit + input.await(want - credit);
        if (waited > gap) idleLag = Math.min(MAX_IDLE_LAG_NS, idleLag + waited - gap);
        clock.advanceTo(now + Math.min(gap, waited));
    }

    private void pace(long wallStart, long virtStart) {
        long ahead = (clock.nanos() - virtStart) - (System.nanoTime() - wallStart);
        // Waits on the host input, so a frame from the network ends the sleep early.
        if (ahead > 1_000_000) clock.hostInput().await(ahead);
        if (Thread.currentThread().isInterrupted()) stop(130, "interrupted");
    }

    /** Ends the run with the given status (guest power-off, test finisher, host request). */
    public void stop(int status, String reason) {
        exitStatus = status;
        stopReason = reason;
        stopRequested = true;
        for (Cpu c : cpus) c.requestExit();
        clock.hostInput().kick();
        lock.lock();
        try { resumed.signalAll(); } finally { lock.unlock(); }
    }

    public boolean isStopRequested() { return stopRequested; }

    /** Asks the run loop to pause at the next round boundary (thread-safe). */
    public void pause() {
        pauseRequested = true;
        for (Cpu c : cpus) c.requestExit();
        clock.hostInput().kick();
    }

    public void resume() {
        lock.lock();
        try {
            pauseRequested = false;
            resumed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void waitWhilePaused() {
        lock.lock();
        try {
            state = State.PAUSED;
            while (pauseRequested && !stopRequested) resumed.awaitUninterruptibly();
            state = State.RUNNING;
        } finally {
            lock.unlock();
        }
    }
}
