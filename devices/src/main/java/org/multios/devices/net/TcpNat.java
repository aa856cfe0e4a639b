package org.multios.devices.net;

import static org.multios.devices.net.Packets.*;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Outbound TCP for the user network: the gateway terminates the guest's connection
 * (RFC 793 endpoint: handshake, in-order data with cumulative ACKs, FIN both ways, RST)
 * and splices it onto a host socket. Data from the host goes out in MSS-sized
 * segments within the guest's advertised window; unacknowledged data is re-sent from
 * the oldest byte after 500 ms without progress. Out-of-order segments from the guest
 * are dropped and answered with a duplicate ACK, so the guest retransmits.
 */
final class TcpNat {
    static final int FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10;
    static final int MSS = 1460, WINDOW = 65535;
    private static final long RTO_MS = 500;

    private final UserNetBackend net;
    private final Map<Long, Conn> conns = new ConcurrentHashMap<>();
    private volatile boolean closed;

    TcpNat(UserNetBackend net) { this.net = net; }

    private final class Conn {
        final long key;
        final int guestIp, guestPort, dstIp, dstPort;
        SocketChannel ch;
        int rcvNxt, sndUna, sndNxt, iss;
        int guestWindow = MSS;
        int dupAcks;
        byte[] unacked = new byte[0];
        boolean established, finSent, finReceived, done;
        /** We opened it (hostfwd): our SYN goes first. */
        boolean active;

        Conn(long key, int guestIp, int guestPort, int dstIp, int dstPort) {
            this.key = key;
            this.guestIp = guestIp;
            this.guestPort = guestPort;
            this.dstIp = dstIp;
            this.dstPort = dstPort;
        }

        void send(int flags, int seq, byte[] data, int from, int len) {
            int hl = (flags & SYN) != 0 ? 24 : 20;
            byte[] t = new byte[hl + len];
            put16(t, 0, dstPort);
            put16(t, 2, guestPort);
            put32(t, 4, seq);
            put32(t, 8, (flags & ACK) != 0 ? rcvNxt : 0);
            t[12] = (byte) (hl / 4 << 4);
            t[13] = (byte) flags;
            put16(t, 14, WINDOW);
            if (hl == 24) { t[20] = 2; t[21] = 4; put16(t, 22, MSS); }
            if (len > 0) System.arraycopy(data, from, t, hl, len);
            put16(t, 16, ~sum(t, 0, t.length, pseudoSum(dstIp, guestIp, PROTO_TCP, t.length)) & 0xffff);
            net.sendIp(dstIp, guestIp, PROTO_TCP, t);
        }

        void finish() {
            done = true;
            conns.remove(key, this);
            try { if (ch != null) ch.close(); } catch (IOException ignored) {}
            notifyAll();
        }
    }

    /** A TCP segment from the guest (IPv4 header already validated). */
    void fromGuest(byte[] f, Ipv4 p) {
        int at = p.payloadAt(), n = p.payloadLength();
        if (n < 20 || closed) return;
        int off = (f[at + 12] >>> 4 & 0xf) * 4;
        if (off < 20 || off > n) return;
        if ((~sum(f, at, n, pseudoSum(p.src(), p.dst(), PROTO_TCP, n)) & 0xffff) != 0) return; // bad checksum
        int sport = u16(f, at), dport = u16(f, at + 2);
        int seq = u32(f, at + 4), ack = u32(f, at + 8), flags = f[at + 13] & 0x3f, win = u16(f, at + 14);
        long key = (long) sport << 48 | (p.dst() & 0xffffffffL) << 16 | dport;
        Conn c = conns.get(key);
        if (c == null) {
            if ((flags & (SYN | ACK | RST)) != SYN) { if ((flags & RST) == 0) reset(f, p); return; }
            InetSocketAddress target = net.hostAddress(p.dst(), dport);
            if (target == null) { reset(f, p); return; }
            Conn nc = new Conn(key, p.src(), sport, p.dst(), dport);
            nc.rcvNxt = seq + 1;
            nc.iss = (int) (key * 0x9E3779B97F4A7C15L >>> 32);
            nc.sndUna = nc.sndNxt = nc.iss;
            nc.guestWindow = win;
            conns.put(key, nc);
            Thread.ofVirtual().name("multios-tcp-nat").start(() -> connect(nc, target));
            return;
        }
        synchronized (c) {
            if (c.done) return;
            if ((flags & RST) != 0) { c.finish(); return; }
            if (!c.established) {
                if (c.active && (flags & (SYN | ACK)) == (SYN | ACK) && ack == c.iss + 1) {
                    c.rcvNxt = seq + 1;
                    c.sndUna = c.sndNxt = c.iss + 1;
                    c.guestWindow = win;
                    c.established = true;
                    c.send(ACK, c.sndNxt, null, 0, 0);
                    Thread.ofVirtual().name("multios-tcp-nat").start(() -> pump(c, false));
                }
                return; // passive: still connecting, the guest's SYN retransmits are ignored
            }
            if ((flags & ACK) != 0 && ack == c.sndUna && c.sndUna != c.sndNxt && n == off && (flags & FIN) == 0) {
                if (++c.dupAcks == 3) retransmit(c); // fast retransmit (RFC 5681 §3.2)
            }
            if ((flags & ACK) != 0 && ack - c.sndUna > 0 && ack - c.sndNxt <= 0) {
                c.dupAcks = 0;
                int acked = ack - c.sndUna;
                int dataAcked = Math.min(acked, c.unacked.length);
                c.unacked = java.util.Arrays.copyOfRange(c.unacked, dataAcked, c.unacked.length);
                c.sndUna = ack;
                c.notifyAll();
            }
            if ((flags & ACK) != 0) { c.guestWindow = win; c.notifyAll(); }
            int len = n - off;
            boolean fin = (flags & FIN) != 0;
            if (len > 0 || fin) {
                if (seq != c.rcvNxt) { c.send(ACK, c.sndNxt, null, 0, 0); return; } // out of order: duplicate ACK
                if (len > 0) {
                    try {
                        ByteBuffer b = ByteBuffer.wrap(f, at + off, len);
                        while (b.hasRemaining()) c.ch.write(b);
                    } catch (IOException e) {
                        c.send(RST | ACK, c.sndNxt, null, 0, 0);
                        c.finish();
                        return;
                    }
                    c.rcvNxt += len;
                }
                if (fin && !c.finReceived) {
                    c.finReceived = true;
                    c.rcvNxt += 1;
                    try { c.ch.shutdownOutput(); } catch (IOException ignored) {}
                }
                c.send(ACK, c.sndNxt, null, 0, 0);
            }
            if (c.finSent && c.finReceived && c.sndUna == c.sndNxt) c.finish();
        }
    }

    private void connect(Conn c, InetSocketAddress target) {
        try {
            SocketChannel ch = SocketChannel.open();
            ch.socket().connect(target, 5000);
            synchronized (c) {
                c.ch = ch;
                c.established = true;
                c.send(SYN | ACK, c.iss, null, 0, 0);
                c.sndNxt = c.iss + 1;
            }
        } catch (IOException e) {
            synchronized (c) {
                c.send(RST | ACK, c.iss, null, 0, 0);
                c.finish();
            }
            return;
        }
        pump(c, true);
    }

    /** Listens on the host for one {@code hostfwd} rule; each accepted connection is opened towards the guest. */
    void listen(PortForward fwd) throws IOException {
        java.nio.channels.ServerSocketChannel server = java.nio.channels.ServerSocketChannel.open();
        server.bind(new InetSocketAddress(fwd.bindAddress() == null ? java.net.InetAddress.getLoopbackAddress()
                : java.net.InetAddress.getByName(fwd.bindAddress()), fwd.hostPort()));
        servers.add(server);
        Thread.ofVirtual().name("multios-hostfwd").start(() -> {
            try {
                while (!closed) {
                    SocketChannel ch = server.accept();
                    int port = nextPort();
                    long key = (long) fwd.guestPort() << 48 | (UserNetBackend.GATEWAY & 0xffffffffL) << 16 | port;
                    Conn c = new Conn(key, UserNetBackend.GUEST, fwd.guestPort(), UserNetBackend.GATEWAY, port);
                    c.active = true;
                    c.ch = ch;
                    c.iss = (int) (key * 0x9E3779B97F4A7C15L >>> 32);
                    c.sndUna = c.iss;
                    c.sndNxt = c.iss + 1;
                    conns.put(key, c);
                    synchronized (c) { c.send(SYN, c.iss, null, 0, 0); }
                    Thread.ofVirtual().name("multios-tcp-rto").start(() -> retransmitLoop(c));
                }
            } catch (IOException e) {
                // server closed
            }
        });
    }

    private final java.util.List<java.nio.channels.ServerSocketChannel> servers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private int nextPort = 1024;

    private synchronized int nextPort() {
        for (int i = 0; i < 64512; i++) {
            int p = nextPort;
            nextPort = nextPort == 65535 ? 1024 : nextPort + 1;
            long probe = (UserNetBackend.GATEWAY & 0xffffffffL) << 16 | p;
            boolean used = conns.keySet().stream().anyMatch(k -> (k & 0xffff_ffff_ffffL) == probe);
            if (!used) return p;
        }
        return nextPort;
    }

    /** Host-to-guest direction: reads the host socket while the guest's window has room. */
    private void pump(Conn c, boolean startRto) {
        if (startRto) Thread.ofVirtual().name("multios-tcp-rto").start(() -> retransmitLoop(c));
        ByteBuffer buf = ByteBuffer.allocate(MSS);
        try {
            while (true) {
                synchronized (c) {
                    while (!c.done && c.sndNxt - c.sndUna >= Math.min(Math.max(c.guestWindow, 1), 16 * MSS)) c.wait();
                    if (c.done) return;
                }
                buf.clear();
                int r = c.ch.read(buf);
                synchronized (c) {
                    if (c.done) return;
                    if (r < 0) {
                        c.finSent = true;
                        c.send(FIN | ACK, c.sndNxt, null, 0, 0);
                        c.sndNxt += 1;
                        return;
                    }
                    byte[] d = java.util.Arrays.copyOf(buf.array(), r);
                    c.send(PSH | ACK, c.sndNxt, d, 0, r);
                    c.sndNxt += r;
                    byte[] u = java.util.Arrays.copyOf(c.unacked, c.unacked.length + r);
                    System.arraycopy(d, 0, u, c.unacked.length, r);
                    c.unacked = u;
                }
            }
        } catch (IOException | InterruptedException e) {
            synchronized (c) {
                if (!c.done) {
                    c.send(RST | ACK, c.sndNxt, null, 0, 0);
                    c.finish();
                }
            }
        }
    }

    /** Re-sends from the oldest unacknowledged byte when the guest acknowledged nothing for RTO_MS. */
    private void retransmitLoop(Conn c) {
        synchronized (c) {
            int una = c.sndUna;
            long last = System.currentTimeMillis();
            try {
                while (!c.done) {
                    c.wait(RTO_MS);
                    long now = System.currentTimeMillis();
                    if (c.sndUna != una || c.sndUna == c.sndNxt) {
                        una = c.sndUna;
                        last = now;
                    } else if (now - last >= RTO_MS) {
                        retransmit(c);
                        last = now;
                    }
                }
            } catch (InterruptedException ignored) {
                // shutting down
            }
        }
    }

    /** Re-sends the oldest unacknowledged segment (or the FIN). */
    private void retransmit(Conn c) {
        if (c.sndUna == c.iss) {
            c.send(c.active ? SYN : SYN | ACK, c.iss, null, 0, 0); // our SYN (or SYN-ACK) was lost
        } else if (c.unacked.length > 0) {
            // Go-back-N: the guest drops out-of-order segments, so everything after the hole is needed again.
            for (int at = 0; at < c.unacked.length; at += MSS) {
                c.send(PSH | ACK, c.sndUna + at, c.unacked, at, Math.min(MSS, c.unacked.length - at));
            }
        } else if (c.finSent) {
            c.send(FIN | ACK, c.sndNxt - 1, null, 0, 0);
        }
    }

    /** RFC 793 reset for a segment that belongs to no connection. */
    void reset(byte[] f, Ipv4 p) {
        int at = p.payloadAt(), n = p.payloadLength();
        int flags = f[at + 13] & 0x3f;
        if ((flags & RST) != 0) return;
        int dataOffset = (f[at + 12] >>> 4 & 0xf) * 4;
        int seqLen = n - dataOffset + ((flags & SYN) != 0 ? 1 : 0) + ((flags & FIN) != 0 ? 1 : 0);
        byte[] t = new byte[20];
        put16(t, 0, u16(f, at + 2));
        put16(t, 2, u16(f, at));
        if ((flags & ACK) != 0) {
            put32(t, 4, u32(f, at + 8));
            t[13] = RST;
        } else {
            put32(t, 8, u32(f, at + 4) + seqLen);
            t[13] = RST | ACK;
        }
        t[12] = 0x50;
        put16(t, 16, ~sum(t, 0, 20, pseudoSum(p.dst(), p.src(), PROTO_TCP, 20)) & 0xffff);
        net.sendIp(p.dst(), p.src(), PROTO_TCP, t);
    }

    /** True while a port forward listens or a connection is open. */
    boolean active() { return !closed && (!servers.isEmpty() || !conns.isEmpty()); }

    void close() {
        closed = true;
        for (java.nio.channels.ServerSocketChannel s : servers) {
            try { s.close(); } catch (IOException ignored) {}
        }
        for (Conn c : conns.values()) {
            synchronized (c) { c.finish(); }
        }
    }
}
