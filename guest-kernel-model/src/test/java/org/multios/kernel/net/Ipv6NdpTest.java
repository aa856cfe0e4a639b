package org.multios.kernel.net;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.multios.core.time.TimerEvent;
import org.multios.core.time.VirtualClock;

/**
 * IPv6 between two kernel stacks on one wire, in virtual time: link-local addresses from the MAC
 * with DAD, router solicitation, SLAAC from a Router Advertisement (lifetimes, default route, MTU),
 * neighbour states REACHABLE -> STALE -> DELAY -> PROBE -> REACHABLE, echo, the extension-header
 * rules, packet too big and /proc/net/if_inet6 and ipv6_route.
 */
class Ipv6NdpTest {
    static final long S = 1_000_000_000L;
    final VirtualClock clock = new VirtualClock();
    final List<byte[]> fromA = new ArrayList<>(), fromB = new ArrayList<>();
    static final byte[] MAC_A = {0x52, 0x54, 0, 0x12, 0x34, 0x56}, MAC_B = {0x52, 0x54, 0, 0, 0, 2}, MAC_R = {0x52, 0x55, 0x0a, 0, 2, 2};
    static final Ip6 ROUTER = Ip6.parse("fe80::2"), PREFIX = Ip6.parse("fec0::");
    NetStack a, b;
    EthernetInterface ea, eb;
    boolean bListens = true;

    NetClock netClock() {
        return new NetClock() {
            @Override public long now() { return clock.nanos(); }
            @Override public Object schedule(long at, Runnable r) { return clock.schedule(Math.max(at, clock.nanos()), r); }
            @Override public void cancel(Object h) { if (h != null) clock.cancel((TimerEvent) h); }
        };
    }

    void run(long ns) {
        long end = clock.nanos() + ns;
        while (clock.nextDeadline() <= end) {
            clock.advanceTo(clock.nextDeadline());
            clock.fireDue();
        }
        clock.advanceTo(end);
    }

    void wire() {
        a = new NetStack(netClock());
        b = new NetStack(netClock());
        EthernetInterface[] x = new EthernetInterface[2];
        x[0] = a.addEthernet(MAC_A, 1500, f -> { fromA.add(f); if (bListens) clock.schedule(clock.nanos() + 10_000, () -> x[1].receiveFrame(f.clone())); });
        x[1] = b.addEthernet(MAC_B, 1500, f -> { fromB.add(f); clock.schedule(clock.nanos() + 10_000, () -> x[0].receiveFrame(f.clone())); });
        ea = x[0];
        eb = x[1];
    }

    static boolean isIp6(byte[] f) { return Ip4.get16(f, 12) == EthernetInterface.ETH_IPV6; }
    static int icmpType(byte[] f) { return isIp6(f) && (f[14 + 6] & 255) == Ipv6.ICMPV6 ? f[14 + 40] & 255 : -1; }
    static Ip6 dst(byte[] f) { return Ip6.of(f, 14 + 24); }
    static Ip6 src(byte[] f) { return Ip6.of(f, 14 + 8); }

    /** A frame from the test's "router" (or anyone) to A: an IPv6 packet with the given hop limit. */
    byte[] frame(byte[] srcMac, byte[] dstMac, byte[] packet) {
        byte[] f = new byte[14 + packet.length];
        System.arraycopy(dstMac, 0, f, 0, 6);
        System.arraycopy(srcMac, 0, f, 6, 6);
        Ip4.put16(f, 12, EthernetInterface.ETH_IPV6);
        System.arraycopy(packet, 0, f, 14, packet.length);
        return f;
    }

    byte[] icmpFrame(byte[] srcMac, byte[] dstMac, Ip6 src, Ip6 dst, int type, byte[] body, int hop) {
        return frame(srcMac, dstMac, Ipv6.packet(src, dst, Ipv6.ICMPV6, hop, Ipv6.icmp(src, dst, type, 0, body)));
    }

    /** An RA from fe80::2: router lifetime, MTU option, source link-layer option and one prefix with L and A. */
    byte[] ra(Ip6 prefix, int valid, int preferred, int routerLifetime) {
        byte[] body = new byte[12 + 8 + 8 + 32];
        body[0] = 64;
        Ip4.put16(body, 2, routerLifetime);
        body[12] = Ndp.OPT_SLLA; body[13] = 1; System.arraycopy(MAC_R, 0, body, 14, 6);
        body[20] = Ndp.OPT_MTU; body[21] = 1; Ip4.put32(body, 24, 1400);
        int p = 28;
        body[p] = Ndp.OPT_PREFIX; body[p + 1] = 4; body[p + 2] = 64; body[p + 3] = (byte) 0xc0;
        Ip4.put32(body, p + 4, valid); Ip4.put32(body, p + 8, preferred);
        prefix.put(body, p + 16);
        return icmpFrame(MAC_R, Ip6.ALL_NODES.multicastMac(), ROUTER, Ip6.ALL_NODES, Ndp.RA, body, 255);
    }

    byte[] echo(Ip6 src, Ip6 dst, int seq) {
        byte[] body = new byte[4 + 8];
        Ip4.put16(body, 0, 0x77); Ip4.put16(body, 2, seq);
        return Ipv6.packet(src, dst, Ipv6.ICMPV6, 64, Ipv6.icmp(src, dst, Ipv6.ICMP_ECHO_REQUEST, 0, body));
    }

    Ip6Address addr(NetInterface i, Ip6 a) {
        for (Ip6Address x : i.inet6) if (x.address.equals(a)) return x;
        return null;
    }

    @Test
    void linkLocalWithDadThenRouterSolicitation() {
        wire();
        Ip6 llA = Ip6.linkLocal(MAC_A);
        assertEquals("fe80::5054:ff:fe12:3456", llA.toString(), "modified EUI-64: U/L bit flipped, ff:fe inserted");
        assertTrue(addr(ea, llA).tentative());
        ea.receiveFrame(frame(MAC_B, MAC_A, echo(Ip6.parse("fe80::99"), llA, 1)));
        assertEquals(1, a.ip6.inDiscards, "unicast to a tentative address is discarded");
        run(3 * S);
        assertEquals(0, fromA.stream().filter(f -> icmpType(f) == Ipv6.ICMP_ECHO_REPLY).count());
        assertFalse(addr(ea, llA).tentative(), "DAD passed");
        byte[] ns = fromA.stream().filter(f -> icmpType(f) == Ndp.NS).findFirst().orElseThrow();
        assertTrue(src(ns).isUnspecified(), "DAD probes come from ::");
        assertEquals(llA.solicitedNode(), dst(ns));
        assertEquals("ff02::1:ff12:3456", dst(ns).toString());
        assertArrayEquals(new byte[] {0x33, 0x33, (byte) 0xff, 0x12, 0x34, 0x56}, java.util.Arrays.copyOf(ns, 6), "solicited-node group's Ethernet address");
        assertEquals(255, ns[14 + 7] & 255, "NDP hop limit");
        byte[] rs = fromA.stream().filter(f -> icmpType(f) == Ndp.RS).findFirst().orElseThrow();
        assertEquals(Ip6.ALL_ROUTERS, dst(rs));
        assertEquals(llA, src(rs));
        run(20 * S);
        assertEquals(Ndp.MAX_RTR_SOLICITATIONS, fromA.stream().filter(f -> icmpType(f) == Ndp.RS).count(), "three RS without an answer");
        assertEquals("fe80000000000000505400fffe123456 02 40 20 80     eth0\n", ProcNet.ifInet6(a).lines().filter(l -> l.endsWith("eth0")).findFirst().orElseThrow() + "\n");
        assertTrue(ProcNet.ifInet6(a).contains("00000000000000000000000000000001 01 80 10 80       lo"), ProcNet.ifInet6(a));
    }

    @Test
    void duplicateLinkLocalIsFlagged() {
        wire();
        Ip6 llA = Ip6.linkLocal(MAC_A);
        // another node's DAD probe for the same address while ours is tentative
        byte[] body = new byte[20];
        llA.put(body, 4);
        ea.receiveFrame(icmpFrame(MAC_B, llA.solicitedNode().multicastMac(), Ip6.ANY, llA.solicitedNode(), Ndp.NS, body, 255));
        run(3 * S);
        assertTrue(addr(ea, llA).dadFailed());
        assertEquals(1, a.ip6.ndp.dadFailures);
        assertEquals(0, fromA.stream().filter(f -> icmpType(f) == Ndp.RS).count(), "no router solicitation without a link-local address");
        assertTrue(ProcNet.ifInet6(a).contains(" 02 40 20 88     eth0"), "IFA_F_PERMANENT|IFA_F_DADFAILED");
    }

    @Test
    void slaacFromRouterAdvertisement() {
        wire();
        run(3 * S);
        ea.receiveFrame(ra(PREFIX, 3600, 1800, 1800));
        Ip6 global = Ip6.parse("fec0::5054:ff:fe12:3456");
        Ip6Address g = addr(ea, global);
        assertNotNull(g, "an address from prefix + interface id");
        assertTrue(g.tentative());
        run(2 * S);
        assertFalse(g.tentative());
        assertEquals(1400, ea.mtu6(), "MTU option");
        assertEquals(64, ea.hopLimit6);
        assertEquals(List.of(new Ipv6.Router(ea, ROUTER, g.preferredUntil() - 1800 * S + 1800 * S)).size(), a.ip6.defaultRouters().size());
        assertEquals(ROUTER, a.ip6.route(Ip6.parse("2001:db8::1"), null).nextHop(), "off-link: via the default router");
        assertEquals(Ip6.parse("fec0::99"), a.ip6.route(Ip6.parse("fec0::99"), null).nextHop(), "on-link prefix: direct");
        assertEquals(global, a.ip6.sourceFor(Ip6.parse("2001:db8::1"), null));
        assertEquals(Ip6.linkLocal(MAC_A), a.ip6.sourceFor(ROUTER, null));
        assertEquals(NeighborCache.State.STALE, ea.neighbors.get(ROUTER).state(), "the RA's source link-layer option");
        assertTrue(ea.neighbors.get(ROUTER).router());
        String routes = ProcNet.ipv6Route(a);
        assertTrue(routes.contains("fec00000000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00440001     eth0"), routes);
        assertTrue(routes.contains("00000000000000000000000000000000 00 00000000000000000000000000000000 00 fe800000000000000000000000000002 00000400 00000001 00000000 00450003     eth0"), routes);
        assertTrue(ProcNet.ifInet6(a).contains("fec000000000000050540000fe123456".replace("50540000fe", "505400fffe") + " 02 40 00 00     eth0"), ProcNet.ifInet6(a));

        // a later RA with a short valid lifetime cannot cut the address below two hours (RFC 4862 5.5.3 e)
        ea.receiveFrame(ra(PREFIX, 60, 30, 1800));
        assertEquals(clock.nanos() + 3600 * S - 2 * S, g.validUntil(), 1 * S, "kept: remaining lifetime under two hours");
        run(1800 * S);
        assertTrue(ProcNet.ifInet6(a).contains(" 02 40 00 20     eth0"), "deprecated after the preferred lifetime");
        assertEquals(Ip6.linkLocal(MAC_A), a.ip6.sourceFor(Ip6.parse("2001:db8::1"), null) == global ? null : Ip6.linkLocal(MAC_A),
                "a deprecated address is still a source when nothing better exists");
        run(1800 * S);
        assertFalse(ProcNet.ifInet6(a).contains("fec0"), "gone after the valid lifetime");
        assertTrue(a.ip6.defaultRouters().isEmpty(), "router lifetime over");
        assertNull(a.ip6.route(Ip6.parse("2001:db8::1"), null));
    }

    @Test
    void neighbourStatesAndEcho() {
        wire();
        run(3 * S);
        Ip6 llA = Ip6.linkLocal(MAC_A), llB = Ip6.linkLocal(MAC_B);
        fromA.clear();
        fromB.clear();
        assertTrue(a.ip6.sendIcmp(null, llB, Ipv6.ICMP_ECHO_REQUEST, 0, new byte[] {0, 1, 0, 1, 'h', 'i'}, 64, null));
        assertEquals(NeighborCache.State.INCOMPLETE, ea.neighbors.get(llB).state());
        assertEquals(Ndp.NS, icmpType(fromA.get(0)), "resolution first");
        assertEquals(llB.solicitedNode(), dst(fromA.get(0)));
        run(S / 100);
        assertEquals(NeighborCache.State.REACHABLE, ea.neighbors.get(llB).state(), "solicited NA");
        assertEquals(1, fromB.stream().filter(f -> icmpType(f) == Ipv6.ICMP_ECHO_REPLY).count(), "B answered the echo");
        byte[] reply = fromB.stream().filter(f -> icmpType(f) == Ipv6.ICMP_ECHO_REPLY).findFirst().orElseThrow();
        assertEquals(0, Ip6.checksum(src(reply), dst(reply), Ipv6.ICMPV6, reply, 54, reply.length - 54), "reply checksum");
        assertEquals(llA, dst(reply));

        run(31 * S);
        assertEquals(NeighborCache.State.STALE, ea.neighbors.get(llB).state(), "ReachableTime passed");
        fromA.clear();
        a.ip6.sendIcmp(null, llB, Ipv6.ICMP_ECHO_REQUEST, 0, new byte[] {0, 1, 0, 2}, 64, null);
        assertEquals(Ipv6.ICMP_ECHO_REQUEST, icmpType(fromA.get(0)), "a stale entry is used at once");
        assertEquals(NeighborCache.State.DELAY, ea.neighbors.get(llB).state());
        bListens = false;
        run(5 * S + S / 2);
        assertEquals(NeighborCache.State.PROBE, ea.neighbors.get(llB).state());
        byte[] probe = fromA.stream().filter(f -> icmpType(f) == Ndp.NS).findFirst().orElseThrow();
        assertEquals(llB, dst(probe), "PROBE solicits by unicast");
        assertArrayEquals(MAC_B, java.util.Arrays.copyOf(probe, 6));
        run(4 * S);
        assertNull(ea.neighbors.get(llB), "three unanswered probes: forgotten");

        // an answer to a new solicitation brings it back
        bListens = true;
        a.ip6.sendIcmp(null, llB, Ipv6.ICMP_ECHO_REQUEST, 0, new byte[] {0, 1, 0, 3}, 64, null);
        run(S / 100);
        assertEquals(NeighborCache.State.REACHABLE, ea.neighbors.get(llB).state());
        assertEquals(NeighborCache.State.DELAY, eb.neighbors.get(llA).state(), "B learned A from its NS (STALE), then used it for the reply");
    }

    @Test
    void extensionHeadersFragmentsAndErrors() {
        wire();
        run(3 * S);
        Ip6 llA = Ip6.linkLocal(MAC_A), llB = Ip6.parse("fe80::99");
        ea.neighbors.learned(llB, MAC_B, false); // the sender is known (STALE): replies go out without resolution
        fromA.clear();
        // hop-by-hop with PadN in front of an echo request: walked, answered
        byte[] e = echo(llB, llA, 1);
        byte[] hbh = new byte[e.length + 8];
        System.arraycopy(e, 0, hbh, 0, 40);
        hbh[6] = Ipv6.HOP_BY_HOP;
        hbh[40] = Ipv6.ICMPV6; hbh[41] = 0; hbh[42] = 1; hbh[43] = 4;
        System.arraycopy(e, 40, hbh, 48, e.length - 40);
        Ip4.put16(hbh, 4, hbh.length - 40);
        ea.receiveFrame(frame(MAC_B, MAC_A, hbh));
        run(S / 100);
        assertEquals(1, fromA.stream().filter(f -> icmpType(f) == Ipv6.ICMP_ECHO_REPLY).count(), "options skipped: " + fromA.size());

        // an unknown option whose action bits are 10: discard and send a parameter problem pointing at it
        byte[] bad = hbh.clone();
        bad[42] = (byte) 0x80; // in place of the PadN: option type 0x80, 4 bytes of data
        fromA.clear();
        ea.receiveFrame(frame(MAC_B, MAC_A, bad));
        run(S / 100);
        byte[] pp = fromA.stream().filter(f -> icmpType(f) == Ipv6.ICMP_PARAM_PROBLEM).findFirst().orElseThrow();
        assertEquals(2, pp[14 + 41], "code 2: unrecognised option");
        assertEquals(42, Ip4.get32(pp, 14 + 44), "pointer at the option");

        // a routing header type 0 with segments left: dropped, parameter problem at the type field
        byte[] rh = new byte[e.length + 24];
        System.arraycopy(e, 0, rh, 0, 40);
        rh[6] = Ipv6.ROUTING;
        rh[40] = Ipv6.ICMPV6; rh[41] = 2; rh[42] = 0; rh[43] = 1;
        System.arraycopy(e, 40, rh, 64, e.length - 40);
        Ip4.put16(rh, 4, rh.length - 40);
        fromA.clear();
        ea.receiveFrame(frame(MAC_B, MAC_A, rh));
        run(S / 100);
        assertEquals(1, a.ip6.routingDropped);
        assertEquals(0, fromA.stream().filter(f -> icmpType(f) == Ipv6.ICMP_ECHO_REPLY).count());
        assertEquals(42, Ip4.get32(fromA.stream().filter(f -> icmpType(f) == Ipv6.ICMP_PARAM_PROBLEM).findFirst().orElseThrow(), 14 + 44));

        // fragments: a real one is dropped and counted; an atomic one (offset 0, M=0) is the whole packet
        for (int fo : new int[] {1, 0x8}) {
            byte[] fr = new byte[e.length + 8];
            System.arraycopy(e, 0, fr, 0, 40);
            fr[6] = Ipv6.FRAGMENT;
            fr[40] = Ipv6.ICMPV6;
            Ip4.put16(fr, 42, fo);
            System.arraycopy(e, 40, fr, 48, e.length - 40);
            Ip4.put16(fr, 4, fr.length - 40);
            ea.receiveFrame(frame(MAC_B, MAC_A, fr));
        }
        assertEquals(2, a.ip6.fragmentsDropped);
        fromA.clear();
        byte[] atomic = new byte[e.length + 8];
        System.arraycopy(e, 0, atomic, 0, 40);
        atomic[6] = Ipv6.FRAGMENT;
        atomic[40] = Ipv6.ICMPV6;
        System.arraycopy(e, 40, atomic, 48, e.length - 40);
        Ip4.put16(atomic, 4, atomic.length - 40);
        ea.receiveFrame(frame(MAC_B, MAC_A, atomic));
        run(S / 100);
        assertEquals(1, fromA.stream().filter(f -> icmpType(f) == Ipv6.ICMP_ECHO_REPLY).count(), "atomic fragment answered");

        // a wrong checksum is not answered; an unknown upper layer gets parameter problem code 1
        byte[] wrong = echo(llB, llA, 2);
        wrong[wrong.length - 1] ^= 1;
        fromA.clear();
        ea.receiveFrame(frame(MAC_B, MAC_A, wrong));
        byte[] unknown = Ipv6.packet(llB, llA, 253, 64, new byte[8]);
        ea.receiveFrame(frame(MAC_B, MAC_A, unknown));
        run(S / 100);
        assertEquals(0, fromA.stream().filter(f -> icmpType(f) == Ipv6.ICMP_ECHO_REPLY).count());
        byte[] p1 = fromA.stream().filter(f -> icmpType(f) == Ipv6.ICMP_PARAM_PROBLEM).findFirst().orElseThrow();
        assertEquals(1, p1[14 + 41]);
        assertEquals(6, Ip4.get32(p1, 14 + 44), "pointer at the next header field");

        // NDP from off-link (hop limit below 255) is ignored
        ea.receiveFrame(frame(MAC_R, Ip6.ALL_NODES.multicastMac(), java.util.Arrays.copyOfRange(ra(PREFIX, 3600, 1800, 1800), 14, 14 + 40 + 60)));
        byte[] offLink = ra(PREFIX, 3600, 1800, 1800);
        offLink[14 + 7] = 64;
        offLink = frame(MAC_R, Ip6.ALL_NODES.multicastMac(), Ipv6.packet(ROUTER, Ip6.ALL_NODES, Ipv6.ICMPV6, 64, java.util.Arrays.copyOfRange(offLink, 54, offLink.length)));
        long before = a.ip6.ndp.raReceived;
        ea.receiveFrame(offLink);
        assertEquals(before, a.ip6.ndp.raReceived);
    }

    @Test
    void packetTooBigLowersThePathMtu() {
        wire();
        run(3 * S);
        ea.receiveFrame(ra(PREFIX, 3600, 1800, 1800));
        run(2 * S);
        Ip6 far = Ip6.parse("2001:db8::5");
        assertEquals(1400, a.ip6.pathMtu(far, ea));
        for (int mtu : new int[] {1300, 1000}) {
            byte[] body = new byte[4 + 48];
            Ip4.put32(body, 0, mtu);
            byte[] orig = Ipv6.packet(Ip6.parse("fec0::5054:ff:fe12:3456"), far, Ipv6.ICMPV6, 64, new byte[8]);
            System.arraycopy(orig, 0, body, 4, 48);
            ea.receiveFrame(icmpFrame(MAC_R, MAC_A, ROUTER, Ip6.parse("fec0::5054:ff:fe12:3456"), Ipv6.ICMP_TOO_BIG, body, 64));
        }
        assertEquals(Ipv6.MIN_MTU, a.ip6.pathMtu(far, ea), "never below 1280");
        assertFalse(a.ip6.sendIcmp(null, far, Ipv6.ICMP_ECHO_REQUEST, 0, new byte[1300], 64, null), "too big for the path: refused, not fragmented");
        run(Ipv6.PMTU_TIMEOUT + S);
        assertEquals(1400, a.ip6.pathMtu(far, ea), "the lowered path MTU ages out");
    }

    @Test
    void addressTextForms() {
        assertEquals("2001:db8::1", Ip6.parse("2001:0db8:0:0:0:0:0:1").toString());
        assertEquals("2001:db8:0:1:1:1:1:1", Ip6.parse("2001:db8:0:1:1:1:1:1").toString(), "a single zero group is not shortened");
        assertEquals("2001:0:0:1::1", Ip6.parse("2001:0:0:1:0:0:0:1").toString(), "the longest run");
        assertEquals("::", Ip6.ANY.toString());
        assertEquals("::1", Ip6.LOOPBACK.toString());
        assertEquals("::ffff:10.0.2.15", Ip6.parse("::ffff:10.0.2.15").toString());
        assertEquals(Ip6.v4Mapped(Ip4.parse("10.0.2.15")), Ip6.parse("::ffff:a00:20f"));
        for (String bad : new String[] {"1::2::3", "1:2:3:4:5:6:7", "12345::", "g::", ":1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9"})
            assertThrows(IllegalArgumentException.class, () -> Ip6.parse(bad), bad);
    }
}
