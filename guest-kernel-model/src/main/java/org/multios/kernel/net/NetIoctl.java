package org.multios.kernel.net;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.multios.kernel.Errno;
import org.multios.kernel.fs.OpenFile;

/**
 * Interface ioctls on a socket (netdevice(7)): struct ifreq is 40 bytes (name[16] + a 24-byte
 * union), struct ifconf is {int len; pad; char *buf} on 64-bit ABIs. Enough for ifconfig.
 */
final class NetIoctl {
    private NetIoctl() {}
    static final int FIONREAD = 0x541B, FIONBIO = 0x5421, SIOCGIFCONF = 0x8912, SIOCGIFFLAGS = 0x8913, SIOCSIFFLAGS = 0x8914,
            SIOCGIFADDR = 0x8915, SIOCSIFADDR = 0x8916, SIOCGIFBRDADDR = 0x8919, SIOCGIFNETMASK = 0x891b, SIOCSIFNETMASK = 0x891c,
            SIOCGIFMTU = 0x8921, SIOCGIFHWADDR = 0x8927, SIOCGIFINDEX = 0x8933, SIOCGIFNAME = 0x8910;
    static final int IFREQ = 40;

    static long ioctl(Socket s, long req, long arg, OpenFile.IoctlMemory mem) {
        NetStack st = s.stack;
        switch ((int) req) {
            case FIONREAD -> { return put(mem, arg, le(4).putInt(s.available()).array()); }
            case FIONBIO -> {
                byte[] v = new byte[4];
                if (!mem.read(arg, v)) return -Errno.EFAULT;
                int on = ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN).getInt();
                s.setStatusFlags(on != 0 ? s.flags() | OpenFile.O_NONBLOCK : s.flags() & ~OpenFile.O_NONBLOCK);
                return 0;
            }
            case SIOCGIFCONF -> {
                byte[] hdr = new byte[16];
                if (!mem.read(arg, hdr)) return -Errno.EFAULT;
                ByteBuffer h = ByteBuffer.wrap(hdr).order(ByteOrder.LITTLE_ENDIAN);
                int len = h.getInt(0);
                long buf = h.getLong(8);
                int used = 0;
                for (NetInterface i : st.interfaces()) {
                    if (i.address == 0) continue;
                    if (buf != 0) {
                        if (used + IFREQ > len) break;
                        byte[] r = ifreq(i.name);
                        sockaddr(r, 16, i.address);
                        if (!mem.write(buf + used, r)) return -Errno.EFAULT;
                    }
                    used += IFREQ;
                }
                h.putInt(0, used);
                return put(mem, arg, java.util.Arrays.copyOf(h.array(), 4));
            }
            case SIOCGIFNAME -> {
                byte[] r = new byte[IFREQ];
                if (!mem.read(arg, r)) return -Errno.EFAULT;
                int idx = ByteBuffer.wrap(r).order(ByteOrder.LITTLE_ENDIAN).getInt(16);
                for (NetInterface i : st.interfaces()) if (i.index == idx) { byte[] n = ifreq(i.name); System.arraycopy(n, 0, r, 0, 16); return put(mem, arg, r); }
                return -Errno.ENODEV;
            }
            default -> {}
        }
        if (req < 0x8910 || req > 0x8940) return -Errno.ENOTTY;
        byte[] r = new byte[IFREQ];
        if (!mem.read(arg, r)) return -Errno.EFAULT;
        int nul = 0;
        while (nul < 16 && r[nul] != 0) nul++;
        NetInterface i = st.find(new String(r, 0, nul, StandardCharsets.UTF_8));
        if (i == null) return -Errno.ENODEV;
        ByteBuffer u = ByteBuffer.wrap(r).order(ByteOrder.LITTLE_ENDIAN);
        switch ((int) req) {
            case SIOCGIFFLAGS -> u.putShort(16, (short) i.flags);
            case SIOCSIFFLAGS -> { i.flags = (i.flags & ~NetInterface.IFF_UP) | (u.getShort(16) & NetInterface.IFF_UP); st.changed(); return 0; }
            case SIOCGIFADDR -> { if (i.address == 0) return -NetErrno.EADDRNOTAVAIL; sockaddr(r, 16, i.address); }
            case SIOCGIFNETMASK -> { if (i.address == 0) return -NetErrno.EADDRNOTAVAIL; sockaddr(r, 16, i.netmask()); }
            case SIOCGIFBRDADDR -> { if (i.address == 0) return -NetErrno.EADDRNOTAVAIL; sockaddr(r, 16, i.address | ~i.netmask()); }
            case SIOCSIFADDR -> {
                if (Ip4.get16(r, 16) != 2 << 8) return -Errno.EINVAL;
                i.address = Ip4.get32(r, 20);
                if (i.prefix == 0) i.prefix = classfulPrefix(i.address);
                return 0;
            }
            case SIOCSIFNETMASK -> {
                int m = Ip4.get32(r, 20);
                int p = Integer.bitCount(m);
                if (m != Ip4.mask(p)) return -Errno.EINVAL;
                i.prefix = p;
                return 0;
            }
            case SIOCGIFMTU -> u.putInt(16, i.mtu);
            case SIOCGIFINDEX -> u.putInt(16, i.index);
            case SIOCGIFHWADDR -> {
                byte[] mac = i.mac();
                u.putShort(16, (short) (mac == null ? 772 : 1)); // ARPHRD_LOOPBACK / ARPHRD_ETHER
                if (mac != null) System.arraycopy(mac, 0, r, 18, 6);
                else java.util.Arrays.fill(r, 18, 24, (byte) 0);
            }
            default -> { return -Errno.EINVAL; }
        }
        return put(mem, arg, r);
    }

    static int classfulPrefix(int a) { int top = a >>> 24; return top < 128 ? 8 : top < 192 ? 16 : 24; }

    private static byte[] ifreq(String name) {
        byte[] r = new byte[IFREQ];
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(n, 0, r, 0, Math.min(15, n.length));
        return r;
    }

    private static void sockaddr(byte[] r, int off, int addr) {
        java.util.Arrays.fill(r, off, off + 16, (byte) 0);
        r[off] = 2; // AF_INET, little-endian sa_family
        Ip4.put32(r, off + 4, addr);
    }

    private static ByteBuffer le(int n) { return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN); }

    private static long put(OpenFile.IoctlMemory mem, long va, byte[] b) { return mem.write(va, b) ? 0 : -Errno.EFAULT; }
}
