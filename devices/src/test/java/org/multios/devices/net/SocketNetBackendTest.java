package org.multios.devices.net;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SocketNetBackendTest {
    static byte[] frame(int srcLast, String text) {
        byte[] body = text.getBytes();
        byte[] src = {0x52, 0x54, 0, 0, 0, (byte) srcLast};
        return Packets.ethernet(Packets.BROADCAST, src, 0x88b5, body);
    }

    @Test
    void listenAndConnectExchangeFramesBothWays() throws Exception {
        LinkedBlockingQueue<byte[]> atA = new LinkedBlockingQueue<>(), atB = new LinkedBlockingQueue<>();
        try (SocketNetBackend a = SocketNetBackend.listen(null, 0)) {
            a.attach(atA::add);
            int port = a.localAddress().getPort();
            try (SocketNetBackend b = SocketNetBackend.connect("127.0.0.1", port)) {
                b.attach(atB::add);
                byte[] f1 = frame(2, "from b");
                b.transmit(f1);
                assertArrayEquals(f1, atA.poll(5, TimeUnit.SECONDS));
                byte[] f2 = frame(1, "from a, to the last sender");
                a.transmit(f2);
                assertArrayEquals(f2, atB.poll(5, TimeUnit.SECONDS));
                for (int i = 0; i < 100; i++) b.transmit(frame(2, "burst " + i));
                for (int i = 0; i < 100; i++) assertEquals("burst " + i, new String(atA.poll(5, TimeUnit.SECONDS), 14, ("burst " + i).length()));
            }
        }
    }

    @Test
    void multicastSegmentJoinsThreeMachines() throws Exception {
        int port = 20000 + new java.util.Random().nextInt(20000);
        SocketNetBackend[] m = new SocketNetBackend[3];
        List<LinkedBlockingQueue<byte[]>> in = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                try {
                    m[i] = SocketNetBackend.multicast("239.255.8.8", port);
                } catch (java.io.IOException e) {
                    org.junit.jupiter.api.Assumptions.assumeTrue(false, "no multicast here: " + e.getMessage());
                }
                LinkedBlockingQueue<byte[]> q = new LinkedBlockingQueue<>();
                in.add(q);
                m[i].attach(q::add);
            }
            byte[] f = frame(1, "to everyone");
            m[0].transmit(f);
            assertArrayEquals(f, in.get(1).poll(5, TimeUnit.SECONDS));
            assertArrayEquals(f, in.get(2).poll(5, TimeUnit.SECONDS));
            assertNull(in.get(0).poll(300, TimeUnit.MILLISECONDS), "own frames are not looped back");
        } finally {
            for (SocketNetBackend b : m) if (b != null) b.close();
        }
    }

    @Test
    void runtFramesAndStrangersAreDropped() throws Exception {
        LinkedBlockingQueue<byte[]> atB = new LinkedBlockingQueue<>();
        try (SocketNetBackend a = SocketNetBackend.listen(null, 0);
                SocketNetBackend b = SocketNetBackend.connect("127.0.0.1", a.localAddress().getPort());
                java.nio.channels.DatagramChannel stranger = java.nio.channels.DatagramChannel.open()) {
            b.attach(atB::add);
            stranger.send(java.nio.ByteBuffer.wrap(frame(9, "not my peer")), b.localAddress());
            a.transmit(frame(1, "nobody spoke yet")); // listen side has no peer: dropped, no error
            b.transmit(new byte[5]);
            b.transmit(frame(2, "hello"));
            assertNull(atB.poll(300, TimeUnit.MILLISECONDS));
        }
    }

    @Test
    void specParsing() {
        assertEquals(NetSpec.Kind.LISTEN, NetSpec.parse("socket,listen=1234").kind());
        assertEquals(1234, NetSpec.parse("socket,listen=:1234").port());
        NetSpec c = NetSpec.parse("socket,connect=10.1.2.3:99,pcap=/tmp/x.pcap,mac=52:54:00:aa:bb:cc");
        assertEquals(NetSpec.Kind.CONNECT, c.kind());
        assertEquals("10.1.2.3", c.host());
        assertEquals(0xcc, c.mac()[5] & 0xff);
        assertEquals(NetSpec.Kind.MCAST, NetSpec.parse("socket,mcast=230.0.0.1:1234").kind());
        assertEquals(NetSpec.Kind.NONE, NetSpec.parse("pcap=/tmp/a.pcap").kind());
        assertEquals(NetSpec.Kind.USER, NetSpec.parse("user,tftp=/srv,bootfile=x").kind());
        NetSpec fwd = NetSpec.parse("user,hostfwd=tcp::8080-:80,hostfwd=tcp:0.0.0.0:2222-10.0.2.15:22");
        assertEquals(List.of(new PortForward(null, 8080, 80), new PortForward("0.0.0.0", 2222, 22)), fwd.forwards());
        for (String bad : new String[] {"bogus", "socket", "socket,connect=nohost", "socket,listen=0", "socket,listen=70000",
                "user,hostfwd=udp::1-:2", "user,hostfwd=tcp::1-10.0.2.9:2", "socket,listen=1,hostfwd=tcp::1-:2", "user,mac=01:00:00:00:00:01", "user,mac=zz", "user,what=1", "socket,listen=1,tftp=/x",
                "user,listen=5"}) {
            NetSpec.NetSpecException e = assertThrows(NetSpec.NetSpecException.class, () -> NetSpec.parse(bad), bad);
            assertFalse(e.getMessage().contains("\n"), bad);
        }
    }
}
