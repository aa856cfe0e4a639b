package org.multios.images.firmware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same disk image under {@code qemu-system-riscv64 -M virt -bios stage1.bin ... -device nvme}
 * and on riscv64-virt: both must print the same stage lines (timestamps masked, and the NVMe
 * model/serial, which are each emulator's own) up to the kernel hand-off. On QEMU the kernel
 * stub's native call is an illegal instruction: stage 2's trap handler must say so, print the
 * BootInfo it built (which must match ours) and power the machine off.
 * Skipped without QEMU; fails instead when MULTIOS_REQUIRE_ORACLES=1.
 */
class FirmwareQemuDifferentialTest {
    static final Path QEMU = Path.of("/usr/bin/qemu-system-riscv64");
    static final String CFG = """
            timeout 1
            default 0
            entry MultiOS
                kernel  /boot/kernel.elf
                initrd  /boot/initrd.cpio
                cmdline root=/dev/nvme0n1p2 console=ttyS0
            entry MultiOS (initrd root)
                kernel  /boot/kernel.elf
                initrd  /boot/initrd.cpio
                cmdline console=ttyS0
            """;
    static final String HANDOFF = "stage2: jumping to the kernel at ";

    /** Stage lines up to and including the hand-off, timestamps and the NVMe identity masked. */
    static List<String> normalize(String console) { return normalize(console, HANDOFF); }

    /** Lines up to and including the one holding {@code last}, masked as above. */
    static List<String> normalize(String console, String last) {
        String s = console.replace("\r\n", "\n");
        int end = s.indexOf(last);
        assertTrue(end >= 0, "no '" + last + "' line in:\n" + console);
        s = s.substring(0, s.indexOf('\n', end) + 1);
        return s.lines()
                .map(l -> l.replaceFirst("^\\[ *\\d+\\.\\d{6}\\] ", "[TIME] "))
                .map(l -> l.replaceFirst("nvme: .*, serial .*, NVMe ", "nvme: MODEL, serial SERIAL, NVMe "))
                .toList();
    }

    @Test
    void qemuPrintsTheSameStageLines(@TempDir Path dir) throws Exception {
        byte[] initrd = BootDisk.cpio(Map.of("init", "#!/bin/sh\n".getBytes(StandardCharsets.US_ASCII)));
        Path disk = BootDisk.standard(CFG, initrd).write(dir.resolve("disk.img"));
        Path stage1 = BootRun.stage1(dir);

        String ours;
        long initrdPa, bootInfo;
        try (BootRun run = BootRun.start(dir, disk, null, null)) {
            assertTrue(run.awaitStop(60_000), run.output());
            assertTrue(run.kernelEntered, run.output());
            ours = run.output();
            bootInfo = run.a0;
            initrdPa = ByteBuffer.wrap(run.memory(run.a0 + 24, 8)).order(ByteOrder.LITTLE_ENDIAN).getLong();
        }

        if ("1".equals(System.getenv("MULTIOS_REQUIRE_ORACLES")))
            assertTrue(Files.isExecutable(QEMU), "qemu-system-riscv64 is required (MULTIOS_REQUIRE_ORACLES=1)");
        assumeTrue(Files.isExecutable(QEMU), "qemu-system-riscv64 not installed");
        Process p = new ProcessBuilder(QEMU.toString(), "-M", "virt", "-bios", stage1.toString(), "-nographic",
                "-monitor", "none", "-serial", "stdio", "-drive", "file=" + disk + ",if=none,id=d,format=raw",
                "-device", "nvme,drive=d,serial=multios").redirectErrorStream(true).start();
        p.getOutputStream().close();
        String theirs = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("QEMU did not power off within 60 s:\n" + theirs);
        }
        assertEquals(normalize(theirs), normalize(ours), "stage lines differ between QEMU and riscv64-virt");

        String q = theirs.replace("\r\n", "\n");
        assertTrue(q.contains("stage2: the kernel entry stub needs the MultiOS emulator: native call 2 at 80400000 is an illegal instruction on this machine"), q);
        assertTrue(q.contains(String.format("BootInfo at %x: version 1,", bootInfo)), "QEMU's stage 2 built the record where ours did:\n" + q);
        assertTrue(q.contains("  cmdline      \"root=/dev/nvme0n1p2 console=ttyS0\"\n"), q);
        assertTrue(q.contains(String.format("  initrd       %x, %d bytes\n", initrdPa, initrd.length)), q);
        assertTrue(q.contains("stage2: shutting down"), q);
        assertEquals(1, p.exitValue(), "stage 2 powers QEMU off through SBI SRST (reason: failure)");
    }

    /** Runs QEMU until its console shows {@code text} (a halted firmware never exits), then kills it. */
    static String qemuUntil(Path stage1, Path disk, String text) throws Exception {
        Process p = new ProcessBuilder(QEMU.toString(), "-M", "virt", "-bios", stage1.toString(), "-nographic",
                "-monitor", "none", "-serial", "stdio", "-drive", "file=" + disk + ",if=none,id=d,format=raw",
                "-device", "nvme,drive=d,serial=multios").redirectErrorStream(true).start();
        p.getOutputStream().close();
        StringBuilder out = new StringBuilder();
        Thread reader = Thread.ofPlatform().start(() -> {
            try (var in = p.getInputStream()) {
                byte[] b = new byte[4096];
                for (int n; (n = in.read(b)) > 0; ) synchronized (out) { out.append(new String(b, 0, n, StandardCharsets.ISO_8859_1)); }
            } catch (java.io.IOException ignored) {
                // QEMU killed
            }
        });
        long end = System.currentTimeMillis() + 60_000;
        try {
            while (System.currentTimeMillis() < end) {
                synchronized (out) { if (out.indexOf(text) >= 0) break; }
                if (!p.isAlive()) break;
                Thread.sleep(20);
            }
            Thread.sleep(100);   // nothing may follow the halt; give QEMU a moment to prove it
        } finally {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            reader.join(5000);
        }
        synchronized (out) { return out.toString(); }
    }

    @Test
    void qemuReportsTheSameFailures(@TempDir Path dir) throws Exception {
        if ("1".equals(System.getenv("MULTIOS_REQUIRE_ORACLES")))
            assertTrue(Files.isExecutable(QEMU), "qemu-system-riscv64 is required (MULTIOS_REQUIRE_ORACLES=1)");
        assumeTrue(Files.isExecutable(QEMU), "qemu-system-riscv64 not installed");
        byte[] initrd = BootDisk.cpio(Map.of("init", "x".getBytes(StandardCharsets.US_ASCII)));
        String cfg = "timeout 0\nentry MultiOS\n    kernel /boot/kernel.elf\n    initrd /boot/initrd.cpio\n    cmdline x\n";
        Map<String, BootDisk> cases = new java.util.LinkedHashMap<>();
        cases.put("stage1: error: /boot/stage2.bin not found", BootDisk.standard(cfg, initrd).remove("/boot/stage2.bin"));
        cases.put("stage2: error: /boot/kernel.elf is truncated", BootDisk.standard(cfg, initrd)
                .put("/boot/kernel.elf", java.util.Arrays.copyOf(BootDisk.resource("kernel.elf"), 4100)));
        int i = 0;
        for (Map.Entry<String, BootDisk> c : cases.entrySet()) {
            Path disk = c.getValue().write(dir.resolve("case" + i++ + ".img"));
            String ours;
            try (BootRun run = BootRun.start(dir, disk, null, null)) {
                assertTrue(run.waitFor("halted", 60_000), run.output());
                ours = run.output();
            }
            assertTrue(ours.contains(c.getKey()), ours);
            String theirs = qemuUntil(BootRun.stage1(dir), disk, "halted");
            assertEquals(normalize(ours, "halted"), normalize(theirs, "halted"), "QEMU and riscv64-virt fail alike: " + c.getKey());
            String after = theirs.replace("\r\n", "\n");
            assertTrue(after.endsWith("halted\n"), "nothing after the halt on QEMU:\n" + theirs);
        }
    }
}
