package org.multios.devices.virtio;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.multios.devices.net.Packets;
import org.multios.devices.net.UserNetBackend;

/** The NIC and the user back end together: a DHCP exchange and a ping through guest RAM, deterministically. */
class VirtioNetUserNetworkTest {
    static byte[] discover(int type, int requested) {
        byte[] d = new byte[300];
        d[0] = 1; d[1] = 1; d[2] = 6;
        Packets.put32(d, 4, 0xcafe);
        System.arraycopy(VirtioNetPciFunction.defaultMac(), 0, d, 28, 6);
        Packets.put32(d, 236, 0x63825363);
        int at = 240;
        d[at++] = 53; d[at++] = 1; d[at++] = (byte) type;
        if (requested != 0) { d[at++] = 50; d[at++] = 4; Packets.put32(d, at, requested); at += 4; }
        d[at] = (byte) 255;
        return Packets.ethernet(Packets.BROADCAST, VirtioNetPciFunction.defaultMac(), Packets.ETHERTYPE_IPV4,
                Packets.ipv4(0, -1, Packets.PROTO_UDP, 1, Packets.udp(0, -1, 68, 67, d)));
    }

    static String run() throws Exception {
        StringBuilder log = new StringBuilder();
        try (VirtioNetRig r = new VirtioNetRig(new UserNetBackend())) {
            r.start();
            r.send(0, discover(1, 0));
            r.run(20_000);
            List<byte[]> got = r.received();
            assertEquals(1, got.size(), "OFFER delivered right after the transmit batch");
            byte[] offer = got.get(0);
            assertEquals(UserNetBackend.GUEST, Packets.u32(offer, 14 + 20 + 8 + 16), "yiaddr");
            r.send(1, discover(3, UserNetBackend.GUEST));
            r.run(20_000);
            got = r.received();
            assertEquals(1, got.size());
            byte[] echo = new byte[24];
            echo[0] = 8;
            Packets.put16(echo, 2, Packets.checksum(echo, 0, echo.length));
            r.send(2, Packets.ethernet(UserNetBackend.GATEWAY_MAC, VirtioNetPciFunction.defaultMac(), Packets.ETHERTYPE_IPV4,
                    Packets.ipv4(UserNetBackend.GUEST, UserNetBackend.GATEWAY, Packets.PROTO_ICMP, 2, echo)));
            r.run(20_000);
            got = r.received();
            assertEquals(1, got.size());
            assertEquals(0, got.get(0)[14 + 20], "echo reply");
            log.append(r.clock.nanos()).append(':').append(r.usedIdx(0)).append(':').append(r.usedIdx(1));
        }
        return log.toString();
    }

    @Test
    void dhcpAndPingThroughGuestMemoryAreRepeatable() throws Exception {
        assertEquals(run(), run());
    }
}
