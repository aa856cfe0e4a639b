package org.multios.kernel.net;

import java.util.HashMap;
import java.util.Map;

/**
 * Neighbor Discovery (RFC 4861) and stateless address autoconfiguration (RFC 4862) for a host:
 * on an Ethernet interface coming up, the link-local address from the MAC (modified EUI-64)
 * goes through duplicate address detection, then up to three Router Solicitations; a Router
 * Advertisement gives the default router, the on-link prefixes, the link MTU and, for prefixes
 * with the A flag, an address prefix+interface id (DAD again) with its valid/preferred lifetimes.
 * NS/NA resolve and confirm neighbours ({@link NeighborCache}). The random delays RFC 4861 asks
 * for come from the MAC, so two machines differ and a run replays.
 */
public final class Ndp {
    public static final int RS = 133, RA = 134, NS = 135, NA = 136;
    static final int OPT_SLLA = 1, OPT_TLLA = 2, OPT_PREFIX = 3, OPT_MTU = 5;
    static final long MAX_RTR_SOLICITATION_DELAY = 1_000_000_000L, RTR_SOLICITATION_INTERVAL = 4_000_000_000L;
    static final int MAX_RTR_SOLICITATIONS = 3, DUP_ADDR_DETECT_TRANSMITS = 1;
    static final long TWO_HOURS = 7200_000_000_000L;
    static final int INFINITE = -1;
    final Ipv6 ip6;
    private final Map<EthernetInterface, Integer> solicitationsSent = new HashMap<>();
    private final Map<EthernetInterface, Boolean> heardRouter = new HashMap<>();
    public long dadFailures, raReceived, raIgnored, nsReceived, naReceived;

    Ndp(Ipv6 ip6) { this.ip6 = ip6; }

    private NetClock clock() { return ip6.stack.clock; }

    /** A delay in [0, max) from the MAC: RFC 4861's random delays, deterministic per machine. */
    private static long jitter(EthernetInterface e, long max) {
        byte[] m = e.mac();
        long h = 0;
        for (byte b : m) h = h * 31 + (b & 255);
        return Math.floorMod(h * 0x9E3779B97F4A7C15L, max);
    }

    /** The interface came up: its link-local address, DAD, then router solicitation. */
    void start(EthernetInterface e) {
        Ip6Address ll = new Ip6Address(Ip6.linkLocal(e.mac()), 64, true, true);
        e.inet6.add(ll);
        startDad(e, ll, jitter(e, MAX_RTR_SOLICITATION_DELAY));
    }

    /** RFC 4862 5.4: an NS from :: for the tentative address (after a delay), and if nobody objects within RetransTimer, the address is ours. */
    private void startDad(EthernetInterface e, Ip6Address a, long delay) {
        clock().schedule(clock().now() + delay, () -> {
            if (!a.tentative || a.dadFailed || !e.inet6.contains(a)) return;
            sendSolicitation(e, a.address, a.address.solicitedNode(), null);
            clock().schedule(clock().now() + e.neighbors.retransTimer * DUP_ADDR_DETECT_TRANSMITS, () -> {
                if (!a.tentative || a.dadFailed) return;
                a.tentative = false;
                if (a.address.isLinkLocal()) solicitRouters(e, jitter(e, MAX_RTR_SOLICITATION_DELAY));
                ip6.stack.changed();
                clock().afterEvent();
            });
        });
    }

    private void dadFailed(EthernetInterface e, Ip6Address a) {
        dadFailures++;
        a.dadFailed = true;
        a.tentative = false;
        if (!a.permanent) e.inet6.remove(a); // an autoconfigured address is given up; the link-local one stays, flagged (as Linux shows it)
        ip6.stack.changed();
    }

    private void solicitRouters(EthernetInterface e, long delay) {
        solicitationsSent.put(e, 0);
        clock().schedule(clock().now() + delay, () -> sendRs(e));
    }

    private void sendRs(EthernetInterface e) {
        if (Boolean.TRUE.equals(heardRouter.get(e))) return;
        int n = solicitationsSent.getOrDefault(e, 0);
        if (n >= MAX_RTR_SOLICITATIONS) return;
        solicitationsSent.put(e, n + 1);
        Ip6 src = linkLocal(e);
        byte[] body = new byte[4 + (src == null ? 0 : 8)];
        if (src != null) option(body, 4, OPT_SLLA, e.mac());
        ip6.sendIcmp(src == null ? Ip6.ANY : src, Ip6.ALL_ROUTERS, RS, 0, body, 255, e);
        clock().schedule(clock().now() + RTR_SOLICITATION_INTERVAL, () -> sendRs(e));
    }

    private Ip6 linkLocal(EthernetInterface e) {
        long now = clock().now();
        for (Ip6Address a : e.inet6) if (a.address.isLinkLocal() && a.usable(now)) return a.address;
        return null;
    }

    private static void option(byte[] b, int at, int type, byte[] mac) {
        b[at] = (byte) type;
        b[at + 1] = 1;
        System.arraycopy(mac, 0, b, at + 2, 6);
    }

    /** An NS for target to dst (solicited-node group or the neighbour); from :: during DAD (no source option then). */
    void sendSolicitation(EthernetInterface e, Ip6 target, Ip6 dst, byte[] dstMac) {
        Ip6Address own = null;
        for (Ip6Address a : e.inet6) if (a.address.equals(target)) own = a;
        Ip6 src = own != null && own.tentative ? Ip6.ANY : ip6.sourceFor(target, e);
        if (src == null) src = Ip6.ANY;
        byte[] body = new byte[20 + (src.isUnspecified() ? 0 : 8)];
        target.put(body, 4);
        if (!src.isUnspecified()) option(body, 20, OPT_SLLA, e.mac());
        ip6.sendIcmp(src, dst, NS, 0, body, 255, e);
    }

    private void sendAdvertisement(EthernetInterface e, Ip6 target, Ip6 dst, boolean solicited) {
        byte[] body = new byte[28];
        body[0] = (byte) ((solicited ? 0x40 : 0) | 0x20); // S, O (never R: we do not route)
        target.put(body, 4);
        option(body, 20, OPT_TLLA, e.mac());
        ip6.sendIcmp(target, dst, NA, 0, body, 255, e);
    }

    /** An NDP message (hop limit 255 and code 0 already checked) arrived on i. */
    void input(NetInterface i, int type, Ip6 src, Ip6 dst, byte[] m) {
        if (!(i instanceof EthernetInterface e)) return;
        switch (type) {
            case NS -> ns(e, src, dst, m);
            case NA -> na(e, dst, m);
            case RA -> ra(e, src, m);
            default -> {} // RS: hosts ignore them
        }
    }

    /** The first option of a type, or null; null also when the options are malformed (length 0 or past the end). */
    private static byte[] findOption(byte[] m, int from, int type, boolean[] malformed) {
        byte[] found = null;
        for (int at = from; at < m.length; ) {
            if (at + 2 > m.length) { malformed[0] = true; return null; }
            int len = (m[at + 1] & 255) * 8;
            if (len == 0 || at + len > m.length) { malformed[0] = true; return null; }
            if ((m[at] & 255) == type && found == null) found = java.util.Arrays.copyOfRange(m, at, at + len);
            at += len;
        }
        return found;
    }

    private static byte[] mac(byte[] opt) { return opt == null || opt.length < 8 ? null : java.util.Arrays.copyOfRange(opt, 2, 8); }

    private void ns(EthernetInterface e, Ip6 src, Ip6 dst, byte[] m) {
        nsReceived++;
        if (m.length < 24) return;
        Ip6 target = Ip6.of(m, 8);
        boolean[] bad = {false};
        byte[] slla = mac(findOption(m, 24, OPT_SLLA, bad));
        if (bad[0] || target.isMulticast()) return;
        if (src.isUnspecified() && (!dst.equals(target.solicitedNode()) || slla != null)) return;
        Ip6Address own = null;
        for (Ip6Address a : e.inet6) if (a.address.equals(target) && !a.dadFailed) own = a;
        if (own == null) return;
        if (own.tentative) {
            if (src.isUnspecified()) dadFailed(e, own); // someone else is trying the same address
            return;
        }
        if (!src.isUnspecified() && slla != null) e.neighbors.learned(src, slla, null);
        if (src.isUnspecified()) sendAdvertisement(e, target, Ip6.ALL_NODES, false);
        else sendAdvertisement(e, target, src, true);
    }

    private void na(EthernetInterface e, Ip6 dst, byte[] m) {
        naReceived++;
        if (m.length < 24) return;
        int flags = m[4] & 255;
        boolean router = (flags & 0x80) != 0, solicited = (flags & 0x40) != 0, override = (flags & 0x20) != 0;
        Ip6 target = Ip6.of(m, 8);
        boolean[] bad = {false};
        byte[] tlla = mac(findOption(m, 24, OPT_TLLA, bad));
        if (bad[0] || target.isMulticast() || dst.isMulticast() && solicited) return;
        for (Ip6Address a : e.inet6) {
            if (a.address.equals(target)) {
                if (a.tentative) dadFailed(e, a); // the address is already in use
                return;
            }
        }
        e.neighbors.advertised(target, tlla, solicited, override, router);
    }

    private void ra(EthernetInterface e, Ip6 src, byte[] m) {
        raReceived++;
        if (!src.isLinkLocal() || m.length < 16) { raIgnored++; return; }
        boolean[] bad = {false};
        findOption(m, 16, 0, bad);
        if (bad[0]) { raIgnored++; return; }
        heardRouter.put(e, true);
        long now = clock().now();
        int hop = m[4] & 255, lifetime = Ip4.get16(m, 6);
        long reachable = Ip4.get32(m, 8) & 0xffffffffL, retrans = Ip4.get32(m, 12) & 0xffffffffL;
        if (hop != 0) e.hopLimit6 = hop;
        if (reachable != 0) e.neighbors.reachableTime = reachable * 1_000_000L;
        if (retrans != 0) e.neighbors.retransTimer = retrans * 1_000_000L;
        for (int at = 16; at + 8 <= m.length; at += (m[at + 1] & 255) * 8) {
            int type = m[at] & 255, len = (m[at + 1] & 255) * 8;
            switch (type) {
                case OPT_SLLA -> e.neighbors.learned(src, java.util.Arrays.copyOfRange(m, at + 2, at + 8), true);
                case OPT_MTU -> {
                    int mtu = Ip4.get32(m, at + 4);
                    if (mtu >= Ipv6.MIN_MTU && mtu <= e.mtu) e.mtu6 = mtu;
                }
                case OPT_PREFIX -> { if (len == 32) prefix(e, m, at, now); }
                default -> {}
            }
        }
        ip6.setRouter(e, src, now + lifetime * 1_000_000_000L);
        NeighborCache.Entry r = e.neighbors.get(src);
        if (r != null) r.router = true;
        ip6.stack.changed();
    }

    private static long until(long now, int seconds) { return seconds == INFINITE ? Long.MAX_VALUE : now + (seconds & 0xffffffffL) * 1_000_000_000L; }

    /** A prefix information option (RFC 4861 6.3.4 for L, RFC 4862 5.5.3 for A). */
    private void prefix(EthernetInterface e, byte[] m, int at, long now) {
        int len = m[at + 2] & 255, flags = m[at + 3] & 255;
        int valid = Ip4.get32(m, at + 4), preferred = Ip4.get32(m, at + 8);
        Ip6 prefix = Ip6.of(m, at + 16).prefix(Math.min(len, 128));
        if (prefix.isLinkLocal() || len > 128) return;
        if ((flags & 0x80) != 0) ip6.addOnLink(e, prefix, len, until(now, valid));
        if ((flags & 0x40) == 0 || Integer.compareUnsigned(preferred, valid) > 0 || len != 64) return; // A, sane lifetimes, a 64-bit interface id
        Ip6 addr = new Ip6(prefix.hi(), Ip6.interfaceId(e.mac()));
        Ip6Address have = null;
        for (Ip6Address a : e.inet6) if (a.address.equals(addr)) have = a;
        if (have == null) {
            if (valid == 0) return;
            Ip6Address a = new Ip6Address(addr, 64, false, true);
            a.validUntil = until(now, valid);
            a.preferredUntil = until(now, preferred);
            e.inet6.add(a);
            startDad(e, a, 0);
            return;
        }
        if (have.permanent) return;
        have.preferredUntil = until(now, preferred);
        long received = until(now, valid), remaining = have.validUntil - now;
        // RFC 4862 5.5.3 e): a forged short lifetime cannot cut an address below two hours
        if (received - now > TWO_HOURS || received > have.validUntil) have.validUntil = received;
        else if (remaining > TWO_HOURS) have.validUntil = now + TWO_HOURS;
    }
}
