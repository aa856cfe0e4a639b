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
 * Real {@code gdb-multiarch -batch} against {@code multios machine --arch x86_64 --bios
 * gdb-debugee.rom --gdb 127.0.0.1:0 --gdb-wait} (in-process), debugging the gcc-built guest
 * {@code images/guest/x86_64/gdb} (a reset-vector stub that enters long mode, then C): GDB attaches
 * at the reset vector in real mode, then break at a function, continue, bt, print a local,
 * finish, stepi, info registers, x/8i $pc against objdump, a write watchpoint, a hardware
 * breakpoint, Ctrl-C while the guest spins, detach; the detached guest then prints on COM1.
 */
@Timeout(150)
class GdbMultiarchX86Test {
    static final Path DIR = Path.of("..", "images", "src", "main", "resources", "org", "multios", "images", "x86_64");
    static final Path ELF = DIR.resolve("gdb-debugee.elf"), ROM = DIR.resolve("gdb-debugee.rom");

    @TempDir Path tmp;

    @Test
    void gdbMultiarchDebugsTheX86PcMachine() throws Exception {
        GdbBatch.requireTool("gdb-multiarch");
        assertTrue(Files.isRegularFile(ROM), ROM.toAbsolutePath() + " (built by images/guest/x86_64/gdb/build.sh)");
        GdbBatch.Running machine = new GdbBatch.Running("machine", "--arch", "x86_64", "--bios", ROM.toString(),
                "--gdb", "127.0.0.1:0", "--gdb-wait");
        int port = machine.gdbPort();
        String script = """
                set pagination off
                set confirm off
                set width 0
                target remote 127.0.0.1:%d
                echo === attach\\n
                info registers rip
                p/x $cs
                p/x $cr0
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
                p/x $cs
                p/x $efer
                echo === stepi\\n
                stepi
                info registers rip
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
                monitor info mem
                info threads
                echo === fpu\\n
                p $xmm1.v2_int64[1] = 0x1122334455667788
                p $st0 = 1.5
                maintenance flush register-cache
                p/x $xmm1.v2_int64
                p $st0
                p/x $mxcsr
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

        // The reset vector: F000:FFF0 in real mode (CR0.PE clear).
        assertEquals(0xfff0, GdbBatch.pcIn(s.get("attach")), "halted before the first instruction:\n" + out);
        assertTrue(s.get("attach").contains("= 0xf000"), out);
        assertTrue(s.get("attach").contains("= 0x60000010"), "CR0 after reset: CD NW ET:\n" + out);
        assertTrue(s.get("attach").contains("i386:x86-64"), out);
        assertTrue(s.get("break").matches("(?s).*Breakpoint 1, compute \\(n=3\\) at .*debugee\\.c:\\d+.*"), out);
        assertTrue(s.get("bt").matches("(?s)#0  compute \\(n=3\\) at .*\n#1  0x[0-9a-f]+ in main \\(\\) at .*"), out);
        assertEquals(List.of("3"), GdbBatch.values(s.get("print")), out);
        assertTrue(s.get("finish").contains(" in main () at "), "finish returns to main:\n" + out);
        assertEquals(List.of("14"), GdbBatch.values(s.get("finish")), out); // 1 + 4 + 9
        // k is 0 in main's first iteration; CS is the 64-bit code segment; EFER has LME and LMA.
        assertEquals(List.of("0", "0x18", "0x500"), GdbBatch.values(s.get("local")), out);

        long before = GdbBatch.pcIn(s.get("finish"));
        long after = GdbBatch.pcIn(s.get("stepi"));
        assertTrue(after - before >= 1 && after - before <= 15, "stepi is one instruction: " + before + " -> " + after);

        String regs = s.get("registers");
        for (String r : List.of("rax ", "rbx ", "rsp ", "r15 ", "rip ", "eflags ", "cs ", "gs ", "fs_base ")) {
            assertTrue(regs.contains("\n" + r) || regs.startsWith(r), r + "\n" + regs);
        }
        assertTrue(Pattern.compile("(?m)^rax\\s+0xe\\s+14$").matcher(regs).find(), "rax holds compute's result:\n" + regs);

        GdbBatch.assertDisassemblyMatchesObjdump("objdump", ELF, s.get("x8i"));

        String watch = s.get("watch");
        assertTrue(watch.contains("Hardware watchpoint 2: counter"), out);
        assertTrue(watch.contains("Old value = 0") && watch.contains("New value = 1"), out);
        assertTrue(watch.contains("record (slot=0, value=14)"), out);

        String hb = s.get("hbreak");
        assertTrue(hb.contains("Hardware assisted breakpoint 3 at"), out);
        assertTrue(hb.matches("(?s).*Breakpoint 3, spin \\(\\) at .*"), out);
        assertTrue(s.get("monitor").contains("efer 0000000000000500"), out);
        assertTrue(s.get("monitor").contains("4-level paging, CR3 0000000000001000"), out);
        assertTrue(s.get("monitor").contains("0000000000000000-000000003fffffff  0000000000000000  w-x"), "1 GiB identity map:\n" + out);
        assertTrue(s.get("monitor").contains("CPU 0, long mode, CPL0"), out);

        // SSE and x87 registers written and read back through the stub (st0 is ST(0), 80-bit extended).
        assertEquals(List.of("1234605616436508552", "1.5", "{0x0, 0x1122334455667788}", "1.5", "0x1f80"),
                GdbBatch.values(s.get("fpu")), out);

        assertTrue(s.get("spin").contains("SIGINT"), "Ctrl-C stops the spinning guest:\n" + out);
        Matcher spins = Pattern.compile("\\$\\d+ = (\\d+)").matcher(s.get("interrupted"));
        assertTrue(spins.find(), out);
        assertTrue(Long.parseLong(spins.group(1)) > 0, "the guest spun before the interrupt:\n" + out);
        assertTrue(s.get("detach").contains("Detaching from program") || s.get("detach").contains("detached"), out);

        // Detached, the guest leaves spin(), prints on COM1 and parks in cli; hlt, which stops the
        // machine ("all CPUs halted", exit status 1): nothing is left running for a second debugger to kill.
        machine.awaitOutput("debugee: ran on after detach", 30);
        assertEquals(1, machine.await(30), machine.err.toString());
        assertTrue(machine.err.toString().contains("all CPUs halted"), machine.err.toString());
    }
}
