package org.multios.kernel.net;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An Ethernet interface (eth0, ...): Ethernet II framing and ARP (RFC 826) with a cache whose
 * entries expire, and packets held while a request is outstanding (retried, then dropped); IPv6
 * (ethertype 0x86DD) with multicast to 33:33:xx:xx:xx:xx and unicast through the neighbour cache.
 */
public final class EthernetInterface extends NetInterface {
    static final int ETH_IP = 0x0800, ETH_ARP = 0x0806, ETH_IPV6 = 0x86DD;
    static final long ARP_TTL = 60_000_000_000L, ARP_RETRY = 1_000_000_000L;
    static final int ARP_TRIES = 3, HOLD = 16;
    private final NetStack stack;
    private final byte[] mac;
    private final FrameDevice device;
    /** IPv6 neighbours (NDP), the IPv6 counterpart of the ARP cache. */
    public final NeighborCache neighbors;

    record ArpEntry(byte[] mac, long expires) {}
    private final Map<Integer, ArpEntry> arp = new HashMap<>();
    private final Map<Integer, List<byte[]>> pending = new HashMap<>();
    private final Map<Integer, Integer> tries = new HashMap<>();
    private final java.util.Set<Integer> refreshing = new java.util.HashSet<>();

    EthernetInterface(NetStack stack, String name, int index, byte[] mac, int mtu, FrameDevice device) {
        super(name, index, mtu, IFF_UP | IFF_BROADCAST | IFF_RUNNING | IFF_MULTICAST);
        this.stack = stack;
        this.mac = mac.clone();
        this.device = device;
        this.neighbors = new NeighborCache(this, stack.ip6.ndp, stack.clock);
    }

    @Override
    void sendIp6(byte[] packet, Ip6 nextHop) {
        if (nextHop.isMulticast()) sendFrame(nextHop.multicastMac(), ETH_IPV6, packet);
        else neighbors.send(packet, nextHop);
    }

    void sendFrame6(byte[] dst, byte[] packet) { sendFrame(dst, ETH_IPV6, packet); }

    @Override public byte[] mac() { return mac.clone(); }

    /** The ARP cache as (address, mac, expiry) for /proc/net/arp. */
    public Map<Integer, byte[]> arpTable() {
        Map<Integer, byte[]> m = new java.util.TreeMap<>();
        long now = stack.clock.now();
        arp.forEach((a, e) -> { if (e.expires > now) m.put(a, e.mac); });
        return m;
    }

    @Override
    void sendIp(byte[] packet, int nextHop) {
        if (nextHop == Ip4.BROADCAST || nextHop == (address | ~netmask()) && address != 0) {
            sendFrame(new byte[] {-1, -1, -1, -1, -1, -1}, ETH_IP, packet);
            return;
        }
        ArpEntry e = arp.get(nextHop);
        if (e != null) {
            // An expired entry is still used while it is re-validated (Linux's STALE -> PROBE): dropping
            // traffic every ARP_TTL would cost a burst of TCP retransmissions for nothing.
            sendFrame(e.mac, ETH_IP, packet);
            if (e.expires <= stack.clock.now() && refreshing.add(nextHop)) refresh(nextHop, 0);
            return;
        }
        List<byte[]> q = pending.computeIfAbsent(nextHop, x -> new ArrayList<>());
        if (q.size() >= HOLD) { txDropped++; return; }
        q.add(packet);
        if (q.size() == 1) { tries.put(nextHop, 0); request(nextHop); }
    }

    private void request(int target) {
        int n = tries.getOrDefault(target, 0);
        if (n >= ARP_TRIES) {
            List<byte[]> dropped = pending.remove(target);
            tries.remove(target);
            if (dropped != null) { txDropped += dropped.size(); stack.unreachable(target); }
            return;
        }
        tries.put(target, n + 1);
        sendFrame(new byte[] {-1, -1, -1, -1, -1, -1}, ETH_ARP, arpPacket(1, new byte[6], target));
        stack.clock.schedule(stack.clock.now() + ARP_RETRY, () -> { if (pending.containsKey(target)) request(target); stack.clock.afterEvent(); });
    }

    /** Re-validates an expired entry: up to ARP_TRIES requests; no answer forgets it (the next send resolves afresh). */
    private void refresh(int target, int n) {
        ArpEntry e = arp.get(target);
        if (e == null || e.expires > stack.clock.now()) { refreshing.remove(target); return; }
        if (n >= ARP_TRIES) {
            arp.remove(target);
            refreshing.remove(target);
            return;
        }
        sendFrame(new byte[] {-1, -1, -1, -1, -1, -1}, ETH_ARP, arpPacket(1, new byte[6], target));
        stack.clock.schedule(stack.clock.now() + ARP_RETRY, () -> { refresh(target, n + 1); stack.clock.afterEvent(); });
    }

    private byte[] arpPacket(int op, byte[] targetMac, int targetIp) {
        byte[] a = new byte[28];
        Ip4.put16(a, 0, 1); Ip4.put16(a, 2, ETH_IP); a[4] = 6; a[5] = 4; Ip4.put16(a, 6, op);
        System.arraycopy(mac, 0, a, 8, 6); Ip4.put32(a, 14, address);
        System.arraycopy(targetMac, 0, a, 18, 6); Ip4.put32(a, 24, targetIp);
        return a;
    }

    private void sendFrame(byte[] dst, int type, byte[] payload) {
        byte[] f = new byte[Math.max(60, 14 + payload.length)];
        System.arraycopy(dst, 0, f, 0, 6);
        System.arraycopy(mac, 0, f, 6, 6);
        Ip4.put16(f, 12, type);
        System.arraycopy(payload, 0, f, 14, payload.length);
        txPackets++; txBytes += f.length;
        device.transmit(f);
    }

    /** A frame from the link (called by the driver). */
    public void receiveFrame(byte[] f) {
        if (f.length < 14) { rxErrors++; return; }
        boolean forUs = (f[0] & 1) != 0 || java.util.Arrays.equals(f, 0, 6, mac, 0, 6);
        if (!forUs) { rxDropped++; return; }
        // our own multicast looped back by a hub-like link (a socket LAN) would fail DAD against ourselves (RFC 4862 5.4.3)
        if (java.util.Arrays.equals(f, 6, 12, mac, 0, 6)) { rxDropped++; return; }
        rxPackets++; rxBytes += f.length;
        int type = Ip4.get16(f, 12);
        byte[] p = java.util.Arrays.copyOfRange(f, 14, f.length);
        if (type == ETH_ARP) arpInput(p);
        else if (type == ETH_IP) stack.input(this, p);
        else if (type == ETH_IPV6) stack.ip6.input(this, p);
        else rxDropped++;
    }

    private void arpInput(byte[] a) {
        if (a.length < 28 || Ip4.get16(a, 0) != 1 || Ip4.get16(a, 2) != ETH_IP || a[4] != 6 || a[5] != 4) { rxErrors++; return; }
        int op = Ip4.get16(a, 6);
        byte[] senderMac = java.util.Arrays.copyOfRange(a, 8, 14);
        int senderIp = Ip4.get32(a, 14), targetIp = Ip4.get32(a, 24);
        boolean toUs = address != 0 && targetIp == address;
        if (senderIp != 0 && (toUs || arp.containsKey(senderIp) || pending.containsKey(senderIp))) learn(senderIp, senderMac);
        if (op == 1 && toUs) sendFrame(senderMac, ETH_ARP, arpPacket(2, senderMac, senderIp));
    }

    void learn(int ip, byte[] hw) {
        arp.put(ip, new ArpEntry(hw, stack.clock.now() + ARP_TTL));
        List<byte[]> q = pending.remove(ip);
        tries.remove(ip);
        if (q != null) for (byte[] p : q) sendFrame(hw, ETH_IP, p);
    }
}
