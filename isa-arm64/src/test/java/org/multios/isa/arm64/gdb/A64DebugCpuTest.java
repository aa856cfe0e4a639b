package org.multios.isa.arm64.gdb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.multios.core.debug.DebugCpu;
import org.multios.isa.arm64.TestCpu;

/** GDB's view of a PE: aarch64-core register numbering, g-packet size, breakpoints through the hooks. */
class A64DebugCpuTest {
    @Test
    void registersFollowGdbsAarch64CoreFeature() {
        TestCpu t = new TestCpu();
        t.cpu.x[5] = 0x1122334455667788L;
        t.cpu.setSp(0x4000_1000L);
        t.cpu.n = true;
        A64DebugCpu d = new A64DebugCpu(t.cpu);
        assertEquals(34, d.description().gPacketCount());
        assertEquals(8 * 33 + 4, d.description().gPacketBytes());
        assertTrue(d.description().document("target.xml").contains("<architecture>aarch64</architecture>"));
        assertTrue(d.description().document("aarch64-core.xml").contains("org.gnu.gdb.aarch64.core"));
        assertArrayEquals(new byte[] {(byte) 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11}, d.readRegister(5));
        assertEquals(0x10, d.readRegister(A64TargetDescription.SP)[1]);
        assertEquals((byte) 0xc5, d.readRegister(A64TargetDescription.CPSR)[0]); // I, F masked (bits 7:6), EL1h (0x5)
        assertEquals((byte) 0x80, d.readRegister(A64TargetDescription.CPSR)[3]); // N
        assertTrue(d.writeRegister(A64TargetDescription.PC, new byte[] {0x10, 0, 0, 0x40, 0, 0, 0, 0}));
        assertEquals(0x4000_0010L, t.cpu.pc);
        assertNull(d.readRegister(A64TargetDescription.SYSREG_BASE + A64TargetDescription.SYSREGS.size()));
        assertEquals(DebugCpu.NO_TRANSLATION, d.translate(1L << 50, false));
    }

    /** System registers: one per implemented table row, read and written as MRS/MSR would, constants refused. */
    @Test
    void systemRegistersFollowTheCpusTable() {
        TestCpu t = new TestCpu();
        A64DebugCpu d = new A64DebugCpu(t.cpu);
        var desc = d.description();
        assertTrue(desc.document("system-registers.xml").contains("org.qemu.gdb.aarch64.sysregs"));
        int sctlr = regnum(desc, "SCTLR_EL1"), vbar = regnum(desc, "VBAR_EL1"), midr = regnum(desc, "MIDR_EL1");
        assertTrue(sctlr >= A64TargetDescription.SYSREG_BASE);
        assertEquals(0x30d0_0800L, le(d.readRegister(sctlr)));
        assertEquals(0x411f_d070L, le(d.readRegister(midr)));
        assertTrue(d.writeRegister(vbar, new byte[] {0, 0x08, 0, 0x40, 0, 0, 0, 0}));
        assertEquals(0x4000_0800L, t.cpu.sysregs.vbarEl1);
        assertTrue(!d.writeRegister(midr, new byte[8]), "MIDR is a constant");
        assertEquals(0x411f_d070L, le(d.readRegister(midr)));
        // Reading must have no side effects, so GDB never sees the interrupt-acknowledge register.
        assertTrue(desc.registers().stream().noneMatch(r -> r.name().startsWith("ICC_IAR")));
        // FP/SIMD: v0-v31 (128 bits, little-endian), fpsr, fpcr
        assertTrue(desc.document("aarch64-fpu.xml").contains("org.gnu.gdb.aarch64.fpu"));
        t.cpu.vreg[2 * 3] = 0x0807060504030201L;
        t.cpu.vreg[2 * 3 + 1] = 0x100f0e0d0c0b0a09L;
        byte[] v3 = d.readRegister(A64TargetDescription.V0 + 3);
        for (int i = 0; i < 16; i++) assertEquals(i + 1, v3[i]);
        assertTrue(d.writeRegister(A64TargetDescription.V0 + 3, new byte[16]));
        assertEquals(0, t.cpu.vreg[6] | t.cpu.vreg[7]);
        assertTrue(d.writeRegister(A64TargetDescription.FPCR, new byte[] {0, 0, (byte) 0xc0, 0x03})); // RZ, FZ, DN
        assertEquals(0x03c0_0000, t.cpu.fp.fpcr);
        assertEquals(0x03c0_0000L, le(d.readRegister(A64TargetDescription.FPCR)));
    }

    static int regnum(org.multios.core.debug.TargetDescription desc, String name) {
        return desc.registers().stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow().regnum();
    }

    static long le(byte[] b) {
        long v = 0;
        for (int i = b.length - 1; i >= 0; i--) v = v << 8 | (b[i] & 0xff);
        return v;
    }

    @Test
    void breakpointStopsBeforeTheInstruction() {
        TestCpu t = new TestCpu();
        A64DebugCpu d = new A64DebugCpu(t.cpu);
        d.setDebugHooks(new org.multios.core.debug.DebugHooks() {
            @Override public boolean beforeInstruction(int cpu, long pc) { return pc == TestCpu.CODE + 8; }
            @Override public boolean watchesPage(long vaddr) { return false; }
            @Override public void dataAccess(int cpu, long vaddr, int size, boolean write) { }
        });
        for (int i = 0; i < 4; i++) t.bus.write(TestCpu.CODE + 4L * i, 4, 0x91000400 | 0); // add x0, x0, #1
        t.cpu.pc = TestCpu.CODE;
        assertEquals(2, t.cpu.run(10));
        assertEquals(TestCpu.CODE + 8, t.cpu.pc);
        assertEquals(2, t.cpu.x[0]);
    }
}
