package org.multios.kernel.arch.arm64;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.multios.core.debug.DebugCpu;
import org.multios.core.debug.OsAwareness;
import org.multios.isa.arm64.A64Cpu;
import org.multios.kernel.Kernel;
import org.multios.kernel.proc.Process;
import org.multios.kernel.proc.Task;

/**
 * The MultiOS kernel's user threads for the AArch64 GDB stub ({@code monitor os on}) under
 * {@code run --arch arm64} and {@code boot --arch arm64}: every live task, named by its
 * process's command line, with the registers of its saved context, or the CPU's while it is
 * the one on the CPU.
 * <p>
 * At an instruction boundary the CPU is at EL0 running {@link Kernel#current()}, or at one of
 * the vector page's {@code hvc}/{@code eret} pairs (an exception taken from EL0: X0..X30 are
 * still the task's, its PC, PSTATE and SP are in ELR_EL1, SPSR_EL1 and SP_EL0; or the kernel
 * has switched to the next task and is about to eret into it, the same registers holding that
 * task's), or in the idle loop, or at a vector entered from the idle loop (SPSR_EL1 says EL1:
 * no task on the CPU).
 */
public final class Arm64KernelThreads implements OsAwareness {
    private final Kernel kernel;
    private final A64Cpu cpu;
    private final DebugCpu cpuView;

    /** @param cpuView the CPU's own debug view (system registers and hooks are the CPU's, whichever thread is selected) */
    public Arm64KernelThreads(Kernel kernel, A64Cpu cpu, DebugCpu cpuView) {
        this.kernel = kernel;
        this.cpu = cpu;
        this.cpuView = cpuView;
    }

    @Override
    public List<OsThread> threads() {
        List<OsThread> out = new ArrayList<>();
        for (Process p : kernel.processes()) {
            if (p.zombie) continue;
            for (Task t : p.threads) if (t.state != Task.State.DEAD) out.add(new Arm64TaskThread(this, t));
        }
        out.sort(Comparator.comparingLong(OsThread::id));
        return out;
    }

    @Override
    public long threadOnCpu(int cpuIndex) {
        Task t = liveTask();
        return t == null ? 0 : t.tid;
    }

    /** Where the CPU holds the live task's PC, PSTATE and SP. */
    enum Where { CPU, EXCEPTION_REGS }

    /** The task whose user registers are on the CPU now, or null. */
    Task liveTask() {
        Task t = kernel.current();
        if (t == null || t.state == Task.State.DEAD) return null;
        return where() == null ? null : t;
    }

    /** How the live task's PC/PSTATE/SP are held, or null when no task's state is on the CPU. */
    Where where() {
        if (cpu.el == 0) return Where.CPU;
        long pc = cpu.pc;
        boolean vectorEntry = pc >= Arm64Port.VECTOR_VA && pc < Arm64Port.VECTOR_VA + Arm64Port.IDLE_OFFSET && (pc & 0x7f) <= 4;
        // SPSR_EL1.M[3:0] = 0: the exception came from (or the eret goes to) EL0t
        return vectorEntry && (cpu.sysregs.spsrEl1 & 0xf) == 0 ? Where.EXCEPTION_REGS : null;
    }

    A64Cpu cpu() { return cpu; }

    DebugCpu cpuView() { return cpuView; }
}
