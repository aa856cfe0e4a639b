package org.multios.kernel.net;

/** One network interface: its name, addresses, flags and counters; subclasses put IP packets on their link. */
public abstract class NetInterface {
    public static final int IFF_UP = 1, IFF_BROADCAST = 2, IFF_LOOPBACK = 8, IFF_RUNNING = 0x40, IFF_MULTICAST = 0x1000;
    public final String name;
    public final int index;
    public int address, prefix;
    public int flags;
    public int mtu;
    /** IPv6 addresses (link-local, SLAAC, ::1), the hop limit and link MTU an RA may set (0 = the MTU). */
    public final java.util.List<Ip6Address> inet6 = new java.util.ArrayList<>();
    public int hopLimit6 = 64, mtu6;
    public long rxPackets, rxBytes, rxErrors, rxDropped, txPackets, txBytes, txErrors, txDropped;

    protected NetInterface(String name, int index, int mtu, int flags) {
        this.name = name;
        this.index = index;
        this.mtu = mtu;
        this.flags = flags;
    }

    public boolean up() { return (flags & IFF_UP) != 0; }
    public int netmask() { return Ip4.mask(prefix); }
    public boolean onLink(int dst) { return address != 0 && (dst & netmask()) == (address & netmask()); }
    /** The hardware address, or null (loopback). */
    public byte[] mac() { return null; }

    public int mtu6() { return mtu6 == 0 ? mtu : Math.min(mtu6, mtu); }

    /** Sends an IPv6 packet towards nextHop (a neighbour or multicast group on this link). */
    abstract void sendIp6(byte[] packet, Ip6 nextHop);

    /** Sends an IPv4 packet towards nextHop (an address on this link). */
    abstract void sendIp(byte[] packet, int nextHop);
}
