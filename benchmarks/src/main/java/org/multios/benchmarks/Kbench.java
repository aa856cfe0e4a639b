package org.multios.benchmarks;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.multios.kernel.arch.riscv.RiscvUserRun;

/**
 * The {@code kbench} guest program (prebuilt static riscv64 ELF, a classpath resource of the
 * images module) and the two ways of running it: a MultiOS user process exactly as
 * {@code multios run} starts one ({@link RiscvUserRun}, in this JVM), or {@code qemu-riscv64}
 * as a host process. Both check the guest's output ("OP N NANOS", exit 0), so a benchmark of a
 * broken run fails instead of timing it.
 */
public final class Kbench {
    static final String RESOURCE = "/org/multios/images/riscv64-linux/kbench";
    /** The same C built for aarch64 (images/guest/arm64-linux/build.sh), run by the kernel's arm64 port. */
    static final String RESOURCE_ARM64 = "/org/multios/images/arm64-linux/kbench";

    /** "riscv64" or "arm64": which build of kbench, which MultiOS port, which qemu-user. */
    private final String arch;
    private final String qemuUser;
    /** RAM of the MultiOS run: the fault benchmark touches 16 MiB. */
    static final long MEMORY = 128L << 20;

    private final Path dir;
    private final Path program;

    /** Copies the guest out of the jar into a fresh temporary directory (its working directory). */
    public Kbench() { this("riscv64"); }

    /** The kbench of {@code arch} (riscv64 or arm64). */
    public Kbench(String arch) {
        if (!arch.equals("riscv64") && !arch.equals("arm64")) throw new IllegalArgumentException("no kbench for arch " + arch + " (riscv64, arm64)");
        this.arch = arch;
        this.qemuUser = arch.equals("arm64") ? "qemu-aarch64" : "qemu-riscv64";
        String resource = arch.equals("arm64") ? RESOURCE_ARM64 : RESOURCE;
        try (InputStream in = Kbench.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("kbench guest missing from the class path (" + resource + ")");
            dir = Files.createTempDirectory("kbench");
            program = dir.resolve("kbench");
            Files.write(program, in.readAllBytes());
            program.toFile().setExecutable(true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path program() { return program; }

    /** A MultiOS run of {@code kbench op n}, set up (ELF loaded) but not started. */
    public final class MultiosRun {
        final java.util.function.IntSupplier run;
        final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        final String op;
        final long n;

        MultiosRun(String op, long n) {
            this.op = op;
            this.n = n;
            try {
                List<String> argv = List.of(program.toString(), op, Long.toString(n));
                if (arch.equals("arm64")) {
                    var r = new org.multios.kernel.arch.arm64.Arm64UserRun(program, argv, List.of(), dir, List.of(),
                            MEMORY, new ByteArrayInputStream(new byte[0]), out, err, new PrintStream(err, true), Long.MAX_VALUE);
                    run = r::run;
                } else {
                    var r = new RiscvUserRun(program, argv, List.of(), dir, List.of(),
                            MEMORY, new ByteArrayInputStream(new byte[0]), out, err, new PrintStream(err, true), Long.MAX_VALUE);
                    run = r::run;
                }
            } catch (Exception e) {
                throw new IllegalStateException(e.getMessage());
            }
        }

        /** CPU time of the run (this thread's: the machine runs in it), set by {@link #run}. */
        long cpuNanos;

        /** Runs to the end; the guest's own measurement of its loop (virtual nanoseconds). */
        public long run() {
            long c0 = THREADS.getCurrentThreadCpuTime();
            int status = run.getAsInt();
            cpuNanos = THREADS.getCurrentThreadCpuTime() - c0;
            return check("multios", op, n, status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        }
    }

    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    /** Host CPU nanoseconds (user + system) of one whole {@code qemu-riscv64 kbench op n}, measured by /usr/bin/time. */
    public long qemuCpuNanos(String op, long n) {
        try {
            Path times = Files.createTempFile(dir, "time", ".txt");
            Process p = new ProcessBuilder("/usr/bin/time", "-f", "%U %S", "-o", times.toString(), qemuUser, program.toString(), op,
                    Long.toString(n)).directory(dir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            check(qemuUser, op, n, p.exitValue(), out, err);
            String[] f = Files.readString(times).strip().split("\\s+");
            Files.delete(times);
            return Math.round((Double.parseDouble(f[0]) + Double.parseDouble(f[1])) * 1e9);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot time " + qemuUser + " with /usr/bin/time: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }

    public MultiosRun multios(String op, long n) { return new MultiosRun(op, n); }

    /** Runs {@code qemu-riscv64 kbench op n}; the guest's own measurement of its loop (host nanoseconds). */
    public long qemu(String op, long n) {
        try {
            Process p = new ProcessBuilder(qemuUser, program.toString(), op, Long.toString(n)).directory(dir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException(qemuUser + " kbench " + op + " " + n + " did not finish in 10 minutes");
            }
            return check(qemuUser, op, n, p.exitValue(), out, err);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + qemuUser + " (apt-get install qemu-user): " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }

    static long check(String engine, String op, long n, int status, String out, String err) {
        String prefix = op + " " + n + " ";
        String line = out.strip();
        if (status != 0 || !line.startsWith(prefix)) {
            throw new IllegalStateException(engine + " kbench " + op + " " + n + ": exit " + status + ", output '" + line
                    + "', errors '" + err.strip() + "'");
        }
        return Long.parseLong(line.substring(prefix.length()).strip());
    }

    /** Removes the temporary copy. */
    public void close() {
        try {
            Files.deleteIfExists(program);
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // a temporary file left behind is harmless
        }
    }
}
