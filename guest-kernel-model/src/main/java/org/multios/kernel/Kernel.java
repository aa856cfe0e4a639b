package org.multios.kernel;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntConsumer;
import org.multios.core.time.TimerEvent;
import org.multios.core.time.VirtualClock;
import org.multios.kernel.arch.ArchPort;
import org.multios.kernel.arch.KernelTimer;
import org.multios.kernel.driver.InterruptController;
import org.multios.kernel.arch.Trap;
import org.multios.kernel.fs.Vfs;
import org.multios.kernel.mm.AddressSpace;
import org.multios.kernel.mm.PageFrameAllocator;
import org.multios.kernel.mm.PhysicalMemory;
import org.multios.kernel.proc.Process;
import org.multios.kernel.proc.RunQueue;
import org.multios.kernel.proc.SigAction;
import org.multios.kernel.proc.Task;
import org.multios.kernel.proc.WaitQueue;
import org.multios.kernel.syscall.LinuxSyscalls;

/**
 * The arch-neutral kernel core. It runs only when a CPU executes the native call in the
 * trap vector: {@link #onTrap()} reads the trapped state through the {@link ArchPort},
 * handles the syscall, fault or interrupt, picks the task to run and lets the real
 * trap-return instruction resume it (or the idle loop).
 */
public final class Kernel {
    /** Scheduler time slice in virtual nanoseconds. */
    public static final long SLICE_NANOS = 10_000_000;
    public static final int SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGILL = 4, SIGTRAP = 5, SIGABRT = 6, SIGBUS = 7,
            SIGFPE = 8, SIGKILL = 9, SIGUSR1 = 10, SIGSEGV = 11, SIGUSR2 = 12, SIGPIPE = 13, SIGALRM = 14, SIGTERM = 15,
            SIGCHLD = 17, SIGCONT = 18, SIGSTOP = 19, SIGTSTP = 20, SIGTTIN = 21, SIGTTOU = 22, SIGURG = 23,
            SIGWINCH = 28;
    public static final int RLIMIT_STACK = 3, RLIMIT_NPROC = 6, RLIMIT_NOFILE = 7, RLIMIT_AS = 9;

    public final ArchPort port;
    public final VirtualClock clock;
    public final PhysicalMemory mem;
    public final PageFrameAllocator frames;
    public final Vfs vfs;
    public final PrintStream log;
    public final LinuxSyscalls syscalls;
    public final long bootEpochNanos;
    public final java.util.SplittableRandom random;
    /** The disks and their file systems (set by {@code Storage.probe}); null without a storage stack. */
    public org.multios.kernel.storage.Storage storage;
    /** The network stack (org.multios.kernel.net.KernelNet.stack makes it on first use). */
    public org.multios.kernel.net.NetStack net;

    /** The interrupt controller of a booted kernel (null for {@code run}: no devices). */
    public InterruptController irq;
    /** reboot(2)'s way to the hardware (null: reboot is refused with EPERM, as for {@code run}). */
    public PowerControl power;
    /** Run before a power-off or restart: file systems sync and unmount here. */
    public final List<Runnable> shutdownHooks = new ArrayList<>();
    /** The kernel log ring (dmesg); {@code run} keeps one too, it just has no console. */
    public KernelLog klog;
    /** uname's nodename (sethostname). */
    public String hostname = "multios";
    /** The kernel command line (/proc/cmdline). */
    public String commandLine = "";
    /** The boot stages' TCG event log (crypto-agile), copied from the FIRMWARE range at boot; null when the boot was not measured. */
    public volatile byte[] tpmEventLog;
    /** Mounted file systems as /proc/mounts lists them. */
    public final List<Mount> mounts = new ArrayList<>();
    /** Virtual time when this kernel started (uptime counts from here). */
    public long startNanos;

    /** One line of /proc/mounts. */
    public record Mount(String device, String path, String type, String options) {}

    private KernelTimer timer;
    /** The deadline last given to the timer (Long.MAX_VALUE: none). */
    private long armedDeadline = Long.MAX_VALUE;
    private final Map<Integer, Process> processes = new TreeMap<>();
    private final Map<Integer, Task> tasks = new HashMap<>();
    private final Map<Object, List<Task>> futexWaiters = new HashMap<>();
    private final RunQueue runQueue = new RunQueue();
    private final List<Task> sleepers = new ArrayList<>();
    private Task current;
    private long sliceEnd;
    private int nextId = 1;
    private IntConsumer onInitExit = s -> {};
    /** Longest a program may run (virtual ns), for hostile-program tests; Long.MAX_VALUE = none. */
    private long timeLimitNanos = Long.MAX_VALUE;

    public Kernel(ArchPort port, VirtualClock clock, PhysicalMemory mem, PageFrameAllocator frames, Vfs vfs,
                  PrintStream log, long bootEpochNanos, long randomSeed) {
        this.port = port;
        this.clock = clock;
        this.mem = mem;
        this.frames = frames;
        this.vfs = vfs;
        this.log = log;
        this.bootEpochNanos = bootEpochNanos;
        this.random = new java.util.SplittableRandom(randomSeed);
        this.syscalls = new LinuxSyscalls(this);
        this.timer = new EventTimer(clock, port);
        this.startNanos = clock.preciseNanos();
        this.klog = new KernelLog(() -> now() - startNanos);
    }

    /** Replaces the default (clock-event) timer, e.g. with the CPU's own compare register. */
    public void setTimer(KernelTimer t) { timer = t; }

    /** Nanoseconds of virtual time since this kernel started. */
    public long uptimeNanos() { return now() - startNanos; }

    /** Sends sig to every live process of group pgrp (the terminal's ^C, kill(-pgrp)); false when there is none. */
    public boolean signalGroup(int pgrp, int sig) {
        boolean any = false;
        for (Process q : new ArrayList<>(processes.values())) {
            if (q.zombie || q.pgid != pgrp) continue;
            sendSignal(q, sig, 0);
            any = true;
        }
        return any;
    }

    public void onInitExit(IntConsumer c) { onInitExit = c; }
    public void setTimeLimit(long nanos) { timeLimitNanos = nanos; }
    public Task current() { return current; }
    public Process process(int pid) { return processes.get(pid); }
    public Task task(int tid) { return tasks.get(tid); }
    public java.util.Collection<Process> processes() { return processes.values(); }
    public long now() { return clock.preciseNanos(); }

    public int allocateId() { return nextId++; }

    public Process newProcess(Process parent) {
        Process p = new Process(allocateId());
        p.parent = parent;
        p.startNanos = now();
        if (parent != null) {
            parent.children.add(p);
            System.arraycopy(parent.rlimCur, 0, p.rlimCur, 0, p.rlimCur.length);
            System.arraycopy(parent.rlimMax, 0, p.rlimMax, 0, p.rlimMax.length);
            p.umask = parent.umask;
            p.pgid = parent.pgid;
            p.sid = parent.sid;
        } else {
            p.pgid = p.sid = p.pid;
        }
        processes.put(p.pid, p);
        return p;
    }

    public Task newTask(Process p, int tid) {
        Task t = new Task(this, tid, p, port.newContext());
        p.threads.add(t);
        tasks.put(tid, t);
        return t;
    }

    public AddressSpace newAddressSpace() {
        return new AddressSpace(mem, frames, port::newPageTable, port::flushTlb, port.userTop());
    }

    /** Makes t runnable (new task). */
    public void start(Task t) {
        t.state = Task.State.RUNNABLE;
        runQueue.add(t);
    }

    // ---- the trap gate ----

    /** Entry from the trap vector's native call. */
    public void onTrap() {
        Trap trap = port.trap();
        boolean fromUser = port.trappedFromUser();
        Task t = fromUser ? current : null;
        if (t != null) port.saveUserState(t.ctx);
        switch (trap.kind()) {
            case TIMER -> timer.acknowledge();
            case EXTERNAL -> {
                if (irq != null) irq.handlePending();
                else if (t != null) forceSignal(t, SIGILL, 0, 0);
            }
            case OTHER -> { if (t != null) forceSignal(t, SIGILL, 0, 0); }
            case SYSCALL -> {
                if (t != null) {
                    t.ctx.pc += port.abi().insnLength();
                    long r = port.archSyscall(t.ctx, t.process.as);
                    if (r == Long.MIN_VALUE) r = syscalls.dispatch(t);
                    if (r == LinuxSyscalls.BLOCKED) {
                        t.ctx.pc -= port.abi().insnLength();
                    } else if (r != LinuxSyscalls.NO_RETURN && t.state != Task.State.DEAD) {
                        t.ctx.setReturn(r);
                    }
                }
            }
            case READ_FAULT, WRITE_FAULT, EXEC_FAULT -> {
                if (t != null) {
                    int access = trap.kind() == Trap.Kind.READ_FAULT ? AddressSpace.READ
                            : trap.kind() == Trap.Kind.WRITE_FAULT ? AddressSpace.WRITE : AddressSpace.EXEC;
                    int r = t.process.as.fault(trap.address(), access);
                    if (r == AddressSpace.NOMEM) {
                        log.println("multios: kernel: out of memory: killed process " + t.process.pid);
                        terminate(t.process, SIGKILL);
                    } else if (r != AddressSpace.OK) {
                        forceSignal(t, SIGSEGV, r == AddressSpace.MAPERR ? 1 : 2, trap.address());
                    }
                }
            }
            case ILLEGAL_INSTRUCTION -> { if (t != null) forceSignal(t, SIGILL, 1, t.ctx.pc); }
            case BREAKPOINT -> { if (t != null) forceSignal(t, SIGTRAP, 1, t.ctx.pc); }
            case MISALIGNED -> { if (t != null) forceSignal(t, SIGBUS, 1, trap.address()); }
            case SIGNAL -> { if (t != null) forceSignal(t, trap.signal(), trap.code(), trap.address()); }
        }
        if (now() > timeLimitNanos) {
            log.println("multios: kernel: virtual time limit reached");
            Process init = processes.get(1);
            if (init != null && !init.zombie) terminate(init, SIGKILL);
        }
        schedule();
    }

    // ---- scheduling ----

    private void wakeSleepers() {
        if (sleepers.isEmpty()) return; // every trap comes here: no copy of an empty list
        long n = now();
        for (Task s : new ArrayList<>(sleepers)) {
            if (s.deadline <= n) {
                sleepers.remove(s);
                Runnable r = s.onTimeout;
                if (r != null) r.run();
                wake(s, true, s.timeoutResult);
            }
        }
    }

    /** Picks who runs next and arranges the trap return. */
    private void schedule() {
        wakeSleepers();
        Task next = current;
        if (next != null && next.state == Task.State.RUNNABLE) {
            if (now() >= sliceEnd || runQueue.hasBetterThan(next)) {
                runQueue.add(next);
                next = null;
            }
        } else {
            next = null;
        }
        while (true) {
            if (next == null) {
                next = runQueue.poll();
                if (next != null) sliceEnd = now() + SLICE_NANOS;
            }
            if (next == null) break;
            if (next.state != Task.State.RUNNABLE) { next = null; continue; }
            if (next.hasResult) {
                next.hasResult = false;
                next.ctx.pc += port.abi().insnLength();
                next.ctx.setReturn(next.result);
            }
            deliverSignals(next);
            if (next.state == Task.State.RUNNABLE) break;
            next = null;
        }
        current = next;
        if (next == null) {
            port.resumeIdle();
        } else {
            port.resumeUser(next.ctx, next.process.as.pageTable());
        }
        armTimer(next);
    }

    private void armTimer(Task running) {
        long deadline = Long.MAX_VALUE;
        if (running != null) {
            // Alone, a task needs only an occasional tick: keep the one already armed while it is still
            // ahead. Moving it on every trap reprogrammed the timer on every syscall, and a new earlier
            // clock event ends the CPU's run slice (the top cost of a null syscall).
            boolean alone = runQueue.isEmpty() && sleepers.isEmpty();
            long n = now();
            deadline = !alone ? sliceEnd : armedDeadline != Long.MAX_VALUE && armedDeadline > n ? armedDeadline : n + 10 * SLICE_NANOS;
        }
        for (Task s : sleepers) deadline = Math.min(deadline, s.deadline);
        if (timeLimitNanos != Long.MAX_VALUE) deadline = Math.min(deadline, timeLimitNanos + 1);
        armedDeadline = deadline;
        timer.arm(deadline);
    }

    /** Puts the current task to sleep on q (and/or until deadline); the syscall returns BLOCKED. */
    public long block(Task t, WaitQueue q, long deadline, long timeoutResult) {
        t.restartable = false;
        return sleep(t, q, deadline, timeoutResult);
    }

    /** Like {@link #block}, for a syscall that re-executes cleanly after a SA_RESTART handler. */
    public long blockRestartable(Task t, WaitQueue q) {
        t.restartable = true;
        return sleep(t, q, Long.MAX_VALUE, 0);
    }

    private long sleep(Task t, WaitQueue q, long deadline, long timeoutResult) {
        t.state = Task.State.BLOCKED;
        t.timeoutResult = timeoutResult;
        t.waitingOn = q;
        if (q != null) q.add(t);
        t.deadline = deadline;
        if (deadline != Long.MAX_VALUE) sleepers.add(t);
        return LinuxSyscalls.BLOCKED;
    }

    /** Wakes a sleeping task: with a result (the syscall completed) or to restart its syscall. */
    public void wake(Task t, boolean withResult, long result) {
        if (t.state != Task.State.BLOCKED) return;
        if (t.waitingOn != null) t.waitingOn.remove(t);
        t.waitingOn = null;
        sleepers.remove(t);
        if (t.futexKey != null) {
            List<Task> l = futexWaiters.get(t.futexKey);
            if (l != null) { l.remove(t); if (l.isEmpty()) futexWaiters.remove(t.futexKey); }
            t.futexKey = null;
        }
        t.deadline = Long.MAX_VALUE;
        t.onTimeout = null;
        t.waitedSignals = 0;
        t.hasResult = withResult;
        t.result = result;
        t.state = Task.State.RUNNABLE;
        runQueue.add(t);
    }

    public void yield(Task t) { sliceEnd = 0; }

    /** Enter the kernel soon (a device or timer event outside a trap woke tasks). */
    public void kickTimer() { timer.kick(); }

    // ---- futexes ----

    /**
     * A futex's identity: private futexes (FUTEX_PRIVATE_FLAG) are (address space, virtual
     * address), so copy-on-write copies do not move them; shared ones are the physical address,
     * so every mapping of the page meets at the same key.
     */
    public record FutexKey(Object space, long address) {}

    public long futexWait(Task t, FutexKey key, long deadline) {
        futexWaiters.computeIfAbsent(key, k -> new ArrayList<>()).add(t);
        t.futexKey = key;
        return block(t, null, deadline, -Errno.ETIMEDOUT);
    }

    public int futexWake(FutexKey key, int n) {
        List<Task> l = futexWaiters.get(key);
        int woken = 0;
        while (l != null && !l.isEmpty() && woken < n) {
            wake(l.get(0), true, 0);
            woken++;
            l = futexWaiters.get(key);
        }
        return woken;
    }

    // ---- signals ----

    static long bit(int sig) { return 1L << (sig - 1); }

    static boolean defaultIgnored(int sig) {
        return sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH || sig == SIGCONT;
    }

    /** rt_sigtimedwait: signals of set wake t even while blocked (they stay pending for the restarted call). */
    public void watchSignals(Task t, long set) { t.waitedSignals = set; }

    /** ITIMER_REAL: SIGALRM to p at deadline (0 = cancel), then every interval. */
    public void setAlarm(Process p, long deadline, long interval) {
        clock.cancel(p.alarmEvent);
        p.alarmEvent = null;
        p.alarmDeadline = deadline;
        p.alarmInterval = interval;
        if (deadline == 0) return;
        p.alarmEvent = clock.schedule(deadline, () -> {
            p.alarmEvent = null;
            if (p.zombie) return;
            sendSignal(p, SIGALRM, 0);
            setAlarm(p, p.alarmInterval == 0 ? 0 : Math.max(now(), p.alarmDeadline) + p.alarmInterval, p.alarmInterval);
            timer.kick(); // enter the kernel soon to deliver it
        });
    }

    /** A signal from a fault: delivered even when blocked or ignored (then it kills). */
    public void forceSignal(Task t, int sig, int code, long addr) {
        SigAction a = t.process.actions[sig];
        if ((t.sigBlocked & bit(sig)) != 0 || a.handler() == 1) {
            t.process.actions[sig] = SigAction.DEFAULT;
            t.sigBlocked &= ~bit(sig);
        }
        t.sigPending |= bit(sig);
        t.faultCode = code;
        t.faultAddr = addr;
    }

    /** kill(2) to a process: any thread not blocking it takes it. */
    public void sendSignal(Process p, int sig, int senderPid) {
        if (sig == 0 || p.zombie) return;
        SigAction a = p.actions[sig];
        boolean ignored = a.handler() == 1 || (a.handler() == 0 && defaultIgnored(sig));
        boolean anyBlocks = false;
        for (Task t : p.threads) anyBlocks |= (t.sigBlocked & bit(sig)) != 0;
        // An ignored signal is discarded at once, unless blocked (it may be sigwait'ed for).
        if (sig != SIGKILL && ignored && !anyBlocks) return;
        p.sharedPending |= bit(sig);
        for (Task t : p.threads) {
            if ((t.waitedSignals & bit(sig)) != 0) { interrupt(t, sig); return; }
        }
        for (Task t : p.threads) {
            if (sig == SIGKILL || (t.sigBlocked & bit(sig)) == 0) { interrupt(t, sig); break; }
        }
    }

    /** tgkill(2) to one thread. */
    public void sendSignal(Task t, int sig) {
        if (sig == 0) return;
        SigAction a = t.process.actions[sig];
        boolean ignored = a.handler() == 1 || (a.handler() == 0 && defaultIgnored(sig));
        if (sig != SIGKILL && ignored && (t.sigBlocked & bit(sig)) == 0) return;
        t.sigPending |= bit(sig);
        if (sig == SIGKILL || (t.sigBlocked & bit(sig)) == 0 || (t.waitedSignals & bit(sig)) != 0) interrupt(t, sig);
    }

    /**
     * A signal for a sleeping task: it wakes with EINTR, or, when the handler has SA_RESTART and
     * the sleep restarts cleanly (pipe I/O, wait4), to re-execute its syscall after the handler.
     */
    private void interrupt(Task t, int sig) {
        if (t.state != Task.State.BLOCKED) return;
        if ((t.waitedSignals & bit(sig)) != 0) {
            t.waitedSignals = 0;
            wake(t, false, 0); // rt_sigtimedwait re-executes and takes the signal
            return;
        }
        boolean restart = t.restartable && sig != SIGKILL && (t.process.actions[sig].flags() & SigAction.SA_RESTART) != 0;
        if (restart) wake(t, false, 0); else wake(t, true, -Errno.EINTR);
    }

    /** Delivers one pending unblocked signal as the task returns to user mode. */
    private void deliverSignals(Task t) {
        Process p = t.process;
        long pending = (t.sigPending | p.sharedPending) & ~(t.sigBlocked & ~bit(SIGKILL) & ~bit(SIGSTOP));
        if (pending == 0) return;
        int sig = Long.numberOfTrailingZeros(pending) + 1;
        if ((t.sigPending & bit(sig)) != 0) t.sigPending &= ~bit(sig); else p.sharedPending &= ~bit(sig);
        SigAction a = p.actions[sig];
        int code = t.faultCode;
        long addr = t.faultAddr;
        t.faultCode = 0;
        t.faultAddr = 0;
        if (sig == SIGKILL || a.handler() == 0) {
            if (defaultIgnored(sig) || sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU) return;
            terminate(p, sig);
            return;
        }
        if (a.handler() == 1) return;
        long mask = t.savedMask != -1 ? t.savedMask : t.sigBlocked;
        t.savedMask = -1;
        long sp = t.ctx.sp();
        boolean onAlt = t.altStackSize != 0 && sp > t.altStackSp && sp <= t.altStackSp + t.altStackSize;
        if ((a.flags() & SigAction.SA_ONSTACK) != 0 && t.altStackSize != 0 && !onAlt) sp = t.altStackSp + t.altStackSize;
        // A restarted syscall (pc at the ecall) without SA_RESTART fails with EINTR instead.
        long restorer = (a.flags() & SigAction.SA_RESTORER) != 0 && a.restorer() != 0 ? a.restorer() : p.sigreturnTrampoline;
        if (!port.pushSignalFrame(t.ctx, p.as, sp - 128, sig, a.handler(), restorer, mask, code, addr,
                code == 0 ? p.pid : 0, t.altStackSp, t.altStackSize)) {
            terminate(p, SIGSEGV);
            return;
        }
        t.sigBlocked |= a.mask();
        if ((a.flags() & SigAction.SA_NODEFER) == 0) t.sigBlocked |= bit(sig);
        if ((a.flags() & SigAction.SA_RESETHAND) != 0) p.actions[sig] = SigAction.DEFAULT;
    }

    // ---- exit ----

    /** Ends one thread (exit(2)); the last thread ends the process. */
    public void exitThread(Task t, int status) {
        Process p = t.process;
        retire(t);
        if (p.threads.isEmpty()) finishProcess(p, (status & 0xff) << 8);
    }

    private void retire(Task t) {
        if (t.state == Task.State.BLOCKED) wake(t, false, 0);
        runQueue.remove(t);
        t.state = Task.State.DEAD;
        Process p = t.process;
        if (t.clearChildTid != 0 && !p.zombie && p.as != null) {
            if (p.as.write(t.clearChildTid, new byte[4], 0, 4)) {
                futexWake(new FutexKey(p.as, t.clearChildTid), 1);
                long pa = p.as.translate(t.clearChildTid, false);
                if (pa >= 0) futexWake(new FutexKey(null, pa), 1);
            }
        }
        p.threads.remove(t);
        tasks.remove(t.tid);
    }

    /** exit_group(2) (status is the exit code) or death by signal (sig != 0 via {@link #terminate}). */
    public void exitGroup(Process p, int code) {
        for (Task t : new ArrayList<>(p.threads)) retire(t);
        finishProcess(p, (code & 0xff) << 8);
    }

    public void terminate(Process p, int sig) {
        for (Task t : new ArrayList<>(p.threads)) retire(t);
        finishProcess(p, sig & 0x7f);
    }

    private void finishProcess(Process p, int waitStatus) {
        if (p.zombie) return;
        p.zombie = true;
        clock.cancel(p.alarmEvent);
        p.waitStatus = waitStatus;
        p.fds.closeAll();
        releaseAddressSpace(p);
        if (p.vforkParent != null) { wake(p.vforkParent, true, p.pid); p.vforkParent = null; }
        for (Process c : p.children) {
            c.parent = null;
            if (c.zombie) processes.remove(c.pid);
        }
        p.children.clear();
        Process parent = p.parent;
        if (parent != null && !parent.zombie) {
            SigAction a = parent.actions[SIGCHLD];
            if (a.handler() == 1 || (a.flags() & SigAction.SA_NOCLDWAIT) != 0) {
                parent.children.remove(p);
                processes.remove(p.pid);
            } else {
                sendSignal(parent, SIGCHLD, p.pid);
            }
            parent.childWait.wakeAll();
        } else {
            processes.remove(p.pid);
        }
        if (p.pid == 1) {
            int exit = (waitStatus & 0x7f) != 0 ? 128 + (waitStatus & 0x7f) : (waitStatus >> 8) & 0xff;
            onInitExit.accept(exit);
        }
    }

    /** Drops the process's use of its address space (freeing it with the last user). */
    public void releaseAddressSpace(Process p) {
        if (p.as == null) return;
        if (--p.asUsers[0] == 0) {
            p.as.destroy();
            port.flushTlb(p.as.pageTable());
        }
        p.as = null;
    }

    /** Removes a reaped zombie. */
    public void reap(Process child) {
        if (child.parent != null) child.parent.children.remove(child);
        processes.remove(child.pid);
    }

    public int countProcesses() { return processes.size(); }
}
