package org.multios.isa.x86.gdb;

import java.util.List;
import org.multios.core.debug.DebugTarget;
import org.multios.core.machine.Machine;
import org.multios.isa.x86.X86Cpu;

/**
 * An x86-64 machine for the GDB stub: one thread per logical processor. The board starts it with
 * {@code GdbServer.start(X86DebugTarget.of(machine, cpus), "[HOST:]PORT")}. The x86 CPU has no
 * instruction trace, so {@code monitor trace} is refused.
 */
public final class X86DebugTarget {
    private X86DebugTarget() {}

    public static DebugTarget of(Machine machine, List<X86Cpu> cpus) {
        return DebugTarget.of(machine, cpus.stream().map(X86DebugCpu::new).toList());
    }
}
