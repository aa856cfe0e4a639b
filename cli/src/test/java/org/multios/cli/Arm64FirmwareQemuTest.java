package org.multios.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.multios.cli.BootConsoleTest.Screen;
import org.multios.kernel.fs.image.DefaultImage;
import org.multios.kernel.fs.mfs.FileBlockDevice;

/**
 * The arm64 boot firmware (images/firmware/arm64) on the same default disk image under
 * {@code qemu-system-aarch64 -M virt,gic-version=3 -cpu cortex-a57 -bios stage1.bin -device nvme}
 * and under {@code boot --arch arm64}: both print the same stage lines up to the kernel hand-off
 * (timestamps, the device tree's size — QEMU pads it to 1 MiB — and the NVMe model/serial
 * masked). On QEMU, HVC without EL2 is UNDEFINED: stage 2's vector must say the stub needs the
 * MultiOS emulator, dump the BootInfo it built where ours is, and power QEMU off through PSCI.
 * Skipped without QEMU; fails instead when MULTIOS_REQUIRE_ORACLES=1.
 */
class Arm64FirmwareQemuTest {
    static final Path QEMU = Path.of("/usr/bin/qemu-system-aarch64");
    static final String HANDOFF = "stage2: jumping to the kernel at ";

    static List<String> normalize(String console) {
        String s = console.replace("\r\n", "\n");
        int end = s.indexOf(HANDOFF);
        assertTrue(end >= 0, "no '" + HANDOFF + "' line in:\n" + console);
        s = s.substring(s.indexOf("[") , s.indexOf('\n', end) + 1);
        return s.lines()
                .map(l -> l.replaceFirst("^\\[ *\\d+\\.\\d{6}\\] ", "[TIME] "))
                .map(l -> l.replaceFirst("device tree at 40000000 \\(\\d+ bytes\\)", "device tree at 40000000 (SIZE)"))
                .map(l -> l.replaceFirst("nvme: .*, serial .*, NVMe ", "nvme: MODEL, serial SERIAL, NVMe "))
                .toList();
    }

    @Test
    @Timeout(300)
    void qemuPrintsTheSameStageLines(@TempDir Path dir) throws Exception {
        if ("1".equals(System.getenv("MULTIOS_REQUIRE_ORACLES")))
            assertTrue(Files.isExecutable(QEMU), "qemu-system-aarch64 is required (MULTIOS_REQUIRE_ORACLES=1)");
        assumeTrue(Files.isExecutable(QEMU), "qemu-system-aarch64 not installed");
        DefaultImage image = new DefaultImage(DefaultImage.Resources.of(getClass().getClassLoader()), DefaultImage.Arch.ARM64);
        Path disk = dir.resolve("disk.img");
        long size = 64L << 20;
        try (FileBlockDevice dev = FileBlockDevice.create(disk, size)) {
            image.write(dev, DefaultImage.Options.of(size));
        }

        // ours: through the whole chain to the prompt, then poweroff
        Screen screen = new Screen();
        PipedOutputStream keys = new PipedOutputStream();
        PipedInputStream in = new PipedInputStream(keys, 4096);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        AtomicInteger status = new AtomicInteger(-1);
        Thread machine = Thread.ofPlatform().name("multios-arm64-qemu-diff").start(() -> status.set(Multios.run(
                new String[] {"boot", "--arch", "arm64", "--disk", disk.toString(), "--snapshot", "--rtc", "fixed"}, in,
                new PrintStream(screen, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))));
        screen.waitFor(BootConsoleTest.PROMPT, 0, machine);
        keys.write("poweroff\r".getBytes(StandardCharsets.US_ASCII));
        keys.flush();
        machine.join(BootConsoleTest.WAIT_MS);
        assertFalse(machine.isAlive(), screen.text());
        assertEquals(0, status.get(), screen.text() + err);
        String ours = screen.text();

        // QEMU: the flash image padded to the bank's 64 MiB, no NIC (ours has none), the same disk
        Path flash = dir.resolve("flash0.bin");
        Files.write(flash, image.stage1());
        try (var f = new java.io.RandomAccessFile(flash.toFile(), "rw")) { f.setLength(64L << 20); }
        Process p = new ProcessBuilder(QEMU.toString(), "-M", "virt,gic-version=3", "-cpu", "cortex-a57", "-m", "128M",
                "-nographic", "-monitor", "none", "-serial", "stdio", "-nic", "none", "-bios", flash.toString(),
                "-drive", "file=" + disk + ",if=none,id=d,format=raw,snapshot=on", "-device", "nvme,drive=d,serial=multios")
                .redirectErrorStream(true).start();
        p.getOutputStream().close();
        String theirs = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("QEMU did not power off within 60 s:\n" + theirs);
        }
        assertEquals(normalize(theirs), normalize(ours), "stage lines differ between QEMU and arm64-virt");

        String q = theirs.replace("\r\n", "\n");
        assertTrue(q.contains("stage1: MultiOS stage 1 firmware (arm64, EL1), CPU 0"), q);
        assertTrue(q.contains("stage2: the kernel entry stub needs the MultiOS emulator: native call 16 (hvc #0x4d50) at 40400000 did not enter a kernel"), q);
        String record = ours.replace("\r\n", "\n").replaceFirst("(?s).*stage2: BootInfo at ([0-9a-f]+) .*", "$1");
        assertTrue(q.contains("BootInfo at " + record + ": version 1,"), "QEMU's stage 2 built the record where ours did (" + record + "):\n" + q);
        assertTrue(q.contains("  cmdline      \"root=/dev/nvme0n1p2 console=ttyAMA0\"\n"), q);
        assertTrue(q.contains("stage2: powering off"), q);
        assertEquals(0, p.exitValue(), "stage 2 powers QEMU off through PSCI SYSTEM_OFF");
    }
}
