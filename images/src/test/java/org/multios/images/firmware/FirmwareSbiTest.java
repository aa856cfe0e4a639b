package org.multios.images.firmware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stage 1's resident SBI and the delegation it sets up, seen from S-mode: stage 2 boots
 * sbiprobe.elf (images/firmware/riscv64/test/sbiprobe, a stand-in kernel) instead of the entry
 * stub; it prints through SBI console_putchar, probes the Base extension, runs the SBI timer
 * to an STIP wake-up, checks that ebreak and an illegal instruction are delegated to S, and powers
 * off through SRST. riscv64-virt must print exactly the lines below and stop with status 0; so
 * must QEMU when installed (failing under MULTIOS_REQUIRE_ORACLES=1 without it).
 */
class FirmwareSbiTest {
    static final List<String> EXPECTED = List.of(
            "sbiprobe: console_putchar works",
            "sbiprobe: hart 0x0",
            "sbiprobe: BootInfo magic 0x31544f4f42534f4d",
            "sbiprobe: spec version 0x2000000",
            "sbiprobe: implementation id 0x4d4f53",
            "sbiprobe: probe TIME 0x1",
            "sbiprobe: probe SRST 0x1",
            "sbiprobe: probe legacy putchar 0x1",
            "sbiprobe: probe HSM 0x0",
            "sbiprobe: unknown extension error 0xfffffffffffffffe",
            "sbiprobe: unknown base function error 0xfffffffffffffffe",
            "sbiprobe: time advances 0x1",
            "sbiprobe: timer interrupt pending (sip.STIP) 0x1",
            "sbiprobe: not before the deadline 0x1",
            "sbiprobe: timer cleared by set_timer(-1) 0x1",
            "sbiprobe: ebreak taken in S, scause 0x3",
            "sbiprobe: M CSR from S taken in S, scause 0x2",
            "sbiprobe: system_reset shutdown");

    static List<String> probeLines(String console) {
        return console.replace("\r\n", "\n").lines().filter(l -> l.startsWith("sbiprobe:")).toList();
    }

    @Test
    void residentSbiAnswersTheKernel(@TempDir Path dir) throws Exception {
        String cfg = "timeout 0\nentry probe\n    kernel /boot/kernel.elf\n    cmdline x\n";
        Path disk = BootDisk.standard(cfg, BootDisk.cpio(Map.of()))
                .put("/boot/kernel.elf", BootDisk.resource("sbiprobe.elf")).write(dir.resolve("disk.img"));
        try (BootRun run = BootRun.start(dir, disk, null, null)) {
            assertTrue(run.awaitStop(60_000), "no power-off within 60 s:\n" + run.output());
            assertTrue(run.board.stoppedByGuest(), "stopped by the guest (SRST → test finisher): " + run.board.machine().stopReason() + "\n" + run.output());
            assertEquals(EXPECTED, probeLines(run.output()), run.output());
        }

        Path qemu = FirmwareQemuDifferentialTest.QEMU;
        if ("1".equals(System.getenv("MULTIOS_REQUIRE_ORACLES")))
            assertTrue(Files.isExecutable(qemu), "qemu-system-riscv64 is required (MULTIOS_REQUIRE_ORACLES=1)");
        assumeTrue(Files.isExecutable(qemu), "qemu-system-riscv64 not installed");
        Process p = new ProcessBuilder(qemu.toString(), "-M", "virt", "-bios", BootRun.stage1(dir).toString(), "-nographic",
                "-monitor", "none", "-serial", "stdio", "-drive", "file=" + disk + ",if=none,id=d,format=raw",
                "-device", "nvme,drive=d,serial=multios").redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("QEMU did not power off:\n" + out);
        }
        assertEquals(EXPECTED, probeLines(out), out);
        assertEquals(0, p.exitValue(), "SRST shutdown ends QEMU with status 0");
    }
}
