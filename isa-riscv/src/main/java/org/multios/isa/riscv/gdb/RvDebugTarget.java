package org.multios.isa.riscv.gdb;

import java.util.ArrayList;
import java.util.List;
import org.multios.core.debug.DebugCpu;
import org.multios.core.debug.DebugTarget;
import org.multios.core.machine.Machine;
import org.multios.core.trace.TraceSink;
import org.multios.isa.riscv.RvCpu;

/**
 * A RISC-V machine for the GDB stub: one thread per hart. Boards create it next to the
 * machine: {@code GdbServer.start(new RvDebugTarget(machine, harts, traceSink), "[HOST:]PORT")}.
 */
public final class RvDebugTarget implements DebugTarget {
    private final Machine machine;
    private final List<DebugCpu> cpus;
    private final List<RvCpu> harts;
    private final TraceSink trace;

    /** @param trace the {@code --trace} sink that {@code monitor trace on|off} switches, or null */
    public RvDebugTarget(Machine machine, List<RvCpu> harts, TraceSink trace) {
        this.machine = machine;
        this.harts = List.copyOf(harts);
        List<DebugCpu> list = new ArrayList<>();
        for (RvCpu h : harts) list.add(new RvDebugCpu(h));
        this.cpus = List.copyOf(list);
        this.trace = trace;
    }

    @Override public Machine machine() { return machine; }
    @Override public List<DebugCpu> cpus() { return cpus; }

    @Override
    public boolean setTrace(boolean on) {
        if (trace == null) return false;
        for (RvCpu h : harts) h.setTrace(on ? trace : null);
        return true;
    }
}
