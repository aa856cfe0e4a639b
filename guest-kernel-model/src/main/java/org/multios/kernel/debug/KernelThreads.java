package org.multios.kernel.debug;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.multios.core.debug.DebugCpu;
import org.multios.core.debug.OsAwareness;
import org.multios.isa.riscv.RvCpu;
import org.multios.kernel.Kernel;
import org.multios.kernel.arch.riscv.RiscvPort;
import org.multios.kernel.proc.Process;
import org.multios.kernel.proc.Task;

/**
 * The MultiOS kernel's user threads for the GDB stub ({@code monitor os on}): every live task of
 * every process, named by its process's command line, with the registers of its saved context
 * (or the hart's, while it is the one on the hart) and its process's page table.
 * <p>
 * RISC-V: the kernel's trap vector makes the hart's state easy to attribute. At an instruction
 * boundary the hart is either in U-mode running {@link Kernel#current()}, or at the vector's
 * native call (trap taken, registers still the interrupted task's, pc in sepc) or at its
 * {@code sret} (the next task's registers already loaded, pc in sepc), or in the idle loop
 * (no task on the hart).
 */
public final class KernelThreads implements OsAwareness {
    static final long TRAP_ENTRY = RiscvPort.VECTOR_VA, TRAP_RETURN = RiscvPort.VECTOR_VA + 4;

    private final Kernel kernel;
    private final RvCpu hart;
    private final DebugCpu hartView;

    /** @param hartView the hart's own debug view (CSRs and hooks are the hart's, whichever thread is selected) */
    public KernelThreads(Kernel kernel, RvCpu hart, DebugCpu hartView) {
        this.kernel = kernel;
        this.hart = hart;
        this.hartView = hartView;
    }

    @Override
    public List<OsThread> threads() {
        List<OsThread> out = new ArrayList<>();
        for (Process p : kernel.processes()) {
            if (p.zombie) continue;
            for (Task t : p.threads) {
                if (t.state != Task.State.DEAD) out.add(new RiscvTaskThread(this, t));
            }
        }
        out.sort(Comparator.comparingLong(OsThread::id));
        return out;
    }

    @Override
    public long threadOnCpu(int cpu) {
        Task t = liveTask();
        return t == null ? 0 : t.tid;
    }

    /** The task whose user registers are on the hart now, or null. */
    Task liveTask() {
        Task t = kernel.current();
        if (t == null || t.state == Task.State.DEAD) return null;
        if (hart.privilege() == 0) return t;
        long pc = hart.pc();
        return pc == TRAP_ENTRY || pc == TRAP_RETURN ? t : null;
    }

    RvCpu hart() { return hart; }

    DebugCpu hartView() { return hartView; }
}
