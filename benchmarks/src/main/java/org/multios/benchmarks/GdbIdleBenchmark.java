package org.multios.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.multios.boards.riscv.RiscvVirtBoard;
import org.multios.core.gdb.GdbServer;
import org.multios.devices.console.MemoryConsole;
import org.multios.isa.riscv.gdb.RvDebugTarget;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the GDB stub costs a guest that nobody is debugging (issue 6, Must show 4): guest MIPS
 * of riscv64-virt on {@code intmix}, as {@link RiscvMipsBenchmark#mips} measures it, with
 * {@code gdb} =
 * <ul>
 *   <li>{@code none}: no stub (plain {@code machine});</li>
 *   <li>{@code listening}: {@code machine --gdb PORT}, no debugger connected;</li>
 *   <li>{@code attached}: a debugger attached ({@code --gdb-wait}, then {@code continue} with no
 *       breakpoints or watchpoints), connected for the whole run.</li>
 * </ul>
 * The CPU checks its debug hooks only while a breakpoint, watchpoint or step exists, so all
 * three should give the same figure. Primary score: guest MIPS (ops/µs, one op = one instruction).
 * <p>
 * On a loaded host, where JMH's one-configuration-after-the-other order turns load changes into
 * differences, {@link #main} measures the three interleaved, round after round, and prints the
 * median of each: {@code java -cp benchmarks/target/benchmarks.jar org.multios.benchmarks.GdbIdleBenchmark [ROUNDS]}.
 */
@Fork(value = 1, jvmArgsAppend = {"-Xss8m", "--enable-native-access=ALL-UNNAMED", "-XX:MaxDirectMemorySize=1g"})
public class GdbIdleBenchmark {
    static final long SLICE = RiscvMipsBenchmark.SLICE;

    @State(Scope.Thread)
    public static class Board {
        @Param({"none", "listening", "attached"})
        public String gdb;

        RiscvVirtBoard board;
        MemoryConsole console;
        GdbServer server;
        Thread client;

        @Setup(Level.Invocation)
        public void boot() throws IOException {
            console = new MemoryConsole();
            board = IntmixBoard.create(console, SLICE);
            if (gdb.equals("none")) return;
            if (gdb.equals("attached")) board.machine().pause(); // --gdb-wait
            server = GdbServer.start(RvDebugTarget.of(board.machine(), board.harts(), null), "127.0.0.1:0");
            if (gdb.equals("attached")) {
                int port = server.port();
                client = Thread.ofPlatform().daemon().start(() -> attachAndContinue(port));
            }
        }

        @TearDown(Level.Invocation)
        public void close() throws InterruptedException {
            if (client != null) client.join(10_000);
            if (server != null) server.close();
            client = null;
            server = null;
        }
    }

    /** A debugger that attaches, lets the guest continue and waits, connected, for its end. */
    static void attachAndContinue(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            exchange(in, out, "QStartNoAckMode");
            exchange(in, out, "?");       // the stop at attach
            send(out, "c");
            packet(in);                   // W00 or a stop when the run ends
        } catch (IOException e) {
            throw new IllegalStateException("debugger connection failed: " + e.getMessage(), e);
        }
    }

    private static void exchange(InputStream in, OutputStream out, String payload) throws IOException {
        send(out, payload);
        packet(in);
    }

    private static void send(OutputStream out, String payload) throws IOException {
        int sum = 0;
        for (byte b : payload.getBytes(StandardCharsets.ISO_8859_1)) sum += b & 0xff;
        out.write(("$" + payload + "#" + String.format("%02x", sum & 0xff)).getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Reads up to the end of the next packet (acks before it are skipped), then acks it. */
    private static void packet(InputStream in) throws IOException {
        int c;
        while ((c = in.read()) != '$') if (c < 0) throw new IOException("stub closed the connection");
        while ((c = in.read()) != '#') if (c < 0) throw new IOException("stub closed the connection");
        in.read();
        in.read();
    }

    /**
     * Interleaved rounds of the three configurations, in a different order each round; prints
     * each one's median guest MIPS per wall-clock second and per CPU second of the machine thread
     * (which other processes on a shared host do not inflate).
     */
    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        String[] modes = {"none", "listening", "attached"};
        double[][] wall = new double[modes.length][rounds], cpu = new double[modes.length][rounds];
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        GdbIdleBenchmark bench = new GdbIdleBenchmark();
        for (int r = -1; r < rounds; r++) { // round -1 warms the JIT up and is not counted
            for (int k = 0; k < modes.length; k++) {
                int m = Math.floorMod(r + k, modes.length); // a different order each round: no mode always runs first
                Board b = new Board();
                b.gdb = modes[m];
                b.boot();
                long t0 = System.nanoTime(), c0 = threads.getCurrentThreadCpuTime();
                long n = bench.mips(b); // the machine runs on this thread
                long c = threads.getCurrentThreadCpuTime() - c0, t = System.nanoTime() - t0;
                b.close();
                if (r >= 0) {
                    wall[m][r] = n * 1e3 / t;
                    cpu[m][r] = n * 1e3 / c;
                }
            }
        }
        for (int m = 0; m < modes.length; m++) {
            System.out.printf("gdb=%-9s MIPS per CPU second: median %.1f (%.1f-%.1f); per wall second: median %.1f (%.1f-%.1f); %d runs of %d instructions%n",
                    modes[m], median(cpu[m]), min(cpu[m]), max(cpu[m]), median(wall[m]), min(wall[m]), max(wall[m]), rounds, SLICE);
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        return s[s.length / 2];
    }

    private static double min(double[] v) { return java.util.Arrays.stream(v).min().orElse(0); }

    private static double max(double[] v) { return java.util.Arrays.stream(v).max().orElse(0); }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @OperationsPerInvocation((int) SLICE)
    @Warmup(iterations = 2, time = 10)
    @Measurement(iterations = 4, time = 10)
    public long mips(Board b) {
        b.board.run();
        long n = b.board.machine().retiredInstructions();
        if (b.board.stoppedByGuest() || n != SLICE) {
            throw new IllegalStateException("intmix stopped after " + n + " instructions: " + b.board.machine().stopReason());
        }
        return n;
    }
}
