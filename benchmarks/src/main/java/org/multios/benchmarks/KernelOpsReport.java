package org.multios.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link KernelOpsBenchmark} under JMH and prints, per kernel operation, the host
 * nanoseconds per operation on MultiOS and under qemu-riscv64 (from JMH's mean single-shot
 * times: (T(OP, N) - T(OP, 0)) / (N * ops per iteration)) beside the seed's target, and the
 * guest's own view of its loop (CLOCK_MONOTONIC between the timestamps around it: virtual
 * time on MultiOS, host time under qemu-riscv64), from one extra run of each.
 * <p>
 * {@code java -cp benchmarks/target/benchmarks.jar org.multios.benchmarks.KernelOpsReport
 * [--ops getppid,pingpong,...] [--engines multios,qemu] [--iterations K] [--warmup W] [--cpu-runs R] [--scale K] [--no-jmh]
 * [--arch riscv64|arm64]}; with {@code --arch arm64} (CPU figures only, {@code --no-jmh}) the aarch64
 * build of kbench runs on the kernel's arm64 port and under qemu-aarch64.
 */
public final class KernelOpsReport {
    private KernelOpsReport() {}

    public static void main(String[] args) throws RunnerException {
        try {
            report(args);
        } catch (IllegalStateException e) {
            // A guest run that fails (e.g. --scale too large for the guest's RAM) is one line, not a trace.
            System.err.println("KernelOpsReport: " + e.getMessage());
            System.exit(1);
        }
    }

    private static void report(String[] args) throws RunnerException {
        List<String> ops = Arrays.stream(KernelOp.values()).map(o -> o.arg).toList();
        List<String> engines = List.of("multios", "qemu");
        int iterations = 5, warmup = 2, cpuRuns = 5, scale = 1;
        boolean jmh = true;
        String arch = "riscv64";
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            if (a.equals("--no-jmh")) { jmh = false; continue; }
            if (v == null) usage("missing value after " + a);
            switch (a) {
                case "--cpu-runs" -> cpuRuns = number(a, v);
                case "--ops" -> ops = List.of(v.split(","));
                case "--engines" -> engines = List.of(v.split(","));
                case "--iterations" -> iterations = number(a, v);
                case "--warmup" -> warmup = number(a, v);
                case "--scale" -> scale = number(a, v);
                case "--arch" -> arch = v;
                default -> usage("unknown option " + a);
            }
            i++;
        }
        for (String op : ops) {
            try { KernelOp.byArg(op); } catch (IllegalArgumentException e) { usage(e.getMessage()); }
        }
        if (scale < 1) usage("--scale is a whole number from 1, not " + scale);
        if (!arch.equals("riscv64") && !arch.equals("arm64")) usage("--arch is riscv64 or arm64, not " + arch);
        if (!arch.equals("riscv64") && jmh) usage("the JMH part is riscv64 only: use --no-jmh with --arch " + arch);
        Map<String, double[]> ms = new HashMap<>(); // "engine/op/loop" -> mean ms, error
        if (jmh) {
            ChainedOptionsBuilder opt = new OptionsBuilder().include(KernelOpsBenchmark.class.getName() + ".run")
                    .param("op", ops.toArray(String[]::new)).param("engine", engines.toArray(String[]::new))
                    .measurementIterations(iterations).warmupIterations(warmup).measurementTime(TimeValue.NONE);
            for (RunResult r : new Runner(opt.build()).run()) {
                var p = r.getParams();
                ms.put(p.getParam("engine") + "/" + p.getParam("op") + "/" + p.getParam("loop"),
                        new double[] {r.getPrimaryResult().getScore(), r.getPrimaryResult().getScoreError()});
            }
        }
        Kbench kbench = new Kbench(arch);
        List<String> rows = new ArrayList<>();
        rows.add(String.format("%-9s %-8s %8s | %14s %14s | %11s %11s | %11s %13s  %s", "op", "target", "N", "multios wall",
                "qemu wall", "multios CPU", "qemu CPU", "virtual", "qemu in-guest", "what"));
        for (String name : ops) {
            KernelOp op = KernelOp.byArg(name);
            long ops1 = (long) op.iterations * op.opsPerIteration;
            // --scale K: the CPU columns run K times the op's N, so one-time warm-up (decoding, the
            // JIT compiling the kernel's and the emulator's paths) weighs K times less: steady state.
            long n = (long) op.iterations * scale, opsCpu = n * op.opsPerIteration;
            String ours = perOp(ms, "multios", name, ops1), qemu = perOp(ms, "qemu", name, ops1);
            String virt = "-", inGuest = "-", oursCpu = "-", qemuCpu = "-";
            if (engines.contains("multios")) {
                long best0 = Long.MAX_VALUE, bestN = Long.MAX_VALUE, virtual = 0;
                for (int r = 0; r < cpuRuns; r++) {
                    Kbench.MultiosRun zero = kbench.multios(name, 0);
                    zero.run();
                    best0 = Math.min(best0, zero.cpuNanos);
                    Kbench.MultiosRun full = kbench.multios(name, n);
                    virtual = full.run();
                    bestN = Math.min(bestN, full.cpuNanos);
                }
                virt = String.format("%.1f", virtual / (double) opsCpu);
                oursCpu = String.format("%.0f", (bestN - best0) / (double) opsCpu);
            }
            if (engines.contains("qemu")) {
                long best0 = Long.MAX_VALUE, bestN = Long.MAX_VALUE;
                for (int r = 0; r < cpuRuns; r++) {
                    best0 = Math.min(best0, kbench.qemuCpuNanos(name, 0));
                    bestN = Math.min(bestN, kbench.qemuCpuNanos(name, n));
                }
                qemuCpu = String.format("%.0f", (bestN - best0) / (double) opsCpu);
                inGuest = String.format("%.1f", kbench.qemu(name, n) / (double) opsCpu);
            }
            rows.add(String.format("%-9s %-8s %8d | %14s %14s | %11s %11s | %11s %13s  %s", name, op.target, n, ours,
                    qemu, oursCpu, qemuCpu, virt, inGuest, op.what));
        }
        kbench.close();
        System.out.println();
        System.out.println("Kernel operations (" + arch + "), host ns per operation = (T(OP,N) - T(OP,0)) / (N * ops per iteration);");
        System.out.println("wall: JMH mean single-shot times; CPU: best of " + cpuRuns + " runs (machine thread / qemu user+sys);");
        System.out.println("virtual: the guest's CLOCK_MONOTONIC around its loop on MultiOS; qemu in-guest: the same under qemu-riscv64");
        rows.forEach(System.out::println);
    }

    private static String perOp(Map<String, double[]> ms, String engine, String op, long ops) {
        double[] m = ms.get(engine + "/" + op + "/measured"), b = ms.get(engine + "/" + op + "/baseline");
        if (m == null || b == null) return "-";
        double ns = (m[0] - b[0]) * 1e6 / ops;
        double err = (nanToZero(m[1]) + nanToZero(b[1])) * 1e6 / ops;
        return String.format("%.0f±%.0f", ns, err);
    }

    private static double nanToZero(double d) { return Double.isNaN(d) ? 0 : d; }

    private static int number(String option, String v) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            usage(option + " needs a number, not '" + v + "'");
            return 0;
        }
    }

    private static void usage(String why) {
        System.err.println("KernelOpsReport: " + why
                + " (usage: KernelOpsReport [--ops getppid,pingpong,...] [--engines multios,qemu] [--iterations K] [--warmup W] [--cpu-runs R] [--scale K] [--no-jmh] [--arch riscv64|arm64])");
        System.exit(2);
    }
}
