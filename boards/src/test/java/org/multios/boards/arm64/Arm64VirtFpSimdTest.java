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
 * Differential for FP and Advanced SIMD: the bare-metal program images/guest/arm64/fpsimd.c
 * (built and recorded under qemu-system-aarch64 -M virt -cpu cortex-a57 by build.sh) prints
 * on arm64-virt exactly what it printed under QEMU: the CPACR_EL1.FPEN trap (EC 0x07), the
 * implemented FPCR/FPSR bits, every scalar FP operation over edge values (NaNs, infinities,
 * denormals, signed zeros) under each rounding mode and with FZ, DN and AHP, results and
 * FPSR flags; integer and FP vector operations; SIMD&FP loads and stores in every
 * addressing mode and the structure loads/stores; gcc-vectorised loops.
 * On a mismatch the actual output is left in target/NAME.actual for diffing.
 */
class Arm64VirtFpSimdTest {
    @Test
    void fpSimdProgramPrintsWhatItPrintedUnderQemu(@TempDir Path dir) throws Exception {
        runAndCompare(dir, "fpsimd");
    }

    /**
     * Random-instruction differential: images/guest/arm64/fprandom.c executes random words
     * drawn inside every FP/SIMD data-processing pattern of a64.decode on random registers and
     * FPCR settings, printing a hash of X, V, FPSR and NZCV after each (or the ESR when it
     * is UNDEFINED), recorded under QEMU.
     */
    @Test
    void randomFpSimdInstructionsMatchQemu(@TempDir Path dir) throws Exception {
        runAndCompare(dir, "fprandom");
    }

    private void runAndCompare(Path dir, String name) throws Exception {
        Path elf = dir.resolve(name + ".elf");
        try (InputStream in = getClass().getResourceAsStream(name + ".elf")) {
            Files.copy(in, elf);
        }
        String expected;
        try (InputStream in = getClass().getResourceAsStream(name + ".expected")) {
            expected = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
        StringBuilder out = new StringBuilder();
        ConsoleBackend console = new ConsoleBackend() {
            @Override public void write(int b) { out.append((char) b); }
            @Override public int poll() { return -1; }
        };
        Arm64VirtBoard board = Arm64VirtBoard.create(new Arm64VirtConfig().bios(new Firmware.None()).kernel(elf)
                .console(console).maxInstructions(200_000_000));
        int status = board.run();
        board.close();
        if (!expected.equals(out.toString())) Files.writeString(Path.of("target", name + ".actual"), out);
        assertTrue(board.stoppedByGuest(), "no PSCI SYSTEM_OFF: " + board.machine().stopReason() + "\n" + tail(out));
        assertEquals(0, status);
        assertEquals(expected, out.toString());
    }

    private static String tail(StringBuilder s) { return s.substring(Math.max(0, s.length() - 2000)); }
}
