package org.multios.kernel.arch.arm64;

import java.util.List;
import java.util.function.Supplier;
import org.multios.core.debug.DebugCpu;
import org.multios.core.debug.OsAwareness;
import org.multios.isa.arm64.A64Cpu;
import org.multios.kernel.Kernel;

/**
 * {@link Arm64KernelThreads} for {@code boot --arch arm64}: the kernel exists only once stage 2
 * has entered it through the stub's native call, and a reboot through the reset vector builds a
 * new one, so the view follows whichever kernel the boot holds now; before the first entry
 * (flash firmware, stage 2) the OS has no threads and the debugger sees the bare CPU.
 */
public final class Arm64LateKernelThreads implements OsAwareness {
    private final Supplier<Kernel> kernel;
    private final A64Cpu cpu;
    private final DebugCpu cpuView;
    private Kernel seen;
    private Arm64KernelThreads threads;

    /** @param cpu the boot CPU, the one the kernel runs on */
    public Arm64LateKernelThreads(Supplier<Kernel> kernel, A64Cpu cpu, DebugCpu cpuView) {
        this.kernel = kernel;
        this.cpu = cpu;
        this.cpuView = cpuView;
    }

    private Arm64KernelThreads live() {
        Kernel k = kernel.get();
        if (k != seen) {
            seen = k;
            threads = k == null ? null : new Arm64KernelThreads(k, cpu, cpuView);
        }
        return threads;
    }

    @Override
    public List<OsThread> threads() {
        Arm64KernelThreads t = live();
        return t == null ? List.of() : t.threads();
    }

    @Override
    public long threadOnCpu(int cpuIndex) {
        Arm64KernelThreads t = live();
        return t == null || cpuIndex != cpu.index() ? 0 : t.threadOnCpu(cpuIndex);
    }
}
