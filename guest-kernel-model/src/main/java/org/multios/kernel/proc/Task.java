package org.multios.kernel.proc;

import org.multios.core.time.TimerEvent;
import org.multios.kernel.arch.UserContext;

/** A schedulable thread: its saved user state, signal mask, and what it sleeps on. */
public final class Task {
    public enum State { RUNNABLE, BLOCKED, DEAD }

    public final int tid;
    public Process process;
    public final UserContext ctx;
    public State state = State.RUNNABLE;
    public long sigBlocked;
    public long sigPending;
    public long clearChildTid;
    public long robustList;
    public int nice;
    public long altStackSp, altStackSize;
    /** Saved mask to restore after a ppoll/pselect/sigsuspend that replaced it. */
    public long savedMask = -1;
    /** si_code and address of a pending fault signal. */
    public int faultCode;
    public long faultAddr;

    // ---- sleeping ----
    public WaitQueue waitingOn;
    public Object futexKey;
    public long deadline = Long.MAX_VALUE;
    /** What the syscall returns when the deadline passes. */
    public long timeoutResult;
    /** Run when the deadline passes, before the task wakes with timeoutResult (select empties its fd sets). */
    public Runnable onTimeout;
    public TimerEvent timeout;
    /** When set, the blocked syscall completed with {@link #result} instead of restarting. */
    public boolean hasResult;
    public long result;
    /** The sleeping syscall may re-execute after a SA_RESTART handler. */
    public boolean restartable;
    /** Signals that end a rt_sigtimedwait sleep (restarting it so it takes them). */
    public long waitedSignals;
    final org.multios.kernel.Kernel kernel;

    public Task(org.multios.kernel.Kernel kernel, int tid, Process process, UserContext ctx) {
        this.kernel = kernel;
        this.tid = tid;
        this.process = process;
        this.ctx = ctx;
    }

    /** The object it slept on changed: run again and retry the syscall. */
    public void wakeToRestart() { kernel.wake(this, false, 0); }

    @Override public String toString() { return "task " + tid + " (" + state + ")"; }
}
