package org.multios.boards.arm64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multios.boards.Firmware;
import org.multios.devices.console.ConsoleBackend;

/**
 * Differential: the bare-metal selftest (images/guest/arm64, built and recorded under
 * qemu-system-aarch64 by its build.sh) prints on arm64-virt exactly what it printed under
 * QEMU: integer arithmetic and flags, 128-bit multiplies, division corner cases, bit
 * operations, LSE atomics, SVC/BRK/undefined-instruction exceptions with their ESR values,
 * the timer frequency and CurrentEL. It ends with PSCI SYSTEM_OFF.
 */
class Arm64VirtSelftestTest {
    @Test
    void selftestPrintsWhatItPrintedUnderQemu(@TempDir Path dir) throws Exception {
        Path elf = dir.resolve("selftest.elf");
        try (InputStream in = getClass().getResourceAsStream("selftest.elf")) {
            Files.copy(in, elf);
        }
        String expected;
        try (InputStream in = getClass().getResourceAsStream("selftest.expected")) {
            expected = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
        StringBuilder out = new StringBuilder();
        ConsoleBackend console = new ConsoleBackend() {
            @Override public void write(int b) { out.append((char) b); }
            @Override public int poll() { return -1; }
        };
        Arm64VirtBoard board = Arm64VirtBoard.create(new Arm64VirtConfig().bios(new Firmware.None()).kernel(elf)
                .console(console).maxInstructions(50_000_000));
        int status = board.run();
        board.close();
        assertTrue(board.stoppedByGuest(), "no PSCI SYSTEM_OFF: " + board.machine().stopReason() + "\n" + out);
        assertEquals(0, status);
        assertEquals(expected, out.toString());
    }

    @Test
    void traceLogsRegisterWritesAndStores(@TempDir Path dir) throws Exception {
        Path elf = dir.resolve("selftest.elf");
        try (InputStream in = getClass().getResourceAsStream("selftest.elf")) {
            Files.copy(in, elf);
        }
        Path trace = dir.resolve("trace.txt");
        Arm64VirtBoard board = Arm64VirtBoard.create(new Arm64VirtConfig().bios(new Firmware.None()).kernel(elf)
                .trace(trace).maxInstructions(1000));
        board.run();
        board.close();
        java.util.List<String> lines = Files.readAllLines(trace);
        assertEquals(1000, lines.size());
        // ldr x1, =stack_top; mov sp, x1
        assertTrue(lines.get(0).matches("core   0: 1 0x0000000040080000 \\(0x58[0-9a-f]{6}\\) x1  0x00000000400[0-9a-f]{5}"), lines.get(0));
        assertTrue(lines.get(1).startsWith("core   0: 1 0x0000000040080004 (0x9100003f) sp  0x"), lines.get(1));
        assertTrue(lines.stream().anyMatch(l -> l.contains(" mem 0x")), "no store logged");
    }
}
