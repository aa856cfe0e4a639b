package org.multios.kernel.net;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** TCP demultiplexing: connections by their 4-tuple, listeners by port, RST for segments nobody owns. */
final class Tcp {
    static final int FIN = 1, SYN = 2, RST = 4, PSH = 8, ACK = 16;
    record Key(int localAddr, int localPort, int remoteAddr, int remotePort) {}
    final NetStack stack;
    final Map<Key, TcpConnection> connections = new HashMap<>();
    final Map<Integer, List<TcpSocket>> listeners = new HashMap<>();
    long inSegs, outSegs, retransSegs, inErrs, outRsts, activeOpens, passiveOpens;

    Tcp(NetStack stack) { this.stack = stack; }

    boolean portInUse(int port, int addr, boolean reuse) {
        List<TcpSocket> l = listeners.get(port);
        if (l != null) for (TcpSocket s : l) if (s.localAddr == 0 || addr == 0 || s.localAddr == addr) return true;
        for (TcpConnection c : connections.values()) {
            if (c.localPort != port) continue;
            if (reuse && c.state == TcpConnection.State.TIME_WAIT) continue;
            if (c.localAddr == addr || addr == 0) return true;
        }
        return false;
    }

    /** The initial sequence number: a 4 µs virtual-time clock plus a hash of the 4-tuple (RFC 6528), so runs replay. */
    int iss(Key k) { return (int) (stack.clock.now() / 4000) + k.hashCode() * 0x9E3779B1; }

    void input(int src, int dst, byte[] s) {
        inSegs++;
        if (s.length < 20) { inErrs++; return; }
        int off = (s[12] >> 4 & 15) * 4;
        if (off < 20 || off > s.length || Ip4.transportChecksum(src, dst, NetStack.PROTO_TCP, s, 0, s.length) != 0) { inErrs++; return; }
        Segment seg = new Segment(Ip4.get16(s, 0), Ip4.get16(s, 2), Ip4.get32(s, 4), Ip4.get32(s, 8), s[13] & 0x3f,
                Ip4.get16(s, 14), mssOption(s, off), java.util.Arrays.copyOfRange(s, off, s.length));
        TcpConnection c = connections.get(new Key(dst, seg.dport, src, seg.sport));
        if (c != null) { c.input(seg); return; }
        if ((seg.flags & (SYN | ACK | RST)) == SYN) {
            TcpSocket l = listener(seg.dport, dst);
            if (l != null) { l.incoming(src, dst, seg); return; }
        }
        if ((seg.flags & RST) == 0) reset(dst, src, seg);
    }

    TcpSocket listener(int port, int addr) {
        List<TcpSocket> l = listeners.get(port);
        if (l == null) return null;
        for (TcpSocket s : l) if (s.localAddr == addr) return s;
        for (TcpSocket s : l) if (s.localAddr == 0) return s;
        return null;
    }

    /** RFC 793 reset generation for a segment that belongs to no connection. */
    void reset(int local, int remote, Segment seg) {
        outRsts++;
        if ((seg.flags & ACK) != 0) send(local, seg.dport, remote, seg.sport, seg.ack, 0, RST, 0, null, 0, 0, -1);
        else send(local, seg.dport, remote, seg.sport, 0, seg.seq + seg.data.length + ((seg.flags & SYN) != 0 ? 1 : 0)
                + ((seg.flags & FIN) != 0 ? 1 : 0), RST | ACK, 0, null, 0, 0, -1);
    }

    void send(int src, int sport, int dst, int dport, int seq, int ack, int flags, int window, byte[] data, int off, int len, int mss) {
        int opt = mss > 0 ? 4 : 0;
        byte[] s = new byte[20 + opt + len];
        Ip4.put16(s, 0, sport); Ip4.put16(s, 2, dport); Ip4.put32(s, 4, seq); Ip4.put32(s, 8, ack);
        s[12] = (byte) ((20 + opt) / 4 << 4);
        s[13] = (byte) flags;
        Ip4.put16(s, 14, Math.min(window, 65535));
        if (mss > 0) { s[20] = 2; s[21] = 4; Ip4.put16(s, 22, mss); }
        if (len > 0) System.arraycopy(data, off, s, 20 + opt, len);
        Ip4.put16(s, 16, Ip4.transportChecksum(src, dst, NetStack.PROTO_TCP, s, 0, s.length));
        outSegs++;
        stack.output(src, dst, NetStack.PROTO_TCP, s);
    }

    static int mssOption(byte[] s, int end) {
        int i = 20;
        while (i < end) {
            int kind = s[i] & 255;
            if (kind == 0) break;
            if (kind == 1) { i++; continue; }
            if (i + 1 >= end) break;
            int len = s[i + 1] & 255;
            if (len < 2 || i + len > end) break;
            if (kind == 2 && len == 4) return Ip4.get16(s, i + 2);
            i += len;
        }
        return -1;
    }

    void hostUnreachable(int host) {
        for (TcpConnection c : new ArrayList<>(connections.values()))
            if (c.remoteAddr == host && c.state == TcpConnection.State.SYN_SENT && c.synTries >= 3) c.abort(NetErrno.EHOSTUNREACH);
    }

    record Segment(int sport, int dport, int seq, int ack, int flags, int window, int mss, byte[] data) {
        boolean has(int f) { return (flags & f) != 0; }
    }
}
