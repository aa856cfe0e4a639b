package org.multios.kernel.syscall;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.multios.kernel.Errno;
import org.multios.kernel.Kernel;
import org.multios.kernel.KernelException;
import org.multios.kernel.arch.UserContext;
import org.multios.kernel.mm.AddressSpace;
import org.multios.kernel.proc.Process;
import org.multios.kernel.proc.SigAction;
import org.multios.kernel.proc.Task;

/** Processes, threads, signals, time and memory syscalls. */
final class ProcessSyscalls {
    private ProcessSyscalls() {}
    static final long CLONE_VM = 0x100, CLONE_FS = 0x200, CLONE_FILES = 0x400, CLONE_SIGHAND = 0x800, CLONE_VFORK = 0x4000,
            CLONE_PARENT = 0x8000, CLONE_THREAD = 0x10000, CLONE_SETTLS = 0x80000, CLONE_PARENT_SETTID = 0x100000,
            CLONE_CHILD_CLEARTID = 0x200000, CLONE_CHILD_SETTID = 0x1000000;
    static final long UNBLOCKABLE = (1L << (Kernel.SIGKILL - 1)) | (1L << (Kernel.SIGSTOP - 1));

    static long dispatch(LinuxSyscalls s, Kernel k, Task t, int nr, long a0, long a1, long a2, long a3, long a4, long a5) {
        Process p = t.process;
        return switch (nr) {
            case Sys.EXIT -> { k.exitThread(t, (int) a0); yield LinuxSyscalls.NO_RETURN; }
            case Sys.EXIT_GROUP -> { k.exitGroup(p, (int) a0); yield LinuxSyscalls.NO_RETURN; }
            case Sys.SET_TID_ADDRESS -> { t.clearChildTid = a0; yield t.tid; }
            case Sys.SET_ROBUST_LIST -> { if (a1 != 24) yield -Errno.EINVAL; t.robustList = a0; yield 0; }
            case Sys.GET_ROBUST_LIST -> -Errno.ENOSYS;
            case Sys.FUTEX -> futex(s, k, t, a0, (int) a1, (int) a2, a3, a5);
            case Sys.NANOSLEEP -> sleepUntil(k, t, FileSyscalls.timeoutDeadline(s, t, a0));
            case Sys.CLOCK_NANOSLEEP -> {
                if ((a1 & 1) != 0) {
                    ByteBuffer ts = ByteBuffer.wrap(s.in(t, a2, 16)).order(ByteOrder.LITTLE_ENDIAN);
                    long when = ts.getLong(0) * 1_000_000_000L + ts.getLong(8) - (a0 == 0 || a0 == 5 ? k.bootEpochNanos : 0);
                    yield sleepUntil(k, t, when);
                }
                yield sleepUntil(k, t, FileSyscalls.timeoutDeadline(s, t, a2));
            }
            case Sys.CLOCK_GETTIME -> { s.out(t, a1, timespec(clock(k, t, (int) a0))); yield 0; }
            case Sys.CLOCK_GETRES -> { if (a1 != 0) s.out(t, a1, timespec(1)); yield 0; }
            case Sys.GETTIMEOFDAY -> {
                long n = k.bootEpochNanos + k.now();
                if (a0 != 0) s.out(t, a0, LinuxSyscalls.le(16).putLong(n / 1_000_000_000L).putLong(n % 1_000_000_000L / 1000).array());
                yield 0;
            }
            case Sys.SCHED_YIELD -> { k.yield(t); yield 0; }
            case Sys.SCHED_GETAFFINITY -> { if (a1 < 8) yield -Errno.EINVAL; s.out64(t, a2, 1); yield 8; }
            case Sys.SCHED_SETAFFINITY -> 0;
            case Sys.GETPRIORITY -> 20 - t.nice;
            case Sys.SETPRIORITY -> { t.nice = (int) Math.max(-20, Math.min(19, a2)); yield 0; }
            case Sys.KILL -> kill(k, t, (int) a0, (int) a1);
            case Sys.TKILL -> tkill(k, (int) a0, (int) a1, -1);
            case Sys.TGKILL -> tkill(k, (int) a1, (int) a2, (int) a0);
            case Sys.SIGALTSTACK -> sigaltstack(s, t, a0, a1);
            // sigsetsize (a3) must be the kernel's sigset_t, 8 bytes (rt_sigaction(2), rt_sigprocmask(2))
            case Sys.RT_SIGACTION -> a3 != 8 ? -Errno.EINVAL : sigaction(s, t, (int) a0, a1, a2);
            case Sys.RT_SIGPROCMASK -> a3 != 8 ? -Errno.EINVAL : sigprocmask(s, t, (int) a0, a1, a2);
            case Sys.RT_SIGPENDING -> { s.out64(t, a0, (t.sigPending | p.sharedPending) & t.sigBlocked); yield 0; }
            case Sys.RT_SIGSUSPEND -> {
                t.savedMask = t.sigBlocked;
                t.sigBlocked = s.in64(t, a0) & ~UNBLOCKABLE;
                yield k.block(t, null, Long.MAX_VALUE, 0);
            }
            case Sys.RT_SIGRETURN -> {
                long mask = k.port.popSignalFrame(t.ctx, p.as);
                // Saved masks never block SIGKILL/SIGSTOP, so -1 only means "frame unreadable".
                if (mask == -1) { k.forceSignal(t, Kernel.SIGSEGV, 1, t.ctx.sp()); yield LinuxSyscalls.NO_RETURN; }
                t.sigBlocked = mask & ~UNBLOCKABLE;
                yield LinuxSyscalls.NO_RETURN;
            }
            case Sys.UNAME -> { s.out(t, a0, uname(k)); yield 0; }
            case Sys.GETRLIMIT -> prlimit(s, k, t, 0, (int) a0, 0, a1);
            case Sys.SETRLIMIT -> prlimit(s, k, t, 0, (int) a0, a1, 0);
            case Sys.PRLIMIT64 -> prlimit(s, k, t, (int) a0, (int) a1, a2, a3);
            case Sys.GETRUSAGE -> {
                long n = k.now() - p.startNanos;
                s.out(t, a1, LinuxSyscalls.le(144).putLong(0, n / 1_000_000_000L).putLong(8, n % 1_000_000_000L / 1000).array());
                yield 0;
            }
            case Sys.PRCTL -> a0 == 15 ? 0 : a0 == 16 ? prctlName(s, t, a1) : -Errno.EINVAL;
            case Sys.GETPID -> p.pid;
            case Sys.GETPPID -> p.parent == null ? 0 : p.parent.pid;
            case Sys.GETTID -> t.tid;
            case Sys.GETUID, Sys.GETEUID, Sys.GETGID, Sys.GETEGID -> 0;
            case Sys.GETPGID -> p.pgid;
            case Sys.SETPGID -> { if (a0 == 0 || a0 == p.pid) p.pgid = a1 == 0 ? p.pid : (int) a1; yield 0; }
            case Sys.GETSID -> p.sid;
            case Sys.SETSID -> { p.sid = p.pgid = p.pid; yield p.pid; }
            case Sys.SYSINFO -> { s.out(t, a0, sysinfo(k)); yield 0; }
            case Sys.BRK -> p.as.setBrk(a0);
            case Sys.MMAP -> s.mmap(t, a0, a1, LinuxSyscalls.prot(a2), (int) a3, (int) a4, a5);
            case Sys.MUNMAP -> {
                if ((a0 & 4095) != 0 || a1 <= 0 || !LinuxSyscalls.userRange(p.as, a0, a1)) yield -Errno.EINVAL;
                p.as.unmap(a0, (a0 + a1 + 4095) & -4096L);
                yield 0;
            }
            case Sys.MPROTECT -> {
                if ((a0 & 4095) != 0 || !LinuxSyscalls.userRange(p.as, a0, a1)) yield -Errno.EINVAL;
                long end = (a0 + a1 + 4095) & -4096L;
                if (!p.as.fullyMapped(a0, end)) yield -Errno.ENOMEM;
                p.as.protect(a0, end, LinuxSyscalls.prot(a2));
                yield 0;
            }
            case Sys.MREMAP -> -Errno.ENOMEM; // glibc falls back to malloc-copy-free
            case Sys.MSYNC, Sys.MADVISE -> 0;
            case Sys.MEMBARRIER -> 0;
            case Sys.GETRANDOM -> {
                int n = (int) Math.min(a1, 1 << 20);
                byte[] b = new byte[n];
                for (int i = 0; i < n; i++) b[i] = (byte) k.random.nextInt(256);
                s.out(t, a0, b);
                yield n;
            }
            case Sys.CLONE -> clone(s, k, t, a0, a1, a2, a3, a4);
            case Sys.EXECVE -> {
                String path = s.str(t, a0);
                var argv = s.strings(t, a1);
                var envp = s.strings(t, a2);
                var node = k.vfs.resolve(p.cwd, path, true);
                try {
                    s.exec(t, node, argv, envp);
                } catch (org.multios.kernel.proc.ElfExec.NotExecutable e) {
                    yield -Errno.ENOEXEC;
                }
                yield LinuxSyscalls.NO_RETURN;
            }
            case Sys.WAIT4 -> wait4(s, k, t, (int) a0, a1, (int) a2);
            case Sys.GETITIMER -> itimer(s, k, t, (int) a0, 0, a1);
            case Sys.SETITIMER -> itimer(s, k, t, (int) a0, a1, a2);
            case Sys.RT_SIGTIMEDWAIT -> sigtimedwait(s, k, t, a0, a1, a2);
            case Sys.SYSLOG -> SystemSyscalls.syslog(s, k, t, (int) a0, a1, a2);
            case Sys.REBOOT -> SystemSyscalls.reboot(k, t, (int) a0, (int) a1, (int) a2);
            case Sys.SETHOSTNAME -> SystemSyscalls.sethostname(s, k, a0, a1, t);
            case Sys.RSEQ, Sys.CLONE3, Sys.RISCV_HWPROBE -> s.unknown(nr);
            default -> s.unknown(nr);
        };
    }

    static long sleepUntil(Kernel k, Task t, long deadline) {
        if (deadline <= k.now()) return 0;
        return k.block(t, null, deadline, 0);
    }

    static byte[] timespec(long nanos) {
        return LinuxSyscalls.le(16).putLong(nanos / 1_000_000_000L).putLong(nanos % 1_000_000_000L).array();
    }

    static long clock(Kernel k, Task t, int id) {
        return switch (id) {
            case 0, 5 -> k.bootEpochNanos + k.now();
            case 2, 3 -> k.now() - t.process.startNanos;
            case 1, 4, 6, 7 -> k.now();
            default -> throw new KernelException(Errno.EINVAL);
        };
    }

    static long futex(LinuxSyscalls s, Kernel k, Task t, long uaddr, int op, int val, long timeout, long val3) {
        int cmd = op & 0x7f;
        if ((uaddr & 3) != 0) return -Errno.EINVAL;
        long pa = t.process.as.translate(uaddr, false);
        if (pa < 0) return -Errno.EFAULT;
        Kernel.FutexKey key = (op & 128) != 0 ? new Kernel.FutexKey(t.process.as, uaddr) : new Kernel.FutexKey(null, pa);
        switch (cmd) {
            case 0, 9 -> { // FUTEX_WAIT, FUTEX_WAIT_BITSET
                int cur = ByteBuffer.wrap(s.in(t, uaddr, 4)).order(ByteOrder.LITTLE_ENDIAN).getInt();
                if (cur != val) return -Errno.EAGAIN;
                long deadline = Long.MAX_VALUE;
                if (timeout != 0) {
                    ByteBuffer ts = ByteBuffer.wrap(s.in(t, timeout, 16)).order(ByteOrder.LITTLE_ENDIAN);
                    long ns = ts.getLong(0) * 1_000_000_000L + ts.getLong(8);
                    if (cmd == 0) deadline = k.now() + ns;
                    else deadline = ns - ((op & 256) != 0 ? k.bootEpochNanos : 0);
                }
                return k.futexWait(t, key, deadline);
            }
            case 1, 10 -> { return k.futexWake(key, val); } // FUTEX_WAKE, FUTEX_WAKE_BITSET
            default -> { return s.unknown(98_000 + cmd); }
        }
    }

    /** ITIMER_REAL (SIGALRM in virtual time); the virtual and profiling timers are not kept. */
    static long itimer(LinuxSyscalls s, Kernel k, Task t, int which, long newVa, long oldVa) {
        if (which != 0) return which == 1 || which == 2 ? -Errno.ENOSYS : -Errno.EINVAL;
        Process p = t.process;
        if (oldVa != 0) {
            long left = p.alarmDeadline == 0 ? 0 : Math.max(1000, p.alarmDeadline - k.now());
            s.out(t, oldVa, LinuxSyscalls.le(32).putLong(p.alarmInterval / 1_000_000_000L).putLong(p.alarmInterval % 1_000_000_000L / 1000)
                    .putLong(left / 1_000_000_000L).putLong(left % 1_000_000_000L / 1000).array());
        }
        if (newVa != 0) {
            ByteBuffer b = ByteBuffer.wrap(s.in(t, newVa, 32)).order(ByteOrder.LITTLE_ENDIAN);
            long interval = timeval(b.getLong(0), b.getLong(8)), value = timeval(b.getLong(16), b.getLong(24));
            if (interval < 0 || value < 0) return -Errno.EINVAL;
            k.setAlarm(p, value == 0 ? 0 : k.now() + value, interval);
        }
        return 0;
    }

    static long timeval(long sec, long usec) {
        if (sec < 0 || usec < 0 || usec >= 1_000_000) return -1;
        return Math.min(sec, 1L << 32) * 1_000_000_000L + usec * 1000;
    }

    /** rt_sigtimedwait: takes a pending signal of the set (waiting for one, with an optional timeout). */
    static long sigtimedwait(LinuxSyscalls s, Kernel k, Task t, long setVa, long infoVa, long tsVa) {
        long set = s.in64(t, setVa) & ~UNBLOCKABLE;
        long pending = (t.sigPending | t.process.sharedPending) & set;
        if (pending != 0) {
            int sig = Long.numberOfTrailingZeros(pending) + 1;
            long bit = 1L << (sig - 1);
            if ((t.sigPending & bit) != 0) t.sigPending &= ~bit; else t.process.sharedPending &= ~bit;
            if (infoVa != 0) s.out(t, infoVa, LinuxSyscalls.le(128).putInt(0, sig).array());
            return sig;
        }
        long deadline = FileSyscalls.timeoutDeadline(s, t, tsVa);
        if (deadline <= k.now()) return -Errno.EAGAIN;
        // Sleep with the set unblocked so its signals wake us; they stay pending (not delivered)
        // because the restarted call takes them first.
        t.savedMask = -1;
        k.watchSignals(t, set);
        return k.block(t, null, deadline, -Errno.EAGAIN);
    }

    static long kill(Kernel k, Task t, int pid, int sig) {
        if (sig < 0 || sig > 64) return -Errno.EINVAL;
        if (pid > 0) {
            Process target = k.process(pid);
            if (target == null || target.zombie) return -Errno.ESRCH;
            k.sendSignal(target, sig, t.process.pid);
            return 0;
        }
        int group = pid == 0 ? t.process.pgid : -pid;
        int n = 0;
        for (Process q : new java.util.ArrayList<>(k.processes())) {
            if (q.zombie || (pid != -1 && q.pgid != group)) continue;
            // kill(-1, sig): every process the caller may signal except init and itself (kill(2)).
            if (pid == -1 && (q.pid == 1 || q == t.process)) continue;
            k.sendSignal(q, sig, t.process.pid);
            n++;
        }
        return n == 0 ? -Errno.ESRCH : 0;
    }

    static long tkill(Kernel k, int tid, int sig, int tgid) {
        if (sig < 0 || sig > 64) return -Errno.EINVAL;
        Task target = k.task(tid);
        if (target == null || (tgid > 0 && target.process.pid != tgid)) return -Errno.ESRCH;
        k.sendSignal(target, sig);
        return 0;
    }

    static long sigaltstack(LinuxSyscalls s, Task t, long ss, long oss) {
        if (oss != 0) s.out(t, oss, LinuxSyscalls.le(24).putLong(0, t.altStackSp).putInt(8, t.altStackSize == 0 ? 2 : 0).putLong(16, t.altStackSize).array());
        if (ss != 0) {
            ByteBuffer b = ByteBuffer.wrap(s.in(t, ss, 24)).order(ByteOrder.LITTLE_ENDIAN);
            int flags = b.getInt(8);
            if ((flags & 2) != 0) { t.altStackSp = t.altStackSize = 0; return 0; }
            if (b.getLong(16) < 2048) return -Errno.ENOMEM;
            t.altStackSp = b.getLong(0);
            t.altStackSize = b.getLong(16);
        }
        return 0;
    }

    /** struct sigaction: handler, flags, [restorer,] mask — the restorer field only where the port has one. */
    static long sigaction(LinuxSyscalls s, Task t, int sig, long act, long oact) {
        if (sig < 1 || sig > 64) return -Errno.EINVAL;
        boolean restorer = s.kernel().port.sigactionHasRestorer();
        int size = restorer ? 32 : 24, maskAt = restorer ? 24 : 16;
        SigAction old = t.process.actions[sig];
        if (act != 0) {
            if (sig == Kernel.SIGKILL || sig == Kernel.SIGSTOP) return -Errno.EINVAL;
            ByteBuffer b = ByteBuffer.wrap(s.in(t, act, size)).order(ByteOrder.LITTLE_ENDIAN);
            t.process.actions[sig] = new SigAction(b.getLong(0), b.getLong(8), restorer ? b.getLong(16) : 0,
                    b.getLong(maskAt) & ~UNBLOCKABLE);
        }
        if (oact != 0) {
            ByteBuffer o = LinuxSyscalls.le(size).putLong(0, old.handler()).putLong(8, old.flags()).putLong(maskAt, old.mask());
            if (restorer) o.putLong(16, old.restorer());
            s.out(t, oact, o.array());
        }
        return 0;
    }

    static long sigprocmask(LinuxSyscalls s, Task t, int how, long set, long oset) {
        long old = t.sigBlocked;
        if (set != 0) {
            long m = s.in64(t, set);
            switch (how) {
                case 0 -> t.sigBlocked |= m;
                case 1 -> t.sigBlocked &= ~m;
                case 2 -> t.sigBlocked = m;
                default -> { return -Errno.EINVAL; }
            }
            t.sigBlocked &= ~UNBLOCKABLE;
        }
        if (oset != 0) s.out64(t, oset, old);
        return 0;
    }

    static byte[] uname(Kernel k) {
        byte[] b = new byte[390];
        String[] f = {"MultiOS", k.hostname, "6.1.0-multios", "#1 MultiOS", k.port.name(), "(none)"};
        for (int i = 0; i < f.length; i++) {
            byte[] v = f[i].getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            System.arraycopy(v, 0, b, 65 * i, Math.min(64, v.length));
        }
        return b;
    }

    static byte[] sysinfo(Kernel k) {
        ByteBuffer b = LinuxSyscalls.le(112);
        b.putLong(0, k.now() / 1_000_000_000L);
        b.putLong(32, (long) k.frames.totalFrames() * 4096);
        b.putLong(40, (long) k.frames.freeFrames() * 4096);
        b.putShort(80, (short) k.countProcesses());
        b.putInt(104, 1);
        return b.array();
    }

    static long prctlName(LinuxSyscalls s, Task t, long buf) {
        byte[] n = new byte[16];
        String name = t.process.exePath.substring(t.process.exePath.lastIndexOf('/') + 1);
        byte[] v = name.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        System.arraycopy(v, 0, n, 0, Math.min(15, v.length));
        s.out(t, buf, n);
        return 0;
    }

    static long prlimit(LinuxSyscalls s, Kernel k, Task t, int pid, int res, long newVa, long oldVa) {
        if (res < 0 || res >= 16) return -Errno.EINVAL;
        Process p = pid == 0 ? t.process : k.process(pid);
        if (p == null) return -Errno.ESRCH;
        if (oldVa != 0) s.out(t, oldVa, LinuxSyscalls.le(16).putLong(p.rlimCur[res]).putLong(p.rlimMax[res]).array());
        if (newVa != 0) {
            ByteBuffer b = ByteBuffer.wrap(s.in(t, newVa, 16)).order(ByteOrder.LITTLE_ENDIAN);
            long cur = b.getLong(0), max = b.getLong(8);
            if (Long.compareUnsigned(cur, max) > 0) return -Errno.EINVAL;
            if (Long.compareUnsigned(max, p.rlimMax[res]) > 0) return -Errno.EPERM;
            p.rlimCur[res] = cur;
            p.rlimMax[res] = max;
            if (res == Kernel.RLIMIT_NOFILE) p.fds.setLimit(cur < 0 ? 1 << 20 : (int) Math.min(cur, 1 << 20));
        }
        return 0;
    }

    static long clone(LinuxSyscalls s, Kernel k, Task t, long flags, long newSp, long ptid, long tls, long ctid) {
        Process p = t.process;
        Task child;
        if ((flags & CLONE_THREAD) != 0) {
            if ((flags & (CLONE_VM | CLONE_SIGHAND)) != (CLONE_VM | CLONE_SIGHAND)) return -Errno.EINVAL;
            child = k.newTask(p, k.allocateId());
        } else {
            long nproc = p.rlimCur[Kernel.RLIMIT_NPROC];
            if (nproc >= 0 && k.countProcesses() >= nproc) return -Errno.EAGAIN;
            if (k.frames.freeFrames() < 64) return -Errno.ENOMEM;
            Process c = k.newProcess(p);
            if ((flags & CLONE_VM) != 0) {
                c.as = p.as;
                c.asUsers = p.asUsers;
                c.asUsers[0]++;
            } else {
                try {
                    c.as = p.as.fork();
                } catch (OutOfMemoryError e) {
                    k.reap(c);
                    return -Errno.ENOMEM;
                }
                c.asUsers = new int[] {1};
            }
            c.fds = p.fds.copy();
            c.cwd = p.cwd;
            c.actions = p.actions.clone();
            c.exePath = p.exePath;
            c.argv = p.argv;
            c.sigreturnTrampoline = p.sigreturnTrampoline;
            child = k.newTask(c, c.pid);
        }
        UserContext cc = child.ctx;
        cc.copyFrom(t.ctx);
        cc.setReturn(0);
        if (newSp != 0) cc.setSp(newSp);
        if ((flags & CLONE_SETTLS) != 0) cc.setTls(tls);
        child.sigBlocked = t.sigBlocked;
        child.nice = t.nice;
        if ((flags & CLONE_CHILD_CLEARTID) != 0) child.clearChildTid = ctid;
        if ((flags & CLONE_PARENT_SETTID) != 0) t.process.as.write(ptid, LinuxSyscalls.le(4).putInt(child.tid).array(), 0, 4);
        if ((flags & CLONE_CHILD_SETTID) != 0) child.process.as.write(ctid, LinuxSyscalls.le(4).putInt(child.tid).array(), 0, 4);
        k.start(child);
        if ((flags & CLONE_VFORK) != 0 && child.process != p) {
            // The parent sleeps until the child execs or exits; that wakes it with the child's pid.
            child.process.vforkParent = t;
            return k.block(t, null, Long.MAX_VALUE, 0);
        }
        return child.tid;
    }

    static long wait4(LinuxSyscalls s, Kernel k, Task t, int pid, long statusVa, int options) {
        Process p = t.process;
        boolean any = false;
        for (Process c : new java.util.ArrayList<>(p.children)) {
            if (pid > 0 && c.pid != pid) continue;
            if (pid == 0 && c.pgid != p.pgid) continue;
            if (pid < -1 && c.pgid != -pid) continue;
            any = true;
            if (c.zombie) {
                if (statusVa != 0) s.out32(t, statusVa, c.waitStatus);
                k.reap(c);
                return c.pid;
            }
        }
        if (!any) return -Errno.ECHILD;
        if ((options & 1) != 0) return 0;
        return k.blockRestartable(t, p.childWait);
    }
}
