package org.multios.devices.net;

import static org.junit.jupiter.api.Assertions.*;
import static org.multios.devices.net.Packets.*;

import java.io.ByteArrayOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UserNetBackendTest {
    static final byte[] GUEST_MAC = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
    static final int GUEST = UserNetBackend.GUEST, GW = UserNetBackend.GATEWAY;

    final LinkedBlockingQueue<byte[]> toGuest = new LinkedBlockingQueue<>();

    UserNetBackend open(Path tftp) throws Exception {
        UserNetBackend b = new UserNetBackend(tftp, "boot.bin");
        b.attach(toGuest::add);
        return b;
    }

    static byte[] udpFrame(int src, int dst, int sport, int dport, byte[] data) {
        return ethernet(dst == 0xffffffff ? BROADCAST : UserNetBackend.GATEWAY_MAC, GUEST_MAC, ETHERTYPE_IPV4,
                ipv4(src, dst, PROTO_UDP, 7, udp(src, dst, sport, dport, data)));
    }

    static byte[] dhcp(int type, int requested) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        byte[] fixed = new byte[240];
        fixed[0] = 1; fixed[1] = 1; fixed[2] = 6;
        put32(fixed, 4, 0x12345678);
        System.arraycopy(GUEST_MAC, 0, fixed, 28, 6);
        put32(fixed, 236, DhcpServer.MAGIC);
        o.writeBytes(fixed);
        o.writeBytes(new byte[] {53, 1, (byte) type});
        if (requested != 0) { o.writeBytes(new byte[] {50, 4}); o.writeBytes(ipBytes(requested)); o.writeBytes(new byte[] {54, 4}); o.writeBytes(ipBytes(GW)); }
        o.write(255);
        return udpFrame(0, 0xffffffff, 68, 67, o.toByteArray());
    }

    /** The UDP payload of a received frame, after checking every header and checksum. */
    static byte[] udpPayload(byte[] f, int expectSport, int expectDport) {
        Ipv4 p = Ipv4.parse(f);
        assertNotNull(p, "valid IPv4 with header checksum");
        assertEquals(PROTO_UDP, p.proto());
        int at = p.payloadAt();
        assertEquals(expectSport, u16(f, at));
        if (expectDport >= 0) assertEquals(expectDport, u16(f, at + 2));
        int len = u16(f, at + 4);
        assertEquals(0, ~sum(f, at, len, pseudoSum(p.src(), p.dst(), PROTO_UDP, len)) & 0xffff, "UDP checksum");
        return java.util.Arrays.copyOfRange(f, at + 8, at + len);
    }

    static int dhcpType(byte[] d) {
        for (int i = 240; i < d.length && (d[i] & 0xff) != 255; i += (d[i] == 0 ? 1 : 2 + (d[i + 1] & 0xff))) if (d[i] == 53) return d[i + 2];
        return -1;
    }

    @Test
    void dhcpDiscoverOfferRequestAck() throws Exception {
        try (UserNetBackend b = open(null)) {
            b.transmit(dhcp(DhcpServer.DISCOVER, 0));
            byte[] offer = udpPayload(toGuest.poll(), 67, 68);
            assertEquals(2, offer[0]);
            assertEquals(DhcpServer.OFFER, dhcpType(offer));
            assertEquals(0x12345678, u32(offer, 4));
            assertEquals(ip(10, 0, 2, 15), u32(offer, 16));
            assertEquals(GW, u32(offer, 20), "siaddr = TFTP server");
            assertEquals("boot.bin", new String(offer, 108, 8, StandardCharsets.US_ASCII));

            b.transmit(dhcp(DhcpServer.REQUEST, ip(10, 0, 2, 15)));
            byte[] ack = udpPayload(toGuest.poll(), 67, 68);
            assertEquals(DhcpServer.ACK, dhcpType(ack));
            assertEquals(ip(10, 0, 2, 15), u32(ack, 16));

            b.transmit(dhcp(DhcpServer.REQUEST, ip(10, 0, 2, 99)));
            assertEquals(DhcpServer.NAK, dhcpType(udpPayload(toGuest.poll(), 67, 68)));
        }
    }

    @Test
    void arpAndPingTheGateway() throws Exception {
        try (UserNetBackend b = open(null)) {
            byte[] arp = new byte[28];
            put16(arp, 0, 1); put16(arp, 2, 0x800); arp[4] = 6; arp[5] = 4; put16(arp, 6, 1);
            System.arraycopy(GUEST_MAC, 0, arp, 8, 6); put32(arp, 14, GUEST); put32(arp, 24, GW);
            b.transmit(ethernet(BROADCAST, GUEST_MAC, ETHERTYPE_ARP, arp));
            byte[] r = toGuest.poll();
            assertNotNull(r);
            assertEquals(2, u16(r, 14 + 6));
            assertArrayEquals(UserNetBackend.GATEWAY_MAC, java.util.Arrays.copyOfRange(r, 14 + 8, 14 + 14));
            assertEquals(GW, u32(r, 14 + 14));

            put32(arp, 24, ip(10, 0, 2, 77)); // nobody there
            b.transmit(ethernet(BROADCAST, GUEST_MAC, ETHERTYPE_ARP, arp));
            assertNull(toGuest.poll());

            byte[] echo = new byte[8 + 32];
            echo[0] = 8; put16(echo, 4, 0x77); put16(echo, 6, 3);
            for (int i = 8; i < echo.length; i++) echo[i] = (byte) i;
            put16(echo, 2, checksum(echo, 0, echo.length));
            b.transmit(ethernet(UserNetBackend.GATEWAY_MAC, GUEST_MAC, ETHERTYPE_IPV4, ipv4(GUEST, GW, PROTO_ICMP, 9, echo)));
            byte[] reply = toGuest.poll();
            Ipv4 p = Ipv4.parse(reply);
            assertNotNull(p);
            assertEquals(GW, p.src());
            assertEquals(GUEST, p.dst());
            assertEquals(0, reply[p.payloadAt()], "echo reply");
            assertEquals(0, checksum(reply, p.payloadAt(), p.payloadLength()));
            assertArrayEquals(java.util.Arrays.copyOfRange(echo, 4, echo.length), java.util.Arrays.copyOfRange(reply, p.payloadAt() + 4, p.payloadAt() + p.payloadLength()));
            assertArrayEquals(GUEST_MAC, java.util.Arrays.copyOfRange(reply, 0, 6));

            echo[20] ^= 1; // corrupt: no reply
            b.transmit(ethernet(UserNetBackend.GATEWAY_MAC, GUEST_MAC, ETHERTYPE_IPV4, ipv4(GUEST, GW, PROTO_ICMP, 10, echo)));
            assertNull(toGuest.poll());
        }
    }

    /** Fetches {@code name} the way a TFTP client does; returns the file or the error message. */
    static byte[] tftpGet(UserNetBackend b, LinkedBlockingQueue<byte[]> in, String name, String blksize) throws Exception {
        ByteArrayOutputStream req = new ByteArrayOutputStream();
        req.write(0); req.write(1);
        req.writeBytes(name.getBytes()); req.write(0);
        req.writeBytes("octet".getBytes()); req.write(0);
        if (blksize != null) { req.writeBytes("blksize\0".getBytes()); req.writeBytes(blksize.getBytes()); req.write(0); }
        int cport = 1234;
        b.transmit(udpFrame(GUEST, GW, cport, 69, req.toByteArray()));
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        int size = 512;
        for (int expect = 1; ; ) {
            byte[] f = in.poll();
            assertNotNull(f, "server answers");
            Ipv4 p = Ipv4.parse(f);
            int sport = u16(f, p.payloadAt());
            byte[] d = udpPayload(f, sport, cport);
            int op = u16(d, 0);
            if (op == 5) throw new AssertionError("TFTP error " + u16(d, 2) + ": " + new String(d, 4, d.length - 5));
            if (op == 6) {
                String opts = new String(d, 2, d.length - 2, StandardCharsets.US_ASCII);
                size = Integer.parseInt(opts.split("\0")[1]);
                b.transmit(udpFrame(GUEST, GW, cport, sport, new byte[] {0, 4, 0, 0}));
                continue;
            }
            assertEquals(3, op);
            assertEquals(expect & 0xffff, u16(d, 2));
            file.write(d, 4, d.length - 4);
            byte[] ack = {0, 4, 0, 0};
            put16(ack, 2, expect);
            if (expect == 3) b.transmit(udpFrame(GUEST, GW, cport, sport, new byte[] {0, 4, 0, 2})); // duplicate ACK: block 3 again
            if (expect == 3) { byte[] again = in.poll(); assertEquals(3, u16(udpPayload(again, sport, cport), 2)); }
            b.transmit(udpFrame(GUEST, GW, cport, sport, ack));
            if (d.length - 4 < size) break;
            expect++;
        }
        assertNull(in.poll(), "nothing after the last ACK");
        return file.toByteArray();
    }

    @Test
    void tftpTransfersByteExact(@TempDir Path dir) throws Exception {
        byte[] content = new byte[100_000];
        new Random(1).nextBytes(content);
        Files.write(dir.resolve("image.bin"), content);
        Files.write(dir.resolve("exact.bin"), java.util.Arrays.copyOf(content, 1468 * 4));
        try (UserNetBackend b = open(dir)) {
            assertArrayEquals(content, tftpGet(b, toGuest, "image.bin", null));
            assertArrayEquals(content, tftpGet(b, toGuest, "/image.bin", "1468"));
            assertArrayEquals(java.util.Arrays.copyOf(content, 1468 * 4), tftpGet(b, toGuest, "exact.bin", "1468"));
        }
    }

    @Test
    void tftpStaysInsideItsDirectory(@TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("srv"));
        Files.writeString(tmp.resolve("secret"), "no");
        Files.createSymbolicLink(dir.resolve("link"), tmp.resolve("secret"));
        try (UserNetBackend b = open(dir)) {
            for (String evil : List.of("../secret", "/../secret", "a/../../secret", "link", "..\\secret", tmp.resolve("secret").toString().substring(1) + "/../../..")) {
                AssertionError e = assertThrows(AssertionError.class, () -> tftpGet(b, toGuest, evil, null), evil);
                assertTrue(e.getMessage().startsWith("TFTP error"), evil + ": " + e.getMessage());
                toGuest.clear();
            }
            AssertionError e = assertThrows(AssertionError.class, () -> tftpGet(b, toGuest, "missing", null));
            assertTrue(e.getMessage().startsWith("TFTP error 1"), e.getMessage());
        }
    }

    @Test
    void udpNatReachesAHostSocketThroughTheGateway() throws Exception {
        try (DatagramSocket echo = new DatagramSocket(0, InetAddress.getLoopbackAddress()); UserNetBackend b = open(null)) {
            Thread t = Thread.ofVirtual().start(() -> {
                try {
                    byte[] buf = new byte[1500];
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    echo.receive(p);
                    byte[] r = ("echo:" + new String(buf, 0, p.getLength())).getBytes();
                    echo.send(new DatagramPacket(r, r.length, p.getSocketAddress()));
                } catch (Exception ignored) {}
            });
            b.transmit(udpFrame(GUEST, GW, 5555, echo.getLocalPort(), "hello".getBytes()));
            byte[] f = toGuest.poll(5, TimeUnit.SECONDS);
            assertNotNull(f, "reply through NAT");
            assertEquals("echo:hello", new String(udpPayload(f, echo.getLocalPort(), 5555)));
            assertEquals(GW, Ipv4.parse(f).src());
            t.join();
        }
    }

    static byte[] tcp(int sport, int dport, int seq, int ack, int flags, byte[] data) {
        byte[] t = new byte[20 + data.length];
        put16(t, 0, sport); put16(t, 2, dport); put32(t, 4, seq); put32(t, 8, ack);
        t[12] = 0x50; t[13] = (byte) flags; put16(t, 14, 65535);
        System.arraycopy(data, 0, t, 20, data.length);
        put16(t, 16, ~sum(t, 0, t.length, pseudoSum(GUEST, GW, PROTO_TCP, t.length)) & 0xffff);
        return ethernet(UserNetBackend.GATEWAY_MAC, GUEST_MAC, ETHERTYPE_IPV4, ipv4(GUEST, GW, PROTO_TCP, 1, t));
    }

    /** A TCP segment to the guest: {seq, ack, flags, payload offset, payload length, source port} after checking its checksum. */
    static int[] seg(byte[] r) {
        assertNotNull(r, "segment expected");
        Ipv4 p = Ipv4.parse(r);
        assertNotNull(p);
        assertEquals(PROTO_TCP, p.proto());
        int at = p.payloadAt();
        assertEquals(0, ~sum(r, at, p.payloadLength(), pseudoSum(p.src(), p.dst(), PROTO_TCP, p.payloadLength())) & 0xffff, "TCP checksum");
        int off = (r[at + 12] >>> 4 & 0xf) * 4;
        return new int[] {u32(r, at + 4), u32(r, at + 8), r[at + 13] & 0x3f, at + off, p.payloadLength() - off, u16(r, at)};
    }

    @Test
    void tcpToAClosedHostPortIsRefusedWithReset() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) { port = s.getLocalPort(); }
        try (UserNetBackend b = open(null)) {
            b.transmit(tcp(40000, port, 1000, 0, 0x02, new byte[0]));
            int[] r = seg(toGuest.poll(5, TimeUnit.SECONDS));
            assertEquals(0x14, r[2], "RST+ACK");
            assertEquals(1001, r[1]);
            b.transmit(tcp(40001, port, 5, 9, 0x10, new byte[0])); // stray ACK: RST with seq = its ack
            int[] r2 = seg(toGuest.poll(5, TimeUnit.SECONDS));
            assertEquals(0x04, r2[2]);
            assertEquals(9, r2[0]);
        }
    }

    @Test
    void tcpNatSplicesAGuestConnectionOntoAHostSocket() throws Exception {
        byte[] big = new byte[200_000];
        new Random(5).nextBytes(big);
        try (java.net.ServerSocket server = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress()); UserNetBackend b = open(null)) {
            Thread host = Thread.ofVirtual().start(() -> {
                try (java.net.Socket s = server.accept()) {
                    byte[] req = s.getInputStream().readNBytes(5);
                    s.getOutputStream().write(("got " + new String(req)).getBytes());
                    s.getOutputStream().write(big);
                    s.shutdownOutput();
                    s.getInputStream().readAllBytes(); // until the guest's FIN
                } catch (Exception ignored) {}
            });
            int port = server.getLocalPort();
            b.transmit(tcp(41000, port, 100, 0, 0x02, new byte[0]));
            int[] synack = seg(toGuest.poll(5, TimeUnit.SECONDS));
            assertEquals(0x12, synack[2], "SYN+ACK");
            assertEquals(101, synack[1]);
            int rcv = synack[0] + 1;
            b.transmit(tcp(41000, port, 101, rcv, 0x10, new byte[0]));
            b.transmit(tcp(41000, port, 101, rcv, 0x18, "hello".getBytes()));
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            boolean fin = false;
            boolean droppedOnce = false;
            while (!fin) {
                byte[] f = toGuest.poll(5, TimeUnit.SECONDS);
                int[] s = seg(f);
                if (s[4] > 0 && !droppedOnce && got.size() > 50_000) { droppedOnce = true; continue; } // lose one: must come again
                if (s[0] != rcv) { b.transmit(tcp(41000, port, 106, rcv, 0x10, new byte[0])); continue; } // out of order: dup ACK
                got.write(f, s[3], s[4]);
                rcv += s[4];
                if ((s[2] & 0x01) != 0) { fin = true; rcv += 1; }
                b.transmit(tcp(41000, port, 106, rcv, 0x10, new byte[0]));
            }
            byte[] all = got.toByteArray();
            assertEquals("got hello", new String(all, 0, 9));
            assertArrayEquals(big, java.util.Arrays.copyOfRange(all, 9, all.length));
            assertTrue(droppedOnce);
            b.transmit(tcp(41000, port, 106, rcv, 0x11, new byte[0])); // our FIN
            int[] last = seg(toGuest.poll(5, TimeUnit.SECONDS));
            assertEquals(107, last[1], "FIN acknowledged");
            host.join(5000);
            assertFalse(host.isAlive(), "host side saw the guest's FIN");
        }
    }

    @Test
    void hostfwdCarriesAHostConnectionIntoTheGuest() throws Exception {
        int hostPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) { hostPort = s.getLocalPort(); }
        try (UserNetBackend b = new UserNetBackend(null, null, List.of(new PortForward(null, hostPort, 80)))) {
            b.attach(toGuest::add);
            try (java.net.Socket client = new java.net.Socket(InetAddress.getLoopbackAddress(), hostPort)) {
                int[] syn = seg(toGuest.poll(5, TimeUnit.SECONDS));
                assertEquals(0x02, syn[2], "SYN towards the guest");
                int gwPort = syn[5]; // the guest (us) answers from port 80 to the gateway's ephemeral port
                client.getOutputStream().write("GET /".getBytes());
                b.transmit(tcp(80, gwPort, 7000, syn[0] + 1, 0x12, new byte[0]));
                int[] ack = seg(toGuest.poll(5, TimeUnit.SECONDS));
                assertEquals(0x10, ack[2] & 0x10);
                assertEquals(7001, ack[1]);
                byte[] d = toGuest.poll(5, TimeUnit.SECONDS);
                int[] data = seg(d);
                assertEquals("GET /", new String(d, data[3], data[4]));
                b.transmit(tcp(80, gwPort, 7001, data[0] + data[4], 0x18, "200 OK".getBytes()));
                int[] ack2 = seg(toGuest.poll(5, TimeUnit.SECONDS));
                assertEquals(7007, ack2[1]);
                assertEquals("200 OK", new String(client.getInputStream().readNBytes(6)));
            }
        }
    }

    @Test
    void malformedFramesAreIgnored() throws Exception {
        Random rnd = new Random(3);
        try (UserNetBackend b = open(null)) {
            List<byte[]> frames = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                byte[] base = switch (i % 3) { case 0 -> dhcp(1, 0); case 1 -> udpFrame(GUEST, GW, 1, 69, new byte[] {0, 1, 'x', 0}); default -> new byte[rnd.nextInt(80)]; };
                byte[] f = java.util.Arrays.copyOf(base, rnd.nextInt(base.length + 1));
                for (int k = 0; k < 3 && f.length > 0; k++) f[rnd.nextInt(f.length)] ^= (byte) (1 << rnd.nextInt(8));
                frames.add(f);
            }
            for (byte[] f : frames) assertDoesNotThrow(() -> b.transmit(f));
        }
    }
}
