package org.multios.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.multios.boards.riscv.RiscvVirtBoard;
import org.multios.devices.console.MemoryConsole;

/**
 * Runs intmix to completion a few times in one JVM and prints, per run, the retired
 * instructions, the wall time and the resulting MIPS: the plain "how long does the program
 * take" figure benchmarks/compare-qemu.sh puts next to QEMU's. The first run includes JIT
 * warm-up, as a user's {@code ./multios machine} run would. The machine runs in this thread,
 * so its CPU time is printed too: on a loaded host, instructions per CPU-second is the steadier
 * figure.
 * <p>
 * {@code java -cp benchmarks/target/benchmarks.jar org.multios.benchmarks.IntmixRun [RUNS]}
 */
public final class IntmixRun {
    private IntmixRun() {}

    public static void main(String[] args) {
        int runs = 3;
        if (args.length > 0) {
            try {
                runs = Integer.parseInt(args[0]);
            } catch (NumberFormatException e) {
                System.err.println("IntmixRun: RUNS must be a number, not '" + args[0] + "'");
                System.exit(2);
            }
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (int i = 1; i <= runs; i++) {
            MemoryConsole console = new MemoryConsole();
            RiscvVirtBoard board = IntmixBoard.create(console, Long.MAX_VALUE);
            long t0 = System.nanoTime(), c0 = threads.getCurrentThreadCpuTime();
            int status = board.run();
            long nanos = System.nanoTime() - t0, cpu = threads.getCurrentThreadCpuTime() - c0;
            try {
                IntmixBoard.checkComplete(console, status);
            } catch (IllegalStateException e) {
                System.err.println("IntmixRun: " + e.getMessage());
                System.exit(1);
            }
            long n = board.machine().retiredInstructions();
            System.out.printf("run %d: instructions=%d seconds=%.3f mips=%.1f cpu-seconds=%.3f mips-per-cpu-second=%.1f%n",
                    i, n, nanos / 1e9, n * 1e3 / nanos, cpu / 1e9, n * 1e3 / cpu);
        }
    }
}
