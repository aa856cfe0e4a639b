package org.multios.devices.net;

import java.nio.ByteBuffer;

/**
 * Ethernet II, IPv4 and UDP framing with the Internet checksum (RFC 791, 768, 1071):
 * the byte layouts the built-in back ends parse and produce. All multi-byte fields are
 * big-endian (network order).
 */
public final class Packets {
    public static final int ETH_HEADER = 14, ETHERTYPE_IPV4 = 0x0800, ETHERTYPE_ARP = 0x0806;
    public static final int PROTO_ICMP = 1, PROTO_TCP = 6, PROTO_UDP = 17;
    public static final byte[] BROADCAST = {-1, -1, -1, -1, -1, -1};

    private Packets() {}

    public static int u16(byte[] b, int at) { return (b[at] & 0xff) << 8 | (b[at + 1] & 0xff); }

    public static int u32(byte[] b, int at) { return u16(b, at) << 16 | u16(b, at + 2); }

    public static void put16(byte[] b, int at, int v) { b[at] = (byte) (v >>> 8); b[at + 1] = (byte) v; }

    public static void put32(byte[] b, int at, int v) { put16(b, at, v >>> 16); put16(b, at + 2, v); }

    /** One's-complement sum of 16-bit words, folded, not inverted (RFC 1071). */
    public static int sum(byte[] b, int from, int length, int initial) {
        long s = initial & 0xffffffffL;
        int end = from + length;
        for (int i = from; i < end; i += 2) s += (b[i] & 0xff) << 8 | (i + 1 < end ? b[i + 1] & 0xff : 0);
        while ((s >>> 16) != 0) s = (s & 0xffff) + (s >>> 16);
        return (int) s;
    }

    /** The Internet checksum over a range (a range that includes its checksum sums to 0). */
    public static int checksum(byte[] b, int from, int length) { return ~sum(b, from, length, 0) & 0xffff; }

    /** Sum of the IPv4 pseudo header for a TCP/UDP checksum. */
    public static int pseudoSum(int src, int dst, int proto, int length) {
        byte[] p = new byte[12];
        put32(p, 0, src);
        put32(p, 4, dst);
        p[9] = (byte) proto;
        put16(p, 10, length);
        return sum(p, 0, 12, 0);
    }

    public static byte[] ethernet(byte[] dst, byte[] src, int type, byte[] payload) {
        byte[] f = new byte[ETH_HEADER + payload.length];
        System.arraycopy(dst, 0, f, 0, 6);
        System.arraycopy(src, 0, f, 6, 6);
        put16(f, 12, type);
        System.arraycopy(payload, 0, f, ETH_HEADER, payload.length);
        return f;
    }

    /** An IPv4 packet without options (TTL 64, DF clear) and with its header checksum. */
    public static byte[] ipv4(int src, int dst, int proto, int id, byte[] payload) {
        byte[] p = new byte[20 + payload.length];
        p[0] = 0x45;
        put16(p, 2, p.length);
        put16(p, 4, id);
        p[8] = 64;
        p[9] = (byte) proto;
        put32(p, 12, src);
        put32(p, 16, dst);
        put16(p, 10, checksum(p, 0, 20));
        System.arraycopy(payload, 0, p, 20, payload.length);
        return p;
    }

    /** A UDP datagram with its checksum over the pseudo header (0 is sent as 0xffff). */
    public static byte[] udp(int src, int dst, int sport, int dport, byte[] data) {
        byte[] u = new byte[8 + data.length];
        put16(u, 0, sport);
        put16(u, 2, dport);
        put16(u, 4, u.length);
        System.arraycopy(data, 0, u, 8, data.length);
        int c = ~sum(u, 0, u.length, pseudoSum(src, dst, PROTO_UDP, u.length)) & 0xffff;
        put16(u, 6, c == 0 ? 0xffff : c);
        return u;
    }

    public static int ip(int a, int b, int c, int d) { return a << 24 | b << 16 | c << 8 | d; }

    public static String ipString(int ip) {
        return (ip >>> 24) + "." + (ip >>> 16 & 0xff) + "." + (ip >>> 8 & 0xff) + "." + (ip & 0xff);
    }

    public static byte[] ipBytes(int ip) { return ByteBuffer.allocate(4).putInt(ip).array(); }

    /**
     * A validated view of an IPv4 packet inside an Ethernet frame, or null if the frame
     * is not a well-formed, unfragmented IPv4 packet with a correct header checksum.
     */
    public record Ipv4(int headerAt, int payloadAt, int payloadLength, int proto, int src, int dst) {
        public static Ipv4 parse(byte[] f) {
            if (f.length < ETH_HEADER + 20 || u16(f, 12) != ETHERTYPE_IPV4) return null;
            int h = ETH_HEADER;
            if ((f[h] & 0xf0) != 0x40) return null;
            int ihl = (f[h] & 0x0f) * 4;
            int total = u16(f, h + 2);
            if (ihl < 20 || total < ihl || h + total > f.length) return null;
            if (checksum(f, h, ihl) != 0) return null;
            if ((u16(f, h + 6) & 0x3fff) != 0) return null; // fragments: the built-in stack does not reassemble
            return new Ipv4(h, h + ihl, total - ihl, f[h + 9] & 0xff, u32(f, h + 12), u32(f, h + 16));
        }
    }
}
