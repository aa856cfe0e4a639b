package org.multios.devices.net;

import static org.multios.devices.net.Packets.*;

import java.io.ByteArrayOutputStream;

/**
 * The user network's DHCP server (RFC 2131/2132): one lease, {@code 10.0.2.15}, for
 * whoever asks, with the gateway as router and server identifier and the DNS proxy as
 * name server. DISCOVER gets an OFFER, REQUEST for our address an ACK (any other
 * address a NAK), INFORM an ACK without lease. {@code siaddr} names the gateway, which
 * is also the TFTP server, and the boot file name is announced when one is configured.
 */
public final class DhcpServer {
    public static final int SERVER_PORT = 67, CLIENT_PORT = 68;
    static final int MAGIC = 0x63825363;
    static final int DISCOVER = 1, OFFER = 2, REQUEST = 3, DECLINE = 4, ACK = 5, NAK = 6, RELEASE = 7, INFORM = 8;
    static final int OPT_PAD = 0, OPT_SUBNET = 1, OPT_ROUTER = 3, OPT_DNS = 6, OPT_REQUESTED_IP = 50, OPT_LEASE = 51,
            OPT_TYPE = 53, OPT_SERVER_ID = 54, OPT_END = 255;
    public static final int LEASE_SECONDS = 86400;
    private static final int FIXED = 236;

    private final int server, client, netmask, dns;
    private final String bootFile;

    public DhcpServer(int server, int client, int netmask, int dns, String bootFile) {
        this.server = server;
        this.client = client;
        this.netmask = netmask;
        this.dns = dns;
        this.bootFile = bootFile;
    }

    /** Answers one BOOTREQUEST (the UDP payload), or returns null if it needs no answer. */
    public byte[] handle(byte[] req) {
        if (req.length < FIXED + 4 || req[0] != 1 || req[1] != 1 || req[2] != 6 || u32(req, FIXED) != MAGIC) return null;
        int type = 0, requested = 0, serverId = 0;
        for (int i = FIXED + 4; i < req.length; ) {
            int code = req[i] & 0xff;
            if (code == OPT_END) break;
            if (code == OPT_PAD) { i++; continue; }
            if (i + 1 >= req.length) break;
            int len = req[i + 1] & 0xff;
            if (i + 2 + len > req.length) break;
            if (code == OPT_TYPE && len >= 1) type = req[i + 2] & 0xff;
            if (code == OPT_REQUESTED_IP && len == 4) requested = u32(req, i + 2);
            if (code == OPT_SERVER_ID && len == 4) serverId = u32(req, i + 2);
            i += 2 + len;
        }
        int ciaddr = u32(req, 12);
        return switch (type) {
            case DISCOVER -> reply(req, OFFER, client, true);
            case REQUEST -> {
                if (serverId != 0 && serverId != server) yield null; // the client chose another server
                int wanted = requested != 0 ? requested : ciaddr;
                yield wanted == client ? reply(req, ACK, client, true) : reply(req, NAK, 0, false);
            }
            case INFORM -> reply(req, ACK, 0, false);
            default -> null; // DECLINE, RELEASE: the single lease simply stays available
        };
    }

    private byte[] reply(byte[] req, int type, int yiaddr, boolean lease) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        byte[] fixed = new byte[FIXED + 4];
        fixed[0] = 2; // BOOTREPLY
        fixed[1] = 1;
        fixed[2] = 6;
        System.arraycopy(req, 4, fixed, 4, 4);    // xid
        System.arraycopy(req, 10, fixed, 10, 2);  // flags
        if (type == ACK && yiaddr == 0) System.arraycopy(req, 12, fixed, 12, 4); // INFORM: ciaddr echoed
        put32(fixed, 16, yiaddr);
        if (type != NAK) put32(fixed, 20, server);  // siaddr: next server (TFTP)
        System.arraycopy(req, 24, fixed, 24, 4);  // giaddr
        System.arraycopy(req, 28, fixed, 28, 16); // chaddr
        if (bootFile != null && type != NAK) {
            byte[] name = bootFile.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            System.arraycopy(name, 0, fixed, 108, Math.min(name.length, 127));
        }
        put32(fixed, FIXED, MAGIC);
        o.writeBytes(fixed);
        option(o, OPT_TYPE, new byte[] {(byte) type});
        option(o, OPT_SERVER_ID, ipBytes(server));
        if (type != NAK) {
            if (lease) option(o, OPT_LEASE, ipBytes(LEASE_SECONDS));
            option(o, OPT_SUBNET, ipBytes(netmask));
            option(o, OPT_ROUTER, ipBytes(server));
            option(o, OPT_DNS, ipBytes(dns));
        }
        o.write(OPT_END);
        while (o.size() < 300) o.write(0); // BOOTP minimum message size, some clients insist
        return o.toByteArray();
    }

    private static void option(ByteArrayOutputStream o, int code, byte[] value) {
        o.write(code);
        o.write(value.length);
        o.writeBytes(value);
    }
}
