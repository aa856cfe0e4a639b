package org.multios.devices.net;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * A test tool (issue 8, Must show 5): malformed Ethernet/ARP/IPv4/ICMP/UDP/TCP frames aimed at
 * one victim, from a seed. Each call to {@link #next} takes the next of {@link #KINDS} in turn
 * (so a run of N frames covers every kind N / KINDS.size() times) with random details. Most
 * frames carry <em>correct</em> checksums around their defect, so they get past the checksum
 * tests into the parsers (bad lengths, options, offsets); some have bad checksums on purpose.
 * The frames go wherever the caller sends them: over a UDP socket to a {@code --net socket}
 * back end (one datagram per frame), or straight into a stack's receive path.
 * Also builds the valid frames a liveness check needs (ARP reply, ICMP echo request) and
 * recognises an echo reply.
 */
public final class FrameFuzzer {
    /** The victim (MAC, IPv4 address) and who we pretend to be. Addresses as big-endian ints. */
    public record Target(byte[] victimMac, int victimIp, byte[] ourMac, int ourIp) {}

    private final Target t;
    private final SplittableRandom r;
    private int index;
    private String lastKind = "";

    public FrameFuzzer(Target target, long seed) {
        this.t = target;
        this.r = new SplittableRandom(seed);
    }

    /** A named generator. */
    private record Kind(String name, Function<FrameFuzzer, byte[]> make) {}

    private static final List<Kind> KINDS = List.of(
            new Kind("ethernet runt", f -> f.bytes(14 + f.r.nextInt(0, 6), true)),
            new Kind("unknown ethertype", f -> f.eth(0x88b5 + f.r.nextInt(0, 16), f.random(f.r.nextInt(0, 200)))),
            new Kind("vlan tag with garbage", f -> f.eth(0x8100, f.random(f.r.nextInt(0, 60)))),
            new Kind("arp truncated", f -> f.eth(0x0806, f.random(f.r.nextInt(0, 28)))),
            new Kind("arp bad sizes", f -> f.arp(f.r.nextInt(0, 3) == 0 ? 1 : f.r.nextInt(0, 65536), f.r.nextInt(0, 256), f.r.nextInt(0, 256), f.r.nextInt(0, 65536))),
            new Kind("arp for victim from broadcast mac", f -> f.arpFrom(new byte[] {-1, -1, -1, -1, -1, -1}, f.r.nextBoolean() ? 0 : f.t.victimIp)),
            new Kind("ip bad version", f -> f.ip(f.r.nextInt(0, 16) == 4 ? 6 : f.r.nextInt(0, 16), 5, 17, 0, 64, f.udp(1234, 7, f.random(8), true), true, -1)),
            new Kind("ip ihl below 5", f -> f.ip(4, f.r.nextInt(0, 5), 17, 0, 64, f.random(20), true, -1)),
            new Kind("ip ihl past the packet", f -> f.ip(4, 15, 6, 0, 64, f.random(f.r.nextInt(0, 30)), true, -1)),
            new Kind("ip total length too long", f -> f.ip(4, 5, 17, 0, 64, f.udp(999, 53, f.random(10), true), true, 1400 + f.r.nextInt(0, 600))),
            new Kind("ip total length too short", f -> f.ip(4, 5, 17, 0, 64, f.udp(999, 53, f.random(10), true), true, f.r.nextInt(0, 20))),
            new Kind("ip bad header checksum", f -> f.ip(4, 5, 1, 0, 64, f.icmpEcho(8, 0x4242, 1, f.random(16), true), false, -1)),
            new Kind("ip fragment first (MF)", f -> f.ip(4, 5, f.r.nextBoolean() ? 6 : 17, 0x2000, 64, f.random(8 * f.r.nextInt(1, 20)), true, -1)),
            new Kind("ip fragment later offset", f -> f.ip(4, 5, 1, f.r.nextInt(1, 0x2000) | (f.r.nextBoolean() ? 0x2000 : 0), 64, f.random(f.r.nextInt(1, 200)), true, -1)),
            new Kind("ip tiny overlapping fragments", f -> f.ip(4, 5, 6, 0x2000 | f.r.nextInt(0, 3), 64, f.random(f.r.nextInt(1, 9)), true, -1)),
            new Kind("ip options garbage", f -> f.ipWithOptions(f.random(4 * f.r.nextInt(1, 11)), 17, f.udp(1, 9, f.random(4), true))),
            new Kind("ip option zero length", f -> f.ipWithOptions(new byte[] {7, 0, 4, 0}, 1, f.icmpEcho(8, 7, 7, f.random(8), true))),
            new Kind("ip option past header", f -> f.ipWithOptions(new byte[] {(byte) 0x83, (byte) 40, 4, 0}, 6, f.random(20))),
            new Kind("ip ttl 0, unknown protocol", f -> f.ip(4, 5, 200 + f.r.nextInt(0, 50), 0, 0, f.random(f.r.nextInt(0, 100)), true, -1)),
            new Kind("ip from broadcast/victim source", f -> f.ipSrc(f.r.nextBoolean() ? 0xffffffff : f.t.victimIp, 1, f.icmpEcho(8, 1, 1, f.random(8), true))),
            new Kind("icmp truncated", f -> f.ip(4, 5, 1, 0, 64, f.random(f.r.nextInt(0, 8)), true, -1)),
            new Kind("icmp bad checksum", f -> f.ip(4, 5, 1, 0, 64, f.icmpEcho(8, 3, 3, f.random(20), false), true, -1)),
            new Kind("icmp unknown type", f -> f.ip(4, 5, 1, 0, 64, f.icmp(f.r.nextInt(19, 256), f.random(f.r.nextInt(4, 60))), true, -1)),
            new Kind("icmp unreachable quoting garbage", f -> f.ip(4, 5, 1, 0, 64, f.icmp(3, f.random(f.r.nextInt(4, 40))), true, -1)),
            new Kind("udp length past packet", f -> f.ip(4, 5, 17, 0, 64, f.udpLen(f.r.nextInt(0, 65536), f.random(12)), true, -1)),
            new Kind("udp length below 8", f -> f.ip(4, 5, 17, 0, 64, f.udpLen(f.r.nextInt(0, 8), f.random(12)), true, -1)),
            new Kind("udp bad checksum", f -> f.ip(4, 5, 17, 0, 64, f.udp(f.r.nextInt(1, 65536), f.r.nextInt(1, 65536), f.random(30), false), true, -1)),
            new Kind("udp truncated header", f -> f.ip(4, 5, 17, 0, 64, f.random(f.r.nextInt(0, 8)), true, -1)),
            new Kind("tcp data offset below 5", f -> f.ip(4, 5, 6, 0, 64, f.tcp(f.r.nextInt(0, 5), 0x02, new byte[0], f.random(10), true), true, -1)),
            new Kind("tcp data offset past segment", f -> f.ip(4, 5, 6, 0, 64, f.tcp(15, 0x18, new byte[0], f.random(f.r.nextInt(0, 20)), true), true, -1)),
            new Kind("tcp bad checksum", f -> f.ip(4, 5, 6, 0, 64, f.tcp(5, 0x18, new byte[0], f.random(40), false), true, -1)),
            new Kind("tcp flag soup", f -> f.ip(4, 5, 6, 0, 64, f.tcp(5, f.r.nextInt(0, 256), new byte[0], f.random(f.r.nextInt(0, 30)), true), true, -1)),
            new Kind("tcp option zero length", f -> f.ip(4, 5, 6, 0, 64, f.tcp(6, 0x02, new byte[] {2, 0, 5, (byte) 0xb4}, new byte[0], true), true, -1)),
            new Kind("tcp option past header", f -> f.ip(4, 5, 6, 0, 64, f.tcp(6, 0x02, new byte[] {1, 1, 3, 30}, new byte[0], true), true, -1)),
            new Kind("tcp options garbage", f -> f.ip(4, 5, 6, 0, 64, f.tcp(5 + f.r.nextInt(1, 11), f.r.nextBoolean() ? 0x02 : 0x10, null, f.random(f.r.nextInt(0, 20)), true), true, -1)),
            new Kind("tcp rst/ack random numbers", f -> f.ip(4, 5, 6, 0, 64, f.tcp(5, f.r.nextBoolean() ? 0x04 : 0x14, new byte[0], new byte[0], true), true, -1)),
            new Kind("tcp truncated header", f -> f.ip(4, 5, 6, 0, 64, f.random(f.r.nextInt(0, 20)), true, -1)),
            new Kind("random bytes", f -> f.bytes(f.r.nextInt(14, 1515), false)));

    /** How many kinds there are. */
    public static int kinds() { return KINDS.size(); }

    /** The next malformed frame. */
    public byte[] next() {
        Kind k = KINDS.get(index++ % KINDS.size());
        lastKind = k.name;
        return k.make.apply(this);
    }

    /** The kind of the frame {@link #next} returned last. */
    public String lastKind() { return lastKind; }

    // ---- building blocks ----

    private byte[] random(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) r.nextInt(256);
        return b;
    }

    /** n random bytes, addressed to the victim (or broadcast) when there is room for a header. */
    private byte[] bytes(int n, boolean addressed) {
        byte[] b = random(n);
        if (addressed && n >= 6) System.arraycopy(r.nextBoolean() ? t.victimMac : new byte[] {-1, -1, -1, -1, -1, -1}, 0, b, 0, 6);
        if (n >= 12) System.arraycopy(t.ourMac, 0, b, 6, 6);
        return b;
    }

    private byte[] eth(int type, byte[] payload) { return eth(t.victimMac, type, payload); }

    private byte[] eth(byte[] dst, int type, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(14 + payload.length);
        b.put(dst).put(t.ourMac).putShort((short) type).put(payload);
        return b.array();
    }

    private byte[] arp(int htype, int hlen, int plen, int op) {
        ByteBuffer b = ByteBuffer.allocate(28);
        b.putShort((short) htype).putShort((short) 0x0800).put((byte) hlen).put((byte) plen).putShort((short) op);
        b.put(t.ourMac).putInt(t.ourIp).put(new byte[6]).putInt(t.victimIp);
        return eth(new byte[] {-1, -1, -1, -1, -1, -1}, 0x0806, b.array());
    }

    private byte[] arpFrom(byte[] senderMac, int targetIp) {
        ByteBuffer b = ByteBuffer.allocate(28);
        b.putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4).putShort((short) (r.nextBoolean() ? 1 : 2));
        b.put(senderMac).putInt(r.nextBoolean() ? t.victimIp : t.ourIp).put(new byte[6]).putInt(targetIp);
        return eth(new byte[] {-1, -1, -1, -1, -1, -1}, 0x0806, b.array());
    }

    /** An IPv4 frame: totalLength -1 = the true length. */
    private byte[] ip(int version, int ihl, int proto, int flagsFrag, int ttl, byte[] payload, boolean goodSum, int totalLength) {
        return ipFull(version, ihl, proto, flagsFrag, ttl, t.ourIp, new byte[Math.max(0, ihl - 5) * 4], payload, goodSum, totalLength);
    }

    private byte[] ipSrc(int src, int proto, byte[] payload) {
        return ipFull(4, 5, proto, 0, 64, src, new byte[0], payload, true, -1);
    }

    private byte[] ipWithOptions(byte[] options, int proto, byte[] payload) {
        int ihl = 5 + (options.length + 3) / 4;
        byte[] opts = java.util.Arrays.copyOf(options, (ihl - 5) * 4);
        return ipFull(4, ihl, proto, 0, 64, t.ourIp, opts, payload, true, -1);
    }

    private byte[] ipFull(int version, int ihl, int proto, int flagsFrag, int ttl, int src, byte[] options, byte[] payload,
                          boolean goodSum, int totalLength) {
        int hdr = 20 + options.length;
        ByteBuffer b = ByteBuffer.allocate(hdr + payload.length);
        b.put((byte) (version << 4 | (ihl & 15))).put((byte) 0);
        b.putShort((short) (totalLength >= 0 ? totalLength : hdr + payload.length));
        b.putShort((short) r.nextInt(65536)).putShort((short) flagsFrag).put((byte) ttl).put((byte) proto).putShort((short) 0);
        b.putInt(src).putInt(t.victimIp).put(options).put(payload);
        byte[] p = b.array();
        int sum = checksum(p, 0, hdr, 0);
        if (!goodSum) sum ^= 1 + r.nextInt(0xfffe);
        p[10] = (byte) (sum >> 8);
        p[11] = (byte) sum;
        return eth(0x0800, p);
    }

    private byte[] icmp(int type, byte[] rest) {
        byte[] m = new byte[4 + rest.length];
        m[0] = (byte) type;
        m[1] = (byte) r.nextInt(16);
        System.arraycopy(rest, 0, m, 4, rest.length);
        int s = checksum(m, 0, m.length, 0);
        m[2] = (byte) (s >> 8);
        m[3] = (byte) s;
        return m;
    }

    private byte[] icmpEcho(int type, int id, int seq, byte[] data, boolean goodSum) {
        return echo(type, id, seq, data, goodSum);
    }

    private static byte[] echo(int type, int id, int seq, byte[] data, boolean goodSum) {
        ByteBuffer b = ByteBuffer.allocate(8 + data.length);
        b.put((byte) type).put((byte) 0).putShort((short) 0).putShort((short) id).putShort((short) seq).put(data);
        byte[] m = b.array();
        int s = checksum(m, 0, m.length, 0);
        if (!goodSum) s ^= 0x5a5a;
        m[2] = (byte) (s >> 8);
        m[3] = (byte) s;
        return m;
    }

    private byte[] udp(int sport, int dport, byte[] data, boolean goodSum) {
        ByteBuffer b = ByteBuffer.allocate(8 + data.length);
        b.putShort((short) sport).putShort((short) dport).putShort((short) (8 + data.length)).putShort((short) 0).put(data);
        byte[] u = b.array();
        int s = checksum(u, 0, u.length, pseudo(17, u.length));
        if (s == 0) s = 0xffff;
        if (!goodSum) s ^= 0x1234;
        u[6] = (byte) (s >> 8);
        u[7] = (byte) s;
        return u;
    }

    private byte[] udpLen(int length, byte[] data) {
        byte[] u = udp(r.nextInt(1, 65536), r.nextInt(1, 65536), data, true);
        u[4] = (byte) (length >> 8);
        u[5] = (byte) length;
        u[6] = u[7] = 0;   // no checksum, so the length field alone decides
        return u;
    }

    /** A TCP segment with the data offset field set to doff (options null = random ones). */
    private byte[] tcp(int doff, int flags, byte[] options, byte[] data, boolean goodSum) {
        int optLen = options != null ? options.length : Math.max(0, doff - 5) * 4;
        byte[] opts = options != null ? options : random(optLen);
        ByteBuffer b = ByteBuffer.allocate(20 + optLen + data.length);
        b.putShort((short) r.nextInt(1024, 65536)).putShort((short) (r.nextBoolean() ? 80 : r.nextInt(1, 65536)));
        b.putInt(r.nextInt()).putInt(r.nextInt());
        b.put((byte) (doff << 4)).put((byte) flags).putShort((short) r.nextInt(65536)).putShort((short) 0).putShort((short) r.nextInt(65536));
        b.put(opts).put(data);
        byte[] s = b.array();
        int c = checksum(s, 0, s.length, pseudo(6, s.length));
        if (!goodSum) c ^= 0x0f0f;
        s[16] = (byte) (c >> 8);
        s[17] = (byte) c;
        return s;
    }

    private int pseudo(int proto, int length) {
        return (t.ourIp >>> 16) + (t.ourIp & 0xffff) + (t.victimIp >>> 16) + (t.victimIp & 0xffff) + proto + length;
    }

    /** RFC 1071 ones'-complement checksum over p[off, off+len) plus a partial sum. */
    public static int checksum(byte[] p, int off, int len, int partial) {
        long s = partial;
        for (int i = 0; i + 1 < len; i += 2) s += ((p[off + i] & 0xff) << 8) | (p[off + i + 1] & 0xff);
        if ((len & 1) != 0) s += (p[off + len - 1] & 0xff) << 8;
        while ((s >> 16) != 0) s = (s & 0xffff) + (s >> 16);
        return (int) (~s & 0xffff);
    }

    // ---- valid frames for liveness checks ----

    /** A correct ICMP echo request from us to the victim. */
    public static byte[] echoRequest(Target t, int id, int seq, byte[] data) {
        byte[] icmp = echo(8, id, seq, data, true);
        ByteBuffer b = ByteBuffer.allocate(20 + icmp.length);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + icmp.length)).putShort((short) seq).putShort((short) 0x4000)
                .put((byte) 64).put((byte) 1).putShort((short) 0).putInt(t.ourIp).putInt(t.victimIp).put(icmp);
        byte[] p = b.array();
        int s = checksum(p, 0, 20, 0);
        p[10] = (byte) (s >> 8);
        p[11] = (byte) s;
        ByteBuffer f = ByteBuffer.allocate(14 + p.length);
        f.put(t.victimMac).put(t.ourMac).putShort((short) 0x0800).put(p);
        return f.array();
    }

    /** A correct ARP reply telling the victim our MAC (so its replies need no ARP round trip). */
    public static byte[] arpReply(Target t) {
        ByteBuffer b = ByteBuffer.allocate(14 + 28);
        b.put(t.victimMac).put(t.ourMac).putShort((short) 0x0806);
        b.putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4).putShort((short) 2);
        b.put(t.ourMac).putInt(t.ourIp).put(t.victimMac).putInt(t.victimIp);
        return b.array();
    }

    /** Whether frame is an ARP request from the victim asking for our address. */
    public static boolean isArpRequestForUs(Target t, byte[] f) {
        if (f.length < 42 || (f[12] & 0xff) != 0x08 || (f[13] & 0xff) != 0x06) return false;
        ByteBuffer b = ByteBuffer.wrap(f);
        return b.getShort(20) == 1 && b.getInt(38) == t.ourIp;
    }

    /** Whether frame is the victim's ICMP echo reply to (id, seq) with an intact checksum. */
    public static boolean isEchoReply(Target t, byte[] f, int id, int seq) {
        if (f.length < 14 + 28 || (f[12] & 0xff) != 0x08 || f[13] != 0) return false;
        ByteBuffer b = ByteBuffer.wrap(f);
        int ihl = (f[14] & 15) * 4;
        if (f[14 + 9] != 1 || b.getInt(14 + 12) != t.victimIp || b.getInt(14 + 16) != t.ourIp) return false;
        int total = b.getShort(16) & 0xffff;
        if (14 + total > f.length || checksum(f, 14, ihl, 0) != 0) return false;
        int icmp = 14 + ihl;
        if (f[icmp] != 0 || checksum(f, icmp, total - ihl, 0) != 0) return false;
        return (b.getShort(icmp + 4) & 0xffff) == id && (b.getShort(icmp + 6) & 0xffff) == seq;
    }
}
