package org.multios.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Re-runs each guest program under the installed {@code qemu-system-riscv64} and checks that
 * QEMU still prints exactly the recorded {@code NAME.expected} and exits with
 * {@code NAME.exitcode}: the recordings the differential test trusts are QEMU's real output.
 * Skipped when QEMU is missing, unless {@code MULTIOS_REQUIRE_ORACLES=1} (then it fails).
 */
class QemuRecordingTest {
    static Stream<GuestProgram> programs() { return GuestProgram.RISCV64.stream(); }

    @ParameterizedTest(name = "{0}")
    @MethodSource("programs")
    void qemuStillPrintsTheRecording(GuestProgram program, @TempDir Path dir) throws Exception {
        Path qemu = findOnPath("qemu-system-riscv64");
        if (qemu == null) {
            if ("1".equals(System.getenv("MULTIOS_REQUIRE_ORACLES"))) {
                fail("qemu-system-riscv64 is not installed, and MULTIOS_REQUIRE_ORACLES=1 requires it");
            }
            Assumptions.abort("qemu-system-riscv64 not installed");
        }
        List<String> cmd = new ArrayList<>(program.qemuArgs());
        cmd.set(0, qemu.toString());
        cmd.add("-kernel");
        cmd.add(program.extractTo(dir).toString());
        Path out = dir.resolve("console.out");
        Process p = new ProcessBuilder(cmd)
                .redirectInput(new File("/dev/null"))
                .redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(program + ": QEMU did not finish within 120 s");
        }
        String actual = new String(Files.readAllBytes(out), StandardCharsets.ISO_8859_1);
        String expected = program.expectedConsole();
        assertEquals(expected, actual, () -> program + ": " + qemuVersion(qemu) + " prints something else than the "
                + "recording (made with QEMU 7.2; see docs/images.md before re-running images/record-qemu.sh); "
                + ConsoleDiff.describe(expected, actual));
        assertEquals(program.expectedExitCode(), p.exitValue(), () -> program + ": QEMU exit status");
    }

    /** First line of {@code qemu --version}, for failure messages. */
    static String qemuVersion(Path qemu) {
        try {
            Process p = new ProcessBuilder(qemu.toString(), "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(10, TimeUnit.SECONDS);
            return out.lines().findFirst().orElse("qemu (unknown version)");
        } catch (Exception e) {
            return "qemu (version unknown: " + e.getMessage() + ")";
        }
    }

    static Path findOnPath(String exe) {
        String path = System.getenv("PATH");
        if (path == null) return null;
        for (String d : path.split(File.pathSeparator)) {
            Path p = Path.of(d, exe);
            if (Files.isExecutable(p)) return p;
        }
        return null;
    }
}
