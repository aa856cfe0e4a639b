package org.multios.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
        GdbBatch.Running run = new GdbBatch.Running("run", "--arch", "arm64", "--gdb", "127.0.0.1:0", "--gdb-wait", PROG.toString());
        int port = run.gdbPort();
        String script = """
                set pagination off
                set confirm off
                set width 0
                set architecture aarch64
                target remote 127.0.0.1:%d
                monitor os on
                maintenance flush register-cache
                echo === threads0\\n
                info threads
                echo === break\\n
                break gdbfork.c:13
                continue
                echo === bt\\n
                bt
                echo === step\\n
                next
                next
                next
                print seed
                print acc
                print i
                echo === finish\\n
                finish
                print child_value
                print parent_ticks
                echo === threads\\n
                info threads
                echo === parentmem\\n
                thread 1
                print child_value
                print parent_ticks > 0
                echo === detach\\n
                delete
                detach
                echo === end\\n
                """.formatted(port);
        String out = GdbBatch.run(tmp, PROG, script);
        Map<String, String> s = GdbBatch.sections(out);
        assertTrue(s.containsKey("end"), "script did not run to the end:\n" + out);
        // halted before the first instruction: one process, named by its command line
        assertTrue(s.get("threads0").matches("(?s).*\\* 1 +Thread 1 \"[^\"]*gdbfork\" \\(pid 1, tid 1, .*"), out);
        assertTrue(s.get("break").matches("(?s).*hit Breakpoint 1, child_work \\(seed=7\\) at .*gdbfork\\.c:\\d+.*"), out);
        assertTrue(s.get("bt").matches("(?s)#0  child_work \\(seed=7\\) at .*\n#1  0x[0-9a-f]+ in main \\(\\) at .*"), out);
        assertTrue(s.get("step").matches("(?s)14\\t.*\n15\\t.*\n14\\t.*"), out);
        assertEquals(List.of("7", "21", "0"), GdbBatch.values(s.get("step")), "seed, acc after one iteration (7*3+0), i:\n" + out);
        assertEquals(List.of("1759", "1759", "0"), GdbBatch.values(s.get("finish")),
                "child_work returns 1759 and stored it; the child's copy of parent_ticks is 0:\n" + out);

        // both processes are threads; the parent's address space has its own copies (fork): child_value 0, its counter running
        String threads = s.get("threads");
        assertTrue(threads.contains("(pid 1, tid 1,") && threads.matches("(?s).*\\* 2 +Thread \\d+ \"[^\"]*gdbfork\" \\(pid \\d+, tid \\d+, on the CPU\\).*"), out);
        assertEquals(List.of("0", "1"), GdbBatch.values(s.get("parentmem")), out);

        assertEquals(0, run.await(60), run.err.toString());
        assertTrue(run.out.toString().contains("child: 1759\n"), run.out.toString());
        assertTrue(run.out.toString().contains("parent: child exited with 0, parent polled meanwhile\n"), run.out.toString());
    }
}
