package org.multios.benchmarks;

/**
 * The kernel operations the {@code kbench} guest (images/guest/riscv64-linux/kbench.c) can
 * loop over, with the iteration count each is measured at and the seed's target
 * (../shared/seed/multios-architecture.md, "Performance targets").
 * <p>
 * Counts are chosen so the measured loop takes from a few hundred milliseconds to a couple
 * of seconds on both engines: long enough that start-up jitter is small beside it, short
 * enough for a JMH run of all of them in a few minutes on a loaded 2-core host.
 */
public enum KernelOp {
    EMPTY("empty", 1_000_000, 1, "-", "the loop itself"),
    NULL_SYSCALL("getppid", 100_000, 1, "< 100 ns", "null syscall (raw ecall getppid)"),
    CONTEXT_SWITCH("pingpong", 5_000, 2, "< 1 µs", "context switch (pipe ping-pong, 2 switches per round trip)"),
    FORK("fork", 100, 1, "< 50 µs", "fork + _exit + wait4"),
    PAGE_FAULT("fault", 4_096, 1, "-", "anonymous page fault (demand-zero, first touch)"),
    PAGE_ALLOC("mmap", 1_000, 1, "O(1)", "page allocation via the guest (mmap 1 page + touch + munmap)");

    /** kbench's argument. */
    public final String arg;
    /** Iterations in the measured run (the baseline run does 0). */
    public final int iterations;
    /** Operations per iteration (a ping-pong round trip is two context switches). */
    public final int opsPerIteration;
    public final String target;
    public final String what;

    KernelOp(String arg, int iterations, int opsPerIteration, String target, String what) {
        this.arg = arg;
        this.iterations = iterations;
        this.opsPerIteration = opsPerIteration;
        this.target = target;
        this.what = what;
    }

    public static KernelOp byArg(String arg) {
        for (KernelOp op : values()) if (op.arg.equals(arg)) return op;
        throw new IllegalArgumentException("unknown kbench operation " + arg);
    }
}
