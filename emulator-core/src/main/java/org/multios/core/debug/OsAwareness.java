package org.multios.core.debug;

import java.util.List;

/**
 * What an operating system running in the guest tells the debugger about itself, for
 * {@code monitor os on}: its user threads, each with the registers of its saved context (or the
 * CPU's, while it runs) and its process's address space, so that GDB can select a process by
 * thread and see that process's memory. Called only while the machine is paused.
 */
public interface OsAwareness {
    /** The OS's user threads now, ascending by {@link OsThread#id()}. */
    List<OsThread> threads();

    /** The thread whose user state CPU {@code cpu} holds at this instruction boundary, or 0 if none (idle, kernel). */
    long threadOnCpu(int cpu);

    /** One user thread: a {@link DebugCpu} whose registers and translations are the thread's. */
    interface OsThread extends DebugCpu {
        /** Positive, unique while the thread lives (the OS's thread id). */
        long id();

        /** What GDB shows as the thread's name: its process's command line. */
        String name();
    }
}
