package org.multios.kernel.debug;

import java.util.List;
import java.util.function.Supplier;
import org.multios.core.debug.DebugCpu;
import org.multios.core.debug.OsAwareness;
import org.multios.isa.riscv.RvCpu;
import org.multios.kernel.Kernel;

/**
 * {@link KernelThreads} for a machine that boots through firmware: the kernel only exists once
 * the bootloader has jumped to it (native call 2), so until then the OS has no threads and the
 * debugger sees the bare hart (firmware, bootloader).
 */
public final class LateKernelThreads implements OsAwareness {
    private final Supplier<Kernel> kernel;
    private final RvCpu hart;
    private final DebugCpu hartView;
    private KernelThreads threads;

    public LateKernelThreads(Supplier<Kernel> kernel, RvCpu hart, DebugCpu hartView) {
        this.kernel = kernel;
        this.hart = hart;
        this.hartView = hartView;
    }

    private KernelThreads live() {
        if (threads == null) {
            Kernel k = kernel.get();
            if (k != null) threads = new KernelThreads(k, hart, hartView);
        }
        return threads;
    }

    @Override
    public List<OsThread> threads() {
        KernelThreads t = live();
        return t == null ? List.of() : t.threads();
    }

    @Override
    public long threadOnCpu(int cpu) {
        KernelThreads t = live();
        return t == null ? 0 : t.threadOnCpu(cpu);
    }
}
