package org.multios.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Kernel operations measured as whole runs of the {@code kbench} guest (a static glibc
 * riscv64 program): single-shot host wall time of {@code kbench OP N} ({@code loop=measured})
 * and of {@code kbench OP 0} ({@code loop=baseline}), on MultiOS (the Java kernel on the
 * emulated hart, started as {@code multios run} starts it, in this JVM) or under
 * {@code qemu-riscv64} (a host process). The per-operation figure is
 * {@code (T(measured) - T(baseline)) / (N * opsPerIteration)}: exec, libc start-up, the
 * operation's own set-up and exit are in both runs and cancel; what is left is the N
 * iterations, loop included ({@code op=empty} shows what the loop alone costs).
 * {@link KernelOpsReport} runs this benchmark and prints that table.
 * <p>
 * For MultiOS the ELF load happens in {@code @Setup(Level.Invocation)} (untimed, and the same
 * in both runs); for qemu the whole process, start-up included, is timed.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xss8m", "--enable-native-access=ALL-UNNAMED", "-XX:MaxDirectMemorySize=2g"})
public class KernelOpsBenchmark {
    @Param({"multios", "qemu"})
    public String engine;

    @Param({"empty", "getppid", "pingpong", "fork", "fault", "mmap"})
    public String op;

    @Param({"baseline", "measured"})
    public String loop;

    private Kbench kbench;
    private long n;
    private Kbench.MultiosRun prepared;

    @Setup(Level.Trial)
    public void extract() {
        kbench = new Kbench();
        n = "measured".equals(loop) ? KernelOp.byArg(op).iterations : 0;
    }

    @Setup(Level.Invocation)
    public void prepare() {
        if ("multios".equals(engine)) prepared = kbench.multios(op, n);
    }

    @Benchmark
    public long run() {
        if ("multios".equals(engine)) return prepared.run();
        return kbench.qemu(op, n);
    }

    @TearDown(Level.Trial)
    public void cleanUp() { kbench.close(); }
}
