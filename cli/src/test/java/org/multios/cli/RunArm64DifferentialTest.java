package org.multios.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Must show 3 of issue 9 (the part {@code run} covers): the riscv64 differential programs
 * built with {@code aarch64-linux-gnu-gcc -static} (images/guest/arm64-linux/build.sh), plus
 * {@code strings} (glibc's ASIMD string and memory functions over lengths and alignments),
 * print the same and exit the same under {@code multios run --arch arm64} as under
 * {@code qemu-aarch64}: against the recorded output always, live when qemu-aarch64 is
 * installed (required with MULTIOS_REQUIRE_ORACLES=1).
 */
class RunArm64DifferentialTest {
    static final Path PROGRAMS = Path.of("..", "images", "src", "main", "resources", "org", "multios", "images", "arm64-linux");
    static final Path EXTRA = Path.of("..", "images", "guest", "arm64-linux", "extra.list");

    /** riscv64 programs not yet in the arm64 suite (none now: {@code sockets} runs since the loopback fixes). */
    static final java.util.Set<String> NOT_YET = java.util.Set.of();

    static Stream<String> programs() throws IOException {
        return Stream.concat(Files.readAllLines(RunDifferentialTest.LIST).stream(), Files.readAllLines(EXTRA).stream())
                .map(String::strip).filter(s -> !s.isEmpty()).filter(s -> !NOT_YET.contains(s));
    }

    static String runOurs(String program) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = Multios.run(new String[] {"run", "--arch", "arm64", "--", PROGRAMS.resolve(program).toString()},
                new ByteArrayInputStream(new byte[0]), new PrintStream(out, true), new PrintStream(err, true));
        return out.toString(StandardCharsets.UTF_8) + "exit=" + status + "\n";
    }

    static boolean qemuPresent() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, "qemu-aarch64"))) return true;
        }
        return false;
    }

    @ParameterizedTest
    @MethodSource("programs")
    void matchesRecordedQemuOutput(String program) throws IOException {
        String expected = Files.readString(PROGRAMS.resolve(program + ".expected"));
        assertEquals(expected, runOurs(program), program + " under multios run --arch arm64 vs recorded qemu-aarch64 output");
    }

    @ParameterizedTest
    @MethodSource("programs")
    void matchesLiveQemu(String program) throws Exception {
        if (!qemuPresent()) {
            if ("1".equals(System.getenv("MULTIOS_REQUIRE_ORACLES"))) fail("qemu-aarch64 is not installed (apt-get install qemu-user)");
            Assumptions.abort("qemu-aarch64 not installed");
        }
        Path dir = Files.createTempDirectory("qemu-run");
        try {
            Process p = new ProcessBuilder("qemu-aarch64", PROGRAMS.resolve(program).toAbsolutePath().toString())
                    .directory(dir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "qemu-aarch64 timed out");
            assertEquals(out + "exit=" + p.exitValue() + "\n", runOurs(program), program + " under multios run --arch arm64 vs qemu-aarch64");
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
            }
        }
    }

    /** A riscv64 program is refused by name under --arch arm64 (ELF machine check), not run. */
    @Test
    void refusesAForeignElf() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = Multios.run(new String[] {"run", "--arch", "arm64", "--", RunDifferentialTest.PROGRAMS.resolve("files").toString()},
                new ByteArrayInputStream(new byte[0]), new PrintStream(out, true), new PrintStream(err, true));
        String e = err.toString(StandardCharsets.UTF_8);
        assertTrue(status != 0 && e.lines().count() == 1 && !e.contains("Exception"), "one-line error, got " + status + ": " + e);
    }
}
