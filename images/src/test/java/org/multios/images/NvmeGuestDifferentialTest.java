package org.multios.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multios.boards.Firmware;
import org.multios.boards.riscv.RiscvVirtBoard;
import org.multios.boards.riscv.RiscvVirtConfig;
import org.multios.devices.block.DiskSpec;
import org.multios.devices.console.MemoryConsole;

/**
 * Issue 3, Must show 2: our bare-metal NVMe driver (images/guest/riscv64/nvme, built by its
 * build.sh into test resources) finds the controller by ECAM, brings it up, creates three I/O
 * queue pairs, writes, flushes and reads back patterns through PRP lists on each, issues Write
 * Zeroes and two failing commands, and shuts the controller down. The console must equal what
 * the same ELF printed under {@code qemu-system-riscv64 -device nvme} (recorded), and, when QEMU
 * is installed, the disk images both emulators leave behind must be byte-identical.
 */
class NvmeGuestDifferentialTest {
    static final int DISK_BYTES = 1 << 20;

    static byte[] resource(String name) throws Exception {
        try (InputStream in = NvmeGuestDifferentialTest.class.getResourceAsStream("/org/multios/images/nvme/" + name)) {
            if (in == null) throw new AssertionError("missing test resource " + name);
            return in.readAllBytes();
        }
    }

    static String runOnBoard(Path elf, Path disk) throws Exception {
        MemoryConsole console = new MemoryConsole();
        RiscvVirtConfig cfg = new RiscvVirtConfig().bios(new Firmware.None()).kernel(elf).console(console)
                .disk(DiskSpec.parse(disk.toString())).maxInstructions(500_000_000L);
        try (RiscvVirtBoard board = RiscvVirtBoard.create(cfg)) {
            int[] status = {-1};
            Thread runner = Thread.ofPlatform().name("guest-nvme").start(() -> status[0] = board.run());
            runner.join(TimeUnit.SECONDS.toMillis(120));
            if (runner.isAlive()) {
                board.stop(124, "wall-clock limit");
                runner.join(10_000);
            }
            assertTrue(board.stoppedByGuest(), () -> "guest did not finish: " + board.machine().stopReason()
                    + "\n" + console.output());
            assertEquals(0, status[0], console::output);
        }
        return console.output();
    }

    @Test
    void driverOutputAndDiskEqualQemus(@TempDir Path dir) throws Exception {
        Path elf = dir.resolve("nvme.elf");
        Files.write(elf, resource("nvme.elf"));
        String expected = new String(resource("nvme.expected"), StandardCharsets.UTF_8).replace("\r\n", "\n");
        Path ours = dir.resolve("ours.img");
        Files.write(ours, new byte[DISK_BYTES]);

        String console = runOnBoard(elf, ours);
        assertEquals(expected, console.replace("\r\n", "\n"), "console differs from QEMU's recording");
        byte[] disk = Files.readAllBytes(ours);
        assertTrue(disk.length == DISK_BYTES, "disk size changed");

        Path qemu = Path.of("/usr/bin/qemu-system-riscv64");
        if ("1".equals(System.getenv("MULTIOS_REQUIRE_ORACLES"))) {
            assertTrue(Files.isExecutable(qemu), "qemu-system-riscv64 is required (MULTIOS_REQUIRE_ORACLES=1)");
        }
        assumeTrue(Files.isExecutable(qemu), "qemu-system-riscv64 not installed: compared with the recording only");
        Path theirs = dir.resolve("qemu.img");
        Files.write(theirs, new byte[DISK_BYTES]);
        Process p = new ProcessBuilder(qemu.toString(), "-M", "virt", "-cpu", "rv64,h=false", "-bios", "none",
                "-nographic", "-monitor", "none", "-serial", "stdio", "-kernel", elf.toString(),
                "-drive", "if=none,id=d0,file=" + theirs + ",format=raw", "-device", "nvme,drive=d0,serial=multios")
                .redirectErrorStream(false).redirectInput(ProcessBuilder.Redirect.PIPE).start();
        p.getOutputStream().close();
        String qemuOut = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "QEMU did not finish");
        assertEquals(expected, qemuOut.replace("\r\n", "\n"), "QEMU no longer prints the recording");
        assertArrayEquals(Files.readAllBytes(theirs), disk, "the two emulators left different disk contents");
    }
}
