package org.multios.core.gdb;

import java.util.Locale;
import org.multios.core.debug.DebugCpu;
import org.multios.core.debug.DebugTarget;

/** The {@code monitor} commands ({@code qRcmd}): machine inspection GDB itself has no words for. */
final class GdbMonitor {
    static final String HELP = """
            monitor commands:
              info registers   all registers of the selected CPU, system registers included
              info tlb         the selected CPU's software TLB entries
              info mem         the selected CPU's current virtual-to-physical mappings
              reset            reset the machine (then: maintenance flush register-cache)
              trace on|off     switch the instruction trace (needs --trace FILE)
              phys on|off      memory accesses use physical (on) or virtual (off) addresses
              os on|off        threads are the guest OS's user threads, named by their command
                               line, with their own registers and address spaces (on), or the vCPUs (off)
            """;

    private final DebugTarget target;
    private boolean physical;
    private volatile boolean os;

    GdbMonitor(DebugTarget target) { this.target = target; }

    /** True while {@code monitor phys on}: GDB's addresses are physical. */
    boolean physical() { return physical; }

    /** True while {@code monitor os on}: GDB's threads are the guest OS's threads. */
    boolean os() { return os; }

    /** Runs one command on the selected CPU; returns the text to show. */
    String run(String line, DebugCpu cpu) {
        String cmd = line.trim().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
        return switch (cmd) {
            case "", "help" -> HELP;
            case "info registers", "info reg", "info r" -> cpu.infoRegisters();
            case "info tlb" -> cpu.infoTlb();
            case "info mem" -> cpu.infoMem();
            case "reset", "system_reset" -> {
                target.reset();
                yield "machine reset; run 'maintenance flush register-cache' to see the new state\n";
            }
            case "trace on", "trace off" -> target.setTrace(cmd.endsWith("on"))
                    ? "trace " + (cmd.endsWith("on") ? "on" : "off") + "\n"
                    : "no instruction trace to switch: start the machine with --trace FILE\n";
            case "phys on" -> { physical = true; yield "memory accesses use physical addresses\n"; }
            case "phys off" -> { physical = false; yield "memory accesses use virtual addresses\n"; }
            case "os on" -> {
                if (target.os() == null) yield "this machine runs no operating system the debugger knows; threads stay the CPUs\n";
                os = true;
                yield "threads are the guest's user threads; run 'info threads' (or 'maintenance flush register-cache')\n";
            }
            case "os off" -> { os = false; yield "threads are the CPUs\n"; }
            case "phys" -> "memory accesses use " + (physical ? "physical" : "virtual") + " addresses\n";
            default -> "unknown monitor command '" + GdbHex.abbreviate(line.trim()) + "'; try 'monitor help'\n";
        };
    }
}
