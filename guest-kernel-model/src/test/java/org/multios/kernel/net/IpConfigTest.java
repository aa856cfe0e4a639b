package org.multios.kernel.net;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

class IpConfigTest {
    @Test
    void formsOfIp() {
        assertEquals(IpConfig.Mode.DEFAULT, IpConfig.parse("root=/dev/nvme0n1p2 console=ttyS0").mode());
        assertEquals(IpConfig.Mode.DHCP, IpConfig.parse("console=ttyS0 ip=dhcp").mode());
        assertEquals(IpConfig.Mode.OFF, IpConfig.parse("ip=dhcp ip=off").mode(), "the last ip= wins");
        assertEquals(IpConfig.Mode.DEFAULT, IpConfig.parse("console=ttyS0 -- ip=10.0.0.1/8").mode(), "words after -- are init's");

        IpConfig s = IpConfig.parse("ip=10.0.3.1/24");
        assertEquals(IpConfig.Mode.STATIC, s.mode());
        assertEquals("10.0.3.1", Ip4.str(s.address()));
        assertEquals(24, s.prefix());
        assertEquals(0, s.gateway());
        IpConfig g = IpConfig.parse("ip=192.168.7.9/16:192.168.0.1");
        assertEquals(16, g.prefix());
        assertEquals("192.168.0.1", Ip4.str(g.gateway()));

        IpConfig linux = IpConfig.parse("ip=10.1.2.3::10.1.2.1:255.255.255.0:box:eth0:off");
        assertEquals(IpConfig.Mode.STATIC, linux.mode());
        assertEquals(24, linux.prefix());
        assertEquals("10.1.2.1", Ip4.str(linux.gateway()));
        assertEquals("eth0", linux.device());
        assertEquals(List.of(), linux.nameservers());
        IpConfig withDns = IpConfig.parse("ip=10.1.2.3::10.1.2.1:255.255.255.0:box:eth0:off:10.1.2.53:10.1.2.54");
        assertEquals(List.of(0x0a010235, 0x0a010236), withDns.nameservers());
        assertEquals(IpConfig.Mode.DHCP, IpConfig.parse("ip=:::::eth0:dhcp").mode());
        assertEquals(8, IpConfig.parse("ip=10.9.9.9").prefix(), "no netmask: classful");
    }

    @Test
    void badValuesAreReportedAndConfigureNothing() {
        for (String bad : new String[] {"ip=10.0.3.1/33", "ip=10.0.3/24", "ip=300.1.1.1/8", "ip=10.0.0.1/8:gw", "ip=1.2.3.4::1.2.3.1:255.0.255.0",
                "ip=1.2.3.4/x", "ip=banana", "ip=1.2.3.4::1.2.3.1:255.255.255.0:h:eth0:off:dns"}) {
            IpConfig c = IpConfig.parse(bad);
            assertEquals(IpConfig.Mode.OFF, c.mode(), bad);
            assertNotNull(c.error(), bad);
            assertTrue(c.error().startsWith(bad + ":"), c.error());
        }
    }
}
