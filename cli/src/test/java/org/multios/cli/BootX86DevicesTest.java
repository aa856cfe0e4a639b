package org.multios.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.cli.BootConsoleTest.Console;
import org.multios.cli.BootConsoleTest.Screen;

/**
 * {@code boot --arch x86_64} with devices beyond the console test's ({@link BootConsoleX86Test}):
 * virtio-net with its INTx through the PIIX3 PIRQ routing to an 8259 IRQ, as the arm64 twin
 * ({@link BootArm64DevicesTest}) takes it through the GIC.
 */
class BootX86DevicesTest {
    static final String PROMPT = BootConsoleTest.PROMPT;

    /**
     * --net user on x86_64: the kernel routes the NIC's PIRQ to an 8259 IRQ (a polled NIC would say
     * so in the boot line), ip=dhcp configures eth0 from the user network, the gateway answers ping,
     * the guest's wget fetches a page from a server this test runs, and curl on the host reaches the
     * guest's httpd through hostfwd.
     */
    @Test
    @Timeout(600)
    void virtioNetWithInterruptsThroughThePiix3() throws Exception {
        byte[] page = ("<html>hello x86 from the host " + System.nanoTime() + "</html>\n").getBytes(StandardCharsets.US_ASCII);
        HttpServer host = NetBootTest.servePage(page);
        int hostPort = NetBootTest.freeTcpPort();
        Screen screen = new Screen();
        PipedOutputStream keys = new PipedOutputStream();
        PipedInputStream in = new PipedInputStream(keys, 4096);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        AtomicInteger status = new AtomicInteger(-1);
        Thread machine = Thread.ofPlatform().name("multios-boot-x86-net").start(() -> status.set(Multios.run(
                new String[] {"boot", "--arch", "x86_64", "--rtc", "fixed", "--net", "user,hostfwd=tcp::" + hostPort + "-:80",
                        "--cmdline", "root=/dev/nvme0n1p2 console=ttyS0 ip=dhcp"}, in,
                new PrintStream(screen, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))));
        try {
            int at = screen.waitFor(PROMPT, 0, machine);
            String boot = screen.text();
            assertTrue(boot.matches("(?s).*virtio-net 00:0\\d\\.0: eth0 52:54:00:12:34:56 mtu 1500, irq 1[01] "
                    + "\\(INTx through the board's PCI interrupt router\\).*"), boot);
            assertTrue(boot.contains("eth0 10.0.2.15/24 gateway 10.0.2.2"), boot);
            Console c = new Console(screen, keys, machine, at + PROMPT.length());
            String ifc = c.type("ifconfig eth0");
            assertTrue(ifc.contains("inet 10.0.2.15  netmask 255.255.255.0"), ifc);
            String ping = c.type("ping -c 2 10.0.2.2");
            // after boot nothing polls the rings: replies arrive only through the 8259 line
            assertTrue(ping.contains("64 bytes from 10.0.2.2: icmp_seq=1"), ping);
            assertTrue(ping.contains("2 packets transmitted, 2 received, 0% packet loss"), ping);
            String got = c.type("wget -q -O - http://10.0.2.2:" + host.getAddress().getPort() + "/page.html; echo status=$?");
            assertTrue(got.contains(new String(page, StandardCharsets.US_ASCII).strip()), got);
            assertTrue(got.contains("status=0"), got);

            String guestPage = "served by MultiOS httpd on x86_64 " + System.nanoTime();
            c.type("mkdir -p /var/www && echo '" + guestPage + "' > /var/www/index.html");
            c.send("httpd -n 1 -p 80 -d /var/www");
            screen.waitFor("httpd: serving /var/www on port 80", c.from, machine);
            assertEquals(guestPage, fetchFromHost("http://127.0.0.1:" + hostPort + "/").strip());
            c.expectPrompt(); // httpd -n 1 exits after its one connection
            c.send("poweroff");
            machine.join(BootConsoleTest.WAIT_MS);
            assertFalse(machine.isAlive(), "poweroff ends the emulator");
            assertEquals(0, status.get(), "exit status; stderr: " + err);
        } finally {
            host.stop(0);
            if (machine.isAlive()) machine.interrupt();
        }
    }

    /** curl when installed; the JDK's client otherwise, unless oracles are required. */
    static String fetchFromHost(String url) throws Exception {
        boolean curl = NetBootTest.Tools.onPath("curl");
        if (!curl && "1".equals(System.getenv("MULTIOS_REQUIRE_ORACLES"))) fail("curl is required (MULTIOS_REQUIRE_ORACLES=1) but missing");
        if (curl) {
            Process p = new ProcessBuilder("curl", "-sS", "--max-time", "120", url).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            assertTrue(p.waitFor(150, TimeUnit.SECONDS), "curl did not finish");
            String s = new String(out, StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), "curl: " + s);
            return s;
        }
        HttpURLConnection h = (HttpURLConnection) URI.create(url).toURL().openConnection();
        h.setConnectTimeout(120_000);
        h.setReadTimeout(120_000);
        assertEquals(200, h.getResponseCode());
        try (InputStream in = h.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
