package org.multios.kernel.syscall;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.multios.kernel.Errno;
import org.multios.kernel.Kernel;
import org.multios.kernel.KernelException;
import org.multios.kernel.fs.OpenFile;
import org.multios.kernel.net.DatagramSocket;
import org.multios.kernel.net.Icmp6Socket;
import org.multios.kernel.net.Ip4;
import org.multios.kernel.net.KernelNet;
import org.multios.kernel.net.NetErrno;
import org.multios.kernel.net.NetStack;
import org.multios.kernel.net.Socket;
import org.multios.kernel.proc.Task;

/**
 * The BSD socket calls of the Linux ABI (asm-generic numbers 198-212, 242) over the kernel's
 * IPv4 stack. sockaddr_in = {u16 family (LE), u16 port (BE), u32 addr (BE), 8 zero bytes}.
 */
final class NetSyscalls {
    private NetSyscalls() {}
    static final int SOCKET = 198, SOCKETPAIR = 199, BIND = 200, LISTEN = 201, ACCEPT = 202, CONNECT = 203, GETSOCKNAME = 204,
            GETPEERNAME = 205, SENDTO = 206, RECVFROM = 207, SETSOCKOPT = 208, GETSOCKOPT = 209, SHUTDOWN = 210, SENDMSG = 211,
            RECVMSG = 212, ACCEPT4 = 242;
    static final int AF_UNSPEC = 0, AF_UNIX = 1, AF_INET = 2, AF_INET6 = 10, SOCK_NONBLOCK = 04000, SOCK_CLOEXEC = 02000000;
    static final int MSG_PEEK = 2, MSG_TRUNC = 0x20, MSG_DONTWAIT = 0x40, MSG_WAITALL = 0x100, MSG_NOSIGNAL = 0x4000;
    static final int SOL_SOCKET = 1, IPPROTO_IP = 0, IPPROTO_TCP = 6;

    static long dispatch(LinuxSyscalls s, Kernel k, Task t, int nr, long a0, long a1, long a2, long a3, long a4, long a5) {
        return switch (nr) {
            case SOCKET -> socket(k, t, (int) a0, (int) a1, (int) a2);
            case SOCKETPAIR -> (int) a0 == AF_UNIX ? -Errno.EOPNOTSUPP : -NetErrno.EAFNOSUPPORT;
            case BIND -> { Socket so = sock(t, a0); int[] ap = sockaddr(s, t, a1, a2, false); so.bind(ap[0], ap[1]); yield 0; }
            case LISTEN -> { sock(t, a0).listen((int) a1); yield 0; }
            case ACCEPT -> accept(s, k, t, a0, a1, a2, 0);
            case ACCEPT4 -> accept(s, k, t, a0, a1, a2, (int) a3);
            case CONNECT -> connect(s, k, t, a0, a1, a2);
            case GETSOCKNAME -> { Socket so = sock(t, a0); putSockaddr(s, t, a1, a2, so.localAddr == 0 && so.connected() ? so.stack().interfaces().get(0).address : so.localAddr, so.localPort); yield 0; }
            case GETPEERNAME -> { Socket so = sock(t, a0); if (!so.connected()) throw new KernelException(NetErrno.ENOTCONN); putSockaddr(s, t, a1, a2, so.remoteAddr, so.remotePort); yield 0; }
            case SENDTO -> sendto(s, k, t, a0, a1, a2, (int) a3, a4, a5);
            case RECVFROM -> recvfrom(s, k, t, a0, a1, a2, (int) a3, a4, a5);
            case SENDMSG -> sendmsg(s, k, t, a0, a1, (int) a2);
            case RECVMSG -> recvmsg(s, k, t, a0, a1, (int) a2);
            case SETSOCKOPT -> setsockopt(s, t, sock(t, a0), (int) a1, (int) a2, a3, a4);
            case GETSOCKOPT -> getsockopt(s, t, sock(t, a0), (int) a1, (int) a2, a3, a4);
            case SHUTDOWN -> { if (a1 < 0 || a1 > 2) throw new KernelException(Errno.EINVAL); sock(t, a0).shutdown((int) a1); yield 0; }
            default -> s.unknown(nr);
        };
    }

    static Socket sock(Task t, long fd) {
        OpenFile f = t.process.fds.get((int) fd);
        if (!(f instanceof Socket so)) throw new KernelException(NetErrno.ENOTSOCK);
        return so;
    }

    static long socket(Kernel k, Task t, int domain, int type, int protocol) {
        if (domain != AF_INET && domain != AF_INET6) return -NetErrno.EAFNOSUPPORT;
        int flags = type & (SOCK_NONBLOCK | SOCK_CLOEXEC);
        int kind = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
        int of = (flags & SOCK_NONBLOCK) != 0 ? OpenFile.O_NONBLOCK : 0;
        Socket so = domain == AF_INET6 ? KernelNet.stack(k).newSocket6(kind, protocol, of) : KernelNet.stack(k).newSocket(kind, protocol, of);
        try {
            return t.process.fds.install(so, (flags & SOCK_CLOEXEC) != 0, 0);
        } catch (KernelException e) {
            so.release();
            throw e;
        }
    }

    /** {addr, port} of a sockaddr_in; AF_UNSPEC accepted when allowed (connect's dissolve). */
    static int[] sockaddr(LinuxSyscalls s, Task t, long va, long len, boolean unspecOk) {
        if (len < 2 || len > 128) throw new KernelException(Errno.EINVAL);
        byte[] b = s.in(t, va, Math.min(len, 16));
        int family = (b[0] & 255) | (b[1] & 255) << 8;
        if (family == AF_UNSPEC && unspecOk) return new int[] {0, 0, AF_UNSPEC};
        if (family != AF_INET) throw new KernelException(NetErrno.EAFNOSUPPORT);
        if (len < 16) throw new KernelException(Errno.EINVAL);
        int port = (b[2] & 255) << 8 | b[3] & 255;
        int addr = (b[4] & 255) << 24 | (b[5] & 255) << 16 | (b[6] & 255) << 8 | b[7] & 255;
        return new int[] {addr, port, AF_INET};
    }

    /** sockaddr_in6 = {u16 family (LE), u16 port (BE), u32 flowinfo, 16-byte address, u32 scope_id (LE)}: {address, scope}. */
    static Object[] sockaddr6(LinuxSyscalls s, Task t, long va, long len) {
        if (len < 2 || len > 128) throw new KernelException(Errno.EINVAL);
        byte[] b = s.in(t, va, Math.min(len, 28));
        int family = (b[0] & 255) | (b[1] & 255) << 8;
        if (family != AF_INET6) throw new KernelException(NetErrno.EAFNOSUPPORT);
        if (len < 24) throw new KernelException(Errno.EINVAL);
        int scope = len >= 28 ? ByteBuffer.wrap(b, 24, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() : 0;
        return new Object[] {org.multios.kernel.net.Ip6.of(b, 8), scope};
    }

    static void putSockaddr6(LinuxSyscalls s, Task t, long va, long lenVa, org.multios.kernel.net.Ip6 addr, int port, int scope) {
        if (va == 0 || lenVa == 0) return;
        int len = ByteBuffer.wrap(s.in(t, lenVa, 4)).order(ByteOrder.LITTLE_ENDIAN).getInt();
        if (len < 0) throw new KernelException(Errno.EINVAL);
        ByteBuffer b = ByteBuffer.allocate(28).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort(0, (short) AF_INET6);
        b.put(2, (byte) (port >>> 8)).put(3, (byte) port);
        b.put(8, addr.bytes());
        b.putInt(24, scope);
        s.out(t, va, java.util.Arrays.copyOf(b.array(), Math.min(len, 28)));
        s.out32(t, lenVa, 28);
    }

    static void putSockaddr(LinuxSyscalls s, Task t, long va, long lenVa, int addr, int port) {
        if (va == 0 || lenVa == 0) return;
        int len = ByteBuffer.wrap(s.in(t, lenVa, 4)).order(ByteOrder.LITTLE_ENDIAN).getInt();
        if (len < 0) throw new KernelException(Errno.EINVAL);
        byte[] b = new byte[16];
        b[0] = AF_INET;
        b[2] = (byte) (port >>> 8); b[3] = (byte) port;
        b[4] = (byte) (addr >>> 24); b[5] = (byte) (addr >>> 16); b[6] = (byte) (addr >>> 8); b[7] = (byte) addr;
        s.out(t, va, java.util.Arrays.copyOf(b, Math.min(len, 16)));
        s.out32(t, lenVa, 16);
    }

    static long accept(LinuxSyscalls s, Kernel k, Task t, long fd, long addrVa, long lenVa, int flags) {
        if ((flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)) != 0) return -Errno.EINVAL;
        Socket so = sock(t, fd);
        Socket c = so.accept((flags & SOCK_NONBLOCK) != 0 ? OpenFile.O_NONBLOCK : 0);
        if (c == null) {
            if (so.nonBlocking()) return -Errno.EAGAIN;
            return wait(k, t, so, so.rcvTimeoutNanos);
        }
        int nfd;
        try {
            nfd = t.process.fds.install(c, (flags & SOCK_CLOEXEC) != 0, 0);
        } catch (KernelException e) {
            c.release();
            throw e;
        }
        try {
            putSockaddr(s, t, addrVa, lenVa, c.remoteAddr, c.remotePort);
        } catch (KernelException e) {
            t.process.fds.close(nfd);
            throw e;
        }
        return nfd;
    }

    static long connect(LinuxSyscalls s, Kernel k, Task t, long fd, long va, long len) {
        Socket so = sock(t, fd);
        int[] ap = sockaddr(s, t, va, len, so.type != Socket.SOCK_STREAM);
        if (ap[2] == AF_UNSPEC) { so.remoteAddr = 0; so.remotePort = 0; return 0; }
        int r = so.connect(ap[0], ap[1]);
        if (r == OpenFile.WOULD_BLOCK) return k.blockRestartable(t, so.waitQueue());
        return r;
    }

    /** Sleeps until the socket changes, or returns EAGAIN after timeoutNanos (0 = none). */
    private static long wait(Kernel k, Task t, Socket so, long timeoutNanos) {
        if (timeoutNanos > 0) return k.block(t, so.waitQueue(), k.now() + timeoutNanos, -Errno.EAGAIN);
        return k.blockRestartable(t, so.waitQueue());
    }

    static long sendto(LinuxSyscalls s, Kernel k, Task t, long fd, long buf, long len, int flags, long addrVa, long addrLen) {
        Socket so = sock(t, fd);
        if (len < 0) throw new KernelException(Errno.EFAULT);
        byte[] b = s.in(t, buf, Math.min(len, LinuxSyscalls.MAX_IO));
        if (so instanceof Icmp6Socket i6) return send6(s, t, i6, b, addrVa, addrLen);
        int addr = 0, port = -1;
        if (addrVa != 0) { int[] ap = sockaddr(s, t, addrVa, addrLen, false); addr = ap[0]; port = ap[1]; }
        return send(k, t, so, b, addr, port, flags);
    }

    /** An ICMPv6 echo socket's send: the destination is a sockaddr_in6 (there is no connect for it). */
    private static long send6(LinuxSyscalls s, Task t, Icmp6Socket so, byte[] b, long addrVa, long addrLen) {
        if (addrVa == 0) throw new KernelException(NetErrno.EDESTADDRREQ);
        Object[] a = sockaddr6(s, t, addrVa, addrLen);
        return so.sendTo6(b, 0, b.length, (org.multios.kernel.net.Ip6) a[0], (Integer) a[1]);
    }

    private static long send(Kernel k, Task t, Socket so, byte[] b, int addr, int port, int flags) {
        int r;
        try {
            if (so.type == Socket.SOCK_STREAM || addr == 0 && port < 0) {
                if (!so.connected() && so.type == Socket.SOCK_STREAM) throw new KernelException(NetErrno.ENOTCONN);
                r = so.sendTo(b, 0, b.length, 0, -1);
            } else {
                r = so.sendTo(b, 0, b.length, addr, port);
            }
        } catch (KernelException e) {
            if (e.errno() == Errno.EPIPE && (flags & MSG_NOSIGNAL) == 0) k.sendSignal(t, Kernel.SIGPIPE);
            throw e;
        }
        if (r == OpenFile.WOULD_BLOCK) {
            if (so.nonBlocking() || (flags & MSG_DONTWAIT) != 0) return -Errno.EAGAIN;
            return wait(k, t, so, so.sndTimeoutNanos);
        }
        return r;
    }

    static long recvfrom(LinuxSyscalls s, Kernel k, Task t, long fd, long buf, long len, int flags, long addrVa, long lenVa) {
        Socket so = sock(t, fd);
        if (len < 0) throw new KernelException(Errno.EFAULT);
        int full = so instanceof DatagramSocket d ? d.nextLength() : so instanceof Icmp6Socket i6 ? i6.nextLength() : -1;
        Socket.Message m = so.receive((int) Math.min(len, LinuxSyscalls.MAX_IO), (flags & MSG_PEEK) != 0);
        if (m == null) {
            if (so.nonBlocking() || (flags & MSG_DONTWAIT) != 0) return -Errno.EAGAIN;
            return wait(k, t, so, so.rcvTimeoutNanos);
        }
        s.out(t, buf, m.data());
        if (so instanceof Icmp6Socket i6) putSockaddr6(s, t, addrVa, lenVa, i6.lastFrom, 0, i6.lastScope);
        else if (so.type != Socket.SOCK_STREAM) putSockaddr(s, t, addrVa, lenVa, m.addr(), m.port());
        else if (addrVa != 0 && lenVa != 0) s.out32(t, lenVa, 0);
        return (flags & MSG_TRUNC) != 0 && full > m.data().length ? full : m.data().length;
    }

    /** struct msghdr (64-bit): name 0, namelen 8, iov 16, iovlen 24, control 32, controllen 40, flags 48. */
    static long sendmsg(LinuxSyscalls s, Kernel k, Task t, long fd, long msgVa, int flags) {
        Socket so = sock(t, fd);
        ByteBuffer m = ByteBuffer.wrap(s.in(t, msgVa, 56)).order(ByteOrder.LITTLE_ENDIAN);
        long name = m.getLong(0), namelen = m.getInt(8) & 0xffffffffL, iov = m.getLong(16), iovlen = m.getLong(24);
        if (iovlen < 0 || iovlen > 1024) return -NetErrno.EMSGSIZE;
        java.io.ByteArrayOutputStream bo = new java.io.ByteArrayOutputStream();
        ByteBuffer v = ByteBuffer.wrap(s.in(t, iov, 16 * iovlen)).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < iovlen; i++) {
            long base = v.getLong(16 * i), l = v.getLong(16 * i + 8);
            if (l < 0 || bo.size() + l > LinuxSyscalls.MAX_IO) throw new KernelException(Errno.EINVAL);
            bo.writeBytes(s.in(t, base, l));
        }
        if (so instanceof Icmp6Socket i6) return send6(s, t, i6, bo.toByteArray(), name, namelen);
        int addr = 0, port = -1;
        if (name != 0 && namelen != 0) { int[] ap = sockaddr(s, t, name, namelen, false); addr = ap[0]; port = ap[1]; }
        return send(k, t, so, bo.toByteArray(), addr, port, flags);
    }

    static long recvmsg(LinuxSyscalls s, Kernel k, Task t, long fd, long msgVa, int flags) {
        Socket so = sock(t, fd);
        ByteBuffer m = ByteBuffer.wrap(s.in(t, msgVa, 56)).order(ByteOrder.LITTLE_ENDIAN);
        long name = m.getLong(0), iov = m.getLong(16), iovlen = m.getLong(24);
        if (iovlen < 0 || iovlen > 1024) return -NetErrno.EMSGSIZE;
        ByteBuffer v = ByteBuffer.wrap(s.in(t, iov, 16 * iovlen)).order(ByteOrder.LITTLE_ENDIAN);
        long total = 0;
        for (int i = 0; i < iovlen; i++) total += v.getLong(16 * i + 8);
        int full = so instanceof DatagramSocket d ? d.nextLength() : so instanceof Icmp6Socket i6 ? i6.nextLength() : -1;
        Socket.Message msg = so.receive((int) Math.min(Math.max(total, 0), LinuxSyscalls.MAX_IO), (flags & MSG_PEEK) != 0);
        if (msg == null) {
            if (so.nonBlocking() || (flags & MSG_DONTWAIT) != 0) return -Errno.EAGAIN;
            return wait(k, t, so, so.rcvTimeoutNanos);
        }
        byte[] d = msg.data();
        int done = 0;
        for (int i = 0; i < iovlen && done < d.length; i++) {
            long base = v.getLong(16 * i), l = v.getLong(16 * i + 8);
            int n = (int) Math.min(l, d.length - done);
            s.out(t, base, java.util.Arrays.copyOfRange(d, done, done + n));
            done += n;
        }
        if (name != 0 && so instanceof Icmp6Socket i6) putSockaddr6(s, t, name, msgVa + 8, i6.lastFrom, 0, i6.lastScope);
        else if (name != 0 && so.type != Socket.SOCK_STREAM) putSockaddr(s, t, name, msgVa + 8, msg.addr(), msg.port());
        else s.out32(t, msgVa + 8, 0);
        s.out64(t, msgVa + 40, 0); // no control messages
        s.out32(t, msgVa + 48, full > d.length ? MSG_TRUNC : 0);
        return (flags & MSG_TRUNC) != 0 && full > d.length ? full : d.length;
    }

    static long setsockopt(LinuxSyscalls s, Task t, Socket so, int level, int name, long va, long len) {
        if (len < 0) return -Errno.EINVAL;
        byte[] b = s.in(t, va, Math.min(len, 64));
        ByteBuffer v = ByteBuffer.wrap(java.util.Arrays.copyOf(b, 16)).order(ByteOrder.LITTLE_ENDIAN);
        int iv = v.getInt(0);
        if (level == SOL_SOCKET) {
            switch (name) {
                case 2 -> so.reuseAddr = iv != 0;
                case 6 -> so.broadcast = iv != 0;
                case 7 -> so.sndBuf = Math.clamp(iv, 4096, 4 << 20);
                case 8 -> so.rcvBuf = Math.clamp(iv, 4096, 4 << 20);
                case 9 -> so.keepAlive = iv != 0; // accepted; no keepalive probes are sent
                case 13, 15 -> {} // SO_LINGER, SO_REUSEPORT: accepted
                case 20, 21 -> {
                    if (len < 16) return -Errno.EINVAL;
                    long sec = v.getLong(0), usec = v.getLong(8);
                    if (sec < 0 || usec < 0 || usec >= 1_000_000) return -33; // EDOM, as Linux
                    long ns = sec * 1_000_000_000L + usec * 1000;
                    if (name == 20) so.rcvTimeoutNanos = ns; else so.sndTimeoutNanos = ns;
                }
                default -> { return -NetErrno.ENOPROTOOPT; }
            }
            return 0;
        }
        if (level == IPPROTO_TCP && so.type == Socket.SOCK_STREAM) {
            if (name == 1) { so.setNoDelay(iv != 0); return 0; }
            if (name == 2 || name == 4 || name == 5 || name == 6) return 0; // MAXSEG, KEEPIDLE/INTVL/CNT: accepted
            return -NetErrno.ENOPROTOOPT;
        }
        if (level == IPPROTO_IP) return name == 1 || name == 2 || name == 11 ? 0 : -NetErrno.ENOPROTOOPT; // IP_TOS, IP_TTL, IP_RECVERR
        return -NetErrno.ENOPROTOOPT;
    }

    static long getsockopt(LinuxSyscalls s, Task t, Socket so, int level, int name, long va, long lenVa) {
        int len = ByteBuffer.wrap(s.in(t, lenVa, 4)).order(ByteOrder.LITTLE_ENDIAN).getInt();
        if (len < 0) return -Errno.EINVAL;
        ByteBuffer out = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        int size = 4;
        if (level == SOL_SOCKET) {
            switch (name) {
                case 2 -> out.putInt(0, so.reuseAddr ? 1 : 0);
                case 3 -> out.putInt(0, so.type);
                case 4 -> out.putInt(0, so.takeError());
                case 6 -> out.putInt(0, so.broadcast ? 1 : 0);
                case 7 -> out.putInt(0, so.sndBuf);
                case 8 -> out.putInt(0, so.rcvBuf);
                case 9 -> out.putInt(0, so.keepAlive ? 1 : 0);
                case 30 -> out.putInt(0, so.type == Socket.SOCK_STREAM && so instanceof org.multios.kernel.net.TcpSocket ts && ts.listening() ? 1 : 0); // SO_ACCEPTCONN
                case 38 -> out.putInt(0, so.protocol); // SO_PROTOCOL
                case 39 -> out.putInt(0, AF_INET); // SO_DOMAIN
                case 20, 21 -> {
                    long ns = name == 20 ? so.rcvTimeoutNanos : so.sndTimeoutNanos;
                    out.putLong(0, ns / 1_000_000_000L).putLong(8, ns % 1_000_000_000L / 1000);
                    size = 16;
                }
                default -> { return -NetErrno.ENOPROTOOPT; }
            }
        } else if (level == IPPROTO_TCP && so.type == Socket.SOCK_STREAM) {
            if (name == 1) out.putInt(0, so.noDelay() ? 1 : 0);
            else if (name == 2) out.putInt(0, 1460);
            else return -NetErrno.ENOPROTOOPT;
        } else {
            return -NetErrno.ENOPROTOOPT;
        }
        int n = Math.min(len, size);
        s.out(t, va, java.util.Arrays.copyOf(out.array(), n));
        s.out32(t, lenVa, n);
        return 0;
    }

}
