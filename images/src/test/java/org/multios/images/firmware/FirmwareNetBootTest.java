package org.multios.images.firmware;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Network boot of the riscv64 boot chain (docs/firmware.md "Network boot"): stage 1 drives the
 * virtio-net function, gets a lease by DHCP from the user back end and loads stage 2 over TFTP;
 * stage 2 loads multios.cfg, the kernel and the initrd over TFTP from the same directory. The
 * native-call handler of {@link BootRun} stands in for the kernel and the BootInfo record is
 * checked against the served files. Failures (no such boot file, no boot file in the lease)
 * end in one stage-1 error line and a halted machine. The same TFTP directory under
 * {@code qemu-system-riscv64 -netdev user,tftp=DIR,bootfile=stage2.bin -device virtio-net-pci}
 * prints the same stage lines (QEMU's NIC is the transitional 1af4:1000 with other BARs, and
 * slirp caps the block size at 1428, so PCI lines and block counts are masked).
 */
class FirmwareNetBootTest {
    static final String CFG = """
            timeout 0
            default 0
            entry MultiOS (network)
                kernel  kernel.elf
                initrd  initrd.cpio
                cmdline console=ttyS0 from=tftp
            """;

    static byte[] initrd() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("init", "#!/bin/sh\necho net\n".getBytes(StandardCharsets.UTF_8));
        byte[] big = new byte[300_000];   // > 200 TFTP blocks
        for (int i = 0; i < big.length; i++) big[i] = (byte) (i * 7 + (i >> 11));
        m.put("data.bin", big);
        return BootDisk.cpio(m);
    }

    /** A TFTP directory as `image export-tftp` lays it out, with a test menu and initrd. */
    static Path tftpDir(Path dir, byte[] initrd) throws Exception {
        Path t = Files.createDirectories(dir.resolve("tftp"));
        Files.write(t.resolve("stage2.bin"), BootDisk.resource("stage2.bin"));
        Files.write(t.resolve("kernel.elf"), BootDisk.resource("kernel.elf"));
        Files.writeString(t.resolve("multios.cfg"), CFG);
        Files.write(t.resolve("initrd.cpio"), initrd);
        return t;
    }

    @Test
    void bootsFromTheNetworkWithoutADisk(@TempDir Path dir) throws Exception {
        byte[] initrd = initrd();
        Path t = tftpDir(dir, initrd);
        try (BootRun run = BootRun.network(dir, null, "user,tftp=" + t + ",bootfile=stage2.bin", "net")) {
            assertTrue(run.awaitStop(120_000), "no kernel entry within 120 s:\n" + run.output());
            String out = run.output();
            assertTrue(run.kernelEntered, out);
            for (String line : List.of(
                    "stage1: boot device: network (/chosen/multios,boot-device)",
                    "stage1: virtio-net: 00:",
                    "stage1: dhcp: OFFER of 10.0.2.15 from 10.0.2.2",
                    "stage1: dhcp: ACK: address 10.0.2.15/24, router 10.0.2.2, boot server 10.0.2.2, boot file 'stage2.bin'",
                    "stage1: tftp: 'stage2.bin' from 10.0.2.2: " + BootDisk.resource("stage2.bin").length + " bytes in ",
                    "stage1: loaded stage2.bin (" + BootDisk.resource("stage2.bin").length + " bytes) at 80200000",
                    "stage2: network boot: address 10.0.2.15, files from tftp://10.0.2.2/",
                    "stage2: multios.cfg: 1 entry, default entry 1, timeout 0 s",
                    "stage2: tftp: 'initrd.cpio' from 10.0.2.2: " + initrd.length + " bytes in " + (initrd.length / 1468 + 1) + " blocks of 1468",
                    "stage2: loaded kernel kernel.elf: 1 segment at 80400000-",
                    "stage2: command line: console=ttyS0 from=tftp")) {
                assertTrue(out.contains(line), "missing '" + line + "' in:\n" + out);
            }
            assertFalse(out.contains("nvme"), "no disk was touched:\n" + out);
            ByteBuffer h = ByteBuffer.wrap(run.memory(run.a0, 112)).order(ByteOrder.LITTLE_ENDIAN);
            long initrdPa = h.getLong(24), initrdSize = h.getLong(32);
            assertEquals(initrd.length, initrdSize, "BootInfo initrd size");
            assertArrayEquals(initrd, run.memory(initrdPa, initrd.length), "initrd byte-exact after TFTP");
            assertEquals(0, h.getLong(96) | h.getLong(104), "no boot partition GUID after a network boot");
            byte[] k = BootDisk.resource("kernel.elf");
            assertEquals(0x0020000b, ByteBuffer.wrap(run.memory(0x8040_0000L, 4)).order(ByteOrder.LITTLE_ENDIAN).getInt(),
                    "the kernel stub's native call at its entry (" + k.length + "-byte ELF)");
        }
    }

    @Test
    void bootsFromTheNetworkThroughALossyDuplicatingReorderingLink(@TempDir Path dir) throws Exception {
        byte[] initrd = initrd();
        Path t = tftpDir(dir, initrd);
        // FaultyLink (docs/network.md): DHCP, ARP and TFTP must recover by their retries alone.
        try (BootRun run = BootRun.network(dir, null, "user,tftp=" + t + ",bootfile=stage2.bin,loss=0.05,dup=0.05,reorder=0.05,seed=4", "net")) {
            assertTrue(run.awaitStop(120_000), "no kernel entry within 120 s:\n" + run.output());
            assertTrue(run.kernelEntered, run.output());
            ByteBuffer h = ByteBuffer.wrap(run.memory(run.a0, 112)).order(ByteOrder.LITTLE_ENDIAN);
            assertArrayEquals(initrd, run.memory(h.getLong(24), initrd.length), "initrd byte-exact through the faulty link");
            assertTrue(run.output().contains("stage2: tftp: 'initrd.cpio' from 10.0.2.2: " + initrd.length + " bytes in "
                    + (initrd.length / 1468 + 1) + " blocks of 1468"), "every block once, no duplicates counted:\n" + run.output());
        }
    }

    @Test
    void bootsFromTheNetworkPastADiskWithoutBootPartition(@TempDir Path dir) throws Exception {
        Path t = tftpDir(dir, initrd());
        Path blank = dir.resolve("blank.img");
        Files.write(blank, new byte[1 << 20]);   // no GPT at all
        try (BootRun run = BootRun.network(dir, blank, "user,tftp=" + t + ",bootfile=stage2.bin", "net")) {
            assertTrue(run.awaitStop(120_000), run.output());
            assertTrue(run.kernelEntered, run.output());
            assertFalse(run.output().contains("gpt"), run.output());
        }
    }

    @Test
    void aMissingBootFileIsAStage1Error(@TempDir Path dir) throws Exception {
        Path t = tftpDir(dir, initrd());
        try (BootRun run = BootRun.network(dir, null, "user,tftp=" + t + ",bootfile=nosuch.bin", "net")) {
            assertTrue(run.awaitStop(120_000), "a halted firmware stops the machine:\n" + run.output());
            String out = run.output();
            assertFalse(run.kernelEntered, out);
            assertTrue(out.contains("stage1: error: tftp: 10.0.2.2 refused 'nosuch.bin': file not found (error 1)\n"), out);
            assertTrue(out.strip().endsWith("stage1: halted"), out);
            assertFalse(out.contains("stage2:"), out);
        }
    }

    @Test
    void aLeaseWithoutBootFileIsAStage1Error(@TempDir Path dir) throws Exception {
        Path t = tftpDir(dir, initrd());
        try (BootRun run = BootRun.network(dir, null, "user,tftp=" + t, "net")) {
            assertTrue(run.awaitStop(120_000), run.output());
            String out = run.output();
            assertTrue(out.contains("stage1: error: dhcp: the server named no boot file (option 67 / 'file'): nothing to load\n"), out);
        }
    }

    @Test
    void aNetworkWithoutTftpServerIsAStage1Error(@TempDir Path dir) throws Exception {
        // user back end without --tftp: the gateway answers DHCP but has no TFTP service.
        try (BootRun run = BootRun.network(dir, null, "user,bootfile=stage2.bin", "net")) {
            assertTrue(run.awaitStop(120_000), run.output());
            String out = run.output();
            assertTrue(out.contains("stage1: error: tftp: "), out);
            assertFalse(run.kernelEntered, out);
        }
    }

    static List<String> normalize(String console, String last) {
        return FirmwareQemuDifferentialTest.normalize(console, last).stream()
                .filter(l -> !l.contains(" pci ") && !l.contains("pci: ECAM"))
                .map(l -> l.replaceFirst("virtio-net: 00:..\\..", "virtio-net: 00:SS.F"))
                .map(l -> l.replaceFirst(" in \\d+ blocks of \\d+$", " in N blocks of B"))
                .toList();
    }

    @Test
    void qemuPrintsTheSameStageLines(@TempDir Path dir) throws Exception {
        byte[] initrd = initrd();
        Path t = tftpDir(dir, initrd);
        String ours;
        try (BootRun run = BootRun.network(dir, null, "user,tftp=" + t + ",bootfile=stage2.bin", null)) {
            assertTrue(run.awaitStop(120_000), run.output());
            assertTrue(run.kernelEntered, run.output());
            ours = run.output();
        }
        assertTrue(ours.contains("stage1: boot device: network (no NVMe controller, a virtio-net function)"), ours);

        Path qemu = FirmwareQemuDifferentialTest.QEMU;
        if ("1".equals(System.getenv("MULTIOS_REQUIRE_ORACLES")))
            assertTrue(Files.isExecutable(qemu), "qemu-system-riscv64 is required (MULTIOS_REQUIRE_ORACLES=1)");
        assumeTrue(Files.isExecutable(qemu), "qemu-system-riscv64 not installed");
        Process p = new ProcessBuilder(qemu.toString(), "-M", "virt", "-bios", BootRun.stage1(dir).toString(), "-nographic",
                "-monitor", "none", "-serial", "stdio", "-netdev", "user,id=n0,tftp=" + t + ",bootfile=stage2.bin",
                "-device", "virtio-net-pci,netdev=n0").redirectErrorStream(true).start();
        p.getOutputStream().close();
        String theirs = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("QEMU did not power off within 60 s:\n" + theirs);
        }
        String handoff = FirmwareQemuDifferentialTest.HANDOFF;
        assertEquals(normalize(theirs, handoff), normalize(ours, handoff), "stage lines differ between QEMU and riscv64-virt");
        String q = theirs.replace("\r\n", "\n");
        assertTrue(q.contains("stage2: the kernel entry stub needs the MultiOS emulator"), q);
        assertTrue(q.contains(initrd.length + " bytes"), "QEMU loaded the same initrd:\n" + q);
    }
}
