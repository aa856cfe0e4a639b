package org.multios.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6 on {@code boot}: {@code multios boot --gdb PORT} serves the stub over the booted
 * machine; real {@code gdb-multiarch} attaches to the running system, {@code monitor os on} lists
 * MultiOS's processes (init, the shell) as threads named by their command lines, selects the
 * shell, reads its registers and the memory at its pc through its own page table, and detaches
 * leaving the system running.
 */
@Timeout(300)
class GdbBootTest {
    static final Path MBOX = Path.of("..", "images", "src", "main", "resources", "org", "multios", "images", "userland", "riscv64", "mbox");

    @TempDir Path tmp;

    @Test
    void gdbSeesTheBootedSystemsProcessesAsThreads() throws Exception {
        GdbBatch.requireTool("gdb-multiarch");
        assertTrue(Files.isRegularFile(MBOX), MBOX.toAbsolutePath().toString());
        GdbBatch.Running boot = new GdbBatch.Running("boot", "--gdb", "127.0.0.1:0");
        int port = boot.gdbPort();
        boot.awaitOutput("multios# ", 240);
        String script = """
                set pagination off
                set confirm off
                set width 0
                set remotetimeout 60
                target remote 127.0.0.1:%d
                monitor os on
                maintenance flush register-cache
                echo === threads\\n
                info threads
                echo === shell\\n
                thread find sh
                echo === regs\\n
                thread 2
                info registers pc sp
                x/2xw $pc
                echo === detach\\n
                detach
                echo === end\\n
                """.formatted(port);
        String out = GdbBatch.run(tmp, MBOX, script);
        Map<String, String> s = GdbBatch.sections(out);
        assertTrue(s.containsKey("end"), "script did not run to the end:\n" + out);
        String threads = s.get("threads");
        assertTrue(threads.matches("(?s).*Thread 1 \"[^\"]*init[^\"]*\" \\(pid 1, tid 1.*"), "init is thread 1:\n" + out);
        assertTrue(threads.matches("(?s).*Thread \\d+ \"[^\"]*sh[^\"]*\" \\(pid \\d+.*"), "the shell is a thread:\n" + out);
        assertTrue(s.get("regs").matches("(?s).*pc +0x[0-9a-f]+.*sp +0x3f[0-9a-f]+.*"), "user pc and a user stack pointer:\n" + out);
        assertTrue(s.get("regs").matches("(?s).*0x[0-9a-f]+.*:\\s+0x[0-9a-f]{8}\\s+0x[0-9a-f]{8}.*"), "memory at the thread's pc:\n" + out);
        assertTrue(boot.thread.isAlive(), "the system keeps running after detach: " + boot.err);
        GdbBatch.kill(port);
        boot.await(60);
    }
}
