package org.multios.isa.arm64.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.multios.isa.arm64.A64Cpu;
import org.multios.isa.arm64.TestCpu;

/** FP/SIMD instructions through the CPU: the FPEN trap, FPCR/FPSR, scalar and vector results. */
class FloatingPointTest {
    private static final int MSR_CPACR_X1 = 0xd5181041; // msr cpacr_el1, x1
    private static final int FMOV_D0_X2 = 0x9e670040;   // fmov d0, x2
    private static final int FMOV_D1_X3 = 0x9e670061;   // fmov d1, x3
    private static final int FMOV_X4_D2 = 0x9e660044;   // fmov x4, d2

    private static TestCpu fpEnabled() {
        TestCpu t = new TestCpu();
        t.set(1, 3L << 20).run(MSR_CPACR_X1);
        return t;
    }

    @Test
    void fpInstructionsTrapUntilCpacrEnablesThem() {
        TestCpu t = new TestCpu();
        t.cpu.sysregs.vbarEl1 = 0x4000_1000L;
        t.run(FMOV_D0_X2);
        assertEquals(0x1fe00000L, t.cpu.sysregs.esrEl1); // EC 0x07, IL, CV=1, COND=0xE
        assertEquals(0x4000_1200L, t.cpu.pc);
        TestCpu e = fpEnabled();
        e.set(2, 0x4008000000000000L).run(FMOV_D0_X2);
        assertEquals(0x4008000000000000L, e.cpu.vreg[0]);
    }

    @Test
    void faddHonoursFpcrRoundingAndSetsFpsr() {
        TestCpu t = fpEnabled();
        t.set(2, Double.doubleToRawLongBits(1.0)).set(3, Double.doubleToRawLongBits(0x1p-60));
        // msr fpcr, x5 (RP); fadd d2, d0, d1
        t.set(5, 1L << 22).run(0xd51b4405, FMOV_D0_X2, FMOV_D1_X3, 0x1e612802, FMOV_X4_D2, 0xd53b4426); // mrs x6, fpsr
        assertEquals(Double.doubleToRawLongBits(Math.nextUp(1.0)), t.x(4));
        assertEquals(0x10, t.x(6)); // IXC
    }

    @Test
    void scalarWritesClearTheUpperVectorBits() {
        TestCpu t = fpEnabled();
        t.cpu.vreg[2 * 7] = -1;
        t.cpu.vreg[2 * 7 + 1] = -1;
        t.run(0x1e201007); // fmov s7, #2.0
        assertEquals(0x40000000L, t.cpu.vreg[14]);
        assertEquals(0L, t.cpu.vreg[15]);
    }

    @Test
    void vectorIntegerAndPermuteOperations() {
        TestCpu t = fpEnabled();
        A64Cpu c = t.cpu;
        c.vreg[2] = 0x0807060504030201L; c.vreg[3] = 0x100f0e0d0c0b0a09L;   // v1 = bytes 1..16
        c.vreg[4] = 0x1010101010101010L; c.vreg[5] = 0x1010101010101010L;   // v2 = 0x10 each
        t.run(0x4e228420); // add v0.16b, v1.16b, v2.16b
        assertEquals(0x1817161514131211L, c.vreg[0]);
        assertEquals(0x201f1e1d1c1b1a19L, c.vreg[1]);
        t.run(0x4e31b820); // addv b0, v1.16b: 1+..+16 = 136
        assertEquals(136L, c.vreg[0]);
        assertEquals(0L, c.vreg[1]);
        t.run(0x4e023820); // zip1 v0.16b, v1.16b, v2.16b
        assertEquals(0x1004100310021001L, c.vreg[0]);
        t.run(0x6e004020); // ext v0.16b, v1.16b, v0.16b, #8
        assertEquals(0x100f0e0d0c0b0a09L, c.vreg[0]);
        t.run(0x0e205820); // cnt v0.8b, v1.8b
        assertEquals(0x0103020201020101L, c.vreg[0]); // popcounts of 1..8
    }
}
