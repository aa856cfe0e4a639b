package org.multios.isa.riscv;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.multios.isa.riscv.exec.RvBitManip;
import org.multios.isa.riscv.exec.RvMultiply;
import org.multios.isa.riscv.decode.RvOp;

class RvBaseIntegerTest {
    static final long B = TestMachine.BASE;

    @Test
    void loopSumsAndStoresThroughTheBlockExecutor() {
        // x1 = 100; x2 = 0; loop: x2 += x1; x1 -= 1; bnez x1 loop; sd x2, 0x800(x3); ld x4, 0x800(x3)
        Asm a = new Asm().li(1, 100).addi(2, 0, 0).auipc(3, 0)
                .add(2, 2, 1).addi(1, 1, -1).bne(1, 0, -8)
                .sd(2, 3, 0x700).ld(4, 3, 0x700).addw(5, 4, 4).addi(0, 4, 1).jal(0, 0);
        TestMachine m = new TestMachine().load(B, a);
        long end = B + a.size() - 4;
        long n = 0;
        while (m.cpu.pc() != end && n < 10_000) n += m.cpu.run(1000);
        assertEquals(5050, m.cpu.xreg(2));
        assertEquals(5050, m.cpu.xreg(4));
        assertEquals(10100, m.cpu.xreg(5));
        assertEquals(0, m.cpu.xreg(0), "x0 stays zero");
        assertEquals(5050, m.bus.read(B + 8 + 0x700, 8));
    }

    @Test
    void runHonoursTheInstructionBudgetExactly() {
        Asm a = new Asm();
        for (int k = 0; k < 20; k++) a.addi(1, 1, 1);
        TestMachine m = new TestMachine().load(B, a);
        assertEquals(7, m.cpu.run(7));
        assertEquals(7, m.cpu.xreg(1));
        assertEquals(B + 28, m.cpu.pc());
        assertEquals(7, m.cpu.instret());
    }

    @Test
    void storeIntoTheRunningBlockTakesEffectOnTheNextInstruction() {
        // auipc x3,0; lw x4, 16(x3) (the addi x5,x0,2 below); sw x4, 12(x3) over "addi x5,x0,1"; then that slot
        Asm a = new Asm().auipc(3, 0).lw(4, 3, 20).sw(4, 3, 12).addi(5, 0, 1).jal(0, 0).addi(5, 0, 2);
        TestMachine m = new TestMachine().load(B, a);
        assertEquals(4, m.cpu.run(4)); // one block: the store overwrites its own 4th instruction
        assertEquals(2, m.cpu.xreg(5), "the modified instruction ran, not the stale decode");
    }

    @Test
    void multiplyAndDivideEdgeCases() {
        assertEquals(-1, RvMultiply.div(5, 0));
        assertEquals(Long.MIN_VALUE, RvMultiply.div(Long.MIN_VALUE, -1));
        assertEquals(0, RvMultiply.rem(Long.MIN_VALUE, -1));
        assertEquals(5, RvMultiply.rem(5, 0));
        assertEquals(-1, RvMultiply.divu(5, 0));
        assertEquals(-1, RvMultiply.divuw(5, 0));
        assertEquals(Integer.MIN_VALUE, RvMultiply.divw(Integer.MIN_VALUE, -1));
        assertEquals(-1L, RvMultiply.mulhsu(-1, 1)); // -1 * 1 = -1: high half all ones
        assertEquals(0, RvMultiply.mulhsu(1, -1));   // 1 * (2^64-1): high half 0
        assertEquals(Math.multiplyHigh(-7L, 3L), RvMultiply.mulh(-7, 3));
        assertEquals(-2, RvMultiply.mulhsu(-2, -1) + 0); // -2 * (2^64-1) = -2^65 + 2: high = -2
    }

    @Test
    void bitManipulation() {
        assertEquals(0x0000_ff00_ff00_00ffL, RvBitManip.exec(RvOp.ORC_B, 0x0000_0100_8000_0001L, 0));
        assertEquals(0x0807060504030201L, RvBitManip.exec(RvOp.REV8, 0x0102030405060708L, 0));
        assertEquals(0x1_0000_0003L, RvBitManip.exec(RvOp.ADD_UW, 0xffff_ffff_0000_0002L, 0x1_0000_0001L));
        assertEquals(63, RvBitManip.exec(RvOp.CLZ, 1, 0));
        assertEquals(32, RvBitManip.exec(RvOp.CTZW, 0, 0));
        assertEquals(0xffff_ffff_8000_0000L, RvBitManip.exec(RvOp.RORIW, 1, 1));
        assertEquals(-128, RvBitManip.exec(RvOp.SEXT_B, 0x80, 0));
        assertEquals(1, RvBitManip.exec(RvOp.BEXTI, 0x8000_0000_0000_0000L, 63));
        assertEquals(-1L, RvBitManip.exec(RvOp.MAXU, -1, 5));
        assertEquals(-1L, RvBitManip.exec(RvOp.MIN, -1, 5));
    }

    @Test
    void lrScAndAmo() {
        // x3 = data address; lr.d x4,(x3); sc.d x5,x6,(x3); sc.d x7,x6,(x3) (fails: reservation gone); amoadd.d x8,x6,(x3)
        Asm a = new Asm().li(3, 0x8000_1000L).li(6, 42).lrD(4, 3).scD(5, 3, 6).scD(7, 3, 6).amoaddD(8, 3, 6).jal(0, 0);
        TestMachine m = new TestMachine().load(B, a);
        m.bus.write(0x8000_1000L, 8, 7);
        long end = B + a.size() - 4;
        for (int k = 0; k < 100 && m.cpu.pc() != end; k++) m.cpu.run(1);
        assertEquals(7, m.cpu.xreg(4));
        assertEquals(0, m.cpu.xreg(5), "first SC succeeds");
        assertEquals(1, m.cpu.xreg(7), "second SC fails");
        assertEquals(42, m.cpu.xreg(8));
        assertEquals(84, m.bus.read(0x8000_1000L, 8));
    }
}
