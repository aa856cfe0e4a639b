package org.multios.boards.arm64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.multios.boards.Firmware;
import org.multios.devices.block.DiskSpec;
import org.multios.devices.console.MemoryConsole;

/**
 * Acceptance: Debian's U-Boot for QEMU's arm64 virt machine ({@code u-boot-qemu},
 * qemu_arm64/u-boot.bin as {@code --bios}) reaches its prompt on arm64-virt and its own
 * drivers work against our devices: PL011 console, CFI flash, PCIe ECAM, NVMe, the device
 * tree, PSCI power-off. Skipped without the package, failed when MULTIOS_REQUIRE_ORACLES=1.
 */
@Timeout(value = 900, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class Arm64VirtFirmwareTest {
    static final Path UBOOT = Path.of("/usr/lib/u-boot/qemu_arm64/u-boot.bin");
    static final long WAIT_MS = 240_000;

    static void requireUBoot() {
        boolean present = Files.isRegularFile(UBOOT);
        if ("1".equals(System.getenv("MULTIOS_REQUIRE_ORACLES"))) {
            assertTrue(present, UBOOT + " is required (MULTIOS_REQUIRE_ORACLES=1); install u-boot-qemu");
        }
        assumeTrue(present, UBOOT + " not installed");
    }

    /** A board running in its own thread, driven through an in-memory console. */
    static final class Session implements AutoCloseable {
        final MemoryConsole console = new MemoryConsole();
        final Arm64VirtBoard board;
        final Thread runner;
        final AtomicInteger status = new AtomicInteger(-1);
        volatile Throwable failure;

        Session(Arm64VirtConfig cfg) throws Exception {
            board = Arm64VirtBoard.create(cfg.console(console));
            runner = Thread.ofPlatform().name("guest").start(() -> {
                try {
                    status.set(board.run());
                } catch (Throwable t) {
                    failure = t;
                }
            });
        }

        String expect(String text) throws InterruptedException {
            String before = console.readUntil(text, WAIT_MS, () -> !runner.isAlive());
            if (before == null) {
                var cpu = board.cpus().get(0);
                fail("no '" + text + "' on the console (machine " + (runner.isAlive() ? "running" : "stopped: "
                        + board.machine().stopReason() + (failure != null ? ", " + failure : ""))
                        + String.format(", pc=%x esr=%x elr=%x", cpu.pc, cpu.sysregs.esrEl1, cpu.sysregs.elrEl1)
                        + ") after:\n" + tail(console.output()));
            }
            return before;
        }

        void type(String text) { console.send(text); }

        String command(String cmd) throws InterruptedException {
            type(cmd + "\n");
            expect(cmd);
            return expect("=> ");
        }

        void toPrompt() throws InterruptedException {
            expect("U-Boot 20");
            expect("Hit any key to stop autoboot");
            type(" ");
            expect("=> ");
        }

        @Override
        public void close() throws Exception {
            board.stop(0, "test finished");
            runner.join(30_000);
            board.close();
        }

        static String tail(String s) { return s.length() > 3000 ? s.substring(s.length() - 3000) : s; }
    }

    static Arm64VirtConfig uboot() { return new Arm64VirtConfig().bios(new Firmware.File(UBOOT)); }

    @Test
    void uBootReachesItsPromptAndAnswersVersionBdinfoAndFdtPrint() throws Exception {
        requireUBoot();
        try (Session s = new Session(uboot())) {
            s.expect("U-Boot 20");
            s.expect("DRAM:  128 MiB");
            s.expect("Flash: ");
            s.expect("In:    pl011@9000000");
            s.expect("Hit any key to stop autoboot");
            s.type(" ");
            s.expect("=> ");

            String version = s.command("version");
            assertTrue(version.contains("U-Boot 20"), version);
            assertTrue(version.contains("aarch64-linux-gnu-gcc"), version);

            String bdinfo = s.command("bdinfo");
            assertTrue(bdinfo.matches("(?s).*start\\s*=\\s*0x0*40000000.*"), bdinfo);
            assertTrue(bdinfo.matches("(?s).*size\\s*=\\s*0x0*8000000.*"), bdinfo);
            assertTrue(bdinfo.contains("fdt_blob"), bdinfo);

            s.command("fdt addr 40000000");
            String fdt = s.command("fdt print /");
            for (String node : new String[] {"compatible = \"linux,dummy-virt\"", "pl011@9000000", "pl031@9010000",
                    "compatible = \"arm,gic-v3\"", "pcie@10000000", "compatible = \"pci-host-ecam-generic\"",
                    "method = \"hvc\"", "compatible = \"arm,armv8-timer\", \"arm,armv7-timer\"", "compatible = \"cfi-flash\"",
                    "compatible = \"arm,cortex-a57\""}) {
                assertTrue(fdt.contains(node), "fdt print / lacks " + node + ":\n" + fdt);
            }
        }
    }

    @Test
    void uBootFindsTheNvmeDiskOnPci(@TempDir Path dir) throws Exception {
        requireUBoot();
        Path img = dir.resolve("disk.img");
        byte[] data = new byte[1 << 20];
        byte[] mark = "MULTIOS-ARM64-NVME".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        System.arraycopy(mark, 0, data, 512, mark.length); // LBA 1
        Files.write(img, data);
        try (Session s = new Session(uboot().disk(DiskSpec.parse(img + ",readonly")))) {
            s.toPrompt();
            String pci = s.command("pci");
            assertTrue(pci.matches("(?s).*00\\.00\\.00\\s+0x1b36\\s+0x0008\\s+Bridge device.*"), pci);
            assertTrue(pci.matches("(?s).*00\\.01\\.00\\s+0x1b36\\s+0x0010\\s+Mass storage controller\\s+0x08.*"), pci);
            s.command("nvme scan");
            String info = s.command("nvme info");
            assertTrue(info.contains("Capacity: 1.0 MB"), info);
            s.command("nvme read 40100000 1 1");
            String md = s.command("md.b 40100000 12");
            assertTrue(md.contains("MULTIOS-ARM64-NV"), md);
        }
    }

    /** Issue 7, Must show 2: U-Boot's own tpm_tis_mmio driver talks to our TPM 2.0 engine. */
    @Test
    void uBootDrivesTheTpmThroughTis() throws Exception {
        requireUBoot();
        try (Session s = new Session(uboot().tpm(null))) {
            s.toPrompt();
            String dev = s.command("tpm2 info");
            assertTrue(dev.contains("tpm_tis@c000000 v2.0"), dev);
            String startup = s.command("tpm2 startup TPM2_SU_CLEAR");
            assertTrue(!startup.toLowerCase(java.util.Locale.ROOT).contains("error"), startup);
            String pcr = s.command("tpm2 pcr_read 0 40100000");
            assertTrue(pcr.contains("PCR #0"), pcr);
            String md = s.command("md.b 40100000 20");
            // After TPM2_Startup(CLEAR) PCR 0 of the SHA-256 bank is all zeroes.
            assertTrue(md.contains("40100000: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"), md);
            assertTrue(md.contains("40100010: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"), md);
            // U-Boot 2023.01's `tpm2 pcr_extend` reaches the TPM (the update counter moves by one) but the
            // SHA-256 PCR it then displays stays zero: QEMU 7.2 with swtpm behind tpm-tis-device shows
            // exactly the same (checked by hand), so the assertion is on what the reference shows.
            s.command("mw.b 40200000 11 20");
            String ext = s.command("tpm2 pcr_extend 0 40200000");
            assertTrue(!ext.contains("Error"), ext);
            String read = s.command("tpm2 pcr_read 0 40100000");
            assertTrue(read.contains("PCR #0 content (1 known updates)"), read);
        }
    }

    @Test
    void uBootPoweroffIsPsciSystemOff() throws Exception {
        requireUBoot();
        try (Session s = new Session(uboot())) {
            s.toPrompt();
            s.type("poweroff\n");
            s.runner.join(WAIT_MS);
            assertTrue(!s.runner.isAlive(), "machine still running after poweroff");
            assertTrue(s.board.stoppedByGuest(), s.board.machine().stopReason());
            assertEquals(0, s.status.get());
        }
    }
}
