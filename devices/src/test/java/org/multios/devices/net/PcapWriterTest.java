package org.multios.devices.net;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PcapWriterTest {
    static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) if (Files.isExecutable(Path.of(d, tool))) return true;
        return false;
    }

    /** A user-network session: DHCP, ARP, ping, through the tap. */
    static Path capture(Path dir) throws Exception {
        Path file = dir.resolve("s.pcap");
        long[] t = {0};
        UserNetBackend user = new UserNetBackend();
        List<byte[]> delivered = new ArrayList<>();
        try (PcapTap tap = new PcapTap(user, new PcapWriter(file), () -> t[0] += 1_500_000_000L)) {
            tap.attach(delivered::add);
            tap.transmit(UserNetBackendTest.dhcp(DhcpServer.DISCOVER, 0));
            tap.transmit(UserNetBackendTest.dhcp(DhcpServer.REQUEST, UserNetBackend.GUEST));
            byte[] echo = new byte[16];
            echo[0] = 8;
            Packets.put16(echo, 2, Packets.checksum(echo, 0, 16));
            tap.transmit(Packets.ethernet(UserNetBackend.GATEWAY_MAC, UserNetBackendTest.GUEST_MAC, Packets.ETHERTYPE_IPV4,
                    Packets.ipv4(UserNetBackend.GUEST, UserNetBackend.GATEWAY, Packets.PROTO_ICMP, 1, echo)));
        }
        assertEquals(3, delivered.size(), "offer, ack, echo reply reached the guest side");
        return file;
    }

    @Test
    void recordsAreWellFormed(@TempDir Path dir) throws Exception {
        byte[] b = Files.readAllBytes(capture(dir));
        ByteBuffer in = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0xa1b2c3d4, in.getInt());
        assertEquals(2, in.getShort());
        assertEquals(4, in.getShort());
        in.getInt(); in.getInt();
        assertEquals(65535, in.getInt());
        assertEquals(PcapWriter.LINKTYPE_ETHERNET, in.getInt());
        int records = 0;
        long lastTs = -1;
        while (in.hasRemaining()) {
            long sec = in.getInt(), usec = in.getInt();
            int incl = in.getInt(), orig = in.getInt();
            assertEquals(incl, orig);
            assertTrue(usec < 1_000_000);
            long ts = sec * 1_000_000 + usec;
            assertTrue(ts > lastTs, "timestamps increase");
            lastTs = ts;
            in.position(in.position() + incl);
            records++;
        }
        assertEquals(6, records);
    }

    @Test
    void tsharkReadsTheCaptureWithCorrectChecksums(@TempDir Path dir) throws Exception {
        boolean have = onPath("tshark");
        if ("1".equals(System.getenv("MULTIOS_REQUIRE_ORACLES"))) assertTrue(have, "tshark is required (MULTIOS_REQUIRE_ORACLES=1)");
        assumeTrue(have, "tshark not installed");
        Path file = capture(dir);
        Process p = new ProcessBuilder("tshark", "-r", file.toString(), "-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE",
                "-T", "fields", "-e", "_ws.col.Protocol", "-e", "_ws.col.Info", "-e", "_ws.expert.severity")
                .redirectErrorStream(false).start();
        String out = new String(p.getInputStream().readAllBytes());
        String err = new String(p.getErrorStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), err);
        String[] lines = out.strip().split("\n");
        assertEquals(6, lines.length, out);
        assertTrue(lines[0].contains("DHCP Discover"), out);
        assertTrue(lines[1].contains("DHCP Offer"), out);
        assertTrue(lines[3].contains("DHCP ACK"), out);
        assertTrue(lines[5].contains("Echo (ping) reply"), out);
        for (String line : lines) {
            String[] cols = line.split("\t", -1);
            if (cols.length < 3 || cols[2].isBlank()) continue;
            for (String sev : cols[2].split(",")) {
                // Expert info severities: 0x600000 warning, 0x800000 error (bad checksum, malformed).
                assertTrue(Integer.parseInt(sev.trim()) < 0x600000, "tshark complains: " + line);
            }
        }
        assertFalse(err.contains("appears to have been cut short"), err);
    }
}
