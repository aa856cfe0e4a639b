package org.multios.kernel.net;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.multios.kernel.proc.WaitQueue;

/**
 * The kernel's IPv4 stack: interfaces and routes, IPv4 in/out (fragments are dropped, not
 * reassembled), ICMP, and the UDP/TCP/ICMP socket tables. Everything runs on the kernel's
 * thread; timers are virtual-time events ({@link NetClock}). One wait queue serves all sockets:
 * any change wakes its sleepers, which re-check their own socket.
 */
public final class NetStack {
    public static final int PROTO_ICMP = 1, PROTO_TCP = 6, PROTO_UDP = 17;
    final NetClock clock;
    final WaitQueue waiters = new WaitQueue();
    private final List<NetInterface> interfaces = new ArrayList<>();
    public final LoopbackInterface loopback;
    /** Default gateway (0 = none) and the interface it is reached through. */
    public int gateway;
    public NetInterface gatewayIf;
    private int ipId = 1;
    private final ArrayDeque<Object[]> localQueue = new ArrayDeque<>();
    private boolean draining;
    final Tcp tcp;
    /** The IPv6 layer (NDP, SLAAC, ICMPv6) beside IPv4. */
    public final Ipv6 ip6;
    final Map<Integer, List<Socket>> udpPorts = new HashMap<>();
    final List<Socket> icmpSockets = new ArrayList<>();
    final List<Icmp6Socket> icmp6Sockets = new ArrayList<>();
    private int nextEphemeral = 32768;
    /** Called when a socket's state changes (wakes the sleepers of the kernel's wait queue). */
    private Runnable onChange = () -> {};
    public long ipInReceives, ipInDiscards, ipOutRequests, ipOutNoRoutes;

    public NetStack(NetClock clock) {
        this.clock = clock;
        this.ip6 = new Ipv6(this);
        this.loopback = new LoopbackInterface(this);
        interfaces.add(loopback);
        this.tcp = new Tcp(this);
    }

    public WaitQueue waitQueue() { return waiters; }

    /** Wake sleepers after socket state changed. */
    void changed() {
        waiters.wakeAll();
        onChange.run();
    }

    public void onChange(Runnable r) { onChange = r; }

    public List<NetInterface> interfaces() { return List.copyOf(interfaces); }

    public NetInterface find(String name) {
        for (NetInterface i : interfaces) if (i.name.equals(name)) return i;
        return null;
    }

    /** Adds an Ethernet interface named ethN on a frame device. */
    public EthernetInterface addEthernet(byte[] mac, int mtu, FrameDevice dev) {
        int n = 0;
        for (NetInterface i : interfaces) if (i instanceof EthernetInterface) n++;
        EthernetInterface e = new EthernetInterface(this, "eth" + n, interfaces.size() + 1, mac, mtu, dev);
        interfaces.add(e);
        ip6.ndp.start(e);
        return e;
    }

    public void configure(NetInterface i, int address, int prefix, int gw) {
        i.address = address;
        i.prefix = prefix;
        if (gw != 0) { gateway = gw; gatewayIf = i; }
    }

    boolean isLocal(int a) {
        if (Ip4.isLoopback(a)) return true;
        for (NetInterface i : interfaces) if (i.address != 0 && i.address == a) return true;
        return false;
    }

    int ephemeralPort(java.util.function.IntPredicate inUse) {
        for (int n = 0; n < 28232; n++) {
            int p = nextEphemeral;
            nextEphemeral = nextEphemeral >= 60999 ? 32768 : nextEphemeral + 1;
            if (!inUse.test(p)) return p;
        }
        return -1;
    }

    // ---- routing and IPv4 output ----

    record Route(NetInterface ifc, int nextHop) {}

    /** The interface and next hop for dst, or null (ENETUNREACH). */
    Route route(int dst) {
        if (Ip4.isLoopback(dst) || isLocal(dst)) return new Route(loopback, dst);
        if (dst == Ip4.BROADCAST) {
            for (NetInterface i : interfaces) if (i instanceof EthernetInterface && i.up()) return new Route(i, dst);
            return null;
        }
        for (NetInterface i : interfaces) if (i != loopback && i.up() && i.onLink(dst)) return new Route(i, dst);
        if (gateway != 0 && gatewayIf != null && gatewayIf.up()) return new Route(gatewayIf, gateway);
        return null;
    }

    /** The source address used to reach dst. */
    int sourceFor(int dst) {
        Route r = route(dst);
        if (r == null) return 0;
        if (r.ifc == loopback) return Ip4.isLoopback(dst) ? Ip4.LOOPBACK : dst;
        return r.ifc.address;
    }

    /** Sends an IPv4 packet; false when there is no route. */
    boolean output(int src, int dst, int proto, byte[] payload, int ttl) {
        Route r = route(dst);
        if (r == null) { ipOutNoRoutes++; return false; }
        if (src == 0) src = r.ifc == loopback ? (Ip4.isLoopback(dst) ? Ip4.LOOPBACK : dst) : r.ifc.address;
        byte[] p = new byte[20 + payload.length];
        p[0] = 0x45;
        Ip4.put16(p, 2, p.length);
        Ip4.put16(p, 4, ipId++ & 0xffff);
        Ip4.put16(p, 6, 0x4000); // DF: we never fragment
        p[8] = (byte) ttl;
        p[9] = (byte) proto;
        Ip4.put32(p, 12, src);
        Ip4.put32(p, 16, dst);
        Ip4.put16(p, 10, Ip4.checksum(p, 0, 20));
        System.arraycopy(payload, 0, p, 20, payload.length);
        if (p.length > r.ifc.mtu) { r.ifc.txDropped++; return true; }
        ipOutRequests++;
        r.ifc.sendIp(p, r.nextHop);
        return true;
    }

    boolean output(int src, int dst, int proto, byte[] payload) { return output(src, dst, proto, payload, 64); }

    // ---- input ----

    void queueInput(NetInterface i, byte[] packet) {
        localQueue.add(new Object[] {i, packet});
        if (draining) return;
        draining = true;
        try {
            Object[] e;
            while ((e = localQueue.poll()) != null) {
                byte[] p = (byte[]) e[1];
                if (p.length > 0 && (p[0] >> 4 & 15) == 6) ip6.input((NetInterface) e[0], p);
                else input((NetInterface) e[0], p);
            }
        } finally {
            draining = false;
        }
    }

    /** An IPv4 packet arrived on interface i. */
    public void input(NetInterface i, byte[] p) {
        ipInReceives++;
        if (p.length < 20 || (p[0] >> 4 & 15) != 4) { ipInDiscards++; i.rxErrors++; return; }
        int ihl = (p[0] & 15) * 4, total = Ip4.get16(p, 2);
        if (ihl < 20 || total < ihl || total > p.length || Ip4.checksum(p, 0, ihl) != 0) { ipInDiscards++; i.rxErrors++; return; }
        int frag = Ip4.get16(p, 6);
        if ((frag & 0x2000) != 0 || (frag & 0x1fff) != 0) { ipInDiscards++; return; } // fragments: not reassembled
        int src = Ip4.get32(p, 12), dst = Ip4.get32(p, 16);
        boolean bcast = dst == Ip4.BROADCAST || i.address != 0 && dst == (i.address | ~i.netmask());
        if (!bcast && !isLocal(dst) && !(i.address == 0 && i instanceof EthernetInterface)) { ipInDiscards++; return; }
        byte[] payload = java.util.Arrays.copyOfRange(p, ihl, total);
        switch (p[9] & 255) {
            case PROTO_ICMP -> icmpInput(p, ihl, src, dst, payload, bcast);
            case PROTO_UDP -> udpInput(i, src, dst, payload);
            case PROTO_TCP -> { if (!bcast) tcp.input(src, dst, payload); }
            default -> ipInDiscards++;
        }
    }

    // ---- ICMP ----

    private void icmpInput(byte[] ip, int ihl, int src, int dst, byte[] m, boolean bcast) {
        if (m.length < 8 || Ip4.checksum(m, 0, m.length) != 0) { ipInDiscards++; return; }
        int type = m[0] & 255;
        if (type == 8 && !bcast) { // echo request: the same identifier, sequence and data back
            byte[] r = m.clone();
            r[0] = 0;
            r[2] = r[3] = 0;
            Ip4.put16(r, 2, Ip4.checksum(r, 0, r.length));
            output(dst, src, PROTO_ICMP, r);
        }
        byte[] whole = java.util.Arrays.copyOf(ip, ihl + m.length);
        for (Socket s : List.copyOf(icmpSockets)) s.icmpDeliver(src, whole, ihl, m);
    }

    // ---- UDP ----

    private void udpInput(NetInterface i, int src, int dst, byte[] u) {
        if (u.length < 8) { ipInDiscards++; return; }
        int len = Ip4.get16(u, 4);
        if (len < 8 || len > u.length) { ipInDiscards++; return; }
        if (Ip4.get16(u, 6) != 0 && Ip4.transportChecksum(src, dst, PROTO_UDP, u, 0, len) != 0) { ipInDiscards++; return; }
        int sport = Ip4.get16(u, 0), dport = Ip4.get16(u, 2);
        byte[] data = java.util.Arrays.copyOfRange(u, 8, len);
        List<Socket> l = udpPorts.get(dport);
        if (l != null) {
            for (Socket s : l) {
                if (s.udpAccepts(src, sport, dst)) { s.udpDeliver(src, sport, data); return; }
            }
        }
        for (DhcpClient c : dhcpClients) if (dport == 68) { c.input(i, data); return; }
        ipInDiscards++;
    }

    final List<DhcpClient> dhcpClients = new ArrayList<>();

    /** What autoconfiguration learned (Linux's /proc/net/pnp): protocol (null = manual), domain, name servers, boot server. */
    public record Autoconfig(String protocol, String domain, List<Integer> nameservers, int bootServer) {
        public static final Autoconfig MANUAL = new Autoconfig(null, "", List.of(), 0);
    }

    public Autoconfig autoconfig = Autoconfig.MANUAL;

    boolean udpOutput(int src, int sport, int dst, int dport, byte[] data) {
        byte[] u = new byte[8 + data.length];
        Ip4.put16(u, 0, sport); Ip4.put16(u, 2, dport); Ip4.put16(u, 4, u.length);
        System.arraycopy(data, 0, u, 8, data.length);
        if (src == 0) src = sourceFor(dst);
        int c = Ip4.transportChecksum(src, dst, PROTO_UDP, u, 0, u.length);
        Ip4.put16(u, 6, c == 0 ? 0xffff : c);
        return output(src, dst, PROTO_UDP, u);
    }

    /** A new AF_INET6 socket: only ICMPv6 echo ("ping") sockets so far; UDP and TCP over IPv6 are not carried. */
    public Socket newSocket6(int type, int protocol, int flags) {
        if (type == Socket.SOCK_DGRAM && protocol == Ipv6.ICMPV6) return new Icmp6Socket(this, flags);
        throw new org.multios.kernel.KernelException(NetErrno.EAFNOSUPPORT);
    }

    /** A new socket of the given type (SOCK_STREAM/SOCK_DGRAM/SOCK_RAW) and protocol; errno exceptions for others. */
    public Socket newSocket(int type, int protocol, int flags) {
        switch (type) {
            case Socket.SOCK_STREAM -> {
                if (protocol != 0 && protocol != PROTO_TCP) throw new org.multios.kernel.KernelException(NetErrno.EPROTONOSUPPORT);
                return new TcpSocket(this, flags);
            }
            case Socket.SOCK_DGRAM -> {
                if (protocol != 0 && protocol != PROTO_UDP && protocol != PROTO_ICMP) throw new org.multios.kernel.KernelException(NetErrno.EPROTONOSUPPORT);
                return new DatagramSocket(this, type, protocol == 0 ? PROTO_UDP : protocol, flags);
            }
            case Socket.SOCK_RAW -> {
                if (protocol != PROTO_ICMP) throw new org.multios.kernel.KernelException(NetErrno.EPROTONOSUPPORT);
                return new DatagramSocket(this, type, protocol, flags);
            }
            default -> throw new org.multios.kernel.KernelException(NetErrno.ESOCKTNOSUPPORT);
        }
    }

    void unreachable(int host) { tcp.hostUnreachable(host); changed(); }
}
