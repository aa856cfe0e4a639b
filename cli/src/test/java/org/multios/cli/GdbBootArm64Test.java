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
 * {@code multios boot --arch arm64 --gdb PORT --gdb-wait}: the machine halts at the reset vector
 * (flash, address 0) until gdb-multiarch attaches; a breakpoint on stage 2's entry (symbols from
 * stage2.elf) stops there with x0 = the device tree at the start of RAM, as docs/boot.md says;
 * after detach the system boots on to the shell. Attached again at the prompt with {@code monitor os
 * on} ({@link org.multios.kernel.arch.arm64.Arm64LateKernelThreads}), init and sh are threads with
 * their registers and their memory.
 */
@Timeout(300)
class GdbBootArm64Test {
    static final Path STAGE2 = Path.of("..", "images", "src", "main", "resources", "org", "multios", "images", "firmware", "arm64", "stage2.elf");

    @TempDir Path tmp;

    @Test
    void gdbStopsAtTheResetVectorAndOnStage2sEntry() throws Exception {
        GdbBatch.requireTool("gdb-multiarch");
        assertTrue(Files.isRegularFile(STAGE2), STAGE2.toAbsolutePath().toString());
        GdbBatch.Running boot = new GdbBatch.Running("boot", "--arch", "arm64", "--rtc", "fixed", "--gdb", "127.0.0.1:0", "--gdb-wait");
        int port = boot.gdbPort();
        String script = """
                set pagination off
                set confirm off
                set width 0
                set remotetimeout 60
                target remote 127.0.0.1:%d
                echo === reset\\n
                info registers pc
                echo === stage2\\n
                break *0x40200000
                continue
                info registers pc x0
                x/1xw $pc
                echo === detach\\n
                delete
                detach
                echo === end\\n
                """.formatted(port);
        String out = GdbBatch.run(tmp, STAGE2, script);
        Map<String, String> s = GdbBatch.sections(out);
        assertTrue(s.containsKey("end"), "script did not run to the end:\n" + out);
        assertTrue(s.get("reset").matches("(?s).*pc +0x0 .*"), "halted at the reset vector in flash:\n" + out);
        assertTrue(s.get("stage2").matches("(?s).*pc +0x40200000 .*_start.*"), "stopped on stage 2's entry:\n" + out);
        assertTrue(s.get("stage2").matches("(?s).*x0 +0x40000000 .*"), "x0 = the device tree at the start of RAM:\n" + out);
        assertTrue(s.get("stage2").matches("(?s).*0x40200000 <_start>:\\s+0xd5034fdf.*"), "msr daifset, #0xf at the entry:\n" + out);
        boot.awaitOutput("multios# ", 240);
        assertTrue(boot.out.toString().contains("stage2: jumping to the kernel"), boot.out.toString());

        // attached again at the prompt with monitor os on: init and sh are threads named by their
        // command lines, both blocked in a system call; sh's saved registers and its memory
        // (through its own page table) show the svc it waits in
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
                echo === sh\\n
                thread 2
                x/1xw $pc
                print $sp != 0
                print ($cpsr >> 2) & 3
                echo === detach\\n
                detach
                echo === end\\n
                """.formatted(port);
        String out2 = GdbBatch.run(tmp, STAGE2, os);
        Map<String, String> s2 = GdbBatch.sections(out2);
        assertTrue(s2.containsKey("end"), "second script did not run to the end:\n" + out2);
        assertTrue(s2.get("threads").matches("(?s).*[* ] 1 +Thread 1 \"[^\"]*init[^\"]*\" \\(pid 1, tid 1, blocked\\).*"), out2);
        assertTrue(s2.get("threads").matches("(?s).*[* ] 2 +Thread \\d+ \"[^\"]*sh[^\"]*\" \\(pid \\d+, tid \\d+, blocked\\).*"), out2);
        assertTrue(s2.get("sh").matches("(?s).*0x[0-9a-f]+:\\s+0xd4000001.*"), "svc #0 at sh's saved pc:\n" + out2);
        assertEquals(List.of("1", "0"), GdbBatch.values(s2.get("sh")), "sh's sp is set, its PSTATE says EL0:\n" + out2);
        GdbBatch.kill(port);
        boot.await(60);
    }
}
