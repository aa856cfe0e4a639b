package org.multios.kernel.debug;

import org.multios.core.debug.DebugCpu;
import org.multios.core.debug.DebugHooks;
import org.multios.core.debug.OsAwareness;
import org.multios.kernel.arch.PageTable;
import org.multios.kernel.mm.AddressSpace;
import org.multios.kernel.proc.Task;

/**
 * What every architecture's task-as-GDB-thread shares: the thread's id and name, its memory
 * (the task's process's user addresses, looked up in its page table without faulting; a debugger
 * store goes through the kernel's user-write path, so a copy-on-write page is copied first, as
 * ptrace does), its state line and mappings, and the CPU's own debug hooks and TLB. Where each
 * register comes from (the CPU, an exception frame or the saved context) is the subclass's.
 */
public abstract class TaskThread implements OsAwareness.OsThread {
    protected final Task task;

    protected TaskThread(Task task) {
        this.task = task;
    }

    /** True while the CPU holds (some of) this task's state. */
    protected abstract boolean onCpu();

    /** How {@link #threadInfo()} names the CPU the task is on ("on the CPU", "on the hart"). */
    protected abstract String onCpuWords();

    /** The CPU's own debug view: hooks and TLB are the CPU's, whichever thread is selected. */
    protected abstract DebugCpu cpuView();

    @Override public final long id() { return task.tid; }

    @Override
    public final String name() {
        var argv = task.process.argv;
        return argv.isEmpty() ? task.process.exePath : String.join(" ", argv);
    }

    @Override
    public final long translate(long vaddr, boolean write) {
        AddressSpace as = task.process.as;
        if (as == null) return NO_TRANSLATION;
        if (write) {
            long pa = as.translate(vaddr, true); // faults the page in / copies a COW page, as a user store would
            return pa < 0 ? NO_TRANSLATION : pa;
        }
        if (vaddr < 0 || vaddr >= as.userTop()) return NO_TRANSLATION;
        long e = as.pageTable().lookup(vaddr & -AddressSpace.PAGE);
        if (e == 0 || (e & PageTable.PROT_USER) == 0) return NO_TRANSLATION; // not (yet) present: nothing to read
        return (e & -AddressSpace.PAGE) | (vaddr & (AddressSpace.PAGE - 1));
    }

    @Override public final boolean translating() { return true; }

    @Override public final void setDebugHooks(DebugHooks hooks) { cpuView().setDebugHooks(hooks); }

    @Override public final void flushTlb() { cpuView().flushTlb(); }

    @Override
    public final String threadInfo() {
        String state = onCpu() ? onCpuWords() : task.state == Task.State.RUNNABLE ? "runnable" : "blocked";
        return "pid " + task.process.pid + ", tid " + task.tid + ", " + state;
    }

    @Override
    public final String infoMem() {
        AddressSpace as = task.process.as;
        if (as == null) return "no address space\n";
        StringBuilder sb = new StringBuilder("pid " + task.process.pid + " user mappings:\n");
        for (var v : as.areas()) {
            int p = v.prot();
            sb.append(String.format("%016x-%016x %c%c%c%s %s%n", v.start(), v.end() - 1,
                    (p & AddressSpace.READ) != 0 ? 'r' : '-', (p & AddressSpace.WRITE) != 0 ? 'w' : '-',
                    (p & AddressSpace.EXEC) != 0 ? 'x' : '-', v.shared() ? "s" : "p", v.name() == null ? "" : v.name()));
        }
        return sb.toString();
    }

    /** {@code v} as {@code n} little-endian bytes (GDB's register layout). */
    protected static byte[] le(long v, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (v >>> (8 * i));
        return b;
    }

    /** Little-endian bytes as a value. */
    protected static long value(byte[] b) {
        long v = 0;
        for (int i = b.length - 1; i >= 0; i--) v = v << 8 | (b[i] & 0xff);
        return v;
    }
}
