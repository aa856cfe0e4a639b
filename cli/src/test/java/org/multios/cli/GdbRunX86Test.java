package org.multios.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code multios run --arch x86_64 --gdb PORT --gdb-wait gdbfork} with real {@code gdb-multiarch}
 * (x86-64 target description; {@code monitor os on}: the kernel's processes as threads): GDB breaks in the forked child's function (on its
 * first line: GDB's x86-64 prologue analysis stops before -O0 code has stored the argument), shows
 * the backtrace, steps by source line, reads locals, finishes the function and reads the global it
 * stored, reads the same globals in the parent's address space; after detach both processes finish and print what they print without a debugger.
 */
@Timeout(150)
class GdbRunX86Test {
    static final Path PROG = RunX86DifferentialTest.PROGRAMS.resolve("gdbfork");

    @TempDir Path tmp;

    @Test
    void gdbBreaksStepsAndReadsAChildProcess() throws Exception {
        GdbBatch.requireTool("gdb-multiarch");
        assertTrue(Files.isRegularFile(PROG), PROG.toAbsolutePath() + " (built by images/guest/x86_64-linux/build.sh)");
        GdbForkSession.check(tmp, PROG, "x86_64", "i386:x86-64");
    }
}
