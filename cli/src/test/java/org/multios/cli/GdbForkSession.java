package org.multios.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The gdb-multiarch session GdbRunArm64Test and GdbRunX86Test run against {@code multios run
 * --arch ARCH --gdb 127.0.0.1:0 --gdb-wait gdbfork}: break in the forked child's function,
 * backtrace, step by source line, read locals, finish and read the stored global, list both
 * processes as threads ({@code monitor os on}), read the parent's own copies after fork, detach
 * and check both processes finish as they do without a debugger.
 */
final class GdbForkSession {
    private GdbForkSession() {}

    /** {@code arch}: the --arch value; {@code gdbArchitecture}: GDB's {@code set architecture} name. */
    static void check(Path tmp, Path prog, String arch, String gdbArchitecture) throws Exception {
        GdbBatch.Running run = new GdbBatch.Running("run", "--arch", arch, "--gdb", "127.0.0.1:0", "--gdb-wait", prog.toString());
        int port = run.gdbPort();
        String script = """
                set pagination off
                set confirm off
                set width 0
                set architecture %s
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
                """.formatted(gdbArchitecture, port);
        String out = GdbBatch.run(tmp, prog, script);
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
