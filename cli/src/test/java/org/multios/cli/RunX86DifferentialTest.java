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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Must show 3 of issue 10 (the differential part): the riscv64 differential programs built with
 * the host's {@code gcc -static -O2} (images/guest/x86_64-linux/build.sh) print the same and
 * exit the same under
 * {@code multios run --arch x86_64} as natively: against the output recorded by build.sh always,
 * and against a live native run when the host is x86_64 (required with MULTIOS_REQUIRE_ORACLES=1).
 * images/guest/x86_64-linux/extra.list's programs run the same way in {@link RunX86ExtraTest}.
 */
class RunX86DifferentialTest {
    static final Path PROGRAMS = Path.of("..", "images", "src", "main", "resources", "org", "multios", "images", "x86_64-linux");
    static final Path EXTRA = Path.of("..", "images", "guest", "x86_64-linux", "extra.list");

    /** The riscv64 list; extra.list's programs are RunX86ExtraTest's (two classes, each well under a minute on a loaded host). */
    static Stream<String> programs() throws IOException {
        return list(RunDifferentialTest.LIST);
    }

    static Stream<String> list(Path file) throws IOException {
        return Files.readAllLines(file).stream().map(String::strip).filter(s -> !s.isEmpty());
    }

    static String runOurs(String program, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        String[] cmd = Stream.concat(Stream.of("run", "--arch", "x86_64", "--", program), Stream.of(args)).toArray(String[]::new);
        int status = Multios.run(cmd, new ByteArrayInputStream(new byte[0]), new PrintStream(out, true), new PrintStream(err, true));
        return out.toString(StandardCharsets.UTF_8) + "exit=" + status + "\n";
    }

    /** The host can run x86_64 ELFs itself; when it cannot, the live comparison is left out (a failure under the oracle rule). */
    static boolean nativeHost() {
        boolean x86 = System.getProperty("os.arch").equals("amd64") && System.getProperty("os.name").equals("Linux");
        if (!x86 && "1".equals(System.getenv("MULTIOS_REQUIRE_ORACLES"))) fail("native execution needs an x86_64 Linux host");
        return x86;
    }

    /** Runs the program natively in an empty directory with no input: stdout, then "exit=N". */
    static String runNative(Path program, String... args) throws Exception {
        Path dir = Files.createTempDirectory("x86-native");
        try {
            java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of(program.toAbsolutePath().toString()));
            cmd.addAll(java.util.List.of(args));
            Process p = new ProcessBuilder(cmd).directory(dir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), program + " natively timed out");
            return out + "exit=" + p.exitValue() + "\n";
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
            }
        }
    }

    /** One emulated run per program, compared with the recorded native output and (on x86_64 hosts) a live one. */
    @ParameterizedTest
    @MethodSource("programs")
    void sameAsNative(String program) throws Exception {
        Path elf = PROGRAMS.resolve(program);
        String ours = runOurs(elf.toString());
        assertEquals(Files.readString(PROGRAMS.resolve(program + ".expected")), ours,
                program + " under multios run --arch x86_64 vs its recorded native output");
        if (nativeHost()) assertEquals(runNative(elf), ours, program + " under multios run --arch x86_64 vs native");
    }
}
