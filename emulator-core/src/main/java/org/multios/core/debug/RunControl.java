package org.multios.core.debug;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.multios.core.machine.Machine;

/**
 * Stops, steps and resumes a machine on behalf of a debugger, and is the {@link DebugHooks}
 * the CPUs call while it has something to check.
 * <p>
 * The guest runs on the machine thread; the debugger only ever looks at it while the
 * {@link Machine} is {@link Machine.State#PAUSED PAUSED}, which it reaches between two
 * {@code Cpu.run} calls, so always at an instruction boundary. A stop is recorded first
 * (by a hook on the machine thread, or by {@link #interrupt}), then the machine is asked to
 * pause; {@link #waitForStop} returns once both have happened. Reading the volatile machine
 * state after the pause gives the debugger's thread a consistent view of the CPU state, and
 * {@link Machine#resume} hands its changes back.
 * <p>
 * Hooks are installed only while there is a breakpoint, a watchpoint or a step to watch for;
 * otherwise the CPUs run with no debugging cost even with a debugger attached.
 */
public final class RunControl implements DebugHooks {
    private final DebugTarget target;
    private final Machine machine;
    private final BreakpointSet breakpoints = new BreakpointSet();
    private final AtomicReference<StopReason> pending = new AtomicReference<>();
    private final boolean[] firstAfterResume;
    private final long[] resumePc;
    private int stepCpu = -1;
    /** While stepping: true when the stepping CPU executes the thread being stepped (OS threads), null: always. */
    private volatile java.util.function.IntPredicate stepThread;
    private long rangeStart, rangeEnd;
    private boolean watchesInstalled;

    public RunControl(DebugTarget target) {
        this.target = target;
        this.machine = target.machine();
        int n = target.cpus().size();
        this.firstAfterResume = new boolean[n];
        this.resumePc = new long[n];
    }

    public DebugTarget target() { return target; }

    public BreakpointSet breakpoints() { return breakpoints; }

    // ---- DebugHooks: machine thread ----

    @Override
    public boolean beforeInstruction(int cpu, long pc) {
        if (pending.get() != null) return true;
        boolean first = firstAfterResume[cpu] && pc == resumePc[cpu];
        firstAfterResume[cpu] = false;
        if (first) return false; // resuming from a breakpoint must execute it, not hit it again
        java.util.function.IntPredicate onThread = stepThread;
        if (cpu == stepCpu && (onThread == null || onThread.test(cpu))) {
            boolean inRange = Long.compareUnsigned(pc - rangeStart, rangeEnd - rangeStart) < 0;
            if (!inRange) return stop(StopReason.signal(cpu, StopReason.SIGTRAP));
        }
        if (breakpoints.hasSoftware(pc)) return stop(new StopReason(StopReason.Kind.SWBREAK, cpu, pc, 0));
        if (breakpoints.hasHardware(pc)) return stop(new StopReason(StopReason.Kind.HWBREAK, cpu, pc, 0));
        return false;
    }

    @Override
    public boolean watchesPage(long vaddr) { return breakpoints.watchesPage(vaddr); }

    @Override
    public void dataAccess(int cpu, long vaddr, int size, boolean write) {
        BreakpointSet.Watchpoint w = breakpoints.watchHit(vaddr, size, write);
        if (w == null) return;
        StopReason.Kind kind = switch (w.type()) {
            case BreakpointSet.READ_WATCH -> StopReason.Kind.RWATCH;
            case BreakpointSet.ACCESS_WATCH -> StopReason.Kind.AWATCH;
            default -> StopReason.Kind.WATCH;
        };
        // Report an address inside both the access and the watched range, so GDB finds the watchpoint.
        long addr = Long.compareUnsigned(vaddr, w.address()) > 0 ? vaddr : w.address();
        stop(new StopReason(kind, cpu, addr, 0));
    }

    private boolean stop(StopReason reason) {
        if (pending.compareAndSet(null, reason)) machine.pause();
        return true;
    }

    // ---- debugger thread ----

    /** Asks the guest to stop (Ctrl-C, attach); returns at once. {@code cpu} is the thread to report. */
    public void interrupt(int cpu, int signal) {
        pending.compareAndSet(null, StopReason.signal(cpu, signal));
        machine.pause();
    }

    /**
     * Waits until the guest has stopped for a recorded reason, or the machine has ended, or
     * {@code cancelled} says to give up (client gone); then returns the reason, or null if cancelled.
     */
    public StopReason waitForStop(BooleanSupplier cancelled) {
        long sleep = 20_000;
        while (true) {
            Machine.State s = machine.state();
            if (s == Machine.State.STOPPED) return StopReason.exited(machine.exitStatus());
            StopReason r = pending.get();
            if (r != null && s == Machine.State.PAUSED) return r;
            if (cancelled.getAsBoolean()) return null;
            LockSupport.parkNanos(sleep);
            sleep = Math.min(sleep * 2, 2_000_000);
        }
    }

    /** Lets every CPU run until a breakpoint, watchpoint or {@link #interrupt}. */
    public void resumeAll() { resume(-1, 0, 0); }

    /** Runs {@code cpu} for one instruction (the other CPUs run alongside until it stops). */
    public void step(int cpu) { resume(cpu, 0, 0); }

    /**
     * Makes the next steps count only instructions for which {@code onThread} holds (an OS
     * thread's user code on that CPU): the machine runs everything else on, other processes
     * included, until the stepped thread has executed its instruction. Null: every instruction.
     */
    public void stepOnly(java.util.function.IntPredicate onThread) { stepThread = onThread; }

    /**
     * Range stepping ({@code vCont;r}): runs {@code cpu} while its pc stays in [start, end),
     * stopping at the first instruction outside, or at a breakpoint.
     */
    public void stepRange(int cpu, long start, long end) { resume(cpu, start, end); }

    private void resume(int cpu, long start, long end) {
        stepCpu = cpu;
        rangeStart = start;
        rangeEnd = end;
        List<DebugCpu> cpus = target.cpus();
        boolean needHooks = cpu >= 0 || !breakpoints.isEmpty();
        boolean watches = breakpoints.hasWatchpoints();
        for (int i = 0; i < cpus.size(); i++) {
            DebugCpu c = cpus.get(i);
            firstAfterResume[i] = true;
            resumePc[i] = c.pc();
            c.setDebugHooks(needHooks ? this : null);
            // Watched pages must leave the TLB fast path; after the last watchpoint goes, refill freely.
            if (watches || watchesInstalled) c.flushTlb();
        }
        watchesInstalled = watches;
        pending.set(null);
        machine.resume();
    }

    /** Removes every breakpoint and hook and lets the guest run on (detach, client gone). */
    public void release() {
        breakpoints.clear();
        stepCpu = -1;
        for (DebugCpu c : target.cpus()) {
            c.setDebugHooks(null);
            if (watchesInstalled) c.flushTlb();
        }
        watchesInstalled = false;
        pending.set(null);
        machine.resume();
    }
}
