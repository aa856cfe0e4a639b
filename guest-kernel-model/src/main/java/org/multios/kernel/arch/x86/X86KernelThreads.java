package org.multios.kernel.arch.x86;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.multios.core.debug.DebugCpu;
import org.multios.core.debug.OsAwareness;
import org.multios.isa.x86.X86Cpu;
import org.multios.isa.x86.mmu.X86PageWalker;
import org.multios.kernel.Kernel;
import org.multios.kernel.proc.Process;
import org.multios.kernel.proc.Task;

/**
 * The MultiOS kernel's user threads for the x86-64 GDB stub ({@code monitor os on}) under
 * {@code run --arch x86_64}: every live task, named by its process's command line, with the
 * registers of its saved context, or the CPU's while it is the one on the CPU.
 * <p>
 * At an instruction boundary the CPU is at CPL 3 running {@link Kernel#current()}, or at one of
 * the kernel page's vmcall entries (trap taken: the GPRs are still the task's; RIP, RFLAGS and
 * RSP are in RCX/R11/RSP after SYSCALL or in the interrupt frame after an IDT gate), or at its
 * iretq/sysretq exit (the next task's GPRs loaded; RIP, RFLAGS, RSP in the frame or RCX/R11/RSP),
 * or in the kernel idle loop (no task on the CPU).
 */
public final class X86KernelThreads implements OsAwareness {
    private final Kernel kernel;
    private final X86Cpu cpu;
    private final DebugCpu cpuView;

    /** @param cpuView the CPU's own debug view (control registers and hooks are the CPU's, whichever thread is selected) */
    public X86KernelThreads(Kernel kernel, X86Cpu cpu, DebugCpu cpuView) {
        this.kernel = kernel;
        this.cpu = cpu;
        this.cpuView = cpuView;
    }

    @Override
    public List<OsThread> threads() {
        List<OsThread> out = new ArrayList<>();
        for (Process p : kernel.processes()) {
            if (p.zombie) continue;
            for (Task t : p.threads) if (t.state != Task.State.DEAD) out.add(new X86TaskThread(this, t));
        }
        out.sort(Comparator.comparingLong(OsThread::id));
        return out;
    }

    @Override
    public long threadOnCpu(int cpuIndex) {
        Task t = liveTask();
        return t == null ? 0 : t.tid;
    }

    /** Where the CPU holds the live task's RIP, RFLAGS and RSP. */
    enum Where { CPU, SYSCALL_REGS, FRAME }

    /** The task whose user registers are on the CPU now, or null. */
    Task liveTask() {
        Task t = kernel.current();
        if (t == null || t.state == Task.State.DEAD) return null;
        return where() == null ? null : t;
    }

    /** How the live task's RIP/RFLAGS/RSP are held, or null when no task's state is on the CPU. */
    Where where() {
        if (cpu.cpl == 3) return Where.CPU;
        long rip = cpu.rip;
        if (rip == X86Port.VECTOR_VA || rip == X86Port.EXIT_SYSRET) return Where.SYSCALL_REGS;
        if (rip == X86Port.EXIT_IRET) return (frameWord(1) & 3) == 3 ? Where.FRAME : null; // the idle loop's frame is CPL 0
        if (rip >= X86Port.GATES && rip < X86Port.GATES + 8 * 256 && (rip & 7) == 0) return Where.FRAME;
        return null;
    }

    /** Word i (0 rip, 1 cs, 2 rflags, 3 rsp) of the interrupt frame at RSP, past an error code at a gate that has one. */
    long frameWord(int i) {
        long sp = cpu.gpr[X86Cpu.RSP];
        long rip = cpu.rip;
        if (rip != X86Port.EXIT_IRET) {
            int v = (int) ((rip - X86Port.GATES) >>> 3);
            if (v < 64 && (X86Port.ERROR_CODE_VECTORS & (1L << v)) != 0) sp += 8;
        }
        return cpu.readLinear(sp + 8L * i, 8, X86PageWalker.READ);
    }

    X86Cpu cpu() { return cpu; }

    DebugCpu cpuView() { return cpuView; }
}
