package org.multios.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Must show 4 of issue 4: the {@code hostile} supervisor (images/guest/riscv64-linux/hostile.c)
 * forks two dozen hostile children in one MultiOS kernel — wild pointers into the kernel half
 * and the vector page, syscalls with bad pointers, huge and negative lengths, bad fds and
 * overlapping buffers, a fork bomb under RLIMIT_NPROC, mmap and brk memory hogs, an infinite
 * loop, stack overflow (fatal and caught on an alternate stack), signal storms, fd exhaustion
 * under RLIMIT_NOFILE, illegal and privileged instructions, executing data, smashed signal
 * frames — reports how each ended, then proves the system still works (fork + exec + pipe round
 * trip, fresh memory, a file in /tmp).
 * <p>
 * The full run is compared with a reviewed expectation ({@code hostile.expected}); the cases
 * that can safely run on the host are compared with {@code qemu-riscv64}'s behaviour, recorded
 * ({@code hostile.qemu.expected}) and live. A Java exception escaping the kernel would end the
 * run with "internal error" and status 125: both fail the tests.
 */
class RunHostileSuiteTest {
    record Result(String out, String err, int status) {
        String withExit() { return out + "exit=" + status + "\n"; }
    }

    /** 64 MiB of RAM: the memory hogs exhaust it quickly, and the rest must still fit. */
    static Result runOurs(String... hostileArgs) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        String[] args = new String[5 + hostileArgs.length];
        args[0] = "run";
        args[1] = "--memory";
        args[2] = "64M";
        args[3] = "--";
        args[4] = RunDifferentialTest.PROGRAMS.resolve("hostile").toString();
        System.arraycopy(hostileArgs, 0, args, 5, hostileArgs.length);
        int status = Multios.run(args, new ByteArrayInputStream(new byte[0]), new PrintStream(out, true), new PrintStream(err, true));
        Result r = new Result(out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8), status);
        assertFalse(r.err().contains("internal error"), "a Java exception escaped the kernel: " + r.err());
        assertFalse(r.err().contains("panic"), r.err());
        assertNotEquals(125, r.status(), "kernel panic");
        return r;
    }

    static String expected(String name) throws Exception {
        return Files.readString(RunDifferentialTest.PROGRAMS.resolve(name));
    }

    @Test
    void everyHostileChildEndsAsExpectedAndTheSystemStaysUp() throws Exception {
        Result r = runOurs();
        assertEquals(expected("hostile.expected"), r.withExit());
        // the memory hogs were killed by the kernel (OOM), and said so on the kernel log
        assertTrue(r.err().contains("multios: kernel: out of memory: killed process"), r.err());
        assertTrue(r.out().contains("fork+exec+pipe round trip: THE KERNEL SURVIVED (child exit 0)"), r.out());
        // no hostile child got away with it: nothing it would print after its attack appears
        assertFalse(r.out().contains("!"), r.out());
    }

    @Test
    void hostSafeCasesMatchRecordedQemuBehaviour() throws Exception {
        assertEquals(expected("hostile.qemu.expected"), runOurs("--host-safe").withExit(),
                "hostile --host-safe under multios run vs recorded qemu-riscv64 output");
    }

    @Test
    void hostSafeCasesMatchLiveQemu() throws Exception {
        if (!RunDifferentialTest.qemuPresent()) {
            if ("1".equals(System.getenv("MULTIOS_REQUIRE_ORACLES"))) fail("qemu-riscv64 is not installed (apt-get install qemu-user)");
            Assumptions.abort("qemu-riscv64 not installed");
        }
        Path dir = Files.createTempDirectory("qemu-hostile");
        try {
            Process p = new ProcessBuilder("qemu-riscv64", RunDifferentialTest.PROGRAMS.resolve("hostile").toAbsolutePath().toString(),
                    "--host-safe").directory(dir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "qemu-riscv64 timed out");
            assertEquals(out + "exit=" + p.exitValue() + "\n", runOurs("--host-safe").withExit(),
                    "hostile --host-safe under multios run vs qemu-riscv64");
        } finally {
            Files.deleteIfExists(dir.resolve("tmp"));
            Files.deleteIfExists(dir);
        }
    }
}
