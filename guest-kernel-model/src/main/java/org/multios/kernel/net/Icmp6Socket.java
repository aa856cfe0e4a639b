package org.multios.kernel.net;

import java.util.ArrayDeque;

/**
 * An AF_INET6 ICMPv6 "ping" socket (SOCK_DGRAM, IPPROTO_ICMPV6), Linux's unprivileged echo
 * socket: the program writes echo requests, the kernel sets the identifier (the socket's
 * "port") and the checksum, and the socket receives the echo replies carrying its identifier.
 * Addresses are sockaddr_in6 ({@link #sendTo6}, {@link #lastFrom}); the IPv4 entry points refuse.
 */
public final class Icmp6Socket extends Socket {
    record Reply(byte[] data, Ip6 from, int scope) {}
    private final ArrayDeque<Reply> queue = new ArrayDeque<>();
    private int queued;
    private int ident;
    /** The source of the last message received and its interface (sin6_scope_id). */
    public Ip6 lastFrom = Ip6.ANY;
    public int lastScope;

    Icmp6Socket(NetStack stack, int flags) {
        super(stack, SOCK_DGRAM, Ipv6.ICMPV6, flags);
        stack.icmp6Sockets.add(this);
    }

    @Override public void bind(int addr, int port) { throw err(NetErrno.EAFNOSUPPORT); }
    @Override public int connect(int addr, int port) { throw err(NetErrno.EAFNOSUPPORT); }
    @Override public int sendTo(byte[] b, int off, int len, int addr, int port) { throw err(NetErrno.EDESTADDRREQ); }

    @Override
    void autobind() {
        if (ident != 0) return;
        ident = stack.ephemeralPort(p -> stack.icmp6Sockets.stream().anyMatch(s -> s.ident == p));
        localPort = ident;
    }

    /** Sends an echo request to dst (scope = interface index for link-scoped addresses, 0 = default). */
    public int sendTo6(byte[] b, int off, int len, Ip6 dst, int scope) {
        if (len < 8) throw err(EINVAL);
        if ((b[off] & 255) != Ipv6.ICMP_ECHO_REQUEST || b[off + 1] != 0) throw err(EINVAL);
        NetInterface ifc = null;
        if (scope != 0) {
            for (NetInterface i : stack.interfaces()) if (i.index == scope) ifc = i;
            if (ifc == null) throw err(org.multios.kernel.Errno.ENODEV);
        } else if (dst.linkScoped() && !dst.isMulticast() && stack.ip6.firstEthernet() == null) throw err(EINVAL);
        autobind();
        byte[] m = java.util.Arrays.copyOfRange(b, off, off + len);
        Ip4.put16(m, 4, ident);
        Ip6 src = stack.ip6.sourceFor(dst, ifc);
        if (src == null) throw err(NetErrno.ENETUNREACH);
        m[2] = m[3] = 0;
        Ip4.put16(m, 2, Ip6.checksum(src, dst, Ipv6.ICMPV6, m, 0, m.length));
        NetInterface out = ifc != null ? ifc : stack.ip6.route(dst, null) == null ? null : stack.ip6.route(dst, null).ifc();
        if (out == null) throw err(NetErrno.ENETUNREACH);
        if (40 + len > stack.ip6.pathMtu(dst, out)) throw err(NetErrno.EMSGSIZE);
        stack.ip6.icmpOutMsgs++;
        if (!stack.ip6.output(src, dst, Ipv6.ICMPV6, m, out.hopLimit6, ifc)) throw err(NetErrno.ENETUNREACH);
        return len;
    }

    /** An echo reply arrived on interface ifc. */
    void deliver(NetInterface ifc, Ip6 src, byte[] m) {
        if ((m[0] & 255) != Ipv6.ICMP_ECHO_REPLY || m.length < 8 || Ip4.get16(m, 4) != ident || ident == 0) return;
        if (queued + m.length > rcvBuf) return;
        queue.add(new Reply(m, src, src.linkScoped() ? ifc.index : 0));
        queued += m.length;
        stack.changed();
    }

    @Override
    public Message receive(int max, boolean peek) {
        Reply r = peek ? queue.peek() : queue.poll();
        if (r == null) return readShut ? new Message(new byte[0], 0, 0) : null;
        if (!peek) queued -= r.data.length;
        lastFrom = r.from;
        lastScope = r.scope;
        return new Message(r.data.length > max ? java.util.Arrays.copyOf(r.data, max) : r.data, 0, 0);
    }

    /** The full length of the next message (for MSG_TRUNC), or -1. */
    public int nextLength() { Reply r = queue.peek(); return r == null ? -1 : r.data.length; }

    @Override public int available() { Reply r = queue.peek(); return r == null ? 0 : r.data.length; }
    @Override public boolean pollIn() { return !queue.isEmpty() || readShut; }
    @Override public boolean pollOut() { return true; }
    @Override protected void closed() { stack.icmp6Sockets.remove(this); }
}
