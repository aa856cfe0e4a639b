package org.multios.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code multios run --gdb PORT --gdb-wait gdbfork} with real {@code gdb-multiarch}: after
 * {@code monitor os on} the MultiOS processes are GDB threads named by their command line; GDB
 * breaks in the forked child's function, steps it, reads its locals and memory, and reads the
 * same variables in the parent's address space (different values: fork copied them); the
 * parent keeps running while the child is debugged (its counter grows between two stops of the
 * child); after detach both finish and print what they print without a debugger.
 */
@Timeout(150)
class GdbRunTest {
    static final Path PROG = Path.of("..", "images", "src", "main", "resources", "org", "multios", "images", "riscv64-linux", "gdbfork");

    @TempDir Path tmp;

    @Test
    void gdbDebugsAForkedChildProcessWhileTheParentRuns() throws Exception {
        GdbBatch.requireTool("gdb-multiarch");
        assertTrue(Files.isRegularFile(PROG), PROG.toAbsolutePath() + " (built by images/guest/riscv64-linux/gdb/build.sh)");
        GdbBatch.Running run = new GdbBatch.Running("run", "--gdb", "127.0.0.1:0", "--gdb-wait", PROG.toString());
        int port = run.gdbPort();
        String script = """
                set pagination off
                set confirm off
                set width 0
                target remote 127.0.0.1:%d
                monitor os on
                maintenance flush register-cache
                echo === threads0\\n
                info threads
                echo === break\\n
                break child_work
                continue
                echo === threads\\n
                info threads
                echo === bt\\n
                bt
                echo === step\\n
                next
                next
                next
                print seed
                print acc
                print i
                echo === childmem\\n
                print child_value
                print parent_ticks
                echo === finish\\n
                finish
                print child_value
                echo === parentmem\\n
                thread 1
                print child_value
                print parent_ticks
                echo === report\\n
                thread 2
                break child_report
                continue
                print r
                echo === parentlater\\n
                thread 1
                print parent_ticks
                echo === detach\\n
                detach
                echo === end\\n
                """.formatted(port);
        String out = GdbBatch.run(tmp, PROG, script);
        Map<String, String> s = GdbBatch.sections(out);
        assertTrue(s.containsKey("end"), "script did not run to the end:\n" + out);

        // Halted before the first instruction: one process, named by its command line.
        assertTrue(s.get("threads0").matches("(?s).*\\* 1 +Thread 1 \"[^\"]*gdbfork\" \\(pid 1, tid 1, .*"), out);
        // The breakpoint is hit by the child only; both processes are threads now.
        Matcher hit = Pattern.compile("Thread (\\d+) \"[^\"]*gdbfork\" hit Breakpoint 1, child_work \\(seed=7\\) at .*gdbfork\\.c:\\d+").matcher(s.get("break"));
        assertTrue(hit.find(), out);
        long childTid = Long.parseLong(hit.group(1));
        assertNotEquals(1, childTid, out);
        String threads = s.get("threads");
        assertTrue(threads.contains("Thread 1 \"") && threads.contains("(pid 1, tid 1,"), out);
        assertTrue(threads.contains("* 2    Thread " + childTid + " \""), "the child is selected:\n" + out);
        assertTrue(threads.contains("(pid " + childTid + ", tid " + childTid + ", on the hart)"), out);
        assertTrue(s.get("bt").matches("(?s)#0  child_work \\(seed=7\\) at .*\n#1  0x[0-9a-f]+ in main \\(\\) at .*"), out);

        // Steps: line 13 -> 14 (for) -> 15 (acc = ...) -> 14 (i++ not yet done); locals from the child's stack.
        assertTrue(s.get("step").matches("(?s)14\\t.*\n15\\t.*\n14\\t.*"), out);
        assertEquals(List.of("7", "21", "0"), GdbBatch.values(s.get("step")), "seed, acc after one iteration (7*3+0), i:\n" + out);
        assertEquals(List.of("0", "0"), GdbBatch.values(s.get("childmem")), "nothing stored yet; the child's copy of parent_ticks is 0:\n" + out);
        List<String> fin = GdbBatch.values(s.get("finish"));
        assertEquals(List.of("1759", "1759"), fin, "child_work returns 1759 and stored it:\n" + out);

        // The same variables in the parent's address space: fork copied them, the child's store is not there.
        List<String> parent = GdbBatch.values(s.get("parentmem"));
        assertEquals("0", parent.get(0), "the parent's child_value:\n" + out);
        long ticks = Long.parseLong(parent.get(1));
        assertTrue(s.get("report").contains("child_report (r=1759)"), out);
        long later = Long.parseLong(GdbBatch.values(s.get("parentlater")).get(0));
        assertTrue(later > ticks, "the parent ran while the child was being debugged: " + ticks + " -> " + later + "\n" + out);

        // Detached: both run to their end.
        assertEquals(0, run.await(60), run.err.toString());
        assertTrue(run.out.toString().contains("child: 1759\n"), run.out.toString());
        assertTrue(run.out.toString().contains("parent: child exited with 0, parent polled meanwhile\n"), run.out.toString());
    }
}
