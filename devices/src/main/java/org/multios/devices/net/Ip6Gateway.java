package org.multios.devices.net;

import static org.multios.devices.net.Packets.*;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The IPv6 side of the user back end's gateway, laid out as QEMU's slirp does it: the router is
 * fe80::2 on the link, the network fec0::/64 with the gateway at fec0::2 and the DNS proxy at
 * fec0::3. It answers Neighbor Solicitations for those three addresses, ICMPv6 echo to them,
 * and Router Solicitations with a Router Advertisement (source link-layer address, the prefix
 * with on-link and autonomous flags, RDNSS); the first IPv6 frame from a guest also gets an
 * unsolicited RA. Answers are synchronous inside the transmit call, so they land at a
 * deterministic virtual time. IPv6 NAT to host sockets is not done.
 */
public final class Ip6Gateway {
    public static final int ETHERTYPE_IPV6 = 0x86DD, ICMPV6 = 58;
    static final int ECHO_REQUEST = 128, ECHO_REPLY = 129, RS = 133, RA = 134, NS = 135, NA = 136;
    /** fe80::2, fec0::, fec0::2, fec0::3 as 16-byte addresses. */
    public static final byte[] ROUTER_LL = addr(0xfe80, 2), PREFIX = addr(0xfec0, 0), GATEWAY6 = addr(0xfec0, 2), DNS6 = addr(0xfec0, 3);
    static final byte[] ALL_NODES = addr(0xff02, 1);
    public static final int PREFIX_LEN = 64;
    /** Slirp's advertised lifetimes (seconds); the router lifetime is RFC 4861's maximum, since RAs are sent on solicitation only. */
    static final int VALID_LIFETIME = 86400, PREFERRED_LIFETIME = 14400, ROUTER_LIFETIME = 9000, RDNSS_LIFETIME = 3600;
    private final byte[] mac;
    private final Consumer<byte[]> toGuest;
    private boolean advertised;
    public long rsAnswered, nsAnswered, echoAnswered;

    /** @param toGuest takes whole Ethernet frames for the guest */
    public Ip6Gateway(byte[] gatewayMac, Consumer<byte[]> toGuest) {
        this.mac = gatewayMac.clone();
        this.toGuest = toGuest;
    }

    static byte[] addr(int first, int last) {
        byte[] a = new byte[16];
        put16(a, 0, first);
        put16(a, 14, last);
        return a;
    }

    private static boolean ours(byte[] a) { return Arrays.equals(a, ROUTER_LL) || Arrays.equals(a, GATEWAY6) || Arrays.equals(a, DNS6); }

    /** The checksum over the IPv6 pseudo-header and an upper-layer packet (RFC 8200 8.1). */
    public static int checksum(byte[] src, byte[] dst, int nextHeader, byte[] b, int at, int len) {
        byte[] ph = new byte[40];
        System.arraycopy(src, 0, ph, 0, 16);
        System.arraycopy(dst, 0, ph, 16, 16);
        put32(ph, 32, len);
        ph[39] = (byte) nextHeader;
        return ~sum(b, at, len, sum(ph, 0, 40, 0)) & 0xffff;
    }

    /** An Ethernet frame from the guest with ethertype 0x86DD. */
    public void fromGuest(byte[] f, byte[] guestMac) {
        int h = ETH_HEADER;
        if (f.length < h + 40 || (f[h] & 0xf0) != 0x60) return;
        int plen = u16(f, h + 4);
        if (h + 40 + plen > f.length || (f[h + 6] & 0xff) != ICMPV6 || plen < 4) return; // extension headers, UDP, TCP: not handled
        byte[] src = Arrays.copyOfRange(f, h + 8, h + 24), dst = Arrays.copyOfRange(f, h + 24, h + 40);
        int at = h + 40, hop = f[h + 7] & 0xff;
        if (checksum(src, dst, ICMPV6, f, at, plen) != 0) return;
        if (!advertised) { advertised = true; advertise(guestMac, ALL_NODES); }
        int type = f[at] & 0xff;
        switch (type) {
            case RS -> { if (hop == 255) { rsAnswered++; advertise(guestMac, ALL_NODES); } }
            case NS -> {
                if (hop != 255 || plen < 24) return;
                byte[] target = Arrays.copyOfRange(f, at + 8, at + 24);
                if (!ours(target)) return;
                nsAnswered++;
                boolean dad = isZero(src);
                byte[] body = new byte[28];
                body[0] = (byte) (0x80 | (dad ? 0 : 0x40) | 0x20); // R, S (not to a DAD probe), O
                System.arraycopy(target, 0, body, 4, 16);
                body[20] = 2; body[21] = 1;
                System.arraycopy(mac, 0, body, 22, 6);
                send(guestMac, target, dad ? ALL_NODES : src, NA, 255, body);
            }
            case ECHO_REQUEST -> {
                if (!ours(dst) || plen < 8) return;
                echoAnswered++;
                send(guestMac, dst, src, ECHO_REPLY, 64, Arrays.copyOfRange(f, at + 4, at + plen));
            }
            default -> {}
        }
    }

    private static boolean isZero(byte[] a) { for (byte b : a) if (b != 0) return false; return true; }

    /** A Router Advertisement: SLLA, prefix fec0::/64 (L, A), RDNSS fec0::3. */
    private void advertise(byte[] guestMac, byte[] dst) {
        byte[] body = new byte[12 + 8 + 32 + 24];
        put16(body, 2, ROUTER_LIFETIME); // hop limit 0 and reachable/retrans 0: unspecified, the host keeps its own
        int o = 12;
        body[o] = 1; body[o + 1] = 1;
        System.arraycopy(mac, 0, body, o + 2, 6);
        o += 8;
        body[o] = 3; body[o + 1] = 4; body[o + 2] = PREFIX_LEN; body[o + 3] = (byte) 0xc0;
        put32(body, o + 4, VALID_LIFETIME);
        put32(body, o + 8, PREFERRED_LIFETIME);
        System.arraycopy(PREFIX, 0, body, o + 16, 16);
        o += 32;
        body[o] = 25; body[o + 1] = 3; // RDNSS (RFC 8106)
        put32(body, o + 4, RDNSS_LIFETIME);
        System.arraycopy(DNS6, 0, body, o + 8, 16);
        send(guestMac, ROUTER_LL, dst, RA, 255, body);
    }

    private void send(byte[] guestMac, byte[] src, byte[] dst, int type, int hop, byte[] body) {
        byte[] m = new byte[4 + body.length];
        m[0] = (byte) type;
        System.arraycopy(body, 0, m, 4, body.length);
        put16(m, 2, checksum(src, dst, ICMPV6, m, 0, m.length));
        byte[] p = new byte[40 + m.length];
        p[0] = 0x60;
        put16(p, 4, m.length);
        p[6] = ICMPV6;
        p[7] = (byte) hop;
        System.arraycopy(src, 0, p, 8, 16);
        System.arraycopy(dst, 0, p, 24, 16);
        System.arraycopy(m, 0, p, 40, m.length);
        byte[] dstMac = (dst[0] & 0xff) == 0xff ? new byte[] {0x33, 0x33, dst[12], dst[13], dst[14], dst[15]} : guestMac;
        toGuest.accept(ethernet(dstMac, mac, ETHERTYPE_IPV6, p));
    }
}
