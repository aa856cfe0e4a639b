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
    /** RAM of the MultiOS run: the fault benchmark touches 16 MiB. */
    static final long MEMORY = 128L << 20;

    private final Path dir;
    private final Path program;

    /** Copies the guest out of the jar into a fresh temporary directory (its working directory). */
    public Kbench() {
        try (InputStream in = Kbench.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException("kbench guest missing from the class path (" + RESOURCE + ")");
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
        final RiscvUserRun run;
        final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        final String op;
        final long n;

        MultiosRun(String op, long n) {
            this.op = op;
            this.n = n;
            try {
                run = new RiscvUserRun(program, List.of(program.toString(), op, Long.toString(n)), List.of(), dir, List.of(),
                        MEMORY, new ByteArrayInputStream(new byte[0]), out, err, new PrintStream(err, true), Long.MAX_VALUE);
            } catch (RiscvUserRun.StartException e) {
                throw new IllegalStateException(e.getMessage());
            }
        }

        /** CPU time of the run (this thread's: the machine runs in it), set by {@link #run}. */
        long cpuNanos;

        /** Runs to the end; the guest's own measurement of its loop (virtual nanoseconds). */
        public long run() {
            long c0 = THREADS.getCurrentThreadCpuTime();
            int status = run.run();
            cpuNanos = THREADS.getCurrentThreadCpuTime() - c0;
            return check("multios", op, n, status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        }
    }

    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    /** Host CPU nanoseconds (user + system) of one whole {@code qemu-riscv64 kbench op n}, measured by /usr/bin/time. */
    public long qemuCpuNanos(String op, long n) {
        try {
            Path times = Files.createTempFile(dir, "time", ".txt");
            Process p = new ProcessBuilder("/usr/bin/time", "-f", "%U %S", "-o", times.toString(), "qemu-riscv64", program.toString(), op,
                    Long.toString(n)).directory(dir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            check("qemu-riscv64", op, n, p.exitValue(), out, err);
            String[] f = Files.readString(times).strip().split("\\s+");
            Files.delete(times);
            return Math.round((Double.parseDouble(f[0]) + Double.parseDouble(f[1])) * 1e9);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot time qemu-riscv64 with /usr/bin/time: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }

    public MultiosRun multios(String op, long n) { return new MultiosRun(op, n); }

    /** Runs {@code qemu-riscv64 kbench op n}; the guest's own measurement of its loop (host nanoseconds). */
    public long qemu(String op, long n) {
        try {
            Process p = new ProcessBuilder("qemu-riscv64", program.toString(), op, Long.toString(n)).directory(dir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException("qemu-riscv64 kbench " + op + " " + n + " did not finish in 10 minutes");
            }
            return check("qemu-riscv64", op, n, p.exitValue(), out, err);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start qemu-riscv64 (apt-get install qemu-user): " + e.getMessage());
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
