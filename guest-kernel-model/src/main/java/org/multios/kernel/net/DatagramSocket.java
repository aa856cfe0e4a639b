package org.multios.kernel.net;

import java.util.ArrayDeque;
import org.multios.kernel.KernelException;

/** Datagram sockets: UDP, and ICMP echo ("ping" sockets, SOCK_DGRAM/IPPROTO_ICMP, and SOCK_RAW/IPPROTO_ICMP). */
public final class DatagramSocket extends Socket {
    private final ArrayDeque<Message> queue = new ArrayDeque<>();
    private int queued;
    private final boolean icmp;

    DatagramSocket(NetStack stack, int type, int protocol, int flags) {
        super(stack, type, protocol, flags);
        this.icmp = protocol == NetStack.PROTO_ICMP;
        if (icmp) stack.icmpSockets.add(this);
    }

    @Override
    public void bind(int addr, int port) {
        if (localPort != 0 || (icmp && localAddr != 0)) throw err(EINVAL);
        checkAddress(stack, addr);
        if (icmp) { localAddr = addr; localPort = port == 0 ? ephemeral() : port; return; }
        if (port == 0) port = ephemeral();
        else if (stack.udpPorts.containsKey(port)) {
            for (Socket s : stack.udpPorts.get(port)) if (!(reuseAddr && s.reuseAddr) && (s.localAddr == 0 || addr == 0 || s.localAddr == addr)) throw err(NetErrno.EADDRINUSE);
        }
        if (port < 0) throw err(NetErrno.EADDRINUSE);
        localAddr = addr;
        localPort = port;
        stack.udpPorts.computeIfAbsent(port, p -> new java.util.ArrayList<>()).add(this);
    }

    private int ephemeral() { return stack.ephemeralPort(p -> stack.udpPorts.containsKey(p)); }

    @Override void autobind() { if (localPort == 0) bind(0, 0); }

    @Override
    public int connect(int addr, int port) {
        if (addr == 0) addr = Ip4.LOOPBACK;
        if (stack.route(addr) == null) throw err(NetErrno.ENETUNREACH);
        autobind();
        remoteAddr = addr;
        remotePort = icmp ? 1 : port;
        return 0;
    }

    @Override public boolean connected() { return remoteAddr != 0; }

    @Override
    public int sendTo(byte[] b, int off, int len, int addr, int port) {
        if (writeShut) throw err(org.multios.kernel.Errno.EPIPE);
        if (port < 0 && !icmp || addr == 0 && port < 0) {
            if (!connected()) throw err(NetErrno.EDESTADDRREQ);
            addr = remoteAddr; port = remotePort;
        }
        if (addr == 0) addr = Ip4.LOOPBACK;
        if (addr == Ip4.BROADCAST && !broadcast && !icmp) throw err(org.multios.kernel.Errno.EACCES);
        autobind();
        byte[] data = java.util.Arrays.copyOfRange(b, off, off + len);
        if (icmp) {
            if (len < 8) throw err(EINVAL);
            if (type == SOCK_DGRAM) { // the kernel owns the identifier (the socket's "port") and the checksum
                if (data[0] != 8) throw err(EINVAL);
                Ip4.put16(data, 4, localPort);
            }
            data[2] = data[3] = 0;
            Ip4.put16(data, 2, Ip4.checksum(data, 0, data.length));
            if (!stack.output(localAddr, addr, NetStack.PROTO_ICMP, data)) throw err(NetErrno.ENETUNREACH);
            return len;
        }
        if (len > 65507) throw err(NetErrno.EMSGSIZE);
        if (!stack.udpOutput(localAddr, localPort, addr, port, data)) throw err(NetErrno.ENETUNREACH);
        return len;
    }

    @Override
    public Message receive(int max, boolean peek) {
        Message m = peek ? queue.peek() : queue.poll();
        if (m == null) {
            if (readShut) return new Message(new byte[0], 0, 0);
            return null;
        }
        if (!peek) queued -= m.data().length;
        byte[] d = m.data().length > max ? java.util.Arrays.copyOf(m.data(), max) : m.data();
        return new Message(d, m.addr(), m.port());
    }

    /** The full length of the next datagram (for MSG_TRUNC), or -1. */
    public int nextLength() { Message m = queue.peek(); return m == null ? -1 : m.data().length; }

    @Override public int available() { Message m = queue.peek(); return m == null ? 0 : m.data().length; }
    @Override public boolean pollIn() { return !queue.isEmpty() || readShut; }
    @Override public boolean pollOut() { return true; }

    @Override
    boolean udpAccepts(int src, int sport, int dst) {
        if (localAddr != 0 && localAddr != dst && dst != Ip4.BROADCAST) return false;
        return remoteAddr == 0 || remoteAddr == src && remotePort == sport;
    }

    @Override void udpDeliver(int src, int sport, byte[] data) { enqueue(new Message(data, src, sport)); }

    @Override
    void icmpDeliver(int src, byte[] ip, int ihl, byte[] m) {
        if (type == SOCK_RAW) { enqueue(new Message(ip, src, 0)); return; }
        // ping sockets see echo replies carrying their identifier
        if ((m[0] & 255) == 0 && Ip4.get16(m, 4) == localPort && (remoteAddr == 0 || remoteAddr == src)) enqueue(new Message(m, src, 0));
    }

    private void enqueue(Message m) {
        if (queued + m.data().length > rcvBuf) return; // receive buffer full: dropped, as UDP does
        queue.add(m);
        queued += m.data().length;
        stack.changed();
    }

    @Override
    protected void closed() {
        if (icmp) stack.icmpSockets.remove(this);
        else if (localPort != 0) {
            var l = stack.udpPorts.get(localPort);
            if (l != null) { l.remove(this); if (l.isEmpty()) stack.udpPorts.remove(localPort); }
        }
    }

    static KernelException unsupported() { return err(NetErrno.EOPNOTSUPP); }
}
