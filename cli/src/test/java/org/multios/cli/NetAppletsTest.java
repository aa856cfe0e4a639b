package org.multios.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The network applets of mbox (images/userland/src/net.c). Under qemu-riscv64 the guest's socket
 * calls go to the host's network stack, so the JDK's HTTP client and server and plain Java sockets
 * are the peers and the oracle: httpd serves what the JDK client reads byte for byte, wget saves
 * what the JDK server sent, nc relays both ways with the half-close a peer sees as end of data, and
 * ip/ifconfig list the addresses the host's ip(8) lists. Under multios run (loopback only) ifconfig
 * and ping 127.0.0.1 go through the MultiOS kernel's stack.
 */
class NetAppletsTest {
    static final Path MBOX = UserlandDifferentialTest.MBOX;
    Path work;
    final List<Process> started = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException { work = Files.createTempDirectory("netapplets"); }

    @AfterEach
    void tearDown() throws IOException {
        for (Process p : started) p.destroyForcibly();
        UserlandDifferentialTest.clear(work);
        Files.deleteIfExists(work);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) { return s.getLocalPort(); }
    }

    /** mbox ARGS under qemu-riscv64, stdin from the given file (or /dev/null), stdout and stderr collected. */
    Process qemu(Path stdin, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("qemu-riscv64", MBOX.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(stdin != null ? stdin.toFile() : new java.io.File("/dev/null")));
        Process p = pb.start();
        started.add(p);
        return p;
    }

    record Done(byte[] out, String err, int status) {
        String text() { return new String(out, StandardCharsets.UTF_8); }
    }

    static Done finish(Process p, int seconds) throws Exception {
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
        assertTrue(p.waitFor(seconds, TimeUnit.SECONDS), "mbox under qemu-riscv64 did not finish in " + seconds + " s");
        return new Done(out.get(), new String(err.get(), StandardCharsets.UTF_8), p.exitValue());
    }

    static byte[] readAll(InputStream in) {
        try { return in.readAllBytes(); } catch (IOException e) { return new byte[0]; }
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Connects, retrying while the guest program is still starting to listen. */
    static Socket connectWhenListening(int port) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try { return new Socket(InetAddress.getLoopbackAddress(), port); }
            catch (IOException e) { if (System.nanoTime() > end) throw e; Thread.sleep(50); }
        }
    }

    @Test
    void httpdServesFilesToTheJdkClient() throws Exception {
        UserlandDifferentialTest.requireTool("qemu-riscv64");
        Path root = Files.createDirectory(work.resolve("www"));
        byte[] big = random(300_000, 1);
        Files.write(root.resolve("big.bin"), big);
        Files.writeString(root.resolve("index.html"), "<p>multios</p>\n");
        Files.writeString(work.resolve("secret.txt"), "outside the root\n");
        int port = freePort();
        Process httpd = qemu(null, "httpd", "-p", Integer.toString(port), "-d", root.toString(), "-n", "5");
        connectWhenListening(port).close();   // counts as a request (an empty one)
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(20)).build();
        String base = "http://127.0.0.1:" + port;
        HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(URI.create(base + "/big.bin")).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode());
        assertEquals(Long.toString(big.length), r.headers().firstValue("Content-Length").orElseThrow());
        assertArrayEquals(big, r.body(), "httpd sent other bytes than the file holds");
        r = client.send(HttpRequest.newBuilder(URI.create(base + "/")).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode());
        assertEquals("<p>multios</p>\n", new String(r.body(), StandardCharsets.UTF_8));
        assertEquals("text/html", r.headers().firstValue("Content-Type").orElseThrow());
        r = client.send(HttpRequest.newBuilder(URI.create(base + "/missing.txt")).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(404, r.statusCode());
        // the JDK client normalises "..", so send that request by hand
        try (Socket s = connectWhenListening(port)) {
            s.getOutputStream().write("GET /../secret.txt HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(answer.startsWith("HTTP/1.0 403 Forbidden\r\n"), answer);
            assertTrue(!answer.contains("outside the root"), answer);
        }
        Done d = finish(httpd, 30);
        assertEquals(0, d.status(), "httpd -n 5 exits 0 after five requests; stderr:\n" + d.err());
        assertTrue(d.err().contains("httpd: GET /big.bin"), d.err());
    }

    @Test
    void wgetFetchesFromTheJdkServer() throws Exception {
        UserlandDifferentialTest.requireTool("qemu-riscv64");
        byte[] page = random(250_001, 2);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        List<String> requests = new ArrayList<>();
        server.createContext("/", ex -> {
            synchronized (requests) { requests.add(ex.getRequestMethod() + " " + ex.getRequestURI() + " " + ex.getProtocol() + " Host=" + ex.getRequestHeaders().getFirst("Host")); }
            byte[] body = ex.getRequestURI().getPath().equals("/dir/page.bin") ? page : null;
            if (body == null) { ex.sendResponseHeaders(404, -1); ex.close(); return; }
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream o = ex.getResponseBody()) { o.write(body); }
        });
        server.start();
        try {
            int port = server.getAddress().getPort();
            Done d = finish(qemu(null, "wget", "http://127.0.0.1:" + port + "/dir/page.bin"), 60);
            assertEquals(0, d.status(), d.err());
            assertArrayEquals(page, Files.readAllBytes(work.resolve("page.bin")), "wget saved other bytes than the server sent");
            assertTrue(d.err().contains("'page.bin' saved (250001 bytes)"), d.err());
            d = finish(qemu(null, "wget", "-q", "-O", "-", "http://localhost:" + port + "/dir/page.bin"), 60);
            assertEquals(0, d.status(), d.err());
            assertArrayEquals(page, d.out(), "wget -O - wrote other bytes than the server sent");
            d = finish(qemu(null, "wget", "-q", "-O", "x", "http://127.0.0.1:" + port + "/nope"), 60);
            assertEquals(1, d.status());
            assertEquals("wget: server returned error: HTTP/1.1 404 Not Found\n", d.err());
            synchronized (requests) {
                assertEquals(List.of("GET /dir/page.bin HTTP/1.0 Host=127.0.0.1:" + port,
                        "GET /dir/page.bin HTTP/1.0 Host=localhost:" + port,
                        "GET /nope HTTP/1.0 Host=127.0.0.1:" + port), requests);
            }
        } finally {
            server.stop(0);
        }
        int closed = freePort();
        Done d = finish(qemu(null, "wget", "-q", "http://127.0.0.1:" + closed + "/"), 30);
        assertEquals(1, d.status());
        assertEquals("wget: connect to 127.0.0.1 port " + closed + ": Connection refused\n", d.err());
        d = finish(qemu(null, "wget", "-q", "http://no-such-host.invalid/"), 30);
        assertEquals(1, d.status());
        assertEquals("wget: no-such-host.invalid: unknown host\n", d.err());
    }

    @Test
    void ncRelaysBothWaysWithHalfClose() throws Exception {
        UserlandDifferentialTest.requireTool("qemu-riscv64");
        byte[] data = random(1 << 20, 3);
        Path in = work.resolve("in.bin");
        Files.write(in, data);
        // client: the peer reads to EOF (nc's shutdown after stdin ends), then answers
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Process nc = qemu(in, "nc", "127.0.0.1", Integer.toString(ss.getLocalPort()));
            ss.setSoTimeout(20_000);
            try (Socket s = ss.accept()) {
                byte[] got = s.getInputStream().readAllBytes();
                assertArrayEquals(data, got, "the peer received other bytes than nc's stdin");
                s.getOutputStream().write(("got " + got.length + " bytes\n").getBytes(StandardCharsets.US_ASCII));
            }
            Done d = finish(nc, 30);
            assertEquals(0, d.status(), d.err());
            assertEquals("got 1048576 bytes\n", d.text());
        }
        // server: nc -l writes what the peer sends to stdout until the peer closes
        int port = freePort();
        Process nc = qemu(null, "nc", "-l", "-p", Integer.toString(port));
        try (Socket s = connectWhenListening(port)) {
            assertEquals(-1, s.getInputStream().read(), "nc -l with stdin at EOF half-closes at once");
            s.getOutputStream().write(data);
            s.shutdownOutput();
        }
        Done d = finish(nc, 30);
        assertEquals(0, d.status(), d.err());
        assertArrayEquals(data, d.out(), "nc -l wrote other bytes than the peer sent");
    }

    @Test
    void ipAddrAndIfconfigListTheHostsAddresses() throws Exception {
        UserlandDifferentialTest.requireTool("qemu-riscv64");
        UserlandDifferentialTest.requireTool("ip");
        Process host = new ProcessBuilder("ip", "-4", "-o", "addr").start();
        Done h = finish(host, 20);
        TreeSet<String> expected = new TreeSet<>();
        Matcher m = Pattern.compile("^\\d+: (\\S+)\\s+inet (\\S+)", Pattern.MULTILINE).matcher(h.text());
        while (m.find()) expected.add(m.group(1) + " " + m.group(2));
        assertTrue(expected.contains("lo 127.0.0.1/8"), h.text());
        Done d = finish(qemu(null, "ip", "addr"), 30);
        assertEquals(0, d.status(), d.err());
        TreeSet<String> ours = new TreeSet<>();
        m = Pattern.compile("^    inet (\\S+) scope \\S+ (\\S+)$", Pattern.MULTILINE).matcher(d.text());
        while (m.find()) ours.add(m.group(2) + " " + m.group(1));
        assertEquals(expected, ours, "ip addr under qemu-riscv64 vs the host's ip -4 addr");
        d = finish(qemu(null, "ifconfig", "lo"), 30);
        assertEquals(0, d.status(), d.err());
        assertTrue(d.text().startsWith("lo: flags=73<UP,LOOPBACK,RUNNING>  mtu "), d.text());
        assertTrue(d.text().contains("        inet 127.0.0.1  netmask 255.0.0.0\n"), d.text());
        d = finish(qemu(null, "ifconfig", "nosuch0"), 30);
        assertEquals(1, d.status());
        assertEquals("ifconfig: nosuch0: SIOCGIFFLAGS: No such device\n", d.err());
    }

    static final Pattern PING_STATS = Pattern.compile(
            "(?s)^PING 127\\.0\\.0\\.1 \\(127\\.0\\.0\\.1\\) 56\\(84\\) bytes of data\\.\n"
            + "64 bytes from 127\\.0\\.0\\.1: icmp_seq=1( ttl=\\d+)? time=\\d+\\.\\d{3} ms\n"
            + "64 bytes from 127\\.0\\.0\\.1: icmp_seq=2( ttl=\\d+)? time=\\d+\\.\\d{3} ms\n\n"
            + "--- 127\\.0\\.0\\.1 ping statistics ---\n"
            + "2 packets transmitted, 2 received, 0% packet loss, time \\d+ms\n"
            + "rtt min/avg/max/mdev = \\d+\\.\\d{3}/\\d+\\.\\d{3}/\\d+\\.\\d{3}/\\d+\\.\\d{3} ms\n$");

    @Test
    void pingLoopbackOnTheHostStack() throws Exception {
        UserlandDifferentialTest.requireTool("qemu-riscv64");
        Done d = finish(qemu(null, "ping", "-c", "2", "-i", "0.2", "127.0.0.1"), 30);
        assertEquals(0, d.status(), d.err());
        assertTrue(PING_STATS.matcher(d.text()).matches(), d.text());
    }

    @Test
    void ifconfigAndPingUnderMultiosRun() throws Exception {
        UserlandDifferentialTest.Result r = UserlandDifferentialTest.runOurs(work,
                List.of("sh", "-c", "ifconfig lo; ping -c 2 -i 0.2 127.0.0.1; echo ping=$?; ping -c 1 -W 1 nosuchhost"), "");
        assertTrue(r.out().startsWith("lo: flags=73<UP,LOOPBACK,RUNNING>  mtu 65536\n        inet 127.0.0.1  netmask 255.0.0.0\n"), r.out() + r.err());
        String pingPart = r.out().substring(r.out().indexOf("PING"), r.out().indexOf("ping=0\n"));
        assertTrue(PING_STATS.matcher(pingPart).matches(), r.out());
        assertTrue(r.err().contains("ping: nosuchhost: unknown host"), r.err());
        assertEquals(2, r.status());
    }

    /**
     * Runs {@code mbox sh -c SCRIPT} under multios run in {@link #work}, failing (instead of hanging
     * the suite) if the guest does not finish: a TCP connection that never completes blocks both
     * guest processes, and an idle kernel waits for console input that never comes.
     */
    UserlandDifferentialTest.Result runOursOrFail(String script) throws Exception {
        CompletableFuture<UserlandDifferentialTest.Result> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try { f.complete(UserlandDifferentialTest.runOurs(work, List.of("sh", "-c", script), "")); }
            catch (Throwable e) { f.completeExceptionally(e); }
        }, "multios-run");
        t.setDaemon(true);
        t.start();
        try {
            return f.get(150, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("mbox sh -c under multios run did not finish in 150 s: " + script);
        }
    }

    /** nc -l and nc, two guest processes, over the MultiOS kernel's loopback: both directions, half-close. */
    @Test
    void ncToNcOverLoopbackUnderMultiosRun() throws Exception {
        byte[] data = random(300_000, 4), reply = random(70_001, 5);
        Files.write(work.resolve("data.bin"), data);
        Files.write(work.resolve("reply.bin"), reply);
        // sleep: the listener runs first (virtual time, so this costs nothing and replays exactly)
        UserlandDifferentialTest.Result r = runOursOrFail(
                "nc -l -p 9000 < reply.bin > got.bin & sleep 1; nc 127.0.0.1 9000 < data.bin > back.bin; echo client=$?; wait $!; echo server=$?");
        assertEquals("client=0\nserver=0\n", r.out(), r.err());
        assertEquals(0, r.status(), r.err());
        assertArrayEquals(data, Files.readAllBytes(work.resolve("got.bin")), "nc -l wrote other bytes than the client sent");
        assertArrayEquals(reply, Files.readAllBytes(work.resolve("back.bin")), "nc wrote other bytes than the listener sent");
        // a small message piped in, as a user types it
        r = runOursOrFail("nc -l -p 9001 > small.txt & sleep 1; echo hello over loopback | nc 127.0.0.1 9001; wait; cat small.txt");
        assertEquals("hello over loopback\n", r.out(), r.err());
    }

    /** httpd and wget, two guest processes, over the MultiOS kernel's loopback. */
    @Test
    void httpdAndWgetOverLoopbackUnderMultiosRun() throws Exception {
        Path root = Files.createDirectory(work.resolve("www"));
        byte[] big = random(250_000, 6);
        Files.write(root.resolve("big.bin"), big);
        Files.writeString(root.resolve("index.html"), "<p>multios</p>\n");
        UserlandDifferentialTest.Result r = runOursOrFail("httpd -q -p 8080 -d www -n 3 & sleep 1; "
                + "wget -q http://127.0.0.1:8080/big.bin; echo big=$?; "
                + "wget -q -O - http://127.0.0.1:8080/; "
                + "wget -q -O x http://127.0.0.1:8080/missing.txt; echo missing=$?; "
                + "wait $!; echo httpd=$?; wget -q http://127.0.0.1:8080/; echo refused=$?");
        assertEquals("big=0\n<p>multios</p>\nmissing=1\nhttpd=0\nrefused=1\n", r.out(), r.err());
        assertArrayEquals(big, Files.readAllBytes(work.resolve("big.bin")), "wget saved other bytes than httpd served");
        assertTrue(r.err().contains("wget: server returned error: HTTP/1.0 404 Not Found\n"), r.err());
        assertTrue(r.err().contains("wget: connect to 127.0.0.1 port 8080: Connection refused\n"), r.err());
    }
}
