package org.multios.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * Real {@code gdb-multiarch -batch} against {@code multios machine --arch arm64 --bios none
 * --kernel gdb-debugee.elf --gdb 127.0.0.1:0 --gdb-wait} (in-process), debugging the gcc-built guest
 * {@code images/guest/arm64/gdb/debugee.c}: break at a function, continue, bt, print a local,
 * finish, stepi, info registers, x/8i $pc against objdump, a write watchpoint, a hardware
 * breakpoint, Ctrl-C while the guest spins, detach; the detached guest then prints and powers off.
 */
@Timeout(150)
class GdbMultiarchArm64Test {
    static final Path ELF = Path.of("..", "images", "src", "main", "resources", "org", "multios", "images", "arm64", "gdb-debugee.elf");
    static final long ENTRY = 0x4008_0000L;

    @TempDir Path tmp;

    @Test
    void gdbMultiarchDebugsTheArm64VirtMachine() throws Exception {
        GdbBatch.requireTool("gdb-multiarch");
        assertTrue(Files.isRegularFile(ELF), ELF.toAbsolutePath() + " (built by images/guest/arm64/gdb/build.sh)");
        GdbBatch.Running machine = new GdbBatch.Running("machine", "--arch", "arm64", "--bios", "none",
                "--kernel", ELF.toString(), "--gdb", "127.0.0.1:0", "--gdb-wait");
        int port = machine.gdbPort();
        String script = """
                set pagination off
                set confirm off
                set width 0
                target remote 127.0.0.1:%d
                echo === attach\\n
                info registers pc
                show architecture
                echo === break\\n
                break compute
                continue
                echo === bt\\n
                bt
                echo === print\\n
                print n
                echo === finish\\n
                finish
                echo === local\\n
                print k
                print/x $cpsr
                echo === stepi\\n
                stepi
                info registers pc
                echo === registers\\n
                info registers
                echo === x8i\\n
                x/8i $pc
                echo === watch\\n
                delete
                watch counter
                continue
                echo === hbreak\\n
                delete
                hbreak spin
                continue
                echo === monitor\\n
                monitor info registers
                echo === sysregs\\n
                p/x $SCTLR_EL1
                p/x $CURRENTEL
                p/x $MIDR_EL1
                echo === fpu\\n
                p $v1.d.u[1] = 0x1122334455667788
                maintenance flush register-cache
                p/x $v1.d.u
                p/x $fpcr
                echo === spin\\n
                delete
                echo SPINNING\\n
                continue
                echo === interrupted\\n
                print spins
                set var keep_spinning = 0
                echo === detach\\n
                detach
                echo === end\\n
                """.formatted(port);
        String out = GdbBatch.run(tmp, ELF, script);
        Map<String, String> s = GdbBatch.sections(out);
        assertTrue(s.containsKey("end"), "script did not run to the end:\n" + out);

        assertEquals(ENTRY, GdbBatch.pcIn(s.get("attach")), "halted before the first instruction:\n" + out);
        assertTrue(s.get("attach").contains("aarch64"), "target description says aarch64:\n" + out);
        assertTrue(s.get("break").matches("(?s).*Breakpoint 1, compute \\(n=3\\) at .*debugee\\.c:\\d+.*"), out);
        assertTrue(s.get("bt").matches("(?s)#0  compute \\(n=3\\) at .*\n#1  0x[0-9a-f]+ in main \\(\\) at .*"), out);
        assertTrue(s.get("print").contains("$1 = 3"), out);
        assertTrue(s.get("finish").contains(" in main () at "), "finish returns to main:\n" + out);
        assertTrue(s.get("finish").contains("Value returned is $2 = 14"), out); // 1 + 4 + 9
        assertTrue(s.get("local").contains("$3 = 0"), "k is 0 in main's first iteration:\n" + out);
        Matcher cpsr = Pattern.compile("\\$4 = 0x([0-9a-f]+)").matcher(s.get("local"));
        assertTrue(cpsr.find(), out);
        assertEquals(0b0101, Long.parseLong(cpsr.group(1), 16) & 0xf, "PSTATE says EL1h:\n" + out);

        long before = GdbBatch.pcIn(s.get("finish"));
        long after = GdbBatch.pcIn(s.get("stepi"));
        assertEquals(4, after - before, "stepi is one A64 instruction");

        String regs = s.get("registers");
        for (String r : List.of("x0 ", "x1 ", "x29 ", "x30 ", "sp ", "pc ", "cpsr ")) {
            assertTrue(regs.contains("\n" + r) || regs.startsWith(r), r + "\n" + regs);
        }
        assertTrue(Pattern.compile("(?m)^x0\\s+0xe\\s+14$").matcher(regs).find(), "x0 holds compute's result:\n" + regs);

        GdbBatch.assertDisassemblyMatchesObjdump("aarch64-linux-gnu-objdump", ELF, s.get("x8i"));

        String watch = s.get("watch");
        assertTrue(watch.contains("Hardware watchpoint 2: counter"), out);
        assertTrue(watch.contains("Old value = 0") && watch.contains("New value = 1"), out);
        assertTrue(watch.contains("record (slot=0, value=14)"), out);

        String hb = s.get("hbreak");
        assertTrue(hb.contains("Hardware assisted breakpoint 3 at"), out);
        assertTrue(hb.matches("(?s).*Breakpoint 3, spin \\(\\) at .*"), out);
        assertTrue(s.get("monitor").contains("SCTLR_EL1"), out);
        // System registers by name (org.qemu.gdb.aarch64.sysregs): reset SCTLR_EL1, EL1, Cortex-A57's MIDR.
        // FP/SIMD registers (org.gnu.gdb.aarch64.fpu): written and read back through the stub.
        assertEquals(List.of("1234605616436508552", "{0x0, 0x1122334455667788}", "0x0"), GdbBatch.values(s.get("fpu")), out);
        assertTrue(s.get("sysregs").matches("(?s)\\$\\d+ = 0x30d00800\n\\$\\d+ = 0x4\n\\$\\d+ = 0x411fd070\n"), s.get("sysregs"));

        assertTrue(s.get("spin").contains("SIGINT"), "Ctrl-C stops the spinning guest:\n" + out);
        Matcher spins = Pattern.compile("\\$\\d+ = (\\d+)").matcher(s.get("interrupted"));
        assertTrue(spins.find(), out);
        assertTrue(Long.parseLong(spins.group(1)) > 0, "the guest spun before the interrupt:\n" + out);
        assertTrue(s.get("detach").contains("Detaching from program") || s.get("detach").contains("detached"), out);

        // Detached, the guest leaves spin(), prints and powers off (PSCI SYSTEM_OFF): status 0.
        assertEquals(0, machine.await(30), machine.err.toString());
        assertTrue(machine.out.toString().contains("debugee: ran on after detach"), machine.out.toString());
    }
}
