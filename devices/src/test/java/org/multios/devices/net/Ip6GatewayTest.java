package org.multios.devices.net;

import static org.junit.jupiter.api.Assertions.*;
import static org.multios.devices.net.Packets.*;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The user back end's IPv6 gateway (slirp's layout): a Router Solicitation gets a Router
 * Advertisement from fe80::2 with the fec0::/64 prefix (L, A), the gateway's MAC and the DNS
 * proxy; Neighbor Solicitations for fe80::2/fec0::2/fec0::3 get answers; echo to fec0::2 is
 * answered; every checksum verifies.
 */
class Ip6GatewayTest {
    static final byte[] GUEST_MAC = {0x52, 0x54, 0, 0x12, 0x34, 0x56};
    static final byte[] GUEST_LL = hex("fe800000000000005054" + "00fffe123456");
    final List<byte[]> toGuest = new ArrayList<>();

    static byte[] hex(String s) {
        byte[] b = new byte[s.length() / 2];
        for (int i = 0; i < b.length; i++) b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        return b;
    }

    static byte[] frame(byte[] dstMac, byte[] src, byte[] dst, int type, byte[] body, int hop) {
        byte[] m = new byte[4 + body.length];
        m[0] = (byte) type;
        System.arraycopy(body, 0, m, 4, body.length);
        put16(m, 2, Ip6Gateway.checksum(src, dst, 58, m, 0, m.length));
        byte[] p = new byte[40 + m.length];
        p[0] = 0x60;
        put16(p, 4, m.length);
        p[6] = 58;
        p[7] = (byte) hop;
        System.arraycopy(src, 0, p, 8, 16);
        System.arraycopy(dst, 0, p, 24, 16);
        System.arraycopy(m, 0, p, 40, m.length);
        return ethernet(dstMac, GUEST_MAC, Ip6Gateway.ETHERTYPE_IPV6, p);
    }

    static int type(byte[] f) { return f[14 + 40] & 0xff; }

    static void assertValid(byte[] f) {
        assertEquals(Ip6Gateway.ETHERTYPE_IPV6, u16(f, 12));
        int plen = u16(f, 18);
        assertEquals(f.length, 14 + 40 + plen);
        assertEquals(0, Ip6Gateway.checksum(Arrays.copyOfRange(f, 22, 38), Arrays.copyOfRange(f, 38, 54), 58, f, 54, plen), "ICMPv6 checksum");
    }

    @Test
    void routerSolicitationNeighborsAndEcho() throws Exception {
        try (UserNetBackend b = new UserNetBackend()) {
            b.attach(toGuest::add);
            byte[] rsBody = new byte[12];
            rsBody[4] = 1; rsBody[5] = 1;
            System.arraycopy(GUEST_MAC, 0, rsBody, 6, 6);
            b.transmit(frame(new byte[] {0x33, 0x33, 0, 0, 0, 2}, GUEST_LL, Ip6Gateway.addr(0xff02, 2), 133, rsBody, 255));
            assertEquals(2, toGuest.size(), "the first frame's unsolicited RA, then the answer to the RS");
            for (byte[] ra : toGuest) {
                assertValid(ra);
                assertEquals(134, type(ra));
                assertArrayEquals(new byte[] {0x33, 0x33, 0, 0, 0, 1}, Arrays.copyOf(ra, 6), "to all nodes");
                assertArrayEquals(UserNetBackend.GATEWAY_MAC, Arrays.copyOfRange(ra, 6, 12));
                assertArrayEquals(Ip6Gateway.ROUTER_LL, Arrays.copyOfRange(ra, 22, 38), "from fe80::2");
                assertEquals(255, ra[21] & 0xff);
                int m = 54;
                assertEquals(Ip6Gateway.ROUTER_LIFETIME, u16(ra, m + 6));
                int o = m + 16;
                assertEquals(1, ra[o]); // SLLA
                assertArrayEquals(UserNetBackend.GATEWAY_MAC, Arrays.copyOfRange(ra, o + 2, o + 8));
                o += 8;
                assertEquals(3, ra[o]); // prefix information
                assertEquals(64, ra[o + 2]);
                assertEquals(0xc0, ra[o + 3] & 0xff, "on-link and autonomous");
                assertEquals(86400, u32(ra, o + 4));
                assertEquals(14400, u32(ra, o + 8));
                assertArrayEquals(Ip6Gateway.PREFIX, Arrays.copyOfRange(ra, o + 16, o + 32));
                o += 32;
                assertEquals(25, ra[o]); // RDNSS
                assertArrayEquals(Ip6Gateway.DNS6, Arrays.copyOfRange(ra, o + 8, o + 24));
            }
            toGuest.clear();

            for (byte[] target : new byte[][] {Ip6Gateway.ROUTER_LL, Ip6Gateway.GATEWAY6, Ip6Gateway.DNS6}) {
                byte[] ns = new byte[28];
                System.arraycopy(target, 0, ns, 4, 16);
                ns[20] = 1; ns[21] = 1;
                System.arraycopy(GUEST_MAC, 0, ns, 22, 6);
                byte[] group = Ip6Gateway.addr(0xff02, 0);
                group[11] = 1; group[12] = (byte) 0xff; group[13] = target[13]; group[14] = target[14]; group[15] = target[15];
                b.transmit(frame(new byte[] {0x33, 0x33, (byte) 0xff, target[13], target[14], target[15]}, GUEST_LL, group, 135, ns, 255));
                byte[] na = toGuest.removeLast();
                assertValid(na);
                assertEquals(136, type(na));
                assertArrayEquals(GUEST_MAC, Arrays.copyOf(na, 6));
                assertEquals(0xe0, na[58] & 0xff, "router, solicited, override");
                assertArrayEquals(target, Arrays.copyOfRange(na, 62, 78));
                assertArrayEquals(UserNetBackend.GATEWAY_MAC, Arrays.copyOfRange(na, 80, 86), "target link-layer address");
            }
            // an NS for someone else, and one with a hop limit below 255, get nothing
            byte[] other = new byte[20];
            other[4] = (byte) 0xfe; other[5] = (byte) 0x80; other[19] = 9;
            b.transmit(frame(new byte[] {0x33, 0x33, (byte) 0xff, 0, 0, 9}, GUEST_LL, Ip6Gateway.addr(0xff02, 9), 135, other, 255));
            byte[] lowHop = new byte[20];
            System.arraycopy(Ip6Gateway.GATEWAY6, 0, lowHop, 4, 16);
            b.transmit(frame(new byte[] {0x33, 0x33, (byte) 0xff, 0, 0, 2}, GUEST_LL, Ip6Gateway.addr(0xff02, 2), 135, lowHop, 64));
            assertTrue(toGuest.isEmpty());

            byte[] guestGlobal = hex("fec0000000000000505400fffe123456");
            byte[] echo = {0, 7, 0, 1, 'p', 'i', 'n', 'g'};
            b.transmit(frame(UserNetBackend.GATEWAY_MAC, guestGlobal, Ip6Gateway.GATEWAY6, 128, echo, 64));
            byte[] reply = toGuest.removeLast();
            assertValid(reply);
            assertEquals(129, type(reply));
            assertArrayEquals(Ip6Gateway.GATEWAY6, Arrays.copyOfRange(reply, 22, 38));
            assertArrayEquals(guestGlobal, Arrays.copyOfRange(reply, 38, 54));
            assertArrayEquals(echo, Arrays.copyOfRange(reply, 58, 66), "identifier, sequence and data back");

            byte[] bad = frame(UserNetBackend.GATEWAY_MAC, guestGlobal, Ip6Gateway.GATEWAY6, 128, echo, 64);
            bad[bad.length - 1] ^= 1;
            b.transmit(bad);
            assertTrue(toGuest.isEmpty(), "a wrong checksum is not answered");
        }
    }
}
