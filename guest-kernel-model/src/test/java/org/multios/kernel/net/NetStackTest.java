package org.multios.kernel.net;

import static org.junit.jupiter.api.Assertions.*;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.multios.core.time.TimerEvent;
import org.multios.core.time.VirtualClock;
import org.multios.kernel.KernelException;
import org.multios.kernel.fs.OpenFile;

/**
 * The stack without a CPU: loopback and two stacks whose Ethernet interfaces are wired back to
 * back through virtual-time links (optionally lossy), all driven by one VirtualClock.
 */
@org.junit.jupiter.api.Timeout(value = 60, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
class NetStackTest {
    final VirtualClock clock = new VirtualClock();

    NetClock netClock() {
        return new NetClock() {
            @Override public long now() { return clock.nanos(); }
            @Override public Object schedule(long at, Runnable r) { return clock.schedule(Math.max(at, clock.nanos()), r); }
            @Override public void cancel(Object h) { if (h != null) clock.cancel((TimerEvent) h); }
        };
    }

    /** Runs events until cond holds or virtual time passes limit; false on timeout. */
    boolean runUntil(java.util.function.BooleanSupplier cond, long limitNanos) {
        long end = clock.nanos() + limitNanos;
        while (!cond.getAsBoolean()) {
            long d = clock.nextDeadline();
            if (d == Long.MAX_VALUE || d > end) { clock.advanceTo(end); return cond.getAsBoolean(); }
            clock.advanceTo(d);
            clock.fireDue();
        }
        return true;
    }

    /** A one-way link with 50 µs latency that drops (and duplicates) frames at the given rates. */
    final class Wire implements FrameDevice {
        EthernetInterface to;
        final double loss, dup;
        final SplittableRandom rnd = new SplittableRandom(7);
        int sent, dropped;
        Wire(double loss, double dup) { this.loss = loss; this.dup = dup; }
        @Override public void transmit(byte[] f) {
            sent++;
            if (rnd.nextDouble() < loss) { dropped++; return; }
            int copies = rnd.nextDouble() < dup ? 2 : 1;
            for (int i = 0; i < copies; i++) {
                long jitter = loss > 0 || dup > 0 ? rnd.nextInt(20) * 1000L : 0; // reordering only on the impaired link
                clock.schedule(clock.nanos() + 50_000 + jitter, () -> to.receiveFrame(f.clone()));
            }
        }
    }

    NetStack[] pair(double loss, double dup) {
        NetStack a = new NetStack(netClock()), b = new NetStack(netClock());
        Wire ab = new Wire(loss, dup), ba = new Wire(loss, dup);
        EthernetInterface ea = a.addEthernet(new byte[] {0x52, 0x54, 0, 0, 0, 1}, 1500, ab);
        EthernetInterface eb = b.addEthernet(new byte[] {0x52, 0x54, 0, 0, 0, 2}, 1500, ba);
        ab.to = eb;
        ba.to = ea;
        a.configure(ea, Ip4.parse("192.168.7.1"), 24, 0);
        b.configure(eb, Ip4.parse("192.168.7.2"), 24, 0);
        return new NetStack[] {a, b};
    }

    static Socket tcp(NetStack s) { return s.newSocket(Socket.SOCK_STREAM, 0, OpenFile.O_NONBLOCK); }

    /** Moves `total` bytes of seeded data from client to server over TCP; returns {sentDigest, receivedDigest}. */
    byte[][] transfer(NetStack cs, NetStack ss, int serverAddr, int total, long limit) throws Exception {
        Socket l = tcp(ss);
        l.bind(0, 5001);
        l.listen(4);
        Socket c = tcp(cs);
        int r = c.connect(serverAddr, 5001);
        assertTrue(r == 0 || r == -NetErrno.EINPROGRESS, "connect " + r);
        Socket[] acc = new Socket[1];
        assertTrue(runUntil(() -> (acc[0] = acc[0] != null ? acc[0] : l.accept(0)) != null && c.connected(), 10_000_000_000L), "handshake");
        Socket srv = acc[0];
        assertEquals(serverAddr, srv.localAddr);
        MessageDigest sent = MessageDigest.getInstance("SHA-256"), got = MessageDigest.getInstance("SHA-256");
        SplittableRandom data = new SplittableRandom(42);
        int[] counts = {0, 0};
        boolean[] eof = {false};
        byte[] chunk = new byte[8192];
        // simple pump: refill what the send buffer accepts, drain the receiver, until all arrived and FIN seen
        byte[] pending = null;
        long lastSeen = -1;
        long end = clock.nanos() + limit;
        while (!eof[0]) {
            // send
            while (counts[0] < total) {
                if (pending == null) {
                    int n = Math.min(chunk.length, total - counts[0]);
                    pending = new byte[n];
                    for (int i = 0; i < n; i++) pending[i] = (byte) data.nextInt(256);
                }
                int w = c.sendTo(pending, 0, pending.length, 0, -1);
                if (w == OpenFile.WOULD_BLOCK) break;
                sent.update(pending, 0, w);
                counts[0] += w;
                pending = w == pending.length ? null : java.util.Arrays.copyOfRange(pending, w, pending.length);
            }
            if (counts[0] == total && pending == null) c.shutdown(Socket.SHUT_WR);
            // receive
            Socket.Message m;
            while ((m = srv.receive(65536, false)) != null) {
                if (m.data().length == 0) { eof[0] = true; break; }
                got.update(m.data());
                counts[1] += m.data().length;
            }
            if (eof[0]) break;
            if ((long) counts[0] + counts[1] > lastSeen) { lastSeen = (long) counts[0] + counts[1]; continue; } // progress without time passing (loopback)
            long d = clock.nextDeadline();
            if (d == Long.MAX_VALUE || d > end) fail("transfer stalled at " + counts[1] + " of " + total + " bytes: " + cs.tcp.connections.values() + " / " + ss.tcp.connections.values());
            clock.advanceTo(d);
            clock.fireDue();
        }
        assertEquals(total, counts[1]);
        c.release();
        srv.release();
        l.release();
        return new byte[][] {sent.digest(), got.digest()};
    }

    @Test
    void loopbackTcpTransferAndTimeWait() throws Exception {
        NetStack s = new NetStack(netClock());
        byte[][] d = transfer(s, s, Ip4.LOOPBACK, 1 << 20, 60_000_000_000L);
        assertArrayEquals(d[0], d[1]);
        assertEquals(0, s.tcp.retransSegs, "loopback loses nothing");
        // the active closer lingers in TIME_WAIT for 60 s of virtual time, then the table is empty
        assertTrue(runUntil(() -> s.tcp.connections.isEmpty(), 120_000_000_000L), "connections closed: " + s.tcp.connections.keySet());
    }

    @Test
    void connectToClosedPortOfAnotherStackIsRefused() {
        NetStack[] p = pair(0, 0);
        Socket c = tcp(p[0]);
        assertEquals(-NetErrno.EINPROGRESS, c.connect(Ip4.parse("192.168.7.2"), 9));
        assertTrue(runUntil(() -> c.pollOut(), 5_000_000_000L));
        assertEquals(NetErrno.ECONNREFUSED, c.takeError());
    }

    @Test
    void blockingConnectToClosedPortReportsRefused() {
        NetStack s = new NetStack(netClock());
        Socket c = s.newSocket(Socket.SOCK_STREAM, 0, 0);
        // loopback answers synchronously: the RST arrives before connect returns
        KernelException e = assertThrows(KernelException.class, () -> c.connect(Ip4.LOOPBACK, 9));
        assertEquals(NetErrno.ECONNREFUSED, e.errno());
    }

    @Test
    void udpOverLoopbackAndBindConflicts() {
        NetStack s = new NetStack(netClock());
        Socket a = s.newSocket(Socket.SOCK_DGRAM, 0, OpenFile.O_NONBLOCK), b = s.newSocket(Socket.SOCK_DGRAM, 0, OpenFile.O_NONBLOCK);
        a.bind(0, 7000);
        assertEquals(NetErrno.EADDRINUSE, assertThrows(KernelException.class, () -> b.bind(0, 7000)).errno());
        b.sendTo("hello".getBytes(), 0, 5, Ip4.LOOPBACK, 7000);
        Socket.Message m = a.receive(100, false);
        assertEquals("hello", new String(m.data()));
        assertEquals(Ip4.LOOPBACK, m.addr());
        assertEquals(b.localPort, m.port());
        assertNull(a.receive(100, false));
    }

    @Test
    void arpPingAndUdpBetweenTwoStacks() {
        NetStack[] p = pair(0, 0);
        Socket ping = p[0].newSocket(Socket.SOCK_DGRAM, NetStack.PROTO_ICMP, OpenFile.O_NONBLOCK);
        byte[] echo = {8, 0, 0, 0, 0, 0, 0, 1, 'h', 'i'};
        ping.sendTo(echo, 0, echo.length, Ip4.parse("192.168.7.2"), 0);
        Socket.Message[] m = new Socket.Message[1];
        assertTrue(runUntil(() -> (m[0] = ping.receive(100, false)) != null, 5_000_000_000L), "echo reply");
        assertEquals(0, m[0].data()[0]);
        assertEquals(Ip4.parse("192.168.7.2"), m[0].addr());
        assertEquals('i', m[0].data()[9]);
        assertEquals(1, ((EthernetInterface) p[0].find("eth0")).arpTable().size());
        // an address nobody owns: ARP gives up after 3 requests, the packet is dropped
        ping.sendTo(echo, 0, echo.length, Ip4.parse("192.168.7.99"), 0);
        runUntil(() -> false, 5_000_000_000L);
        assertEquals(1, p[0].find("eth0").txDropped);
    }

    @Test
    void tcpBetweenTwoStacksSurvivesLossAndDuplication() throws Exception {
        NetStack[] p = pair(0.03, 0.02);
        byte[][] d = transfer(p[0], p[1], Ip4.parse("192.168.7.2"), 2 << 20, 600_000_000_000L);
        assertArrayEquals(d[0], d[1], "2 MiB arrive intact");
        assertTrue(p[0].tcp.retransSegs > 0, "losses were repaired by retransmission");
    }

    @Test
    void cleanTransferUsesTheWholeWindow() throws Exception {
        NetStack[] p = pair(0, 0);
        long t0 = clock.nanos();
        byte[][] d = transfer(p[0], p[1], Ip4.parse("192.168.7.2"), 4 << 20, 600_000_000_000L);
        assertArrayEquals(d[0], d[1]);
        assertEquals(0, p[0].tcp.retransSegs);
        double secs = (clock.nanos() - t0) / 1e9;
        // 64 KiB window over a ~110 µs round trip: far above stop-and-wait (1460 B per RTT = ~13 MB/s)
        assertTrue((4 << 20) / secs > 50e6, "throughput " + (4 << 20) / secs / 1e6 + " MB/s");
    }
}
