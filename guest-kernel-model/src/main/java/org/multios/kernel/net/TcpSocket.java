package org.multios.kernel.net;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.multios.kernel.Errno;

/** A SOCK_STREAM socket: unbound, bound, listening (with a backlog of connections) or carrying one connection. */
public final class TcpSocket extends Socket {
    private TcpConnection conn;
    private boolean listening, bound;
    private int backlog;
    private final List<TcpConnection> halfOpen = new ArrayList<>();
    private final ArrayDeque<TcpConnection> acceptQueue = new ArrayDeque<>();
    private boolean nodelay;
    /** A blocking connect() is waiting for the handshake (its restarted call reports the outcome). */
    private boolean connecting;

    TcpSocket(NetStack stack, int flags) { super(stack, SOCK_STREAM, NetStack.PROTO_TCP, flags); }

    private TcpSocket(NetStack stack, TcpConnection c) {
        super(stack, SOCK_STREAM, NetStack.PROTO_TCP, 0);
        attach(c);
        bound = true;
    }

    private void attach(TcpConnection c) {
        conn = c;
        c.owner = this;
        c.nodelay = nodelay;
        localAddr = c.localAddr; localPort = c.localPort; remoteAddr = c.remoteAddr; remotePort = c.remotePort;
    }

    @Override
    public void bind(int addr, int port) {
        if (bound) throw err(EINVAL);
        checkAddress(stack, addr);
        if (port == 0) port = stack.ephemeralPort(p -> stack.tcp.portInUse(p, 0, false));
        else if (stack.tcp.portInUse(port, addr, reuseAddr)) throw err(NetErrno.EADDRINUSE);
        if (port < 0) throw err(NetErrno.EADDRINUSE);
        localAddr = addr;
        localPort = port;
        bound = true;
    }

    @Override void autobind() { if (!bound) bind(0, 0); }

    @Override
    public void listen(int n) {
        if (conn != null) throw err(EINVAL);
        autobind();
        backlog = Math.clamp(n, 1, 4096);
        if (!listening) {
            listening = true;
            stack.tcp.listeners.computeIfAbsent(localPort, p -> new ArrayList<>()).add(this);
        }
    }

    @Override
    public int connect(int addrArg, int port) {
        final int addr = addrArg == 0 ? Ip4.LOOPBACK : addrArg;
        if (listening) throw err(EINVAL);
        if (conn != null) {
            if (connecting) {
                if (conn.state == TcpConnection.State.SYN_SENT) return WOULD_BLOCK;
                connecting = false;
                if (conn.error != 0) { int e = conn.error; conn.error = 0; softError = 0; throw err(e); }
                return 0;
            }
            throw err(conn.state == TcpConnection.State.SYN_SENT ? NetErrno.EALREADY : NetErrno.EISCONN);
        }
        if (port == 0) throw err(NetErrno.ECONNREFUSED);
        if (stack.route(addr) == null) throw err(NetErrno.ENETUNREACH);
        int src = localAddr != 0 ? localAddr : stack.sourceFor(addr);
        if (!bound) {
            int a = src;
            int p = stack.ephemeralPort(x -> stack.tcp.connections.containsKey(new Tcp.Key(a, x, addr, port)) || stack.tcp.portInUse(x, 0, false));
            if (p < 0) throw err(NetErrno.EADDRNOTAVAIL);
            localPort = p;
            bound = true;
        }
        if (stack.tcp.connections.containsKey(new Tcp.Key(src, localPort, addr, port))) throw err(NetErrno.EADDRNOTAVAIL);
        TcpConnection c = new TcpConnection(stack.tcp, src, localPort, addr, port);
        attach(c);
        c.connect();
        if (c.state == TcpConnection.State.ESTABLISHED) return 0;
        if (c.state == TcpConnection.State.CLOSED) { int e = c.error; c.error = 0; throw err(e == 0 ? NetErrno.ECONNREFUSED : e); }
        connecting = !nonBlocking();
        return nonBlocking() ? -NetErrno.EINPROGRESS : WOULD_BLOCK;
    }

    @Override
    public Socket accept(int flags) {
        if (!listening) throw err(EINVAL);
        TcpConnection c = acceptQueue.poll();
        if (c == null) return null;
        c.listener = null;
        TcpSocket s = new TcpSocket(stack, c);
        s.flags |= flags & O_NONBLOCK;
        s.nodelay = nodelay;
        c.nodelay = nodelay;
        return s;
    }

    /** A SYN for our listening port. */
    void incoming(int src, int dst, Tcp.Segment seg) {
        if (halfOpen.size() + acceptQueue.size() >= backlog) return; // backlog full: the peer retries
        TcpConnection c = new TcpConnection(stack.tcp, dst, localPort, src, seg.sport());
        c.listener = this;
        halfOpen.add(c);
        c.acceptSyn(seg);
    }

    void established(TcpConnection c) {
        if (halfOpen.remove(c)) { acceptQueue.add(c); stack.changed(); }
    }

    void dropChild(TcpConnection c) { halfOpen.remove(c); acceptQueue.remove(c); }

    @Override
    public int sendTo(byte[] b, int off, int len, int addr, int port) {
        if (conn == null) throw err(NetErrno.ENOTCONN);
        if (writeShut) throw err(Errno.EPIPE);
        if (len == 0) return 0;
        return conn.write(b, off, len);
    }

    @Override
    public Message receive(int max, boolean peek) {
        if (conn == null) throw err(NetErrno.ENOTCONN);
        if (readShut && conn.recvBuf.size() == 0) return new Message(new byte[0], remoteAddr, remotePort);
        if (peek) {
            int n = Math.min(max, conn.recvBuf.size());
            if (n == 0) return conn.peerFin || conn.state == TcpConnection.State.CLOSED ? new Message(new byte[0], remoteAddr, remotePort) : null;
            byte[] d = new byte[n];
            conn.recvBuf.peek(0, d, 0, n);
            return new Message(d, remoteAddr, remotePort);
        }
        byte[] d = new byte[Math.min(max, Math.max(conn.recvBuf.size(), 0))];
        int r = conn.read(d, 0, d.length == 0 ? max : d.length);
        if (r == WOULD_BLOCK) return null;
        return new Message(r == d.length ? d : java.util.Arrays.copyOf(d, r), remoteAddr, remotePort);
    }

    @Override
    public void shutdown(int how) {
        if (conn == null && !listening) throw err(NetErrno.ENOTCONN);
        super.shutdown(how);
        if (conn != null && (how == SHUT_WR || how == SHUT_RDWR)) conn.shutdownWrite();
    }

    @Override public boolean connected() { return conn != null && conn.synchronizedState(); }
    public boolean listening() { return listening; }
    @Override public void setNoDelay(boolean on) { nodelay = on; if (conn != null) { conn.nodelay = on; conn.output(false); } }
    @Override public boolean noDelay() { return nodelay; }
    @Override public int available() { return conn == null ? 0 : conn.recvBuf.size(); }
    @Override public int takeError() { if (conn != null && conn.error != 0 && !connecting) { int e = conn.error; conn.error = 0; return e; } return super.takeError(); }
    public String stateName() { return listening ? "LISTEN" : conn == null ? "CLOSED" : conn.state.name(); }

    @Override
    public boolean pollIn() {
        if (listening) return !acceptQueue.isEmpty();
        if (conn == null) return false;
        return conn.recvBuf.size() > 0 || conn.peerFin || readShut || conn.error != 0 || conn.state == TcpConnection.State.CLOSED;
    }

    @Override
    public boolean pollOut() {
        if (conn == null) return false;
        if (conn.error != 0 || conn.state == TcpConnection.State.CLOSED) return true;
        return conn.synchronizedState() && conn.sendBuf.free() > 0;
    }

    @Override
    protected void closed() {
        if (listening) {
            var l = stack.tcp.listeners.get(localPort);
            if (l != null) { l.remove(this); if (l.isEmpty()) stack.tcp.listeners.remove(localPort); }
            for (TcpConnection c : new ArrayList<>(halfOpen)) c.abort(0);
            for (TcpConnection c : new ArrayList<>(acceptQueue)) { c.listener = null; c.close(); }
            halfOpen.clear();
            acceptQueue.clear();
        }
        if (conn != null) conn.close();
    }
}
