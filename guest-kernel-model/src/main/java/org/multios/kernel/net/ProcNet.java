package org.multios.kernel.net;

import java.util.Map;

/** The text of /proc/net/dev, /proc/net/route and /proc/net/arp, in Linux's column layout (net-tools parse it). */
public final class ProcNet {
    private ProcNet() {}

    public static String dev(NetStack s) {
        StringBuilder b = new StringBuilder();
        b.append("Inter-|   Receive                                                |  Transmit\n");
        b.append(" face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n");
        for (NetInterface i : s.interfaces()) {
            b.append(String.format("%6s: %7d %7d %4d %4d %4d %5d %10d %9d %8d %7d %4d %4d %4d %5d %7d %10d%n", i.name,
                    i.rxBytes, i.rxPackets, i.rxErrors, i.rxDropped, 0, 0, 0, 0, i.txBytes, i.txPackets, i.txErrors, i.txDropped, 0, 0, 0, 0));
        }
        return b.toString();
    }

    /** Addresses in /proc/net/route are the in-memory (little-endian) u32 in hex, as Linux prints them. */
    private static String hex(int a) { return String.format("%08X", Integer.reverseBytes(a)); }

    public static String route(NetStack s) {
        StringBuilder b = new StringBuilder("Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n");
        if (s.gateway != 0 && s.gatewayIf != null)
            b.append(String.format("%s\t%s\t%s\t%04X\t0\t0\t0\t%s\t0\t0\t0%n", s.gatewayIf.name, hex(0), hex(s.gateway), 0x3, hex(0)));
        for (NetInterface i : s.interfaces()) {
            if (i == s.loopback || i.address == 0) continue;
            b.append(String.format("%s\t%s\t%s\t%04X\t0\t0\t0\t%s\t0\t0\t0%n", i.name, hex(i.address & i.netmask()), hex(0), 0x1, hex(i.netmask())));
        }
        return b.toString();
    }

    public static String arp(NetStack s) {
        StringBuilder b = new StringBuilder("IP address       HW type     Flags       HW address            Mask     Device\n");
        for (NetInterface i : s.interfaces()) {
            if (!(i instanceof EthernetInterface e)) continue;
            for (Map.Entry<Integer, byte[]> en : e.arpTable().entrySet()) {
                byte[] m = en.getValue();
                String mac = String.format("%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
                b.append(String.format("%-16s 0x1         0x2         %s     *        %s%n", Ip4.str(en.getKey()), mac, i.name));
            }
        }
        return b.toString();
    }

    /** Linux's /proc/net/pnp (net/ipv4/ipconfig.c): what IP autoconfiguration learned, in resolv.conf syntax. */
    public static String pnp(NetStack s) {
        NetStack.Autoconfig a = s.autoconfig;
        StringBuilder b = new StringBuilder(a.protocol() != null ? "#PROTO: " + a.protocol() + "\n" : "#MANUAL\n");
        if (!a.domain().isEmpty()) b.append("domain ").append(a.domain()).append('\n');
        for (int ns : a.nameservers()) b.append("nameserver ").append(Ip4.str(ns)).append('\n');
        if (a.bootServer() != 0) b.append("bootserver ").append(Ip4.str(a.bootServer())).append('\n');
        return b.toString();
    }

    /** Linux's /proc/net/if_inet6 (net/ipv6/addrconf.c): address, ifindex, prefix length, scope, IFA_F_* flags, device. */
    public static String ifInet6(NetStack s) {
        StringBuilder b = new StringBuilder();
        long now = s.clock.now();
        for (NetInterface i : s.interfaces())
            for (Ip6Address a : i.inet6) {
                if (now >= a.validUntil) continue;
                b.append(String.format("%s %02x %02x %02x %02x %8s%n", a.address.hex(), i.index, a.prefixLen, a.scope(), a.flags(now), i.name));
            }
        return b.toString();
    }

    /** Linux's RTF_* bits as ipv6_route prints them. */
    static final int RTF_UP = 0x1, RTF_GATEWAY = 0x2, RTF_DEFAULT = 0x10000, RTF_ADDRCONF = 0x40000, RTF_NONEXTHOP = 0x200000,
            RTF_EXPIRES = 0x400000, RTF_LOCAL = 0x80000000;

    /**
     * Linux's /proc/net/ipv6_route (net/ipv6/route.c): destination, prefix length, source, source
     * length, next hop, metric, refcount, use, flags, device; the main table (on-link prefixes,
     * default routers, fe80::/64 per link) then the local one (our addresses on lo).
     */
    public static String ipv6Route(NetStack s) {
        StringBuilder b = new StringBuilder();
        long now = s.clock.now();
        for (Ipv6.OnLink o : s.ip6.onLinkPrefixes())
            route6(b, o.prefix(), o.len(), Ip6.ANY, 256, RTF_UP | RTF_ADDRCONF | (o.validUntil() == Long.MAX_VALUE ? 0 : RTF_EXPIRES), o.ifc().name);
        for (NetInterface i : s.interfaces())
            if (i != s.loopback && i.up() && !i.inet6.isEmpty()) route6(b, new Ip6(Ip6.LINK_LOCAL_HI, 0), 64, Ip6.ANY, 256, RTF_UP, i.name);
        for (Ipv6.Router r : s.ip6.defaultRouters())
            route6(b, Ip6.ANY, 0, r.address(), 1024, RTF_UP | RTF_GATEWAY | RTF_DEFAULT | RTF_ADDRCONF | RTF_EXPIRES, r.ifc().name);
        for (NetInterface i : s.interfaces())
            for (Ip6Address a : i.inet6)
                if (a.usable(now)) route6(b, a.address, 128, Ip6.ANY, 0, RTF_UP | RTF_NONEXTHOP | RTF_LOCAL, s.loopback.name);
        for (NetInterface i : s.interfaces())
            if (i != s.loopback && i.up() && !i.inet6.isEmpty()) route6(b, new Ip6(0xff00L << 48, 0), 8, Ip6.ANY, 256, RTF_UP, i.name);
        return b.toString();
    }

    private static void route6(StringBuilder b, Ip6 dst, int len, Ip6 via, int metric, int flags, String dev) {
        b.append(String.format("%s %02x %s %02x %s %08x %08x %08x %08x %8s%n", dst.hex(), len, Ip6.ANY.hex(), 0, via.hex(), metric, 1, 0, flags, dev));
    }
}
