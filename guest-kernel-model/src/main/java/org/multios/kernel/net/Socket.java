package org.multios.kernel.net;

import org.multios.kernel.Errno;
import org.multios.kernel.KernelException;
import org.multios.kernel.fs.Inode;
import org.multios.kernel.fs.OpenFile;
import org.multios.kernel.fs.SyntheticInode;
import org.multios.kernel.proc.WaitQueue;

/** A BSD socket as an open file: the operations the socket syscalls call, common options and addresses. */
public abstract class Socket extends OpenFile {
    public static final int SOCK_STREAM = 1, SOCK_DGRAM = 2, SOCK_RAW = 3;
    public static final int SHUT_RD = 0, SHUT_WR = 1, SHUT_RDWR = 2;
    final NetStack stack;
    public final int type, protocol;
    private final Inode inode = new SyntheticInode(Inode.S_IFSOCK | 0777);
    public int localAddr, localPort, remoteAddr, remotePort;
    public boolean reuseAddr, keepAlive, broadcast;
    public long rcvTimeoutNanos, sndTimeoutNanos;
    public int rcvBuf = 131072, sndBuf = 131072;
    boolean readShut, writeShut;
    /** The pending asynchronous error (SO_ERROR). */
    int softError;

    /** A received datagram, or stream bytes (addr/port of the peer). */
    public record Message(byte[] data, int addr, int port) {}

    protected Socket(NetStack stack, int type, int protocol, int flags) {
        super(O_RDWR | (flags & O_NONBLOCK));
        this.stack = stack;
        this.type = type;
        this.protocol = protocol;
    }

    @Override public Inode inode() { return inode; }
    @Override public WaitQueue waitQueue() { return stack.waiters; }
    public NetStack stack() { return stack; }
    public boolean nonBlocking() { return (flags & O_NONBLOCK) != 0; }

    public abstract void bind(int addr, int port);
    /** 0 when connected, WOULD_BLOCK while a stream connect is in progress. */
    public abstract int connect(int addr, int port);
    public void listen(int backlog) { throw new KernelException(NetErrno.EOPNOTSUPP); }
    /** The next established connection, or null when none is ready. */
    public Socket accept(int flags) { throw new KernelException(NetErrno.EOPNOTSUPP); }
    /** Bytes sent or WOULD_BLOCK; addr 0/port -1 = the connected peer. */
    public abstract int sendTo(byte[] b, int off, int len, int addr, int port);
    /** A message (an empty one = end of stream), or null when nothing is there yet. */
    public abstract Message receive(int max, boolean peek);
    public void shutdown(int how) {
        if (how == SHUT_RD || how == SHUT_RDWR) readShut = true;
        if (how == SHUT_WR || how == SHUT_RDWR) writeShut = true;
        stack.changed();
    }
    public boolean connected() { return remotePort != 0; }
    public void setNoDelay(boolean on) {}
    public boolean noDelay() { return false; }
    public int takeError() { int e = softError; softError = 0; return e; }
    /** Bytes ready to read (FIONREAD). */
    public abstract int available();

    @Override
    public int read(byte[] b, int off, int len) {
        Message m = receive(len, false);
        if (m == null) return WOULD_BLOCK;
        System.arraycopy(m.data(), 0, b, off, m.data().length);
        return m.data().length;
    }

    @Override
    public int write(byte[] b, int off, int len) {
        if (!connected()) throw new KernelException(type == SOCK_STREAM ? NetErrno.ENOTCONN : NetErrno.EDESTADDRREQ);
        return sendTo(b, off, len, 0, -1);
    }

    @Override
    public long ioctl(long request, long arg, IoctlMemory mem) { return NetIoctl.ioctl(this, request, arg, mem); }

    /** Binds to an ephemeral port if unbound (on first send or connect). */
    abstract void autobind();

    // deliveries from the stack (UDP/ICMP sockets override)
    boolean udpAccepts(int src, int sport, int dst) { return false; }
    void udpDeliver(int src, int sport, byte[] data) {}
    void icmpDeliver(int src, byte[] ip, int ihl, byte[] icmp) {}

    static void checkAddress(NetStack stack, int addr) {
        if (addr != 0 && addr != Ip4.BROADCAST && !stack.isLocal(addr)) throw new KernelException(NetErrno.EADDRNOTAVAIL);
    }

    static KernelException err(int e) { return new KernelException(e); }
    static final int EINVAL = Errno.EINVAL;
}
