package org.multios.core.debug;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.multios.core.machine.Machine;
import org.multios.core.trace.TraceSink;

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

    /** The guest OS's view of its threads for {@code monitor os on}, or null when the machine runs none we know. */
    default OsAwareness os() { return null; }

    /** The same target with an OS's threads ({@code run --gdb}: the MultiOS kernel's processes). */
    static DebugTarget withOs(DebugTarget base, OsAwareness os) {
        return new DebugTarget() {
            @Override public Machine machine() { return base.machine(); }
            @Override public List<DebugCpu> cpus() { return base.cpus(); }
            @Override public boolean setTrace(boolean on) { return base.setTrace(on); }
            @Override public void reset() { base.reset(); }
            @Override public OsAwareness os() { return os; }
        };
    }

    /** A target over a machine and its CPUs' debug views. */
    static DebugTarget of(Machine machine, List<? extends DebugCpu> cpus) {
        List<DebugCpu> list = List.copyOf(cpus);
        return new DebugTarget() {
            @Override public Machine machine() { return machine; }
            @Override public List<DebugCpu> cpus() { return list; }
        };
    }

    /**
     * A target over a machine's CPUs of one ISA: {@code view} makes each CPU's debug view, and
     * {@code monitor trace on|off} hands {@code trace} (the {@code --trace} sink, or null when the
     * run has none) to every CPU through {@code setTrace}.
     */
    static <C> DebugTarget of(Machine machine, List<C> cpus, Function<C, DebugCpu> view,
                              BiConsumer<C, TraceSink> setTrace, TraceSink trace) {
        List<C> own = List.copyOf(cpus);
        List<DebugCpu> views = new ArrayList<>();
        for (C c : own) views.add(view.apply(c));
        List<DebugCpu> list = List.copyOf(views);
        return new DebugTarget() {
            @Override public Machine machine() { return machine; }
            @Override public List<DebugCpu> cpus() { return list; }

            @Override
            public boolean setTrace(boolean on) {
                if (trace == null) return false;
                for (C c : own) setTrace.accept(c, on ? trace : null);
                return true;
            }
        };
    }
}
