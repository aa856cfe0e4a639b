package org.multios.devices.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A virtual LAN between emulator instances: each Ethernet frame travels as one UDP
 * datagram. {@code listen} binds a port and talks to whoever sent last; {@code connect}
 * sends to a fixed peer; {@code mcast} joins a multicast group so any number of
 * machines share one segment (multicast loopback lets instances on one host meet;
 * frames we sent ourselves are recognised by their source MAC and not delivered back).
 */
public final class SocketNetBackend implements NetBackend {
    public enum Mode { LISTEN, CONNECT, MCAST }

    private final Mode mode;
    private final DatagramChannel channel;
    private volatile SocketAddress peer;
    private volatile FrameSink toGuest = f -> {};
    private final Set<Long> ownMacs = ConcurrentHashMap.newKeySet();
    private final Thread receiver;
    private volatile boolean closed;

    private SocketNetBackend(Mode mode, DatagramChannel channel, SocketAddress peer) {
        this.mode = mode;
        this.channel = channel;
        this.peer = peer;
        receiver = Thread.ofPlatform().daemon().name("multios-net-socket").start(this::receive);
    }

    /** Binds {@code host:port} (loopback unless an address is given) and answers the last sender. */
    public static SocketNetBackend listen(String host, int port) throws IOException {
        DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET);
        ch.bind(new InetSocketAddress(host == null ? InetAddress.getLoopbackAddress() : InetAddress.getByName(host), port));
        return new SocketNetBackend(Mode.LISTEN, ch, null);
    }

    /** Sends to {@code host:port} from an ephemeral port and takes frames from that peer. */
    public static SocketNetBackend connect(String host, int port) throws IOException {
        DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET);
        InetSocketAddress target = new InetSocketAddress(InetAddress.getByName(host), port);
        ch.bind(new InetSocketAddress(target.getAddress().isLoopbackAddress() ? InetAddress.getLoopbackAddress() : null, 0));
        return new SocketNetBackend(Mode.CONNECT, ch, target);
    }

    /** Joins {@code group:port} on the loopback interface (or the default one when that cannot multicast). */
    public static SocketNetBackend multicast(String group, int port) throws IOException {
        InetAddress g = InetAddress.getByName(group);
        if (!g.isMulticastAddress()) throw new IOException(group + " is not a multicast address");
        DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET);
        ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        ch.bind(new InetSocketAddress(port));
        NetworkInterface nif = NetworkInterface.getByInetAddress(InetAddress.getLoopbackAddress());
        if (nif == null || !nif.supportsMulticast()) nif = NetworkInterface.networkInterfaces()
                .filter(n -> { try { return n.isUp() && n.supportsMulticast(); } catch (IOException e) { return false; } })
                .findFirst().orElseThrow(() -> new IOException("no multicast-capable network interface"));
        ch.setOption(StandardSocketOptions.IP_MULTICAST_IF, nif);
        ch.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, true);
        ch.join(g, nif);
        return new SocketNetBackend(Mode.MCAST, ch, new InetSocketAddress(g, port));
    }

    public Mode mode() { return mode; }

    /** The local address frames are received on. */
    public InetSocketAddress localAddress() throws IOException { return (InetSocketAddress) channel.getLocalAddress(); }

    @Override
    public void attach(FrameSink sink) { toGuest = sink; }

    private static long mac(byte[] f, int at) {
        long m = 0;
        for (int i = 0; i < 6; i++) m = m << 8 | (f[at + i] & 0xff);
        return m;
    }

    @Override
    public void transmit(byte[] frame) {
        SocketAddress to = peer;
        if (closed || to == null || frame.length < 14) return; // listen mode before anyone spoke: nobody to send to
        if (mode == Mode.MCAST) ownMacs.add(mac(frame, 6));
        try {
            channel.send(ByteBuffer.wrap(frame), to);
        } catch (IOException e) {
            // The peer is gone or unreachable: the frame is lost, as on a cable nobody listens to.
        }
    }

    private void receive() {
        ByteBuffer buf = ByteBuffer.allocate(65536);
        while (!closed) {
            try {
                buf.clear();
                SocketAddress from = channel.receive(buf);
                if (from == null) continue;
                byte[] f = Arrays.copyOf(buf.array(), buf.position());
                if (f.length < 14) continue;
                switch (mode) {
                    case LISTEN -> peer = from;
                    case CONNECT -> { if (!from.equals(peer)) continue; }
                    case MCAST -> { if (ownMacs.contains(mac(f, 6))) continue; }
                }
                toGuest.deliver(f);
            } catch (IOException e) {
                if (closed) return;
            }
        }
    }

    /** A peer may send at any moment. */
    @Override
    public boolean mayDeliver() { return !closed; }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try { channel.close(); } catch (IOException ignored) {}
        try { receiver.join(1000); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
    }
}
