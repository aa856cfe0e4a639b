package org.multios.isa.arm64.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.multios.isa.arm64.A64Cpu;
import org.multios.isa.arm64.TestCpu;

/** Exceptions, system registers and PSTATE. */
class SystemTest {
    @Test
    void svcEntersEl1AtTheSynchronousVectorWithEsr() {
        TestCpu t = new TestCpu();
        t.cpu.sysregs.vbarEl1 = 0x4001_0000L;
        t.run(0xd4000001); // svc #0
        assertEquals(0x4001_0200L, t.cpu.pc); // current EL with SP_ELx, synchronous
        assertEquals(0x15L << 26 | 1L << 25, t.cpu.sysregs.esrEl1);
        assertEquals(TestCpu.CODE + 4, t.cpu.sysregs.elrEl1);
        assertEquals(0x3c5, t.cpu.sysregs.spsrEl1); // DAIF masked, EL1h
    }

    @Test
    void undefinedEncodingTakesEc0() {
        TestCpu t = new TestCpu();
        t.run(0x00000000); // udf #0
        assertEquals(0L, t.cpu.sysregs.esrEl1 >>> 26);
        assertEquals(TestCpu.CODE, t.cpu.sysregs.elrEl1);
    }

    @Test
    void mrsNzcvAndMsrDaifset() {
        TestCpu t = new TestCpu();
        t.cpu.daif = 0;
        t.cpu.n = true;
        t.cpu.c = true;
        t.run(0xd53b4202, 0xd50342df); // mrs x2, nzcv; msr daifset, #2
        assertEquals(0xa000_0000L, t.x(2));
        assertEquals(A64Cpu.DAIF_I, t.cpu.daif);
    }

    @Test
    void adrpIsPageRelative() {
        TestCpu t = new TestCpu();
        t.run(0x90000002); // adrp x2, .
        assertEquals(TestCpu.CODE & ~0xfffL, t.x(2));
    }

    @Test
    void currentElReadsEl1AndIdRegistersAreHonest() {
        TestCpu t = new TestCpu();
        t.run(0xd5384242); // mrs x2, currentel
        assertEquals(4, t.x(2));
        t.run(0xd5380402); // mrs x2, id_aa64pfr0_el1
        assertEquals(0, (t.x(2) >>> 16) & 0xf); // FP: single and double precision
        assertEquals(0, (t.x(2) >>> 20) & 0xf); // AdvSIMD: the same types
        assertEquals(0, (t.x(2) >>> 8) & 0xf); // no EL2
    }
}
