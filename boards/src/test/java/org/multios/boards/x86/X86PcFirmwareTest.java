package org.multios.boards.x86;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.multios.boards.Firmware;
import org.multios.devices.block.DiskSpec;
import org.multios.devices.console.MemoryConsole;

/**
 * Acceptance: Debian's U-Boot ROM for QEMU's x86_64 PC starts at the reset vector in real
 * mode, goes through 32-bit SPL to 64-bit U-Boot and answers at its prompt on COM1. Needs
 * the {@code u-boot-qemu} package (skipped without it, failed when MULTIOS_REQUIRE_ORACLES=1).
 */
@Timeout(value = 900, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class X86PcFirmwareTest {
    static final Path UBOOT_ROM = X86PcConfig.DEBIAN_UBOOT;
    static final long WAIT_MS = 300_000;

    static void requireRom() {
        boolean present = Files.isRegularFile(UBOOT_ROM);
        if ("1".equals(System.getenv("MULTIOS_REQUIRE_ORACLES"))) {
            assertTrue(present, UBOOT_ROM + " is required (MULTIOS_REQUIRE_ORACLES=1); install u-boot-qemu");
        }
        assumeTrue(present, UBOOT_ROM + " not installed");
    }

    static final class Session implements AutoCloseable {
        final MemoryConsole console = new MemoryConsole();
        final X86PcBoard board;
        final Thread runner;
        volatile Throwable failure;

        Session(X86PcConfig cfg) throws Exception {
            board = X86PcBoard.create(cfg.console(console));
            runner = Thread.ofPlatform().name("guest").start(() -> {
                try {
                    board.run();
                } catch (Throwable t) {
                    failure = t;
                }
            });
        }

        String expect(String text) throws InterruptedException {
            String before = console.readUntil(text, WAIT_MS, () -> !runner.isAlive());
            if (before == null) {
                fail("no '" + text + "' on the console (machine " + (runner.isAlive() ? "running" : "stopped: "
                        + board.machine().stopReason() + (failure != null ? ", " + failure : "")) + ") after:\n"
                        + tail(console.output()) + String.format("%nCPU at %x:%x", board.cpu().seg[1].selector, board.cpu().rip));
            }
            return before;
        }

        String command(String cmd) throws InterruptedException {
            console.send(cmd + "\n");
            expect(cmd);
            return expect("=> ");
        }

        @Override
        public void close() throws Exception {
            board.stop(0, "test finished");
            runner.join(30_000);
            board.close();
        }

        static String tail(String s) { return s.length() > 3000 ? s.substring(s.length() - 3000) : s; }
    }

    @Test
    void uBootRomGoesFromResetVectorTo64BitPromptListsPciAndReadsNvme(@TempDir Path dir) throws Exception {
        requireRom();
        Path img = dir.resolve("disk.img");
        byte[] disk = new byte[1 << 20];
        System.arraycopy("MULTIOS!".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, disk, 0, 8);
        Files.write(img, disk);
        try (Session s = new Session(new X86PcConfig().bios(new Firmware.File(UBOOT_ROM))
                .disk(DiskSpec.parse(img + ",readonly")))) {
            s.expect("U-Boot SPL 20");
            s.expect("Jumping to 64-bit U-Boot");
            s.expect("U-Boot 20");
            s.expect("CPU:   MultiOS emulated x86-64 CPU");
            s.expect("DRAM:  128 MiB");
            s.expect("Model: QEMU x86 (I440FX)");
            s.expect("Hit any key to stop autoboot");
            s.console.send(" ");
            s.expect("=> ");
            assertTrue(s.board.cpu().codeBits == 64, "U-Boot proper runs in 64-bit mode");

            String version = s.command("version");
            assertTrue(version.contains("U-Boot 20"), version);

            String pci = s.command("pci");
            assertTrue(pci.matches("(?s).*00\\.00\\.00\\s+0x1b36\\s+0x0008\\s+Bridge device.*"), pci);
            assertTrue(pci.matches("(?s).*00\\.01\\.00\\s+0x8086\\s+0x7000\\s+Bridge device.*"), pci);
            assertTrue(pci.matches("(?s).*00\\.02\\.00\\s+0x1b36\\s+0x0010\\s+Mass storage controller.*"), pci);

            s.command("nvme scan");
            String info = s.command("nvme info");
            assertTrue(info.contains("Capacity: 1.0 MB") && info.contains("2048 x 512"), info);
            String read = s.command("nvme read 1000000 0 1");
            assertTrue(read.contains("1 blocks read: OK"), read);
            String dump = s.command("md.b 1000000 8");
            assertTrue(dump.contains("4d 55 4c 54 49 4f 53 21"), dump);
        }
    }
}
