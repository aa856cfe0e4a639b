package org.multios.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.multios.boards.Firmware;
import org.multios.boards.arm64.Arm64VirtBoard;
import org.multios.boards.arm64.Arm64VirtConfig;
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
 * Guest MIPS of arm64-virt on the same CPU-bound {@code intmix} program as
 * {@link RiscvMipsBenchmark} (images/guest/riscv64/intmix.c built for AArch64 bare metal with
 * images/guest/arm64/intmix/rt.h, -O2 -mgeneral-regs-only; output recorded under
 * qemu-system-aarch64 -cpu cortex-a57, identical to the riscv64 run's).
 * <p>
 * {@link #mips}: a fresh board per invocation runs exactly {@value #SLICE} guest instructions
 * from reset; one JMH op is one guest instruction, so the ops/µs score is guest MIPS.
 * {@link #fullRun}: the whole program to PSCI SYSTEM_OFF, its console checked against QEMU's.
 */
@Fork(value = 1, jvmArgsAppend = {"-Xss8m", "--enable-native-access=ALL-UNNAMED", "-XX:MaxDirectMemorySize=1g"})
public class Arm64MipsBenchmark {
    /** Guest instructions per invocation of {@link #mips}. */
    public static final long SLICE = 100_000_000L;

    private static Path elf;

    static synchronized Path elf() {
        if (elf == null) {
            try (InputStream in = Arm64MipsBenchmark.class.getResourceAsStream("arm64-intmix.elf")) {
                Path dir = Files.createTempDirectory("multios-bench-arm64");
                dir.toFile().deleteOnExit();
                elf = dir.resolve("arm64-intmix.elf");
                Files.copy(in, elf);
                elf.toFile().deleteOnExit();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return elf;
    }

    static String expected() {
        try (InputStream in = Arm64MipsBenchmark.class.getResourceAsStream("arm64-intmix.expected")) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Arm64VirtBoard board(MemoryConsole console, long limit) {
        Arm64VirtConfig cfg = new Arm64VirtConfig().bios(new Firmware.None()).kernel(elf()).console(console);
        if (limit != Long.MAX_VALUE) cfg.maxInstructions(limit);
        try {
            return Arm64VirtBoard.create(cfg);
        } catch (org.multios.boards.BoardException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    @State(Scope.Thread)
    public static class SliceBoard {
        Arm64VirtBoard board;
        MemoryConsole console;

        @Setup(Level.Invocation)
        public void boot() {
            console = new MemoryConsole();
            board = board(console, SLICE);
        }
    }

    @State(Scope.Thread)
    public static class FullBoard {
        Arm64VirtBoard board;
        MemoryConsole console;

        @Setup(Level.Invocation)
        public void boot() {
            console = new MemoryConsole();
            board = board(console, Long.MAX_VALUE);
        }
    }

    /** Retired guest instructions, reported by JMH as a rate next to the primary score. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Retired {
        public long instructions;

        @Setup(Level.Iteration)
        public void reset() { instructions = 0; }
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @OperationsPerInvocation((int) SLICE)
    @Warmup(iterations = 2, time = 10)
    @Measurement(iterations = 4, time = 10)
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

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 0)
    @Measurement(iterations = 1)
    public long fullRun(FullBoard s, Retired retired) {
        int status = s.board.run();
        if (status != 0 || !s.board.stoppedByGuest() || !expected().equals(s.console.output())) {
            throw new IllegalStateException("intmix did not complete as under QEMU (status " + status + "):\n" + s.console.output());
        }
        long n = s.board.machine().retiredInstructions();
        retired.instructions += n;
        return n;
    }
}
