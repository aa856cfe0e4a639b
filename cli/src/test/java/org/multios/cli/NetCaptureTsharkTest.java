package org.multios.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 8, Must show 4: a whole session captured with {@code --net user,pcap=FILE} opens in
 * {@code tshark} with every IPv4, UDP, TCP and ICMP checksum verified good and nothing malformed.
 * The session: a network boot ({@code --boot net}: the firmware's DHCP and TFTP in C, stages 1
 * and 2), the kernel's DHCP, {@code ping 10.0.2.2}, and {@code wget} of a page from a host HTTP
 * server (TCP through the gateway). (devices' PcapWriterTest covers the capture format itself.)
 * Skipped without tshark; fails instead under MULTIOS_REQUIRE_ORACLES=1.
 */
class NetCaptureTsharkTest {
    static final String PROMPT = BootConsoleTest.PROMPT;

    /** Runs tshark on the capture with checksum validation on; returns stdout (exit status 0 asserted). */
    static String tshark(Path pcap, String... more) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("tshark", "-r", pcap.toString(),
                "-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE"));
        cmd.addAll(List.of(more));
        Process p = new ProcessBuilder(cmd).start();
        p.getOutputStream().close();
        var errF = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try { return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8); } catch (java.io.IOException e) { return e.toString(); }
        });
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "tshark did not finish");
        String err = errF.get();
        assertEquals(0, p.exitValue(), "tshark " + String.join(" ", more) + ": " + err);
        assertFalse(err.contains("cut short") || err.contains("appears to be damaged"), err);
        return out;
    }

    static long count(Path pcap, String filter) throws Exception {
        String out = tshark(pcap, "-Y", filter, "-T", "fields", "-e", "frame.number");
        return out.lines().filter(l -> !l.isBlank()).count();
    }

    @Test
    @Timeout(300)
    void aNetworkBootAndGuestSessionCaptureHasNoBadChecksums(@TempDir Path dir) throws Exception {
        boolean have = NetBootTest.Tools.onPath("tshark");
        if ("1".equals(System.getenv("MULTIOS_REQUIRE_ORACLES"))) assertTrue(have, "tshark is required (MULTIOS_REQUIRE_ORACLES=1)");
        assumeTrue(have, "tshark not installed");

        byte[] page = ("captured page " + System.nanoTime() + "\n").getBytes(StandardCharsets.US_ASCII);
        HttpServer host = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        host.createContext("/p.txt", ex -> {
            ex.sendResponseHeaders(200, page.length);
            ex.getResponseBody().write(page);
            ex.close();
        });
        host.start();
        Path pcap = dir.resolve("session.pcap");
        try (BootHarness m = new BootHarness("--rtc", "fixed", "--boot", "net", "--net", "user,pcap=" + pcap)) {
            int at = m.waitFor(PROMPT);
            BootConsoleTest.Console c = new BootConsoleTest.Console(m.screen, m.keys, m.machine, at + PROMPT.length());
            c.type("while ! ifconfig eth0 | grep -q 10.0.2.15; do sleep 1; done");
            String ping = c.type("ping -c 2 10.0.2.2");
            assertTrue(ping.contains("2 packets transmitted, 2 received"), ping);
            String got = c.type("wget -q -O - http://10.0.2.2:" + host.getAddress().getPort() + "/p.txt");
            assertTrue(got.contains(new String(page, StandardCharsets.US_ASCII).strip()), got);
            m.stop();
        } finally {
            host.stop(0);
        }
        assertTrue(Files.size(pcap) > 100_000, "the capture holds the TFTP transfers: " + Files.size(pcap) + " bytes");

        String summary = tshark(pcap, "-T", "fields", "-e", "_ws.col.Protocol", "-e", "_ws.col.Info");
        assertTrue(summary.contains("Read Request, File: stage2.bin"), "stage 1's TFTP request");
        assertTrue(summary.contains("Read Request, File: initrd.cpio"), "stage 2's TFTP request");
        assertTrue(summary.contains("Option Acknowledgement"), "blksize/tsize negotiated");
        long dhcpAcks = summary.lines().filter(l -> l.contains("DHCP ACK")).count();
        assertTrue(dhcpAcks >= 2, "the firmware's and the kernel's DHCP: " + dhcpAcks + " ACKs");
        assertTrue(summary.contains("Echo (ping) reply"), "ping");
        assertTrue(summary.contains("GET /p.txt"), "wget's HTTP request");

        // Nothing bad: no malformed packet, no error-level expert info, no checksum tshark calls bad.
        String bad = tshark(pcap, "-Y", "_ws.malformed || _ws.expert.severity >= 0x800000 || ip.checksum.status == 0 "
                + "|| udp.checksum.status == 0 || tcp.checksum.status == 0 || icmp.checksum.status == 0",
                "-T", "fields", "-e", "frame.number", "-e", "_ws.col.Protocol", "-e", "_ws.col.Info");
        assertEquals("", bad.strip(), "tshark finds malformed packets or bad checksums");
        // ... and the checksums really were verified (status 1 = good), for every protocol.
        long ip = count(pcap, "ip.checksum.status == 1"), udp = count(pcap, "udp.checksum.status == 1"),
                tcp = count(pcap, "tcp.checksum.status == 1"), icmp = count(pcap, "icmp.checksum.status == 1"),
                frames = count(pcap, "frame");
        assertTrue(ip > 1000 && udp > 1000 && tcp >= 6 && icmp >= 4,
                "verified good: ip " + ip + ", udp " + udp + ", tcp " + tcp + ", icmp " + icmp + " of " + frames + " frames");
        System.out.printf("NetCaptureTsharkTest: %d frames, checksums verified good: IPv4 %d, UDP %d, TCP %d, ICMP %d; none bad%n",
                frames, ip, udp, tcp, icmp);
    }
}
