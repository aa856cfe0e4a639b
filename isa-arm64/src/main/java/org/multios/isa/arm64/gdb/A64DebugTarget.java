package org.multios.isa.arm64.gdb;

import java.util.ArrayList;
import java.util.List;
import org.multios.core.debug.DebugCpu;
import org.multios.core.debug.DebugTarget;
import org.multios.core.machine.Machine;
import org.multios.core.trace.TraceSink;
import org.multios.isa.arm64.A64Cpu;

/** An AArch64 machine for the GDB stub: one thread per PE. */
public final class A64DebugTarget implements DebugTarget {
    private final Machine machine;
    private final List<DebugCpu> cpus;
    private final List<A64Cpu> pes;
    private final TraceSink trace;

    /** @param trace the {@code --trace} sink that {@code monitor trace on|off} switches, or null */
    public A64DebugTarget(Machine machine, List<A64Cpu> pes, TraceSink trace) {
        this.machine = machine;
        this.pes = List.copyOf(pes);
        List<DebugCpu> list = new ArrayList<>();
        for (A64Cpu c : pes) list.add(new A64DebugCpu(c));
        this.cpus = List.copyOf(list);
        this.trace = trace;
    }

    @Override public Machine machine() { return machine; }
    @Override public List<DebugCpu> cpus() { return cpus; }

    @Override
    public boolean setTrace(boolean on) {
        if (trace == null) return false;
        for (A64Cpu c : pes) c.setTrace(on ? trace : null);
        return true;
    }
}
