package org.multios.isa.riscv;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.multios.core.trace.TraceSink;
import org.multios.isa.riscv.csr.RvCsrTable;

/** The --trace format is a contract (docs/trace-format.md): Spike --log-commits lines. */
class CommitLogTest {
    @Test
    void linesForRegisterWritesStoresCompressedAndTraps() throws Exception {
        long b = TestMachine.BASE;
        TestMachine m = new TestMachine();
        Asm a = new Asm().auipc(5, 0).addi(6, 0, -1).sd(6, 5, 0x100);
        m.load(b, a);
        m.bus.write(b + 12, 2, 0x4581); // c.li a1, 0
        m.bus.write(b + 14, 4, 0xffff_ffffL); // illegal: traps, not logged
        m.cpu.writeCsr(RvCsrTable.MTVEC, b + 0x200);
        m.bus.write(b + 0x200, 4, 0x00000013); // nop (addi x0, x0, 0)
        StringWriter out = new StringWriter();
        TraceSink sink = new TraceSink(out);
        m.cpu.setTrace(sink);
        m.cpu.run(6); // 5 retired + 1 trap
        sink.close();
        assertEquals("""
                core   0: 3 0x0000000080000000 (0x00000297) x5  0x0000000080000000
                core   0: 3 0x0000000080000004 (0xfff00313) x6  0xffffffffffffffff
                core   0: 3 0x0000000080000008 (0x1062b023) mem 0x0000000080000100 0xffffffffffffffff
                core   0: 3 0x000000008000000c (0x4581) x11 0x0000000000000000
                core   0: 3 0x0000000080000200 (0x00000013)
                """, out.toString());
    }
}
