package org.multios.kernel.arch.x86;

import java.util.List;
import java.util.function.Supplier;
import org.multios.core.debug.DebugCpu;
import org.multios.core.debug.OsAwareness;
import org.multios.isa.x86.X86Cpu;
import org.multios.kernel.Kernel;

/**
 * {@link X86KernelThreads} for {@code boot --arch x86_64}: the kernel exists only once stage 2 has
 * entered it through the stub's vmcall, and a reboot through the reset vector builds a new one, so
 * the view follows whichever kernel the boot holds now; before the first entry (ROM, stage 2) the
 * OS has no threads and the debugger sees the bare CPU.
 */
public final class X86LateKernelThreads implements OsAwareness {
    private final Supplier<Kernel> kernel;
    private final X86Cpu cpu;
    private final DebugCpu cpuView;
    private Kernel seen;
    private X86KernelThreads threads;

    public X86LateKernelThreads(Supplier<Kernel> kernel, X86Cpu cpu, DebugCpu cpuView) {
        this.kernel = kernel;
        this.cpu = cpu;
        this.cpuView = cpuView;
    }

    private X86KernelThreads live() {
        Kernel k = kernel.get();
        if (k != seen) {
            seen = k;
            threads = k == null ? null : new X86KernelThreads(k, cpu, cpuView);
        }
        return threads;
    }

    @Override
    public List<OsThread> threads() {
        X86KernelThreads t = live();
        return t == null ? List.of() : t.threads();
    }

    @Override
    public long threadOnCpu(int cpuIndex) {
        X86KernelThreads t = live();
        return t == null ? 0 : t.threadOnCpu(cpuIndex);
    }
}
