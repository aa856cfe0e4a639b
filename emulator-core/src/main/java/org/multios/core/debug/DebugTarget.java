package org.multios.core.debug;

import java.util.List;
import org.multios.core.machine.Machine;

/**
 * A machine as the GDB stub sees it: the machine (pause, resume, reset, bus) and one
 * {@link DebugCpu} per vCPU, which GDB shows as threads {@code 1..n}.
 */
public interface DebugTarget {
    Machine machine();

    List<DebugCpu> cpus();

    /** Turns the instruction trace on or off ({@code monitor trace on|off}); false if there is none to switch. */
    default boolean setTrace(boolean on) { return false; }

    /** Resets the machine ({@code monitor reset}); called while paused. */
    default void reset() { machine().reset(); }

    /** A target over a machine and its CPUs' debug views. */
    static DebugTarget of(Machine machine, List<? extends DebugCpu> cpus) {
        List<DebugCpu> list = List.copyOf(cpus);
        return new DebugTarget() {
            @Override public Machine machine() { return machine; }
            @Override public List<DebugCpu> cpus() { return list; }
        };
    }
}
