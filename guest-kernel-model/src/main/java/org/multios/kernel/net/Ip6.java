package org.multios.kernel.net;

/**
 * An IPv6 address as two big-endian longs (value equality, usable as a map key), with the
 * text forms of RFC 4291/5952, the address classes the stack needs and the ICMPv6/UDP/TCP
 * checksum over the IPv6 pseudo-header (RFC 8200 section 8.1).
 */
public record Ip6(long hi, long lo) {
    public static final Ip6 ANY = new Ip6(0, 0), LOOPBACK = new Ip6(0, 1);
    /** ff02::1 (all nodes) and ff02::2 (all routers), link scope. */
    public static final Ip6 ALL_NODES = new Ip6(0xff02L << 48, 1), ALL_ROUTERS = new Ip6(0xff02L << 48, 2);
    static final long LINK_LOCAL_HI = 0xfe80L << 48;

    public static Ip6 of(byte[] b, int o) { return new Ip6(get64(b, o), get64(b, o + 8)); }

    public byte[] bytes() { byte[] b = new byte[16]; put(b, 0); return b; }

    public void put(byte[] b, int o) { put64(b, o, hi); put64(b, o + 8, lo); }

    public boolean isUnspecified() { return hi == 0 && lo == 0; }
    public boolean isLoopback() { return hi == 0 && lo == 1; }
    public boolean isMulticast() { return hi >>> 56 == 0xff; }
    /** fe80::/10 */
    public boolean isLinkLocal() { return (hi >>> 54) == (0xfe80L >>> 6); }
    /** Link- or interface-scoped: multicast ff01/ff02 and unicast fe80::/10 need an interface. */
    public boolean linkScoped() { return isLinkLocal() || isMulticast() && ((hi >>> 48 & 15) <= 2); }
    /** ::ffff:a.b.c.d */
    public boolean isV4Mapped() { return hi == 0 && lo >>> 32 == 0xffff; }
    public int v4() { return (int) lo; }
    public static Ip6 v4Mapped(int a) { return new Ip6(0, 0xffffL << 32 | a & 0xffffffffL); }

    /** ff02::1:ffXX:XXXX for a unicast address (RFC 4291 2.7.1). */
    public Ip6 solicitedNode() { return new Ip6(0xff02L << 48, 0x1ff000000L | lo & 0xffffff); }

    /** The Ethernet group address of a multicast address: 33:33 and its low 32 bits (RFC 2464 section 7). */
    public byte[] multicastMac() { return new byte[] {0x33, 0x33, (byte) (lo >>> 24), (byte) (lo >>> 16), (byte) (lo >>> 8), (byte) lo}; }

    /** The modified EUI-64 interface identifier of a MAC (RFC 4291 appendix A): ff:fe inserted, U/L bit flipped. */
    public static long interfaceId(byte[] mac) {
        return ((mac[0] ^ 2) & 255L) << 56 | (mac[1] & 255L) << 48 | (mac[2] & 255L) << 40 | 0xffL << 32 | 0xfeL << 24
                | (mac[3] & 255L) << 16 | (mac[4] & 255L) << 8 | mac[5] & 255L;
    }

    public static Ip6 linkLocal(byte[] mac) { return new Ip6(LINK_LOCAL_HI, interfaceId(mac)); }

    /** The first prefixLen bits. */
    public Ip6 prefix(int prefixLen) {
        if (prefixLen <= 0) return ANY;
        if (prefixLen >= 128) return this;
        if (prefixLen <= 64) return new Ip6(prefixLen == 64 ? hi : hi & -1L << (64 - prefixLen), 0);
        return new Ip6(hi, lo & -1L << (128 - prefixLen));
    }

    public boolean inPrefix(Ip6 p, int prefixLen) { return prefix(prefixLen).equals(p.prefix(prefixLen)); }

    /** Parses the RFC 4291 text forms (with "::" and a trailing dotted IPv4 part); IllegalArgumentException otherwise. */
    public static Ip6 parse(String s) {
        String t = s.trim();
        int pct = t.indexOf('%');
        if (pct >= 0) t = t.substring(0, pct);
        int[] w = new int[8];
        String[] halves = t.split("::", -1);
        if (halves.length > 2) throw bad(s);
        int[] head = groups(halves[0], s), tail = halves.length == 2 ? groups(halves[1], s) : new int[0];
        if (halves.length == 1 ? head.length != 8 : head.length + tail.length > 7) throw bad(s);
        System.arraycopy(head, 0, w, 0, head.length);
        System.arraycopy(tail, 0, w, 8 - tail.length, tail.length);
        long hi = 0, lo = 0;
        for (int i = 0; i < 4; i++) hi = hi << 16 | w[i];
        for (int i = 4; i < 8; i++) lo = lo << 16 | w[i];
        return new Ip6(hi, lo);
    }

    private static int[] groups(String part, String whole) {
        if (part.isEmpty()) return new int[0];
        String[] g = part.split(":", -1);
        boolean v4 = g[g.length - 1].contains(".");
        int[] r = new int[g.length + (v4 ? 1 : 0)];
        for (int i = 0; i < g.length; i++) {
            if (v4 && i == g.length - 1) {
                int a;
                try { a = Ip4.parse(g[i]); } catch (IllegalArgumentException e) { throw bad(whole); }
                r[i] = a >>> 16; r[i + 1] = a & 0xffff;
                break;
            }
            if (g[i].isEmpty() || g[i].length() > 4) throw bad(whole);
            try { r[i] = Integer.parseInt(g[i], 16); } catch (NumberFormatException e) { throw bad(whole); }
        }
        return r;
    }

    private static IllegalArgumentException bad(String s) { return new IllegalArgumentException("not an IPv6 address: " + s); }

    /** RFC 5952: lower case, no leading zeros, the longest run (first if tied, length >= 2) of zero groups as "::". */
    @Override
    public String toString() {
        int[] w = new int[8];
        for (int i = 0; i < 4; i++) { w[i] = (int) (hi >>> (48 - 16 * i)) & 0xffff; w[4 + i] = (int) (lo >>> (48 - 16 * i)) & 0xffff; }
        int bestAt = -1, bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (w[i] != 0) { i++; continue; }
            int j = i;
            while (j < 8 && w[j] == 0) j++;
            if (j - i > bestLen) { bestAt = i; bestLen = j - i; }
            i = j;
        }
        if (isV4Mapped()) return "::ffff:" + Ip4.str(v4());
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestAt) { b.append("::"); i += bestLen - 1; continue; }
            if (b.length() > 0 && b.charAt(b.length() - 1) != ':') b.append(':');
            b.append(Integer.toHexString(w[i]));
        }
        return b.toString();
    }

    /** 32 hex digits, as /proc/net/if_inet6 and ipv6_route print addresses. */
    public String hex() { return String.format("%016x%016x", hi, lo); }

    /** The checksum of an upper-layer packet over the pseudo-header {src, dst, length, next header} (0 when a received one is right). */
    static int checksum(Ip6 src, Ip6 dst, int nextHeader, byte[] b, int off, int len) {
        byte[] ph = new byte[40];
        src.put(ph, 0);
        dst.put(ph, 16);
        Ip4.put32(ph, 32, len);
        ph[39] = (byte) nextHeader;
        return ~Ip4.sum(Ip4.sum(0, ph, 0, 40), b, off, len) & 0xffff;
    }

    static long get64(byte[] b, int o) { return (long) Ip4.get32(b, o) << 32 | Ip4.get32(b, o + 4) & 0xffffffffL; }
    static void put64(byte[] b, int o, long v) { Ip4.put32(b, o, (int) (v >>> 32)); Ip4.put32(b, o + 4, (int) v); }
}
