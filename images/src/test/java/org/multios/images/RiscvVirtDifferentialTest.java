package org.multios.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.multios.boards.Firmware;
import org.multios.boards.riscv.RiscvVirtBoard;
import org.multios.boards.riscv.RiscvVirtConfig;
import org.multios.devices.console.MemoryConsole;

/**
 * Runs each guest program on our riscv64-virt board exactly as {@code ./multios machine
 * --arch riscv64 --bios none --kernel NAME.elf} would, and requires the console bytes and the
 * exit status to equal what {@code qemu-system-riscv64 -machine virt -bios none} produced
 * (the recorded {@code NAME.expected} / {@code NAME.exitcode}), except on the lines listed
 * in {@code NAME.qemu-errata} where QEMU 7.2 itself breaks the specification.
 * <p>
 * The full-size {@code intmix} (about 1.8 billion instructions) is the benchmark's job;
 * {@code intmix-small} runs the same code here.
 */
class RiscvVirtDifferentialTest {
    /** Far more than any test program needs (the largest retires well under 20 million). */
    static final long INSTRUCTION_LIMIT = 500_000_000L;
    static final long WALL_CLOCK_LIMIT_SECONDS = 120;

    static Stream<GuestProgram> programs() {
        return GuestProgram.RISCV64.stream().filter(p -> !p.name().equals("intmix"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("programs")
    void consoleAndExitStatusMatchQemu(GuestProgram program, @TempDir Path dir) throws Exception {
        Run run = runOnBoard(program, dir, INSTRUCTION_LIMIT);
        String expected = program.correctConsole();
        assertEquals(expected, run.console(),
                () -> program + ": console differs from QEMU's; " + ConsoleDiff.describe(expected, run.console())
                        + (run.stopReason().isEmpty() ? "" : "\n  machine stopped: " + run.stopReason()));
        assertTrue(run.stoppedByGuest(), () -> program + " did not end through the test finisher: " + run.stopReason());
        assertEquals(program.expectedExitCode(), run.exitStatus(), () -> program + ": exit status");
    }

    record Run(String console, int exitStatus, boolean stoppedByGuest, String stopReason, long instructions) {}

    /**
     * Boots the program with --bios none semantics and runs it to the end (test finisher),
     * the instruction limit, or the wall-clock limit, whichever comes first.
     */
    static Run runOnBoard(GuestProgram program, Path dir, long instructionLimit) throws Exception {
        MemoryConsole console = new MemoryConsole();
        RiscvVirtConfig cfg = new RiscvVirtConfig()
                .harts(program.harts())
                .bios(new Firmware.None())
                .kernel(program.extractTo(dir))
                .console(console)
                .maxInstructions(instructionLimit);
        try (RiscvVirtBoard board = RiscvVirtBoard.create(cfg)) {
            int[] status = {-1};
            Throwable[] failure = {null};
            Thread runner = Thread.ofPlatform().name("guest-" + program.name()).start(() -> {
                try {
                    status[0] = board.run();
                } catch (Throwable t) {
                    failure[0] = t;
                }
            });
            runner.join(TimeUnit.SECONDS.toMillis(WALL_CLOCK_LIMIT_SECONDS));
            String reason;
            if (runner.isAlive()) {
                board.stop(124, "wall-clock limit of " + WALL_CLOCK_LIMIT_SECONDS + " s reached");
                runner.join(10_000);
            }
            if (failure[0] != null) throw new AssertionError(program + ": emulator threw " + failure[0], failure[0]);
            reason = board.machine().stopReason();
            return new Run(console.output(), status[0], board.stoppedByGuest(), reason,
                    board.machine().retiredInstructions());
        }
    }
}
