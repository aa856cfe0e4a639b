package org.multios.kernel.net;

/** lo: 127.0.0.1/8 and ::1/128; packets sent are queued back to the stack's own input (drained without recursion). */
public final class LoopbackInterface extends NetInterface {
    private final NetStack stack;

    LoopbackInterface(NetStack stack) {
        super("lo", 1, 65536, IFF_UP | IFF_LOOPBACK | IFF_RUNNING);
        this.stack = stack;
        address = Ip4.LOOPBACK;
        prefix = 8;
        inet6.add(new Ip6Address(Ip6.LOOPBACK, 128, true, false));
    }

    @Override
    void sendIp6(byte[] packet, Ip6 nextHop) { sendIp(packet, 0); }

    @Override
    void sendIp(byte[] packet, int nextHop) {
        txPackets++; txBytes += packet.length;
        rxPackets++; rxBytes += packet.length;
        stack.queueInput(this, packet);
    }
}
