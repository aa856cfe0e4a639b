package org.multios.kernel.net;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.multios.devices.net.FaultyLink;
import org.multios.devices.net.FrameFuzzer;
import org.multios.kernel.fs.OpenFile;

/**
 * Issue 8, Must show 5, on the kernel's stack without a CPU (NetStackTest's virtual-time
 * harness): {@link FrameFuzzer}'s malformed frames fed into {@link EthernetInterface#receiveFrame}
 * of a stack with a TCP listener and a UDP socket open never throw, and afterwards the stack
 * still answers ping and carries a TCP transfer; and TCP between two stacks joined by
 * {@link FaultyLink} directions (loss, duplication, reordering) stays byte-exact, the same way
 * every run of a seed.
 */
@org.junit.jupiter.api.Timeout(value = 60, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
class NetRobustnessTest {
    static final byte[] MAC_A = {0x52, 0x54, 0, 0, 0, 1}, MAC_B = {0x52, 0x54, 0, 0, 0, 2};
    static final int IP_A = Ip4.parse("192.168.7.1"), IP_B = Ip4.parse("192.168.7.2");

    /** A one-way link of 50 µs through one direction of a FaultyLink. */
    static final class FaultyWire implements FrameDevice {
        final NetStackTest h;
        final FaultyLink.Direction dir;
        EthernetInterface to;

        FaultyWire(NetStackTest h, FaultyLink.Faults f, int stream) {
            this.h = h;
            this.dir = new FaultyLink.Direction(f, stream);
        }

        @Override public void transmit(byte[] frame) {
            for (byte[] f : dir.pass(frame.clone())) h.clock.schedule(h.clock.nanos() + 50_000, () -> to.receiveFrame(f));
        }
    }

    record Pair(NetStack a, NetStack b, EthernetInterface ea, EthernetInterface eb, FaultyWire ab, FaultyWire ba) {}

    static Pair pair(NetStackTest h, FaultyLink.Faults f) {
        NetStack a = new NetStack(h.netClock()), b = new NetStack(h.netClock());
        FaultyWire ab = new FaultyWire(h, f, 1), ba = new FaultyWire(h, f, 2);
        EthernetInterface ea = a.addEthernet(MAC_A, 1500, ab), eb = b.addEthernet(MAC_B, 1500, ba);
        ab.to = eb;
        ba.to = ea;
        a.configure(ea, IP_A, 24, 0);
        b.configure(eb, IP_B, 24, 0);
        return new Pair(a, b, ea, eb, ab, ba);
    }

    static boolean ping(NetStackTest h, NetStack from, int to, int seq) {
        Socket ping = from.newSocket(Socket.SOCK_DGRAM, NetStack.PROTO_ICMP, OpenFile.O_NONBLOCK);
        byte[] echo = {8, 0, 0, 0, 0, 0, 0, (byte) seq, 'o', 'k'};
        ping.sendTo(echo, 0, echo.length, to, 0);
        Socket.Message[] m = new Socket.Message[1];
        boolean ok = h.runUntil(() -> (m[0] = ping.receive(100, false)) != null, 5_000_000_000L);
        ping.release();
        return ok && m[0].data()[0] == 0 && m[0].addr() == to;
    }

    @Test
    void malformedFramesNeitherThrowNorStopTheStack() throws Exception {
        NetStackTest h = new NetStackTest();
        Pair p = pair(h, FaultyLink.Faults.NONE);
        // Open sockets so fuzzed TCP/UDP reach connection lookup, not just the port-closed path.
        Socket listener = NetStackTest.tcp(p.b());
        listener.bind(0, 80);
        listener.listen(8);
        Socket udp = p.b().newSocket(Socket.SOCK_DGRAM, 0, OpenFile.O_NONBLOCK);
        udp.bind(0, 53);
        assertTrue(ping(h, p.a(), IP_B, 1), "ping before the fuzzing");

        // The fuzzer poses as a third host on the segment.
        FrameFuzzer.Target t = new FrameFuzzer.Target(MAC_B, IP_B, new byte[] {0x52, 0x54, 0, 0, 0, 0x66}, Ip4.parse("192.168.7.66"));
        FrameFuzzer fuzz = new FrameFuzzer(t, 2024);
        int frames = 60 * FrameFuzzer.kinds();
        List<String> kinds = new ArrayList<>();
        for (int i = 0; i < frames; i++) {
            byte[] f = fuzz.next();
            try {
                p.eb().receiveFrame(f);
            } catch (RuntimeException e) {
                throw new AssertionError("frame " + i + " (" + fuzz.lastKind() + ") threw " + e, e);
            }
            if (i % 16 == 0) h.runUntil(() -> false, 1_000_000L);   // let timers and replies run in between
            if (i < FrameFuzzer.kinds()) kinds.add(fuzz.lastKind());
        }
        h.runUntil(() -> false, 2_000_000_000L);
        assertEquals(FrameFuzzer.kinds(), kinds.size());

        // Still alive: ping answers, the listener accepts, data flows, the UDP socket is usable.
        assertTrue(ping(h, p.a(), IP_B, 2), "ping after " + frames + " malformed frames");
        listener.release();
        byte[][] d = h.transfer(p.a(), p.b(), IP_B, 256 << 10, 120_000_000_000L);
        assertArrayEquals(d[0], d[1], "a TCP transfer after the fuzzing arrives intact");
        Socket u = p.a().newSocket(Socket.SOCK_DGRAM, 0, OpenFile.O_NONBLOCK);
        u.sendTo("still here".getBytes(), 0, 10, IP_B, 53);
        Socket.Message[] m = new Socket.Message[1];
        assertTrue(h.runUntil(() -> (m[0] = udp.receive(100, false)) != null && "still here".equals(new String(m[0].data())), 1_000_000_000L));
    }

    /** A 1 MiB transfer over the faulty pair; returns {retransmitted segments, finish time}. */
    static long[] lossyTransfer(FaultyLink.Faults f) throws Exception {
        NetStackTest h = new NetStackTest();
        Pair p = pair(h, f);
        byte[][] d = h.transfer(p.a(), p.b(), IP_B, 1 << 20, 900_000_000_000L);
        assertArrayEquals(d[0], d[1], "1 MiB intact through " + f + ": a->b " + p.ab().dir + "; b->a " + p.ba().dir);
        assertTrue(p.ab().dir.dropped() > 0 && p.ab().dir.duplicated() > 0 && p.ab().dir.reordered() > 0, "faults happened: " + p.ab().dir);
        assertTrue(p.ba().dir.dropped() > 0, "ACKs were lost too: " + p.ba().dir);
        return new long[] {p.a().tcp.retransSegs, h.clock.nanos()};
    }

    @Test
    void tcpStaysByteExactUnderLossDuplicationAndReordering() throws Exception {
        FaultyLink.Faults f = new FaultyLink.Faults(0.03, 0.03, 0.05, 8);
        long[] first = lossyTransfer(f);
        assertTrue(first[0] > 0, "losses were repaired by retransmission");
        assertArrayEquals(first, lossyTransfer(f), "the same seed, the same run (retransmissions, virtual finish time)");
    }

    @Test
    void heavyReorderingAloneLosesNothing() throws Exception {
        NetStackTest h = new NetStackTest();
        Pair p = pair(h, new FaultyLink.Faults(0, 0, 0.3, 3));
        byte[][] d = h.transfer(p.a(), p.b(), IP_B, 512 << 10, 900_000_000_000L);
        assertArrayEquals(d[0], d[1]);
        assertTrue(p.ab().dir.reordered() > 50, p.ab().dir.toString());
    }
}
