package org.multios.isa.arm64.gdb;

import java.util.List;
import org.multios.core.debug.DebugTarget;
import org.multios.core.machine.Machine;
import org.multios.core.trace.TraceSink;
import org.multios.isa.arm64.A64Cpu;

/** An AArch64 machine for the GDB stub: one thread per PE. */
public final class A64DebugTarget {
    private A64DebugTarget() {}

    /** @param trace the {@code --trace} sink that {@code monitor trace on|off} switches, or null */
    public static DebugTarget of(Machine machine, List<A64Cpu> pes, TraceSink trace) {
        return DebugTarget.of(machine, pes, A64DebugCpu::new, A64Cpu::setTrace, trace);
    }
}
