package org.multios.kernel.proc;

import java.util.ArrayList;
import java.util.List;
import org.multios.kernel.fs.FdTable;
import org.multios.kernel.fs.PathNode;
import org.multios.kernel.mm.AddressSpace;

/** A thread group: address space, descriptors, cwd, signal dispositions, children and exit status. */
public final class Process {
    public final int pid;
    public Process parent;
    public final List<Process> children = new ArrayList<>();
    public final List<Task> threads = new ArrayList<>();
    public AddressSpace as;
    /** Processes sharing {@link #as} (vfork children share their parent's until exec). */
    public int[] asUsers;
    public FdTable fds;
    public PathNode cwd;
    public SigAction[] actions = new SigAction[65];
    public long sharedPending;
    public boolean zombie;
    /** wait(2) status word. */
    public int waitStatus;
    public String exePath = "";
    public List<String> argv = List.of();
    public int umask = 022;
    public final WaitQueue childWait = new WaitQueue();
    /** A vfork parent waiting for this child to exec or exit. */
    public Task vforkParent;
    public final long[] rlimCur = new long[16], rlimMax = new long[16];
    public int pgid, sid;
    public long startNanos;
    /** User address of the sigreturn trampoline page. */
    public long sigreturnTrampoline;
    /** ITIMER_REAL: next expiry (virtual ns, 0 = off), reload interval and its clock event. */
    public long alarmDeadline, alarmInterval;
    public org.multios.core.time.TimerEvent alarmEvent;

    public Process(int pid) {
        this.pid = pid;
        java.util.Arrays.fill(actions, SigAction.DEFAULT);
        java.util.Arrays.fill(rlimCur, -1L);
        java.util.Arrays.fill(rlimMax, -1L);
    }

    public Task mainThread() { return threads.isEmpty() ? null : threads.get(0); }
}
