package org.multios.devices.net;

import static org.multios.devices.net.Packets.*;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * User-mode networking: the guest sits alone on 10.0.2.0/24 behind a built-in gateway
 * at 10.0.2.2 (which stands for the host: 10.0.2.2 maps to 127.0.0.1) with a DNS proxy
 * at 10.0.2.3, as QEMU's slirp lays it out. The gateway answers ARP for both, echo
 * requests, DHCP (lease 10.0.2.15), TFTP from {@code --tftp DIR}, forwards DNS queries to
 * the host's resolver, NATs other UDP to host sockets and guest-initiated TCP
 * connections through {@link TcpNat} (a refused host connect answers the SYN with RST). Everything the gateway itself answers is answered synchronously
 * inside {@link #transmit}, so a guest's DHCP/ARP/ping/TFTP exchange is deterministic.
 */
public final class UserNetBackend implements NetBackend {
    public static final int NETWORK = ip(10, 0, 2, 0), NETMASK = ip(255, 255, 255, 0);
    public static final int GATEWAY = ip(10, 0, 2, 2), DNS = ip(10, 0, 2, 3), GUEST = ip(10, 0, 2, 15);
    public static final byte[] GATEWAY_MAC = {0x52, 0x55, 0x0a, 0x00, 0x02, 0x02};
    static final int ICMP_ECHO_REPLY = 0, ICMP_ECHO_REQUEST = 8;
    private static final long UDP_IDLE_MS = 60_000;

    private final DhcpServer dhcp;
    private final TftpServer tftp;
    private final InetSocketAddress resolver;
    private final TcpNat tcp = new TcpNat(this);
    /** NDP, router advertisements and echo for fe80::2 / fec0::2 / fec0::3. */
    private final Ip6Gateway ip6 = new Ip6Gateway(GATEWAY_MAC, f -> this.toGuest.deliver(f));
    private final AtomicInteger ipId = new AtomicInteger();
    private final Map<Long, UdpFlow> udpFlows = new ConcurrentHashMap<>();
    private volatile NetBackend.FrameSink toGuest = f -> {};
    private volatile byte[] guestMac = BROADCAST;
    private volatile boolean closed;

    /** One guest UDP "connection" (guest port, destination) and the host socket behind it. */
    private final class UdpFlow {
        final DatagramChannel channel;
        final int guestPort, dstIp, dstPort;
        volatile long lastUse = System.currentTimeMillis();
        UdpFlow(DatagramChannel channel, int guestPort, int dstIp, int dstPort) {
            this.channel = channel;
            this.guestPort = guestPort;
            this.dstIp = dstIp;
            this.dstPort = dstPort;
        }
    }

    /**
     * @param tftpRoot directory served over TFTP, or null for no TFTP server
     * @param bootFile file name announced by DHCP, or null
     */
    public UserNetBackend(Path tftpRoot, String bootFile) throws IOException { this(tftpRoot, bootFile, List.of()); }

    /** @param forwards {@code hostfwd} rules: host listening sockets carried into the guest */
    public UserNetBackend(Path tftpRoot, String bootFile, List<PortForward> forwards) throws IOException {
        dhcp = new DhcpServer(GATEWAY, GUEST, NETMASK, DNS, bootFile);
        tftp = tftpRoot == null ? null : new TftpServer(tftpRoot);
        resolver = hostResolver();
        try {
            for (PortForward f : forwards) tcp.listen(f);
        } catch (IOException e) {
            tcp.close();
            throw new IOException("hostfwd: cannot listen: " + e.getMessage(), e);
        }
    }

    public UserNetBackend() throws IOException { this(null, null); }

    @Override
    public void attach(FrameSink sink) { this.toGuest = sink; }

    /** The host's first name server from /etc/resolv.conf (127.0.0.1 when there is none). */
    static InetSocketAddress hostResolver() {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/resolv.conf"))) {
                String[] w = line.trim().split("\\s+");
                if (w.length >= 2 && w[0].equals("nameserver")) return new InetSocketAddress(InetAddress.getByName(w[1]), 53);
            }
        } catch (IOException | RuntimeException e) {
            // fall through: no resolver configuration readable
        }
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 53);
    }

    byte[] guestMac() { return guestMac; }

    @Override
    public void transmit(byte[] f) {
        if (closed || f.length < ETH_HEADER) return;
        byte[] src = java.util.Arrays.copyOfRange(f, 6, 12);
        if ((src[0] & 1) == 0) guestMac = src;
        int type = u16(f, 12);
        if (type == ETHERTYPE_ARP) arp(f);
        else if (type == ETHERTYPE_IPV4) fromGuestIp(f);
        else if (type == Ip6Gateway.ETHERTYPE_IPV6) ip6.fromGuest(f, guestMac);
    }

    private void arp(byte[] f) {
        int a = ETH_HEADER;
        if (f.length < a + 28 || u16(f, a) != 1 || u16(f, a + 2) != ETHERTYPE_IPV4 || f[a + 4] != 6 || f[a + 5] != 4) return;
        if (u16(f, a + 6) != 1) return; // only requests need an answer
        int target = u32(f, a + 24);
        if (target != GATEWAY && target != DNS) return;
        byte[] r = new byte[28];
        put16(r, 0, 1);
        put16(r, 2, ETHERTYPE_IPV4);
        r[4] = 6;
        r[5] = 4;
        put16(r, 6, 2); // reply
        System.arraycopy(GATEWAY_MAC, 0, r, 8, 6);
        put32(r, 14, target);
        System.arraycopy(f, a + 8, r, 18, 10); // requester's MAC and IP
        toGuest.deliver(ethernet(java.util.Arrays.copyOfRange(f, a + 8, a + 14), GATEWAY_MAC, ETHERTYPE_ARP, r));
    }

    private void fromGuestIp(byte[] f) {
        Ipv4 p = Ipv4.parse(f);
        if (p == null) return;
        switch (p.proto()) {
            case PROTO_ICMP -> icmp(f, p);
            case PROTO_UDP -> fromGuestUdp(f, p);
            case PROTO_TCP -> tcp.fromGuest(f, p);
            default -> {}
        }
    }

    private void icmp(byte[] f, Ipv4 p) {
        int at = p.payloadAt(), n = p.payloadLength();
        if (n < 8 || (f[at] & 0xff) != ICMP_ECHO_REQUEST || f[at + 1] != 0) return;
        if (p.dst() != GATEWAY && p.dst() != DNS) return;
        if (checksum(f, at, n) != 0) return;
        byte[] reply = java.util.Arrays.copyOfRange(f, at, at + n);
        reply[0] = ICMP_ECHO_REPLY;
        put16(reply, 2, 0);
        put16(reply, 2, checksum(reply, 0, n));
        sendIp(p.dst(), p.src(), PROTO_ICMP, reply);
    }

    private void fromGuestUdp(byte[] f, Ipv4 p) {
        int at = p.payloadAt();
        if (p.payloadLength() < 8) return;
        int len = u16(f, at + 4);
        if (len < 8 || len > p.payloadLength()) return;
        if (u16(f, at + 6) != 0 && checksum16(f, p, len) != 0) return;
        int sport = u16(f, at), dport = u16(f, at + 2);
        byte[] data = java.util.Arrays.copyOfRange(f, at + 8, at + len);
        if (dport == DhcpServer.SERVER_PORT) {
            byte[] r = dhcp.handle(data);
            if (r != null) {
                byte[] ip = ipv4(GATEWAY, 0xffffffff, PROTO_UDP, ipId.incrementAndGet(),
                        udp(GATEWAY, 0xffffffff, DhcpServer.SERVER_PORT, DhcpServer.CLIENT_PORT, r));
                toGuest.deliver(ethernet(BROADCAST, GATEWAY_MAC, ETHERTYPE_IPV4, ip));
            }
            return;
        }
        if (p.dst() == GATEWAY && tftp != null && (dport == TftpServer.PORT || dport >= 49152)) {
            for (TftpServer.Reply r : tftp.handle(sport, dport, data)) {
                sendIp(GATEWAY, p.src(), PROTO_UDP, udp(GATEWAY, p.src(), r.serverPort(), r.clientPort(), r.data()));
            }
            return;
        }
        natUdp(p.src(), sport, p.dst(), dport, data);
    }

    private static int checksum16(byte[] f, Ipv4 p, int len) {
        return ~sum(f, p.payloadAt(), len, pseudoSum(p.src(), p.dst(), PROTO_UDP, len)) & 0xffff;
    }

    /** Where a guest destination really is on the host side. */
    InetSocketAddress hostAddress(int ip, int port) {
        if (ip == DNS && port == 53) return resolver;
        if (ip == GATEWAY) return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        if ((ip & NETMASK) == NETWORK) return null; // nothing else lives on the virtual LAN
        try {
            return new InetSocketAddress(InetAddress.getByAddress(ipBytes(ip)), port);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private void natUdp(int guestIp, int sport, int dstIp, int dport, byte[] data) {
        if ((dstIp >>> 28) >= 14 || dstIp == 0xffffffff) return; // multicast, broadcast: not forwarded
        InetSocketAddress target = hostAddress(dstIp, dport);
        if (target == null) return;
        long key = (long) sport << 48 | (dstIp & 0xffffffffL) << 16 | dport;
        UdpFlow flow = udpFlows.get(key);
        try {
            if (flow == null) {
                expireUdp();
                DatagramChannel ch = DatagramChannel.open();
                ch.connect(target);
                UdpFlow nf = new UdpFlow(ch, sport, dstIp, dport);
                udpFlows.put(key, nf);
                flow = nf;
                Thread.ofVirtual().name("multios-udp-nat").start(() -> udpReceive(key, nf));
            }
            flow.lastUse = System.currentTimeMillis();
            flow.channel.write(ByteBuffer.wrap(data));
        } catch (IOException e) {
            // Host refused (unreachable, port closed): the datagram is lost, as on a real network.
        }
    }

    private void udpReceive(long key, UdpFlow flow) {
        ByteBuffer buf = ByteBuffer.allocate(65536);
        try {
            while (!closed) {
                buf.clear();
                flow.channel.read(buf);
                flow.lastUse = System.currentTimeMillis();
                byte[] data = java.util.Arrays.copyOf(buf.array(), buf.position());
                sendIp(flow.dstIp, GUEST, PROTO_UDP, udp(flow.dstIp, GUEST, flow.dstPort, flow.guestPort, data));
            }
        } catch (IOException e) {
            // closed (expiry, shutdown) or ICMP-refused: the flow ends
        } finally {
            udpFlows.remove(key, flow);
            try { flow.channel.close(); } catch (IOException ignored) {}
        }
    }

    private void expireUdp() {
        long now = System.currentTimeMillis();
        for (UdpFlow f : udpFlows.values()) {
            if (now - f.lastUse > UDP_IDLE_MS) {
                try { f.channel.close(); } catch (IOException ignored) {}
            }
        }
    }

    /** Sends an IPv4 packet from the gateway side to the guest. */
    void sendIp(int src, int dst, int proto, byte[] payload) {
        if (closed) return;
        toGuest.deliver(ethernet(guestMac, GATEWAY_MAC, ETHERTYPE_IPV4, ipv4(src, dst, proto, ipId.incrementAndGet() & 0xffff, payload)));
    }

    /** Open NAT connections, UDP flows or hostfwd listeners: the host may send at any moment. */
    @Override
    public boolean mayDeliver() { return !closed && (tcp.active() || !udpFlows.isEmpty()); }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        tcp.close();
        List<UdpFlow> flows = new ArrayList<>(udpFlows.values());
        for (UdpFlow f : flows) {
            try { f.channel.close(); } catch (IOException ignored) {}
        }
    }
}
