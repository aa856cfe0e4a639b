package org.multios.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * IPv6 on the real default image under {@code multios boot --net user}: the kernel's eth0 gets its
 * link-local address (EUI-64 of 52:54:00:12:34:56) through DAD, and SLAAC from the user back
 * end's Router Advertisement gives fec0::5054:ff:fe12:3456/64 and a default route
 * via fe80::2, as /proc/net/if_inet6 and /proc/net/ipv6_route show in Linux's format. The session's
 * pcap= capture, opened by tshark, holds the DAD probes and the RA with every ICMPv6 checksum verified good
 * (tshark skipped when missing; required under MULTIOS_REQUIRE_ORACLES=1).
 */
class Ipv6BootTest {
    static final String PROMPT = BootConsoleTest.PROMPT;

    @Test
    @Timeout(300)
    void slaacFromTheUserBackEndsRouterAdvertisement(@TempDir Path dir) throws Exception {
        Path pcap = dir.resolve("v6.pcap");
        try (BootHarness m = new BootHarness("--rtc", "fixed", "--net", "user,pcap=" + pcap)) {
            int at = m.waitFor(PROMPT);
            BootConsoleTest.Console c = new BootConsoleTest.Console(m.screen, m.keys, m.machine, at + PROMPT.length());
            c.type("while ! grep -q '^fec0000000000000505400fffe123456 02 40 00 00' /proc/net/if_inet6; do sleep 1; done");
            String addrs = c.type("cat /proc/net/if_inet6");
            assertTrue(addrs.contains("fe80000000000000505400fffe123456 02 40 20 80     eth0"), addrs);
            assertTrue(addrs.contains("fec0000000000000505400fffe123456 02 40 00 00     eth0"), addrs);
            assertTrue(addrs.contains("00000000000000000000000000000001 01 80 10 80       lo"), addrs);
            String routes = c.type("cat /proc/net/ipv6_route");
            assertTrue(routes.contains("00000000000000000000000000000000 00 00000000000000000000000000000000 00 "
                    + "fe800000000000000000000000000002 00000400 00000001 00000000 00450003     eth0"), "default via fe80::2: " + routes);
            assertTrue(routes.contains("fec00000000000000000000000000000 40 00000000000000000000000000000000 00 "
                    + "00000000000000000000000000000000 00000100 00000001 00000000 00440001     eth0"), "fec0::/64 on-link: " + routes);
            String ip6 = c.type("ip -6 addr");
            assertTrue(ip6.contains("    inet6 fec0::5054:ff:fe12:3456/64 scope global dynamic"), ip6);
            assertTrue(ip6.contains("    inet6 fe80::5054:ff:fe12:3456/64 scope link"), ip6);
            assertTrue(ip6.contains("    inet6 ::1/128 scope host") && !ip6.contains("inet 10.0.2.15"), ip6);
            String ifc = c.type("ifconfig eth0");
            assertTrue(ifc.contains("        inet6 fec0::5054:ff:fe12:3456  prefixlen 64  scopeid 0x0<global>"), ifc);
            assertTrue(ifc.contains("        inet6 fe80::5054:ff:fe12:3456  prefixlen 64  scopeid 0x20<link>"), ifc);
            String ping = c.type("ping -c 2 fec0::2");
            assertTrue(ping.contains("PING fec0::2 (fec0::2) 56 data bytes"), ping);
            assertTrue(ping.contains("64 bytes from fec0::2: icmp_seq=1 time="), ping);
            assertTrue(ping.contains("2 packets transmitted, 2 received, 0% packet loss"), ping);
            String ll = c.type("ping -c 1 fe80::2%eth0");
            assertTrue(ll.contains("64 bytes from fe80::2: icmp_seq=1 time="), "link-local with a scope: " + ll);
            String noScope = c.type("ping -c 1 -W 1 2001:db8::1; echo status=$?");
            assertTrue(noScope.contains("64 bytes") == false && noScope.contains("status=1"), "off-link via the default router, nobody answers: " + noScope);
            m.stop();
        }

        boolean have = NetBootTest.Tools.onPath("tshark");
        if ("1".equals(System.getenv("MULTIOS_REQUIRE_ORACLES"))) assertTrue(have, "tshark is required (MULTIOS_REQUIRE_ORACLES=1)");
        assumeTrue(have, "tshark not installed");
        String summary = NetCaptureTsharkTest.tshark(pcap, "-Y", "icmpv6", "-T", "fields", "-e", "ipv6.src", "-e", "ipv6.dst", "-e", "_ws.col.Info");
        // the gateway advertises on the guest's first IPv6 frame (its DAD probe), so the guest may never need to solicit
        assertTrue(summary.contains("::\tff02::1:ff12:3456\tNeighbor Solicitation for fe80::5054:ff:fe12:3456"), "DAD of the link-local address: " + summary);
        assertTrue(summary.contains("Router Advertisement from 52:55:0a:00:02:02"), summary);
        assertTrue(summary.contains("Neighbor Solicitation for fec0::5054:ff:fe12:3456"), "DAD of the SLAAC address: " + summary);
        String bad = NetCaptureTsharkTest.tshark(pcap, "-Y", "_ws.malformed || _ws.expert.severity >= 0x800000 || icmpv6.checksum.status == 0",
                "-T", "fields", "-e", "frame.number", "-e", "_ws.col.Info");
        assertEquals("", bad.strip(), "malformed packets or bad ICMPv6 checksums");
        long good = NetCaptureTsharkTest.count(pcap, "icmpv6.checksum.status == 1"), all = NetCaptureTsharkTest.count(pcap, "icmpv6");
        assertTrue(summary.contains("Echo (ping) reply"), summary);
        assertTrue(good >= 8 && good == all, "ICMPv6 checksums verified good: " + good + " of " + all);
        System.out.printf("Ipv6BootTest: %d ICMPv6 messages, all checksums verified good by tshark%n", good);
    }
}
