package org.multios.boards.riscv;

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
 * Acceptance (issue 8, must show 1): Debian's U-Boot finds our virtio-net function on
 * PCI, gets 10.0.2.15 from the user back end's DHCP server, pings the gateway and
 * loads a file over TFTP byte-exact (U-Boot's own crc32 of the loaded bytes equals
 * the host's). Same requirements as {@link RiscvVirtFirmwareTest}.
 */
@Timeout(value = 900, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RiscvVirtNetTest {
    @Test
    void uBootDhcpPingAndTftpOverVirtioNet(@TempDir Path dir) throws Exception {
        RiscvVirtFirmwareTest.requireFiles(RiscvVirtFirmwareTest.UBOOT_M);
        byte[] file = new byte[300_000];
        new Random(42).nextBytes(file);
        Files.write(dir.resolve("payload.bin"), file);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(file);
        String expectCrc = String.format("%08x", crc.getValue());
        NetSpec net = NetSpec.parse("user").withTftp(dir);
        try (RiscvVirtFirmwareTest.Session s = new RiscvVirtFirmwareTest.Session(new RiscvVirtConfig()
                .bios(new Firmware.None()).kernel(RiscvVirtFirmwareTest.UBOOT_M).net(net))) {
            s.expect("Hit any key to stop autoboot");
            s.type(" ");
            s.expect("=> ");
            s.command("pci enum");
            String pci = s.command("pci");
            assertTrue(pci.matches("(?s).*00\\.0[12]\\.00\\s+0x1af4\\s+0x1041\\s+Network controller.*"), pci);
            s.command("virtio scan");
            String tree = s.command("dm tree"); // `virtio info` lists block devices only; the driver model shows the NIC
            assertTrue(tree.matches("(?s).*virtio-pci\\.m#0.*ethernet\\s+\\d+\\s+\\[ \\+ \\]\\s+virtio-net.*"), tree);
            s.command("setenv autoload no");
            String dhcp = s.command("dhcp");
            assertTrue(dhcp.contains("DHCP client bound to address 10.0.2.15"), RiscvVirtFirmwareTest.Session.tail(s.console.output()));
            String ping = s.command("ping 10.0.2.2");
            assertTrue(ping.contains("host 10.0.2.2 is alive"), ping);
            String tftp = s.command("tftpboot 0x84000000 payload.bin");
            assertTrue(tftp.contains("Bytes transferred = " + file.length), tftp);
            // crc32 prints "... ==> CRC": its "==> " would end command() early, so read it in two steps.
            String crcCmd = "crc32 0x84000000 " + Integer.toHexString(file.length);
            s.type(crcCmd + "\n");
            s.expect(crcCmd);
            s.expect("==> ");
            String crcOut = s.expect("=> ");
            assertEquals(expectCrc, crcOut.trim(), "crc32 of the loaded bytes");
        }
    }

    /** The reference: QEMU's virt machine with its user network and virtio-net-pci answers the same commands the same way. */
    @Test
    void qemuGivesTheSameAnswers(@TempDir Path dir) throws Exception {
        RiscvVirtFirmwareTest.requireFiles(RiscvVirtFirmwareTest.UBOOT_M);
        boolean haveQemu = java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(d -> Files.isExecutable(Path.of(d, "qemu-system-riscv64")));
        if ("1".equals(System.getenv("MULTIOS_REQUIRE_ORACLES"))) assertTrue(haveQemu, "qemu-system-riscv64 is required");
        org.junit.jupiter.api.Assumptions.assumeTrue(haveQemu, "qemu-system-riscv64 not installed");
        byte[] file = new byte[300_000];
        new Random(42).nextBytes(file);
        Files.write(dir.resolve("payload.bin"), file);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(file);
        Process q = new ProcessBuilder("qemu-system-riscv64", "-M", "virt", "-nographic", "-bios", "none",
                "-kernel", RiscvVirtFirmwareTest.UBOOT_M.toString(), "-netdev", "user,id=n,tftp=" + dir,
                "-device", "virtio-net-pci,netdev=n").redirectErrorStream(true).start();
        StringBuffer out = new StringBuffer();
        Thread reader = Thread.ofVirtual().start(() -> {
            try (var in = q.getInputStream()) {
                int c;
                while ((c = in.read()) >= 0) out.append((char) c);
            } catch (java.io.IOException ignored) {}
        });
        try {
            var stdin = q.getOutputStream();
            waitFor(out, "Hit any key", 0);
            stdin.write(' ');
            stdin.flush();
            String[] cmds = {"pci enum", "virtio scan", "setenv autoload no", "dhcp", "ping 10.0.2.2",
                    "tftpboot 0x84000000 payload.bin", "crc32 0x84000000 " + Integer.toHexString(file.length), "echo done"};
            int from = waitFor(out, "=> ", 0);
            for (String c : cmds) {
                stdin.write((c + "\n").getBytes());
                stdin.flush();
                from = waitFor(out, "=> ", waitFor(out, c, from) + c.length());
            }
            String t = out.toString();
            assertTrue(t.contains("DHCP client bound to address 10.0.2.15"), t);
            assertTrue(t.contains("host 10.0.2.2 is alive"), t);
            assertTrue(t.contains("Bytes transferred = " + file.length), t);
            assertTrue(t.contains("==> " + String.format("%08x", crc.getValue())), t);
        } finally {
            q.destroyForcibly();
            q.waitFor();
            reader.join(5000);
        }
    }

    /** Waits until {@code text} appears at or after {@code from}; returns its index. */
    private static int waitFor(StringBuffer out, String text, int from) throws InterruptedException {
        long end = System.currentTimeMillis() + RiscvVirtFirmwareTest.WAIT_MS;
        while (System.currentTimeMillis() < end) {
            int i = out.indexOf(text, from);
            if (i >= 0) return i;
            Thread.sleep(20);
        }
        throw new AssertionError("QEMU never printed '" + text + "':\n" + out);
    }
}
