package org.multios.kernel.arch.x86;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Static x86_64 glibc programs (prebuilt by src/test/resources/x86_64/build.sh from the
 * riscv64-linux differential sources) under the Java kernel's x86_64 port against native
 * execution on the host, which is x86_64: same stdout, same exit status.
 */
class X86RunDifferentialTest {
    @ParameterizedTest
    @ValueSource(strings = {"forkpipe", "signals", "pthreads"})
    void sameAsNative(String name) throws Exception {
        boolean hostX86 = System.getProperty("os.arch").equals("amd64");
        if (!hostX86 && "1".equals(System.getenv("MULTIOS_REQUIRE_ORACLES"))) throw new AssertionError("native oracle needs an x86_64 host");
        Assumptions.assumeTrue(hostX86, "native oracle needs an x86_64 host");
        Path dir = Files.createTempDirectory("x86run");
        Path prog = dir.resolve(name);
        try (var in = X86RunDifferentialTest.class.getResourceAsStream("/x86_64/" + name)) {
            Files.copy(in, prog);
        }
        prog.toFile().setExecutable(true);

        Process p = new ProcessBuilder(prog.toString()).directory(dir.toFile()).redirectErrorStream(false).start();
        p.getOutputStream().close();
        byte[] nativeOut = p.getInputStream().readAllBytes();
        p.waitFor(60, TimeUnit.SECONDS);
        int nativeStatus = p.exitValue();

        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        X86UserRun run = new X86UserRun(prog, List.of(prog.toString()), List.of("PATH=/bin"), dir, List.of(), 256L << 20,
                new java.io.ByteArrayInputStream(new byte[0]), out, err, new PrintStream(err), 20_000_000_000L);
        int status = run.run();
        assertEquals(new String(nativeOut), out.toString(), name + " stdout (stderr: " + err + ")");
        assertEquals(nativeStatus, status, name + " exit status");
    }
}
