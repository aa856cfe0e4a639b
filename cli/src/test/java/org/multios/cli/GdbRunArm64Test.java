package org.multios.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code multios run --arch arm64 --gdb PORT --gdb-wait gdbfork} with real {@code gdb-multiarch}
 * (aarch64 target description; {@code monitor os on}: the kernel's processes as threads, {@link
 * org.multios.kernel.arch.arm64.Arm64KernelThreads}): GDB breaks in the forked child's function,
 * shows the backtrace, steps by source line, reads locals, finishes the function and reads the
 * global it stored, lists both processes and reads the same globals in the parent's address space
 * (its own copies after fork); after detach both processes finish and print what they print
 * without a debugger.
 */
@Timeout(150)
class GdbRunArm64Test {
    static final Path PROG = Path.of("..", "images", "src", "main", "resources", "org", "multios", "images", "arm64-linux", "gdbfork");

    @TempDir Path tmp;

    @Test
    void gdbBreaksStepsAndReadsAChildProcess() throws Exception {
        GdbBatch.requireTool("gdb-multiarch");
        assertTrue(Files.isRegularFile(PROG), PROG.toAbsolutePath() + " (built by images/guest/arm64-linux/build.sh)");
        GdbForkSession.check(tmp, PROG, "arm64", "aarch64");
    }
}
