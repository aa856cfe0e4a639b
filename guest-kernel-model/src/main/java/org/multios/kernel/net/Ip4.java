package org.multios.kernel.net;

/** IPv4 addresses as ints (network order read as a big-endian int) and the Internet checksum. */
public final class Ip4 {
    private Ip4() {}
    public static final int ANY = 0, BROADCAST = -1, LOOPBACK = 0x7f000001;

    public static int parse(String s) {
        String[] p = s.trim().split("\\.", -1);
        if (p.length != 4) throw new IllegalArgumentException("not an IPv4 address: " + s);
        int a = 0;
        for (String x : p) {
            int v;
            try { v = Integer.parseInt(x); } catch (NumberFormatException e) { throw new IllegalArgumentException("not an IPv4 address: " + s); }
            if (v < 0 || v > 255) throw new IllegalArgumentException("not an IPv4 address: " + s);
            a = a << 8 | v;
        }
        return a;
    }

    public static String str(int a) { return (a >>> 24) + "." + (a >>> 16 & 255) + "." + (a >>> 8 & 255) + "." + (a & 255); }

    public static int mask(int prefix) { return prefix == 0 ? 0 : -1 << (32 - prefix); }

    public static boolean isLoopback(int a) { return a >>> 24 == 127; }

    static int get16(byte[] b, int o) { return (b[o] & 255) << 8 | b[o + 1] & 255; }
    static int get32(byte[] b, int o) { return (b[o] & 255) << 24 | (b[o + 1] & 255) << 16 | (b[o + 2] & 255) << 8 | b[o + 3] & 255; }
    static void put16(byte[] b, int o, int v) { b[o] = (byte) (v >>> 8); b[o + 1] = (byte) v; }
    static void put32(byte[] b, int o, int v) { b[o] = (byte) (v >>> 24); b[o + 1] = (byte) (v >>> 16); b[o + 2] = (byte) (v >>> 8); b[o + 3] = (byte) v; }

    /** RFC 1071 one's-complement sum of b[off, off+len) added to an initial partial sum. */
    static int sum(int acc, byte[] b, int off, int len) {
        long s = acc & 0xffffffffL;
        int i = 0;
        for (; i + 1 < len; i += 2) s += (b[off + i] & 255) << 8 | b[off + i + 1] & 255;
        if (i < len) s += (b[off + i] & 255) << 8;
        while ((s >>> 16) != 0) s = (s & 0xffff) + (s >>> 16);
        return (int) s;
    }

    static int checksum(byte[] b, int off, int len) { return ~sum(0, b, off, len) & 0xffff; }

    /** The TCP/UDP checksum over the pseudo-header and the segment. */
    static int transportChecksum(int src, int dst, int proto, byte[] seg, int off, int len) {
        byte[] ph = new byte[12];
        put32(ph, 0, src); put32(ph, 4, dst); ph[9] = (byte) proto; put16(ph, 10, len);
        return ~sum(sum(0, ph, 0, 12), seg, off, len) & 0xffff;
    }
}
