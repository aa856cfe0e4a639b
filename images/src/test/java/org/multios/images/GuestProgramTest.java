package org.multios.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The shipped resources are complete and consistent: ELF headers, recordings, errata. */
class GuestProgramTest {
    static Stream<GuestProgram> programs() { return GuestProgram.RISCV64.stream(); }

    @ParameterizedTest(name = "{0}")
    @MethodSource("programs")
    void elfIsAnRv64ExecutableEnteringAtRamBase(GuestProgram program) {
        ByteBuffer elf = ByteBuffer.wrap(program.elf()).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0x464c457f, elf.getInt(0), "ELF magic");
        assertEquals(2, elf.get(4), "ELFCLASS64");
        assertEquals(1, elf.get(5), "little-endian");
        assertEquals(2, elf.getShort(16), "ET_EXEC");
        assertEquals(243, elf.getShort(18), "EM_RISCV");
        assertEquals(0x8000_0000L, elf.getLong(24), "entry point");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("programs")
    void recordingPassedAndEndsWithTheProgramsLastLine(GuestProgram program) {
        assertEquals(0, program.expectedExitCode(), "QEMU exit status of " + program);
        String console = program.expectedConsole();
        assertTrue(console.endsWith("\r\n"), "output ends with a complete line");
        assertTrue(console.lines().noneMatch(l -> l.contains("unexpected") || l.contains("MISMATCH")),
                () -> program + " reported a problem under QEMU:\n" + console);
    }

    @Test
    void errataReplaceOnlyTheListedLines() {
        GuestProgram bitmanip = GuestProgram.riscv64("bitmanip");
        String[] qemu = bitmanip.expectedConsole().split("\n", -1);
        String[] correct = bitmanip.correctConsole().split("\n", -1);
        assertEquals(qemu.length, correct.length);
        int changed = 0;
        for (int i = 0; i < qemu.length; i++) {
            if (!qemu[i].equals(correct[i])) {
                changed++;
                assertEquals(260, i, "only line 261 (ctzw of 1<<63) is corrected");
                assertEquals("8000000000000000 -> 0000000000000020\r", correct[i]);
            }
        }
        assertEquals(1, changed);
    }

    @Test
    void programsWithoutErrataAreCheckedAgainstQemuVerbatim() {
        GuestProgram hello = GuestProgram.riscv64("hello");
        assertEquals(hello.expectedConsole(), hello.correctConsole());
        assertNotEquals("", hello.expectedConsole());
    }
}
