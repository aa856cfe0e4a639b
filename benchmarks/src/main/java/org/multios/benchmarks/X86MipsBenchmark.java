package org.multios.benchmarks;

import java.util.concurrent.TimeUnit;
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
 * Guest MIPS of the x86-64 CPU on the same {@code intmix} program the riscv64 figure uses
 * ({@link X86Intmix}: the C source unchanged, built for x86-64). One JMH op is one guest
 * instruction, so the primary score in ops/µs is guest MIPS. {@link #mipsWarm} keeps one
 * guest across invocations (decodings cached); a fresh guest is loaded, untimed, when the
 * program would end within the next slice. The host's own time for the program is
 * {@code benchmarks/x86_64/native/intmix-native} (built by build.sh), in docs/x86_64.md.
 */
@Fork(value = 1, jvmArgsAppend = {"-Xss8m", "--enable-native-access=ALL-UNNAMED"})
public class X86MipsBenchmark {
    /** Guest instructions per invocation. */
    public static final long SLICE = 50_000_000L;

    @State(Scope.Thread)
    public static class Warm {
        X86Intmix guest;
        long executed;

        @Setup(Level.Invocation)
        public void ensureRoom() {
            if (guest != null && executed + SLICE < X86Intmix.INSTRUCTIONS - SLICE) return;
            guest = new X86Intmix("intmix.elf");
            executed = guest.cpu.run(SLICE); // untimed warm-up of a new guest
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @OperationsPerInvocation((int) SLICE)
    @Warmup(iterations = 2, time = 10)
    @Measurement(iterations = 5, time = 10)
    public long mipsWarm(Warm w) {
        long n = w.guest.cpu.run(SLICE);
        if (n != SLICE) throw new IllegalStateException("intmix stopped after " + n + " instructions of the slice");
        w.executed += n;
        return n;
    }
}
