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
 * <li>TCP guest → guest: two {@code boot --realtime} machines on a {@code socket} LAN, {@code nc}
 *     from one to the other (wall time from the command to its prompt);</li>
 * <li>round trips: {@code ping} to the user network's gateway and between the two machines (the
 *     guest's own figures: virtual time, which follows the wall clock under {@code --realtime}), and
 *     wall time per ping of a {@code ping -c N -i 0} loop;</li>
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

        userNetwork(bytes, pings, rows);
        socketLan(bytes, pings, rows);
        if (qemu) uBootComparison(rows);

        System.out.println();
        System.out.println("| measurement | MultiOS | QEMU |");
        System.out.println("|---|---|---|");
        for (String r : rows) System.out.println(r);
    }

    // ---- boot --net user: guest -> host, host -> guest, ping to the gateway

    static void userNetwork(long bytes, int pings, List<String> rows) throws Exception {
        int fwd = freeTcpPort();
        try (ServerSocket sink = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Guest g = Guest.boot("--rtc", "fixed", "--net", "user,hostfwd=tcp::" + fwd + "-:80")) {
            g.type("while ! ifconfig eth0 | grep -q 10.0.2.15; do sleep 1; done");
            g.type("head -c " + bytes + " /dev/urandom > /tmp/f");

            // guest -> host
            long[] got = new long[1];
            long[] firstLast = new long[2];
            Thread reader = Thread.ofPlatform().start(() -> {
                try (Socket s = sink.accept(); InputStream in = s.getInputStream()) {
                    byte[] b = new byte[65536];
                    int n;
                    while ((n = in.read(b)) > 0) {
                        if (got[0] == 0) firstLast[0] = System.nanoTime();
                        got[0] += n;
                    }
                    firstLast[1] = System.nanoTime();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            String out = g.type("nc 10.0.2.2 " + sink.getLocalPort() + " < /tmp/f; echo rc=$?");
            reader.join(WAIT_MS);
            check(got[0] == bytes && out.contains("rc=0"), "guest -> host: " + got[0] + " of " + bytes + " bytes: " + out);
            double up = mbps(bytes, firstLast[1] - firstLast[0]);
            rows.add(String.format(Locale.ROOT, "| TCP guest → host (user NAT), %d MiB | %.1f MB/s | – |", bytes >> 20, up));
            System.out.println(rows.getLast());

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
            String rc = g.expectPrompt();
            long t1 = System.nanoTime();
            check(rc.contains("rc=0"), "host -> guest: " + rc);
            String size = g.type("wc -c < /tmp/in");
            check(size.strip().equals(Long.toString(bytes)), "host -> guest: the guest got " + size.strip() + " bytes");
            rows.add(String.format(Locale.ROOT, "| TCP host → guest (hostfwd), %d MiB | %.1f MB/s | – |", bytes >> 20, mbps(bytes, t1 - t0)));
            System.out.println(rows.getLast());

            // ping the gateway
            long p0 = System.nanoTime();
            String ping = g.type("ping -c " + pings + " -i 0 10.0.2.2");
            long p1 = System.nanoTime();
            rows.add(String.format(Locale.ROOT, "| ping 10.0.2.2 (user gateway), %d × | guest rtt avg %s ms (virtual); %.3f ms wall per ping | – |",
                    pings, rttAvg(ping), (p1 - p0) / 1e6 / pings));
            System.out.println(rows.getLast());
        }
    }

    // ---- two machines on a socket LAN

    static void socketLan(long bytes, int pings, List<String> rows) throws Exception {
        int port = freeUdpPort();
        String cmd = "root=/dev/nvme0n1p2 console=ttyS0 ip=";
        try (Guest a = Guest.boot("--rtc", "fixed", "--realtime", "--net", "socket,listen=127.0.0.1:" + port + ",mac=52:54:00:00:03:01",
                "--cmdline", cmd + "10.0.3.1/24");
             Guest b = Guest.boot("--rtc", "fixed", "--realtime", "--net", "socket,connect=127.0.0.1:" + port + ",mac=52:54:00:00:03:02",
                     "--cmdline", cmd + "10.0.3.2/24")) {
            b.type("ping -c 1 10.0.3.1"); // the listening side learns its peer; ARP both ways
            long p0 = System.nanoTime();
            String ping = b.type("ping -c " + pings + " -i 0 10.0.3.1");
            long p1 = System.nanoTime();
            rows.add(String.format(Locale.ROOT, "| ping guest → guest (socket LAN, --realtime), %d × | guest rtt avg %s ms; %.3f ms wall per ping | – |",
                    pings, rttAvg(ping), (p1 - p0) / 1e6 / pings));
            System.out.println(rows.getLast());
            b.type("head -c " + bytes + " /dev/urandom > /tmp/f");
            a.send("nc -l -p 9000 > /tmp/r; echo rc=$?");
            Thread.sleep(1500);
            long t0 = System.nanoTime();
            String out = b.type("nc 10.0.3.1 9000 < /tmp/f; echo rc=$?");
            String rc = a.expectPrompt();
            long t1 = System.nanoTime();
            check(out.contains("rc=0") && rc.contains("rc=0"), "guest -> guest: " + out + " / " + rc);
            String size = a.type("wc -c < /tmp/r");
            check(size.strip().equals(Long.toString(bytes)), "guest -> guest: received " + size.strip());
            rows.add(String.format(Locale.ROOT, "| TCP guest → guest (socket LAN, --realtime), %d MiB | %.1f MB/s | – |", bytes >> 20, mbps(bytes, t1 - t0)));
            System.out.println(rows.getLast());
        }
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

    static String rttAvg(String ping) {
        Matcher m = Pattern.compile("= ([0-9.]+)/([0-9.]+)/([0-9.]+)").matcher(ping);
        return m.find() ? m.group(2) : "?";
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

    /** One {@code multios boot} in-process at its shell prompt. */
    static final class Guest extends Console implements AutoCloseable {
        final Thread machine;

        private Guest(Pipes p, Thread machine) {
            super(p.screen, p.keys, machine::isAlive);
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
            return g;
        }

        void send(String line) throws IOException { raw(line + "\r"); }

        String expectPrompt() throws InterruptedException {
            int start = from;
            int p = screen.waitFor(PROMPT, from, alive);
            from = p + PROMPT.length();
            return screen.text().substring(start, p);
        }

        /** A command's output (its echo removed). */
        String type(String line) throws Exception {
            send(line);
            String out = expectPrompt();
            int echo = out.indexOf(line);
            return echo >= 0 ? out.substring(echo + line.length()) : out;
        }

        @Override
        public void close() throws Exception {
            if (machine.isAlive()) {
                send("poweroff");
                machine.join(30_000);
            }
        }
    }
}
