package org.multios.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Must show 4 of issue 4 (start): hostile programs get errors or signals and the kernel stays
 * up — every run ends with the program's own status, never a kernel panic or a hang.
 */
class RunHostileTest {
    record Result(String out, String err, int status) {}

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = Multios.run(args, new ByteArrayInputStream(new byte[0]), new PrintStream(out, true), new PrintStream(err, true));
        return new Result(out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8), status);
    }

    static String prog(String name) { return RunDifferentialTest.PROGRAMS.resolve(name).toString(); }

    @Test
    void wildPointersIntoKernelAddressesAreSegfaults() {
        Result r = run("run", "--", prog("wildptr"));
        for (int i = 0; i < 5; i++) {
            assertTrue(r.out().contains("write " + i + " faulted"), r.out());
            assertTrue(r.out().contains("read " + i + " faulted"), r.out());
        }
        assertTrue(r.out().contains("jump into the kernel faulted"), r.out());
        assertFalse(r.out().contains("succeeded"), r.out());
        assertEquals(128 + 11, r.status(), "killed by SIGSEGV at the end");
        assertFalse(r.err().contains("panic"), r.err());
    }

    @Test
    void badPointersAndHugeLengthsGetErrors() {
        Result r = run("run", "--", prog("badsys"));
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("still alive"), r.out());
        for (String line : r.out().split("\n")) {
            if (line.equals("still alive") || line.startsWith("getrandom huge bounded") || line.startsWith("brk ")
                    || line.startsWith("bogus sigreturn")) continue;
            assertTrue(line.contains(" -1 errno E"), "expected an error: " + line);
        }
        assertTrue(r.out().contains("write kernel ptr             -1 errno EFAULT"), r.out());
        assertTrue(r.out().contains("mmap kernel fixed            -1 errno ENOMEM"), r.out());
        assertTrue(r.err().contains("multios: kernel: unknown syscall 4000"), r.err());
        assertTrue(r.out().contains("brk huge leaves the break 1"), r.out());
        assertTrue(r.out().contains("brk into the kernel leaves the break 1"), r.out());
        assertTrue(r.out().contains("bogus sigreturn killed the child by signal 11"), r.out());
        assertFalse(r.err().contains("internal error"), r.err());
    }

    @Test
    void infiniteLoopIsPreemptedAndStoppedByTheTimeLimit() {
        long start = System.nanoTime();
        Result r = run("run", "--time-limit", "0.5", "--", prog("spin"));
        assertEquals("spinning\n", r.out());
        assertEquals(128 + 9, r.status(), "killed by SIGKILL at the virtual-time limit");
        assertTrue(r.err().contains("virtual time limit"), r.err());
        assertTrue(System.nanoTime() - start < 120_000_000_000L);
    }

    @Test
    void forkBombIsBoundedByRlimitNproc() {
        Result r = run("run", "--", prog("forkbomb"));
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("fork stopped by the limit 1 (EAGAIN) after at most 32 processes 1"), r.out());
        assertTrue(r.out().contains("reaped all 1"), r.out());
    }

    @Test
    void randomSyscallsLeaveTheKernelUp() {
        Result r = run("run", "--", prog("sysfuzz"));
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("; kernel alive"), r.out());
        assertFalse(r.err().contains("internal error"), r.err());
        assertFalse(r.err().contains("panic"), r.err());
    }

    @Test
    void oneLineErrorsForUnrunnablePrograms() throws Exception {
        Result missing = run("run", "--", "/nonexistent/prog");
        assertEquals(1, missing.status());
        assertEquals(1, missing.err().strip().lines().count(), missing.err());
        Path text = Files.createTempFile("notelf", ".txt");
        Files.writeString(text, "just text\n");
        Result notElf = run("run", "--", text.toString());
        assertEquals(1, notElf.status());
        assertTrue(notElf.err().contains("not an ELF executable"), notElf.err());
        Files.delete(text);
        Path host = Path.of("/bin/true");
        if (Files.exists(host)) {
            Result x86 = run("run", "--", host.toString());
            assertEquals(1, x86.status());
            assertTrue(x86.err().contains("not RISC-V") || x86.err().contains("dynamic"), x86.err());
        }
    }
}
