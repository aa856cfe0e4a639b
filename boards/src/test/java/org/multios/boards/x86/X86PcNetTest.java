package org.multios.boards.x86;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.multios.boards.Firmware;
import org.multios.devices.net.NetSpec;

/**
 * Acceptance (issue 8, must show 1) on x86_64-pc: Debian's qemu-x86_64 U-Boot finds our
 * virtio-net on PCI (its INTx routed through the PIIX3 PIRQ registers), gets 10.0.2.15 by DHCP,
 * pings the gateway and loads a file over TFTP byte-exact (U-Boot's crc32 equals the host's).
 */
@Timeout(value = 900, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class X86PcNetTest {
    @Test
    void uBootDhcpPingAndTftpOverVirtioNet(@TempDir Path dir) throws Exception {
        X86PcFirmwareTest.requireRom();
        byte[] file = new byte[200_000];
        new Random(7).nextBytes(file);
        Files.write(dir.resolve("payload.bin"), file);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(file);
        try (X86PcFirmwareTest.Session s = new X86PcFirmwareTest.Session(new X86PcConfig()
                .bios(new Firmware.File(X86PcFirmwareTest.UBOOT_ROM)).net(NetSpec.parse("user").withTftp(dir)))) {
            s.expect("Hit any key to stop autoboot");
            s.console.send(" ");
            s.expect("=> ");
            String pci = s.command("pci");
            assertTrue(pci.matches("(?s).*0x1af4\\s+0x1041\\s+Network controller.*"), pci);
            s.command("virtio scan");
            s.command("setenv autoload no");
            String dhcp = s.command("dhcp");
            assertTrue(dhcp.contains("DHCP client bound to address 10.0.2.15"), X86PcFirmwareTest.Session.tail(s.console.output()));
            String ping = s.command("ping 10.0.2.2");
            assertTrue(ping.contains("host 10.0.2.2 is alive"), ping);
            String tftp = s.command("tftpboot 0x1000000 payload.bin");
            assertTrue(tftp.contains("Bytes transferred = " + file.length), tftp);
            String crcCmd = "crc32 0x1000000 " + Integer.toHexString(file.length);
            s.console.send(crcCmd + "\n");
            s.expect(crcCmd);
            s.expect("==> ");
            assertEquals(String.format("%08x", crc.getValue()), s.expect("=> ").trim(), "crc32 of the loaded bytes");
        }
    }
}
