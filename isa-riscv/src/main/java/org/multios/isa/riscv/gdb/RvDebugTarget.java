package org.multios.isa.riscv.gdb;

import java.util.List;
import org.multios.core.debug.DebugTarget;
import org.multios.core.machine.Machine;
import org.multios.core.trace.TraceSink;
import org.multios.isa.riscv.RvCpu;

/**
 * A RISC-V machine for the GDB stub: one thread per hart. Boards create it next to the
 * machine: {@code GdbServer.start(RvDebugTarget.of(machine, harts, traceSink), "[HOST:]PORT")}.
 */
public final class RvDebugTarget {
    private RvDebugTarget() {}

    /** @param trace the {@code --trace} sink that {@code monitor trace on|off} switches, or null */
    public static DebugTarget of(Machine machine, List<RvCpu> harts, TraceSink trace) {
        return DebugTarget.of(machine, harts, RvDebugCpu::new, RvCpu::setTrace, trace);
    }
}
