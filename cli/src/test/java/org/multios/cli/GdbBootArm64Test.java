package org.multios.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code multios boot --arch arm64 --gdb PORT --gdb-wait}: the machine halts at the reset vector
 * (flash, address 0) until gdb-multiarch attaches; a breakpoint on stage 2's entry (symbols from
 * stage2.elf) stops there with x0 = the device tree at the start of RAM, as docs/boot.md says;
 * after detach the system boots on to the shell. (No MultiOS process view on arm64 yet.)
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
        GdbBatch.kill(port);
        boot.await(60);
    }
}
