package org.multios.benchmarks;

import java.util.concurrent.TimeUnit;
import org.multios.boards.riscv.RiscvVirtBoard;
import org.multios.core.machine.Cpu;
import org.multios.core.machine.Machine;
import org.multios.core.time.VirtualClock;
import org.multios.devices.console.MemoryConsole;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Guest MIPS of riscv64-virt on the CPU-bound {@code intmix} program (hashing, sorting,
 * CRC-32, matrix multiply; docs/images.md).
 * <p>
 * {@link #mips}: every invocation boots a fresh board and runs exactly
 * {@value #SLICE} guest instructions from reset. With {@code @OperationsPerInvocation(SLICE)},
 * one JMH "op" is one guest instruction, and in ops/µs <b>the primary score is guest MIPS</b>.
 * The {@code instructions} secondary score counts what the machine actually retired (the
 * same number unless a run stopped early, which fails the benchmark).
 * <p>
 * {@link #mipsWarm}: the same slices on a board kept across invocations (steady state: the
 * emulator's decoding and guest JIT warm-up happen in untimed set-up).
 * <p>
 * {@link #fullRun}: single-shot time of the whole program (about 1.83 billion instructions)
 * from a fresh board to the test finisher, checked against QEMU's recorded output; the figure
 * to put next to {@code qemu-system-riscv64}'s wall time (benchmarks/compare-qemu.sh).
 */
// Every invocation boots a board with 128 MiB of off-heap RAM (freed by the GC once
// unreachable); a 1 GiB direct-memory cap makes the JVM collect old boards early.
@Fork(value = 1, jvmArgsAppend = {"-Xss8m", "--enable-native-access=ALL-UNNAMED", "-XX:MaxDirectMemorySize=1g"})
public class RiscvMipsBenchmark {
    /** Guest instructions per invocation of {@link #mips}: intmix's first ~330 rounds. */
    public static final long SLICE = 200_000_000L;

    /** A new board per invocation: a run that reached its limit cannot continue. */
    @State(Scope.Thread)
    public static class SliceBoard {
        RiscvVirtBoard board;
        MemoryConsole console;

        @Setup(Level.Invocation)
        public void boot() {
            console = new MemoryConsole();
            board = IntmixBoard.create(console, SLICE);
        }
    }

    @State(Scope.Thread)
    public static class FullBoard {
        RiscvVirtBoard board;
        MemoryConsole console;

        @Setup(Level.Invocation)
        public void boot() {
            console = new MemoryConsole();
            board = IntmixBoard.create(console, Long.MAX_VALUE);
        }
    }

    /**
     * One board kept across invocations, so the emulator's own warm-up (decoding, the JIT
     * tier compiling hot guest blocks) is paid once per board and not in every measurement.
     * A new board is booted (untimed) when intmix would end within the next slice.
     */
    @State(Scope.Thread)
    public static class WarmBoard {
        /** intmix retires 1,829,252,815 instructions; stay clear of its end. */
        static final long USABLE = 1_700_000_000L;
        /** Run untimed on every new board before it is measured. */
        static final long WARM_UP = 100_000_000L;

        RiscvVirtBoard board;
        MemoryConsole console;
        long executed;

        @Setup(Level.Invocation)
        public void ensureRoom() {
            if (board != null && executed + SLICE <= USABLE) return;
            console = new MemoryConsole();
            board = IntmixBoard.create(console, Long.MAX_VALUE);
            executed = 0;
            executed += runSlice(board, WARM_UP);
        }
    }

    /**
     * Runs exactly {@code n} instructions of hart 0 the way {@link Machine#run()} does (slices of
     * at most {@link Machine#QUANTUM}, the virtual clock advanced and its events fired after
     * each), but resumable: Machine.run() cannot continue once its instruction limit stopped it.
     */
    static long runSlice(RiscvVirtBoard board, long n) {
        Cpu hart = board.machine().cpus().get(0);
        VirtualClock clock = board.clock();
        long done = 0;
        while (done < n) {
            long budget = Math.min(Math.min(Machine.QUANTUM, clock.instructionsUntilDeadline()), n - done);
            clock.setInFlight(0);
            long r = budget > 0 ? hart.run(budget) : 0;
            if (r > 0) clock.retire(r);
            else if (hart.isWaiting() || board.stoppedByGuest()) {
                throw new IllegalStateException("intmix stopped running after " + done + " instructions of the slice");
            }
            clock.fireDue();
            done += r;
        }
        return done;
    }

    /** Retired guest instructions, reported by JMH as a rate next to the primary score. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Retired {
        public long instructions;

        /** JMH turns the counter into a rate per iteration: start each iteration from zero. */
        @Setup(Level.Iteration)
        public void reset() { instructions = 0; }
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @OperationsPerInvocation((int) SLICE)
    @Warmup(iterations = 3, time = 10)
    @Measurement(iterations = 5, time = 10)
    public long mips(SliceBoard s, Retired retired) {
        s.board.run();
        long n = s.board.machine().retiredInstructions();
        if (s.board.stoppedByGuest() || n != SLICE) {
            throw new IllegalStateException("intmix stopped after " + n + " instructions: "
                    + s.board.machine().stopReason() + "\n" + s.console.output());
        }
        retired.instructions += n;
        return n;
    }

    /**
     * Steady-state guest MIPS: the same 200-million-instruction slices as {@link #mips}, on a
     * board that has already run (so its decoded blocks and compiled guest code are warm).
     */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @OperationsPerInvocation((int) SLICE)
    @Warmup(iterations = 3, time = 10)
    @Measurement(iterations = 5, time = 10)
    public long mipsWarm(WarmBoard s, Retired retired) {
        long n = runSlice(s.board, SLICE);
        s.executed += n;
        retired.instructions += n;
        return n;
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 1)
    @Measurement(iterations = 3)
    public long fullRun(FullBoard s, Retired retired) {
        int status = s.board.run();
        IntmixBoard.checkComplete(s.console, status);
        long n = s.board.machine().retiredInstructions();
        retired.instructions += n;
        return n;
    }
}
