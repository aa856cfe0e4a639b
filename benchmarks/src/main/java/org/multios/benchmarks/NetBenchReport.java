package org.multios.benchmarks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.multios.cli.Multios;

/**
 * Issue 8, Must show 6: network figures of a booted MultiOS (the kernel's virtio-net driver and
 * TCP/IP stack over the emulator's NIC and back ends), all measured in host wall time around the
 * guest's commands:
 * <ol>
 * <li>TCP guest → host: {@code nc 10.0.2.2 PORT < FILE} in a {@code boot --net user} guest, a Java
 *     server on the host reading to EOF (wall time from the first to the last byte);</li>
 * <li>TCP host → guest: a Java client writing FILE's size through {@code hostfwd} to
 *     {@code nc -l -p 80 > /dev/null} in the guest;</li>
 * <li>TCP guest → guest: two {@code boot} machines on a {@code socket} LAN (no {@code --realtime}:
 *     a socket back end makes idle time pass at host speed), {@code nc} from one to the other
 *     (wall time from the command to its prompt), and how many bytes the sender's eth0 carried
 *     per file byte (/proc/net/dev: 1.04 is headers alone, more is retransmission);</li>
 * <li>round trips: {@code ping} to the user network's gateway and between the two machines (the
 *     guest's own figures: virtual time, which follows host time while the guest waits for the peer), and
 *     HTTP/1.0 GETs from the host through hostfwd to the guest's httpd (a new TCP connection each; median wall time);</li>
 * <li>beside QEMU: there is no Linux (or other TCP-capable) riscv64 guest for qemu-system-riscv64 on
 *     this machine, so the comparable pair is the firmware level — Debian's U-Boot on both machines
 *     with user networking: {@code tftpboot} of a file (virtio-net + the user back end's TFTP, lock-step
 *     UDP) and a loop of {@code ping 10.0.2.2}, wall time for each.</li>
 * </ol>
 * {@code java -cp benchmarks/target/benchmarks.jar org.multios.benchmarks.NetBenchReport [--mib N] [--pings N] [--no-qemu]}
 */
public final class NetBenchReport {
    static final String PROMPT = "\nmultios# ";
    static final Path UBOOT = Path.of("/usr/lib/u-boot/qemu-riscv64/u-boot.bin");
    static final long WAIT_MS = 600_000;

    private NetBenchReport() {}

    public static void main(String[] args) throws Exception {
        int mib = 10, pings = 20;
        boolean qemu = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--mib" -> mib = Integer.parseInt(args[++i]);
                case "--pings" -> pings = Integer.parseInt(args[++i]);
                case "--no-qemu" -> qemu = false;
                default -> {
                    System.err.println("usage: NetBenchReport [--mib N] [--pings N] [--no-qemu]");
                    System.exit(2);
                }
            }
        }
        long bytes = (long) mib << 20;
        List<String> rows = new ArrayList<>();
        System.out.printf("NetBenchReport: %d MiB transfers, %d pings; host %s, %d CPUs, load %.1f%n", mib, pings,
                System.getProperty("os.arch"), Runtime.getRuntime().availableProcessors(), loadAverage());

        boolean linux = qemu && QemuLinuxGuest.available();
        if (qemu && !linux) System.out.println("QEMU Linux guest: " + QemuLinuxGuest.missing() + " (run benchmarks/fetch-qemu-net-guest.sh)");
        UserNet ours = userNetwork(bytes, pings, fwd -> Guest.boot("--rtc", "fixed", "--net", "user,hostfwd=tcp::" + fwd + "-:80"));
        UserNet theirs = linux ? userNetwork(bytes, pings, fwd -> QemuLinuxGuest.boot("user,id=n,hostfwd=tcp:127.0.0.1:" + fwd + "-:80", "52:54:00:12:34:56", "10.0.2.15", "10.0.2.2")) : null;
        String cmd = "root=/dev/nvme0n1p2 console=ttyS0 ip=";
        Lan ourLan = socketLan(bytes, pings,
                port -> Guest.boot("--rtc", "fixed", "--net", "socket,listen=127.0.0.1:" + port + ",mac=52:54:00:00:03:01", "--cmdline", cmd + "10.0.3.1/24"),
                port -> Guest.boot("--rtc", "fixed", "--net", "socket,connect=127.0.0.1:" + port + ",mac=52:54:00:00:03:02", "--cmdline", cmd + "10.0.3.2/24"),
                true);
        Lan theirLan = linux ? socketLan(bytes, pings,
                port -> QemuLinuxGuest.boot("socket,id=n,listen=127.0.0.1:" + port, "52:54:00:00:03:01", "10.0.3.1", null),
                port -> QemuLinuxGuest.boot("socket,id=n,connect=127.0.0.1:" + port, "52:54:00:00:03:02", "10.0.3.2", null),
                false) : null;

        String mb = "%.1f MB/s";
        rows.add(row("TCP guest → host (user NAT), " + mib + " MiB", mb, ours.up, theirs == null ? Double.NaN : theirs.up));
        rows.add(row("TCP host → guest (hostfwd), " + mib + " MiB", mb, ours.down, theirs == null ? Double.NaN : theirs.down));
        rows.add(row("TCP guest → guest (socket LAN), " + mib + " MiB", mb, ourLan.g2g, theirLan == null ? Double.NaN : theirLan.g2g));
        rows.add(row("ping 10.0.2.2 (user gateway): guest's rtt avg", "%.3f ms", ours.rtt, theirs == null ? Double.NaN : theirs.rtt));
        rows.add(row("HTTP GET from the host through hostfwd (new connection each), median of " + pings, "%.2f ms", ours.httpMedianMs, theirs == null ? Double.NaN : theirs.httpMedianMs));
        rows.add(row("TCP guest → guest: bytes on the sender's eth0 per file byte", "%.2fx", ourLan.sentRatio, theirLan == null ? Double.NaN : theirLan.sentRatio));
        rows.add(row("ping guest → guest (socket LAN): guest's rtt avg", "%.3f ms", ourLan.rtt, theirLan == null ? Double.NaN : theirLan.rtt));
        if (qemu) uBootComparison(rows);

        System.out.println();
        System.out.println("| measurement | MultiOS | QEMU |");
        System.out.println("|---|---|---|");
        for (String r : rows) System.out.println(r);
        System.out.println("MultiOS: guest rtt in virtual time (user net: the gateway answers inside the emulator; socket LAN: idle time paced to host time, so virtual ≈ wall);"
                + " QEMU: Debian Linux " + QemuLinuxGuest.version() + " + busybox, TCG, -netdev user / socket.");
    }

    static String row(String what, String fmt, double a, double b) {
        return "| " + what + " | " + String.format(Locale.ROOT, fmt, a) + " | " + (Double.isNaN(b) ? "–" : String.format(Locale.ROOT, fmt, b)) + " |";
    }

    interface Boot { Shell start(int port) throws Exception; }

    record UserNet(double up, double down, double rtt, double httpMedianMs) {}

    record Lan(double rtt, double g2g, double sentRatio) {}

    // ---- user network: guest -> host, host -> guest, ping to the gateway

    static UserNet userNetwork(long bytes, int pings, Boot boot) throws Exception {
        int fwd = freeTcpPort();
        try (ServerSocket sink = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()); Shell g = boot.start(fwd)) {
            g.type("head -c " + bytes + " /dev/urandom > /tmp/f");
            g.type("ping -c 1 10.0.2.2"); // ARP done

            // guest -> host: the host closes once it has every byte (busybox nc does not half-close)
            long[] got = new long[1];
            long[] firstLast = new long[2];
            Thread reader = Thread.ofPlatform().start(() -> {
                try (Socket s = sink.accept(); InputStream in = s.getInputStream()) {
                    byte[] b = new byte[65536];
                    int n;
                    while (got[0] < bytes && (n = in.read(b)) > 0) {
                        if (got[0] == 0) firstLast[0] = System.nanoTime();
                        got[0] += n;
                    }
                    firstLast[1] = System.nanoTime();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            g.type("nc 10.0.2.2 " + sink.getLocalPort() + " < /tmp/f; echo rc=$?");
            reader.join(WAIT_MS);
            check(got[0] == bytes, "guest -> host: " + got[0] + " of " + bytes + " bytes");
            double up = mbps(bytes, firstLast[1] - firstLast[0]);
            System.out.printf(Locale.ROOT, "%s: TCP guest -> host %.1f MB/s%n", g.name(), up);

            // host -> guest through hostfwd
            g.send("nc -l -p 80 > /tmp/in; echo rc=$?");
            Thread.sleep(1500);
            byte[] chunk = new byte[65536];
            new Random(1).nextBytes(chunk);
            long t0 = System.nanoTime();
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), fwd); OutputStream o = s.getOutputStream()) {
                for (long left = bytes; left > 0; left -= chunk.length) o.write(chunk, 0, (int) Math.min(chunk.length, left));
                s.shutdownOutput();
                s.getInputStream().read(); // the guest closes after EOF
            }
            g.expectPrompt();
            long t1 = System.nanoTime();
            String size = g.type("wc -c < /tmp/in");
            check(size.strip().equals(Long.toString(bytes)), "host -> guest: the guest got " + size.strip() + " bytes");
            double down = mbps(bytes, t1 - t0);
            System.out.printf(Locale.ROOT, "%s: TCP host -> guest %.1f MB/s%n", g.name(), down);

            String ping = g.type("ping -c " + pings + " -i 0.2 10.0.2.2");
            double rtt = rttAvg(ping);

            // round trips seen from the host: HTTP/1.0 GETs through hostfwd, a new TCP connection each
            g.type("mkdir -p /tmp/www && echo ok > /tmp/www/index.html");
            g.type(g.httpdInBackground("/tmp/www", pings + 1));
            Thread.sleep(1500);
            get(fwd); // warm-up (and the listener is up)
            long[] t = new long[pings];
            for (int i = 0; i < pings; i++) {
                long a = System.nanoTime();
                String r = get(fwd);
                t[i] = System.nanoTime() - a;
                check(r.startsWith("HTTP/1.") && r.endsWith("ok\n"), "GET through hostfwd: " + r);
            }
            java.util.Arrays.sort(t);
            double wall = t[pings / 2] / 1e6;
            System.out.printf(Locale.ROOT, "%s: ping gateway rtt %.3f ms, HTTP GET via hostfwd median %.2f ms%n", g.name(), rtt, wall);
            return new UserNet(up, down, rtt, wall);
        }
    }

    // ---- two machines on a socket LAN

    static Lan socketLan(long bytes, int pings, Boot first, Boot second, boolean connectSpeaksFirst) throws Exception {
        int port = connectSpeaksFirst ? freeUdpPort() : freeTcpPort();
        try (Shell a = first.start(port); Shell b = second.start(port)) {
            b.type("ping -c 1 10.0.3.1"); // the listening side learns its peer; ARP both ways
            a.type("ping -c 1 10.0.3.2");
            String ping = b.type("ping -c " + pings + " -i 0.2 10.0.3.1");
            double rtt = rttAvg(ping);
            b.type("head -c " + bytes + " /dev/urandom > /tmp/f");
            double txBefore = eth0TxBytes(b.type("cat /proc/net/dev"));
            a.send("nc -l -p 9000 > /tmp/r; echo rc=$?");
            Thread.sleep(1500);
            long t0 = System.nanoTime();
            b.type("nc 10.0.3.1 9000 < /tmp/f; echo rc=$?");
            String size;
            while (true) { // busybox nc does not half-close: the receiver's file is complete when it has every byte
                size = a.typeWhenFree("wc -c < /tmp/r");
                if (size.strip().equals(Long.toString(bytes))) break;
                Thread.sleep(200);
            }
            long t1 = System.nanoTime();
            double g2g = mbps(bytes, t1 - t0);
            double sentRatio = (eth0TxBytes(b.typeWhenFree("cat /proc/net/dev")) - txBefore) / (double) bytes;
            System.out.printf(Locale.ROOT, "%s: guest -> guest %.1f MB/s, sender carried %.2fx the file, ping rtt %.3f ms%n", a.name(), g2g, sentRatio, rtt);
            return new Lan(rtt, g2g, sentRatio);
        }
    }

    /** eth0's transmitted bytes from /proc/net/dev (8 receive columns, then transmit bytes); NaN without an eth0 line. */
    static double eth0TxBytes(String procNetDev) {
        Matcher m = Pattern.compile("eth0:\\s*(?:\\d+\\s+){8}(\\d+)").matcher(procNetDev);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    // ---- U-Boot on both machines

    static void uBootComparison(List<String> rows) throws Exception {
        if (!Files.isReadable(UBOOT) || !GuestFsBench.onPath("qemu-system-riscv64")) {
            rows.add("| U-Boot comparison | skipped: " + UBOOT + " or qemu-system-riscv64 missing | |");
            return;
        }
        Path dir = Files.createTempDirectory("netbench-tftp");
        try {
            byte[] file = new byte[8 << 20];
            new Random(7).nextBytes(file);
            Files.write(dir.resolve("payload.bin"), file);
            double[] ours = uBoot(true, dir), theirs = uBoot(false, dir);
            rows.add(String.format(Locale.ROOT, "| U-Boot tftpboot 8 MiB (virtio-net, user net TFTP) | %.2f s (%.1f MB/s) | %.2f s (%.1f MB/s) |",
                    ours[0], file.length / 1e6 / ours[0], theirs[0], file.length / 1e6 / theirs[0]));
            rows.add(String.format(Locale.ROOT, "| U-Boot ping 10.0.2.2, 20 × | %.1f ms wall per ping | %.1f ms wall per ping |", ours[1] * 1000 / 20,
                    theirs[1] * 1000 / 20));
            System.out.println(rows.get(rows.size() - 2));
            System.out.println(rows.getLast());
        } finally {
            GuestFsBench.deleteTree(dir);
        }
    }

    /** {tftp seconds, seconds for 20 pings} on our machine (in-process) or QEMU. */
    static double[] uBoot(boolean multios, Path dir) throws Exception {
        Console c;
        Process q = null;
        Thread machine = null;
        if (multios) {
            Pipes p = new Pipes();
            machine = Thread.ofPlatform().name("netbench-uboot").start(() -> Multios.run(new String[] {"machine", "--bios", "none", "--kernel",
                    UBOOT.toString(), "--net", "user", "--tftp", dir.toString()}, p.in, new PrintStream(p.screen, true), new PrintStream(p.screen, true)));
            c = new Console(p.screen, p.keys, machine::isAlive);
        } else {
            q = new ProcessBuilder("qemu-system-riscv64", "-M", "virt", "-nographic", "-bios", "none", "-kernel", UBOOT.toString(),
                    "-netdev", "user,id=n,tftp=" + dir, "-device", "virtio-net-pci,netdev=n").redirectErrorStream(true).start();
            Screen s = new Screen();
            Process proc = q;
            Thread.ofPlatform().daemon().start(() -> {
                try {
                    proc.getInputStream().transferTo(s);
                } catch (IOException e) {
                    // the process ended
                }
            });
            c = new Console(s, q.getOutputStream(), proc::isAlive);
        }
        try {
            c.waitFor("Hit any key to stop autoboot");
            c.raw(" ");
            c.waitFor("=> ");
            for (String cmd : new String[] {"pci enum", "virtio scan", "setenv autoload no", "dhcp"}) c.uboot(cmd);
            long t0 = System.nanoTime();
            String t = c.uboot("tftpboot 0x84000000 payload.bin");
            long t1 = System.nanoTime();
            check(t.contains("Bytes transferred = " + (8 << 20)), "tftpboot: " + t);
            long p0 = System.nanoTime();
            String pings = c.uboot("for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do ping 10.0.2.2; done");
            long p1 = System.nanoTime();
            check(pings.split("is alive", -1).length - 1 == 20, "20 pings: " + pings);
            return new double[] {(t1 - t0) / 1e9, (p1 - p0) / 1e9};
        } finally {
            if (q != null) q.destroyForcibly().waitFor();
            if (machine != null) {
                c.raw("poweroff\n");
                c.rawCtrlAx();
                machine.join(30_000);
            }
        }
    }

    // ---- helpers

    /** One HTTP/1.0 GET of / from 127.0.0.1:port; the whole response. */
    static String get(int port) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout((int) WAIT_MS);
            s.getOutputStream().write("GET / HTTP/1.0\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    static double rttAvg(String ping) {
        Matcher m = Pattern.compile("= ([0-9.]+)/([0-9.]+)/([0-9.]+)").matcher(ping);
        return m.find() ? Double.parseDouble(m.group(2)) : Double.NaN;
    }

    static double mbps(long bytes, long nanos) { return bytes / 1e6 / (nanos / 1e9); }

    static void check(boolean ok, String what) { if (!ok) throw new IllegalStateException(what); }

    static double loadAverage() { return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(); }

    static int freeTcpPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) { return s.getLocalPort(); }
    }

    static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) { return s.getLocalPort(); }
    }

    /** Everything a machine printed, waitable. */
    static final class Screen extends OutputStream {
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
        @Override public synchronized void write(int b) { buf.write(b); notifyAll(); }
        @Override public synchronized void write(byte[] b, int off, int len) { buf.write(b, off, len); notifyAll(); }
        synchronized String text() { return buf.toString(StandardCharsets.UTF_8); }

        synchronized int waitFor(String s, int from, java.util.function.BooleanSupplier alive) throws InterruptedException {
            long end = System.currentTimeMillis() + WAIT_MS;
            while (true) {
                int at = text().indexOf(s, from);
                if (at >= 0) return at;
                if (System.currentTimeMillis() > end || !alive.getAsBoolean()) {
                    String t = text();
                    throw new IllegalStateException("no '" + s.strip() + "'; the console ends with:\n" + t.substring(Math.max(0, t.length() - 2000)));
                }
                wait(200);
            }
        }
    }

    static final class Pipes {
        final Screen screen = new Screen();
        final PipedOutputStream keys = new PipedOutputStream();
        final PipedInputStream in;
        Pipes() throws IOException { in = new PipedInputStream(keys, 4096); }
    }

    /** A line-oriented console over a machine's screen and keyboard. */
    static class Console {
        final Screen screen;
        final OutputStream keys;
        final java.util.function.BooleanSupplier alive;
        int from;

        Console(Screen screen, OutputStream keys, java.util.function.BooleanSupplier alive) {
            this.screen = screen;
            this.keys = keys;
            this.alive = alive;
        }

        void raw(String s) throws IOException {
            keys.write(s.getBytes(StandardCharsets.UTF_8));
            keys.flush();
        }

        void rawCtrlAx() throws IOException { raw("\u0001x"); }

        int waitFor(String s) throws InterruptedException {
            int at = screen.waitFor(s, from, alive);
            from = at + s.length();
            return at;
        }

        /** A U-Boot command: what it printed before the next "=> ". */
        String uboot(String cmd) throws Exception {
            raw(cmd + "\n");
            int start = screen.waitFor(cmd, from, alive) + cmd.length();
            from = start;
            int end = screen.waitFor("\n=> ", from, alive);
            from = end + 4;
            return screen.text().substring(start, end);
        }
    }

    /** A shell on a guest's console: commands typed, output up to the next prompt. */
    abstract static class Shell extends Console implements AutoCloseable {
        private final String prompt;
        private boolean busy;

        Shell(Screen screen, OutputStream keys, java.util.function.BooleanSupplier alive, String prompt) {
            super(screen, keys, alive);
            this.prompt = prompt;
        }

        abstract String name();

        /** A command line that starts an HTTP server on port 80 serving dir in the background. */
        abstract String httpdInBackground(String dir, int connections);

        void send(String line) throws IOException { raw(line + "\r"); busy = true; }

        String expectPrompt() throws InterruptedException {
            int start = from;
            int p = screen.waitFor(prompt, from, alive);
            from = p + prompt.length();
            busy = false;
            return screen.text().substring(start, p);
        }

        /** A command's output (its echo removed). */
        String type(String line) throws Exception {
            send(line);
            String out = expectPrompt();
            int echo = out.indexOf(line);
            return echo >= 0 ? out.substring(echo + line.length()) : out;
        }

        /** Like {@link #type}, but first lets a command that was sent without waiting finish. */
        String typeWhenFree(String line) throws Exception {
            if (busy) {
                int p = screen.text().indexOf(prompt, from);
                if (p < 0) return ""; // still running
                expectPrompt();
            }
            return type(line);
        }
    }

    /** One {@code multios boot} in-process at its shell prompt. */
    static final class Guest extends Shell {
        final Thread machine;

        private Guest(Pipes p, Thread machine) {
            super(p.screen, p.keys, machine::isAlive, PROMPT);
            this.machine = machine;
        }

        static Guest boot(String... args) throws Exception {
            Pipes p = new Pipes();
            String[] all = new String[args.length + 1];
            all[0] = "boot";
            System.arraycopy(args, 0, all, 1, args.length);
            Thread t = Thread.ofPlatform().name("netbench-boot").start(() -> Multios.run(all, p.in, new PrintStream(p.screen, true),
                    new PrintStream(p.screen, true)));
            Guest g = new Guest(p, t);
            g.waitFor(PROMPT);
            if (java.util.Arrays.asList(args).contains("user") || String.join(" ", args).contains("user,")) {
                g.type("while ! ifconfig eth0 | grep -q 10.0.2.15; do sleep 1; done");
            }
            return g;
        }

        @Override String name() { return "MultiOS"; }

        @Override String httpdInBackground(String dir, int n) { return "httpd -q -n " + n + " -p 80 -d " + dir + " &"; }

        @Override
        public void close() throws Exception {
            if (machine.isAlive()) {
                send("poweroff");
                machine.join(30_000);
            }
        }
    }
}
