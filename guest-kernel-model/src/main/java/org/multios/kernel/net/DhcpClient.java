package org.multios.kernel.net;

import java.util.function.Consumer;

/**
 * A DHCP client (RFC 2131) for one Ethernet interface: DISCOVER, OFFER, REQUEST, ACK, then the
 * address, netmask and router are configured. Retransmits every 4 s of virtual time (up to 5
 * rounds) and reports the outcome once. No lease renewal: leases (a day from the user back end)
 * outlive a session.
 */
public final class DhcpClient {
    static final int MAGIC = 0x63825363, TRIES = 5;
    static final long RETRY = 4_000_000_000L;
    private final NetStack stack;
    private final EthernetInterface ifc;
    private final int xid;
    private final Consumer<String> done;
    private int offered, server, tries;
    private boolean requesting, finished;
    private Object timer;

    public DhcpClient(NetStack stack, EthernetInterface ifc, Consumer<String> done) {
        this.stack = stack;
        this.ifc = ifc;
        this.done = done;
        byte[] m = ifc.mac();
        this.xid = Ip4.get32(m, 2) ^ 0x4d4f5321;
    }

    public void start() {
        stack.dhcpClients.add(this);
        send();
    }

    public boolean finished() { return finished; }

    private void send() {
        if (finished) return;
        if (++tries > TRIES) { finish("DHCP: no answer on " + ifc.name + " after " + TRIES + " tries"); return; }
        stack.udpOutput(0, 68, Ip4.BROADCAST, 67, message(requesting ? 3 : 1));
        stack.clock.cancel(timer);
        timer = stack.clock.schedule(stack.clock.now() + RETRY, () -> { timer = null; send(); stack.clock.afterEvent(); });
    }

    private byte[] message(int type) {
        byte[] b = new byte[300];
        b[0] = 1; b[1] = 1; b[2] = 6;
        Ip4.put32(b, 4, xid);
        Ip4.put16(b, 10, 0x8000); // broadcast replies: we have no address yet
        System.arraycopy(ifc.mac(), 0, b, 28, 6);
        Ip4.put32(b, 236, MAGIC);
        int o = 240;
        b[o++] = 53; b[o++] = 1; b[o++] = (byte) type;
        if (type == 3) {
            b[o++] = 50; b[o++] = 4; Ip4.put32(b, o, offered); o += 4;
            b[o++] = 54; b[o++] = 4; Ip4.put32(b, o, server); o += 4;
        }
        b[o++] = 55; b[o++] = 3; b[o++] = 1; b[o++] = 3; b[o++] = 6; // parameter request: mask, router, DNS
        b[o] = (byte) 255;
        return b;
    }

    void input(NetInterface from, byte[] b) {
        if (finished || from != ifc || b.length < 240 || b[0] != 2 || Ip4.get32(b, 4) != xid || Ip4.get32(b, 236) != MAGIC) return;
        int type = 0, mask = 0, router = 0, sid = 0;
        java.util.List<Integer> dns = new java.util.ArrayList<>();
        String domain = "";
        for (int o = 240; o < b.length; ) {
            int code = b[o] & 255;
            if (code == 255) break;
            if (code == 0) { o++; continue; }
            if (o + 1 >= b.length) break;
            int len = b[o + 1] & 255;
            if (o + 2 + len > b.length) break;
            switch (code) {
                case 53 -> { if (len >= 1) type = b[o + 2] & 255; }
                case 1 -> { if (len >= 4) mask = Ip4.get32(b, o + 2); }
                case 3 -> { if (len >= 4) router = Ip4.get32(b, o + 2); }
                case 54 -> { if (len >= 4) sid = Ip4.get32(b, o + 2); }
                case 6 -> { for (int k = 0; k + 4 <= len && dns.size() < 3; k += 4) dns.add(Ip4.get32(b, o + 2 + k)); }
                case 15 -> domain = new String(b, o + 2, len, java.nio.charset.StandardCharsets.US_ASCII).replace("\0", "").strip();
                default -> {}
            }
            o += 2 + len;
        }
        int yiaddr = Ip4.get32(b, 16);
        if (type == 2 && !requesting) { // OFFER
            offered = yiaddr;
            server = sid;
            requesting = true;
            tries = 0;
            send();
        } else if (type == 5 && requesting) { // ACK
            int prefix = mask == 0 ? NetIoctl.classfulPrefix(yiaddr) : Integer.bitCount(mask);
            stack.configure(ifc, yiaddr, prefix, router);
            int siaddr = Ip4.get32(b, 20);
            stack.autoconfig = new NetStack.Autoconfig("DHCP", domain, java.util.List.copyOf(dns), siaddr != 0 ? siaddr : sid);
            finish("DHCP: " + ifc.name + " " + Ip4.str(yiaddr) + "/" + prefix + (router != 0 ? " gateway " + Ip4.str(router) : "")
                    + " from " + Ip4.str(sid));
        } else if (type == 6 && requesting) { // NAK: start over
            requesting = false;
            tries = 0;
            send();
        }
    }

    private void finish(String msg) {
        finished = true;
        stack.clock.cancel(timer);
        stack.dhcpClients.remove(this);
        stack.changed();
        done.accept(msg);
    }
}
