package org.multios.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code multios boot --arch x86_64 --gdb PORT --gdb-wait}: the PC halts at the reset vector (real
 * mode, F000:FFF0) until gdb-multiarch attaches; a breakpoint on stage 2's entry (symbols from
 * stage2.elf) stops there in long mode; after detach the system boots to the shell, and a second
 * gdb with {@code monitor os on} lists MultiOS's processes (init, the shell) as threads and reads
 * the shell's registers and memory through its page table (X86KernelThreads).
 */
@Timeout(300)
class GdbBootX86Test {
    static final Path RES = Path.of("..", "images", "src", "main", "resources", "org", "multios", "images");
    static final Path STAGE2 = RES.resolve(Path.of("firmware", "x86_64", "stage2.elf"));
    static final Path MBOX = RES.resolve(Path.of("userland", "x86_64", "mbox"));

    @TempDir Path tmp;

    @Test
    void resetVectorStage2EntryAndTheBootedSystemsProcesses() throws Exception {
        GdbBatch.requireTool("gdb-multiarch");
        assertTrue(Files.isRegularFile(STAGE2), STAGE2.toAbsolutePath().toString());
        assertTrue(Files.isRegularFile(MBOX), MBOX.toAbsolutePath().toString());
        GdbBatch.Running boot = new GdbBatch.Running("boot", "--arch", "x86_64", "--rtc", "fixed", "--gdb", "127.0.0.1:0", "--gdb-wait");
        int port = boot.gdbPort();
        String firmware = """
                set pagination off
                set confirm off
                set width 0
                set remotetimeout 60
                target remote 127.0.0.1:%d
                echo === reset\\n
                info registers rip cs
                echo === stage2\\n
                break *0x200000
                continue
                info registers rip cs
                echo === detach\\n
                delete
                detach
                echo === end\\n
                """.formatted(port);
        String out = GdbBatch.run(tmp, STAGE2, firmware);
        Map<String, String> s = GdbBatch.sections(out);
        assertTrue(s.containsKey("end"), "script did not run to the end:\n" + out);
        assertTrue(s.get("reset").matches("(?s).*rip +0xfff0 .*cs +0xf000 .*"), "halted at the reset vector:\n" + out);
        assertTrue(s.get("stage2").matches("(?s).*rip +0x200000 .*_start.*"), "stopped on stage 2's entry:\n" + out);
        assertTrue(s.get("stage2").matches("(?s).*cs +0x(8|10|18|20|28|30|38) .*"), "a long-mode code selector:\n" + out);

        boot.awaitOutput("multios# ", 240);
        assertTrue(boot.out.toString().contains("Booting MultiOS on CPU 0 (x86_64)"), boot.out.toString());
        String os = """
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
                info registers rip rsp
                x/2xw $pc
                echo === detach\\n
                detach
                echo === end\\n
                """.formatted(port);
        out = GdbBatch.run(tmp, MBOX, os);
        s = GdbBatch.sections(out);
        assertTrue(s.containsKey("end"), "script did not run to the end:\n" + out);
        String threads = s.get("threads");
        assertTrue(threads.matches("(?s).*Thread 1 \"[^\"]*init[^\"]*\" \\(pid 1, tid 1.*"), "init is thread 1:\n" + out);
        assertTrue(threads.matches("(?s).*Thread \\d+ \"[^\"]*sh[^\"]*\" \\(pid \\d+.*"), "the shell is a thread:\n" + out);
        assertTrue(s.get("regs").matches("(?s).*rip +0x[0-9a-f]+ .*rsp +0x[0-9a-f]{6,} .*"), "user rip and a user stack pointer:\n" + out);
        assertTrue(s.get("regs").matches("(?s).*0x[0-9a-f]+.*:\\s+0x[0-9a-f]{8}\\s+0x[0-9a-f]{8}.*"), "memory at the thread's pc:\n" + out);
        assertTrue(boot.thread.isAlive(), "the system keeps running after detach: " + boot.err);
        GdbBatch.kill(port);
        boot.await(60);
    }
}
