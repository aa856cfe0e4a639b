package org.multios.kernel.net;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * IPv6 (RFC 8200) beside the IPv4 stack: header checks, the extension-header chain
 * (hop-by-hop and destination options are walked by their option action bits, routing headers
 * with segments left are dropped: type 0 with a parameter problem as RFC 5095 asks; fragments
 * other than atomic ones are dropped and counted, not reassembled), ICMPv6 (RFC 4443: echo,
 * errors, packet too big into a per-destination path MTU), routes (on-link prefixes and
 * default routers from {@link Ndp}) and output with source address selection.
 */
public final class Ipv6 {
    public static final int HOP_BY_HOP = 0, TCP = 6, UDP = 17, ROUTING = 43, FRAGMENT = 44, ICMPV6 = 58, NO_NEXT = 59, DEST_OPTS = 60;
    public static final int ICMP_UNREACH = 1, ICMP_TOO_BIG = 2, ICMP_TIME_EXCEEDED = 3, ICMP_PARAM_PROBLEM = 4,
            ICMP_ECHO_REQUEST = 128, ICMP_ECHO_REPLY = 129;
    /** The minimum link MTU (RFC 8200 section 5): a packet-too-big never lowers a path below it. */
    public static final int MIN_MTU = 1280;
    static final long PMTU_TIMEOUT = 600_000_000_000L;
    final NetStack stack;
    public final Ndp ndp;
    public long inReceives, inHdrErrors, inDiscards, inNoRoutes, inUnknownProtos, fragmentsDropped, routingDropped,
            outRequests, outNoRoutes, outTooBig, icmpInMsgs, icmpInErrors, icmpOutMsgs;

    record PathMtu(int mtu, long expires) {}
    private final Map<Ip6, PathMtu> pathMtu = new HashMap<>();
    /** An on-link prefix (RFC 4861 "prefix list"), learned from a router or from a configured address. */
    public record OnLink(NetInterface ifc, Ip6 prefix, int len, long validUntil) {}
    /** A default router (RFC 4861 "default router list") and when its router lifetime ends. */
    public record Router(EthernetInterface ifc, Ip6 address, long until) {}
    /** The last destination-unreachable code heard about each destination (for tests and diagnostics). */
    public final Map<Ip6, Integer> unreachableFrom = new HashMap<>();
    final List<OnLink> onLink = new ArrayList<>();
    final List<Router> routers = new ArrayList<>();

    Ipv6(NetStack stack) {
        this.stack = stack;
        this.ndp = new Ndp(this);
    }

    long now() { return stack.clock.now(); }

    // ---- addresses ----

    /** The interface that owns a usable (or, with tentativeToo, any) address a. */
    NetInterface owner(Ip6 a, boolean tentativeToo) {
        long now = now();
        for (NetInterface i : stack.interfaces())
            for (Ip6Address x : i.inet6) if (x.address.equals(a) && (tentativeToo || x.usable(now))) return i;
        return null;
    }

    public boolean isLocal(Ip6 a) { return a.isLoopback() || owner(a, false) != null; }

    /** Whether interface i receives packets for a (its addresses and the groups it joined). */
    boolean accepts(NetInterface i, Ip6 a) {
        if (a.isMulticast()) {
            if (a.equals(Ip6.ALL_NODES)) return true;
            for (Ip6Address x : i.inet6) if (x.address.solicitedNode().equals(a)) return true; // joined for tentative ones too (DAD)
            return false;
        }
        return isLocal(a);
    }

    // ---- routes ----

    /** Where a packet to dst goes: interface and next hop. */
    public record Route(NetInterface ifc, Ip6 nextHop) {}

    /** The route to dst; scope is the interface for link-scoped addresses (sin6_scope_id), null = the first Ethernet one. */
    public Route route(Ip6 dst, NetInterface scope) {
        if (dst.isLoopback() || isLocal(dst)) return new Route(stack.loopback, dst);
        long now = now();
        if (dst.linkScoped()) {
            NetInterface i = scope != null ? scope : firstEthernet();
            return i == null || !i.up() || i == stack.loopback ? null : new Route(i, dst);
        }
        OnLink best = null;
        for (OnLink o : onLink) if (o.validUntil > now && o.ifc.up() && dst.inPrefix(o.prefix, o.len) && (best == null || o.len > best.len)) best = o;
        if (best != null) return new Route(best.ifc, dst);
        for (Router r : routers) if (r.until > now && r.ifc.up()) return new Route(r.ifc, r.address);
        return null;
    }

    NetInterface firstEthernet() {
        for (NetInterface i : stack.interfaces()) if (i instanceof EthernetInterface && i.up()) return i;
        return null;
    }

    /** Source address selection (a subset of RFC 6724): the outgoing interface's address of the destination's scope, preferred over deprecated. */
    public Ip6 sourceFor(Ip6 dst, NetInterface scope) {
        Route r = route(dst, scope);
        if (r == null) return null;
        if (r.ifc == stack.loopback) return dst.isLoopback() ? Ip6.LOOPBACK : dst;
        long now = now();
        Ip6 fallback = null;
        for (Ip6Address x : r.ifc.inet6) {
            if (!x.usable(now) || x.address.isLinkLocal() != dst.linkScoped()) continue;
            if (x.preferred(now)) return x.address;
            if (fallback == null) fallback = x.address;
        }
        if (fallback != null) return fallback;
        for (Ip6Address x : r.ifc.inet6) if (x.usable(now)) return x.address; // e.g. a global destination before SLAAC: link-local
        return null;
    }

    /** The path MTU towards dst (the link MTU unless a packet-too-big lowered it within the last 10 minutes). */
    public int pathMtu(Ip6 dst, NetInterface ifc) {
        PathMtu p = pathMtu.get(dst);
        if (p != null && p.expires <= now()) { pathMtu.remove(dst); p = null; }
        return p == null ? ifc.mtu6() : Math.min(ifc.mtu6(), p.mtu);
    }

    // ---- output ----

    static byte[] packet(Ip6 src, Ip6 dst, int nextHeader, int hopLimit, byte[] payload) {
        byte[] p = new byte[40 + payload.length];
        p[0] = 0x60;
        Ip4.put16(p, 4, payload.length);
        p[6] = (byte) nextHeader;
        p[7] = (byte) hopLimit;
        src.put(p, 8);
        dst.put(p, 24);
        System.arraycopy(payload, 0, p, 40, payload.length);
        return p;
    }

    /** Sends a packet (src null = selected); false when there is no route or it exceeds the path MTU (we do not fragment). */
    public boolean output(Ip6 src, Ip6 dst, int nextHeader, byte[] payload, int hopLimit, NetInterface scope) {
        Route r = route(dst, scope);
        if (r == null) { outNoRoutes++; return false; }
        if (src == null || src.isUnspecified() && nextHeader != ICMPV6) src = sourceFor(dst, scope);
        if (src == null) { outNoRoutes++; return false; }
        if (40 + payload.length > pathMtu(dst, r.ifc)) { outTooBig++; r.ifc.txDropped++; return false; }
        outRequests++;
        r.ifc.sendIp6(packet(src, dst, nextHeader, hopLimit, payload), r.nextHop);
        return true;
    }

    boolean output(Ip6 src, Ip6 dst, int nextHeader, byte[] payload) { return output(src, dst, nextHeader, payload, 64, null); }

    /** An ICMPv6 message with its checksum filled in. */
    static byte[] icmp(Ip6 src, Ip6 dst, int type, int code, byte[] body) {
        byte[] m = new byte[4 + body.length];
        m[0] = (byte) type;
        m[1] = (byte) code;
        System.arraycopy(body, 0, m, 4, body.length);
        Ip4.put16(m, 2, Ip6.checksum(src, dst, ICMPV6, m, 0, m.length));
        return m;
    }

    boolean sendIcmp(Ip6 src, Ip6 dst, int type, int code, byte[] body, int hopLimit, NetInterface scope) {
        if (src == null) src = sourceFor(dst, scope);
        if (src == null) return false;
        icmpOutMsgs++;
        return output(src, dst, ICMPV6, icmp(src, dst, type, code, body), hopLimit, scope);
    }

    /**
     * An ICMPv6 error about packet p (RFC 4443 2.4): never about an error message, nor to a
     * multicast/unspecified source, nor (except packet too big / unrecognised option) for a
     * multicast destination; as much of p as fits in the minimum MTU.
     */
    void sendError(NetInterface i, byte[] p, int type, int code, int param, boolean evenIfMulticast) {
        Ip6 src = Ip6.of(p, 8), dst = Ip6.of(p, 24);
        if (src.isUnspecified() || src.isMulticast() || dst.isMulticast() && !evenIfMulticast) return;
        if (isIcmpError(p)) return;
        int n = Math.min(p.length, MIN_MTU - 48);
        byte[] body = new byte[4 + n];
        Ip4.put32(body, 0, param);
        System.arraycopy(p, 0, body, 4, n);
        sendIcmp(dst.isMulticast() ? null : dst, src, type, code, body, 64, i);
    }

    private static boolean isIcmpError(byte[] p) { return p.length > 40 && (p[6] & 255) == ICMPV6 && (p[40] & 255) < 128; }

    // ---- input ----

    /** An IPv6 packet arrived on interface i. */
    void input(NetInterface i, byte[] p) {
        inReceives++;
        if (p.length < 40 || (p[0] >> 4 & 15) != 6) { inHdrErrors++; i.rxErrors++; return; }
        int plen = Ip4.get16(p, 4);
        if (40 + plen > p.length) { inHdrErrors++; i.rxErrors++; return; }
        if (p.length > 40 + plen) p = java.util.Arrays.copyOf(p, 40 + plen); // Ethernet padding
        Ip6 src = Ip6.of(p, 8), dst = Ip6.of(p, 24);
        if (src.isMulticast() || (src.isLoopback() || dst.isLoopback()) && i != stack.loopback) { inHdrErrors++; return; }
        // unicast to a tentative address is discarded (RFC 4862 5.4: DAD's answers go to ff02::1)
        if (!accepts(i, dst)) { inDiscards++; return; }
        int nh = p[6] & 255, off = 40, nhField = 6;
        while (true) {
            switch (nh) {
                case HOP_BY_HOP, DEST_OPTS -> {
                    if (nh == HOP_BY_HOP && off != 40) { paramProblem(i, p, 1, nhField); return; } // only right after the header
                    if (off + 8 > p.length) { inHdrErrors++; return; }
                    int len = ((p[off + 1] & 255) + 1) * 8;
                    if (off + len > p.length) { inHdrErrors++; return; }
                    if (!options(i, p, off + 2, off + len, dst)) return;
                    nhField = off;
                    nh = p[off] & 255;
                    off += len;
                }
                case ROUTING -> {
                    if (off + 8 > p.length) { inHdrErrors++; return; }
                    int len = ((p[off + 1] & 255) + 1) * 8, type = p[off + 2] & 255, left = p[off + 3] & 255;
                    if (off + len > p.length) { inHdrErrors++; return; }
                    // We do not forward, so a routing header that still has segments left cannot be honoured; type 0 is deprecated (RFC 5095).
                    if (left != 0) { routingDropped++; paramProblem(i, p, 0, off + 2); return; }
                    nhField = off;
                    nh = p[off] & 255;
                    off += len;
                    if (type == 0) { /* RH0 with no segments left is ignored like any unknown type (RFC 5095 section 3) */ }
                }
                case FRAGMENT -> {
                    if (off + 8 > p.length) { inHdrErrors++; return; }
                    int fo = Ip4.get16(p, off + 2);
                    if ((fo & 0xfff9) != 0) { fragmentsDropped++; inDiscards++; return; } // a real fragment: not reassembled
                    nhField = off;
                    nh = p[off] & 255; // an atomic fragment (RFC 6946): processed as the whole packet
                    off += 8;
                }
                case NO_NEXT -> { return; }
                default -> {
                    deliver(i, p, nh, off, nhField, src, dst);
                    return;
                }
            }
        }
    }

    /** Walks an options header; false when an option's action bits say to discard the packet (RFC 8200 4.2). */
    private boolean options(NetInterface i, byte[] p, int at, int end, Ip6 dst) {
        while (at < end) {
            int type = p[at] & 255;
            if (type == 0) { at++; continue; } // Pad1
            if (at + 2 > end) { inHdrErrors++; return false; }
            int len = p[at + 1] & 255;
            if (at + 2 + len > end) { inHdrErrors++; return false; }
            if (type != 1 && type != 5) { // PadN and router alert are understood; others by their two high bits
                switch (type >>> 6) {
                    case 1 -> { inDiscards++; return false; }
                    case 2 -> { paramProblem(i, p, 2, at, true); return false; }
                    case 3 -> { if (!dst.isMulticast()) paramProblem(i, p, 2, at, false); else inDiscards++; return false; }
                    default -> {}
                }
            }
            at += 2 + len;
        }
        return true;
    }

    private void paramProblem(NetInterface i, byte[] p, int code, int pointer) { paramProblem(i, p, code, pointer, false); }

    private void paramProblem(NetInterface i, byte[] p, int code, int pointer, boolean evenIfMulticast) {
        inHdrErrors++;
        sendError(i, p, ICMP_PARAM_PROBLEM, code, pointer, evenIfMulticast);
    }

    private void deliver(NetInterface i, byte[] p, int nh, int off, int nhField, Ip6 src, Ip6 dst) {
        byte[] payload = java.util.Arrays.copyOfRange(p, off, p.length);
        switch (nh) {
            case ICMPV6 -> icmpInput(i, p, src, dst, payload);
            // UDP and TCP over IPv6 are not carried yet: like any protocol without a handler (RFC 8200 4: parameter problem, code 1)
            default -> { inUnknownProtos++; paramProblem(i, p, 1, nhField); }
        }
    }

    private void icmpInput(NetInterface i, byte[] ip, Ip6 src, Ip6 dst, byte[] m) {
        icmpInMsgs++;
        if (m.length < 4 || Ip6.checksum(src, dst, ICMPV6, m, 0, m.length) != 0) { icmpInErrors++; return; }
        int type = m[0] & 255, hopLimit = ip[7] & 255;
        switch (type) {
            case ICMP_ECHO_REQUEST -> {
                if (m.length < 8) { icmpInErrors++; return; }
                Ip6 from = dst.isMulticast() ? sourceFor(src, i) : dst;
                if (from != null) sendIcmp(from, src, ICMP_ECHO_REPLY, 0, java.util.Arrays.copyOfRange(m, 4, m.length), 64, i);
            }
            case ICMP_TOO_BIG -> {
                if (m.length < 8 + 40) { icmpInErrors++; return; }
                int mtu = Math.max(MIN_MTU, Ip4.get32(m, 4));
                Ip6 about = Ip6.of(m, 8 + 24);
                PathMtu old = pathMtu.get(about);
                if (old == null || mtu < old.mtu || old.expires <= now()) pathMtu.put(about, new PathMtu(mtu, now() + PMTU_TIMEOUT));
            }
            case ICMP_UNREACH -> {
                if (m.length < 8 + 40) { icmpInErrors++; return; }
                Ip6 about = Ip6.of(m, 8 + 24);
                unreachableFrom.put(about, m[1] & 255);
            }
            case Ndp.RS, Ndp.RA, Ndp.NS, Ndp.NA -> {
                if (hopLimit != 255 || m[1] != 0) { icmpInErrors++; return; } // RFC 4861: only from this link
                ndp.input(i, type, src, dst, m);
            }
            case ICMP_ECHO_REPLY -> { for (Icmp6Socket s : List.copyOf(stack.icmp6Sockets)) s.deliver(i, src, m); }
            default -> {}
        }
    }

    // ---- routes learned by NDP ----

    void addOnLink(NetInterface ifc, Ip6 prefix, int len, long until) {
        onLink.removeIf(o -> o.ifc == ifc && o.len == len && o.prefix.equals(prefix.prefix(len)));
        if (until > now()) onLink.add(new OnLink(ifc, prefix.prefix(len), len, until));
    }

    void setRouter(EthernetInterface ifc, Ip6 addr, long until) {
        routers.removeIf(r -> r.ifc == ifc && r.address.equals(addr));
        if (until > now()) routers.add(new Router(ifc, addr, until));
    }

    public List<OnLink> onLinkPrefixes() { long n = now(); return onLink.stream().filter(o -> o.validUntil > n).toList(); }
    public List<Router> defaultRouters() { long n = now(); return routers.stream().filter(r -> r.until > n).toList(); }
}
