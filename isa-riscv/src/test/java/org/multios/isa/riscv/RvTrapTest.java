package org.multios.isa.riscv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.multios.core.irq.InterruptLine;
import org.multios.isa.riscv.csr.Mstatus;
import org.multios.isa.riscv.csr.RvCsrTable;
import org.multios.isa.riscv.trap.RvTrap;

class RvTrapTest {
    static final long B = TestMachine.BASE;

    /** Runs one instruction at a time until pc == stop. */
    static void runTo(TestMachine m, long stop) {
        for (int k = 0; k < 1000 && m.cpu.pc() != stop; k++) m.cpu.run(1);
        assertEquals(stop, m.cpu.pc(), "did not reach 0x" + Long.toHexString(stop));
    }

    @Test
    void illegalInstructionTrapsToMtvecWithTheBitsInMtval() {
        TestMachine m = new TestMachine();
        m.bus.write(B, 4, 0xffff_ffffL);
        m.cpu.writeCsr(RvCsrTable.MTVEC, B + 0x100);
        m.cpu.run(1);
        assertEquals(B + 0x100, m.cpu.pc());
        assertEquals(RvTrap.ILLEGAL_INSTRUCTION, m.cpu.readCsr(RvCsrTable.MCAUSE));
        assertEquals(0xffff_ffffL, m.cpu.readCsr(RvCsrTable.MTVAL));
        assertEquals(B, m.cpu.readCsr(RvCsrTable.MEPC));
        assertEquals(0, m.cpu.instret(), "a trapping instruction does not retire");
    }

    @Test
    void userEcallDelegatedToSupervisorAndSretReturns() {
        // M: set medeleg[8], stvec, mepc = user code, MPP = U, mret. U: ecall. S handler: sret back to after ecall? (sepc+4)
        long user = B + 0x200, sHandler = B + 0x300;
        Asm a = new Asm().li(1, 1 << RvTrap.ECALL_FROM_U).csrw(RvCsrTable.MEDELEG, 1)
                .li(1, sHandler).csrw(RvCsrTable.STVEC, 1)
                .li(1, user).csrw(RvCsrTable.MEPC, 1)
                .mret();
        Asm u = new Asm().ecall().jal(0, 0);
        Asm s = new Asm().csrr(5, RvCsrTable.SEPC).addi(5, 5, 4).csrw(RvCsrTable.SEPC, 5).sret();
        TestMachine m = new TestMachine().load(B, a).load(user, u).load(sHandler, s);
        // A U-mode access needs a PMP entry: allow everything.
        m.cpu.writeCsr(RvCsrTable.PMPADDR0, -1L);
        m.cpu.writeCsr(RvCsrTable.PMPCFG0, 0x1f); // NAPOT RWX
        runTo(m, user);
        assertEquals(0, m.cpu.privilege());
        m.cpu.run(1); // ecall
        assertEquals(sHandler, m.cpu.pc());
        assertEquals(1, m.cpu.privilege());
        assertEquals(RvTrap.ECALL_FROM_U, m.cpu.readCsr(RvCsrTable.SCAUSE));
        assertEquals(0, m.cpu.readCsr(RvCsrTable.MSTATUS) & Mstatus.SPP, "SPP = U");
        runTo(m, user + 4);
        assertEquals(0, m.cpu.privilege());
    }

    @Test
    void interruptsTakenByPriorityAndVectored() {
        TestMachine m = new TestMachine();
        m.load(B, new Asm().jal(0, 0));
        m.load(B + 0x1000 + 4 * RvTrap.IRQ_MSI, new Asm().jal(0, 0));
        m.cpu.writeCsr(RvCsrTable.MTVEC, B + 0x1000 + 1); // vectored
        m.cpu.writeCsr(RvCsrTable.MIE, (1 << RvTrap.IRQ_MTI) | (1 << RvTrap.IRQ_MEI) | (1 << RvTrap.IRQ_MSI));
        m.cpu.writeCsr(RvCsrTable.MSTATUS, Mstatus.MIE);
        InterruptLine mti = m.cpu.interruptLine(RvTrap.IRQ_MTI), msi = m.cpu.interruptLine(RvTrap.IRQ_MSI);
        mti.raise();
        msi.raise();
        m.cpu.run(1);
        assertEquals(RvTrap.INTERRUPT_FLAG | RvTrap.IRQ_MSI, m.cpu.readCsr(RvCsrTable.MCAUSE), "MSI outranks MTI");
        assertEquals(B + 0x1000 + 4 * RvTrap.IRQ_MSI, m.cpu.pc(), "vectored: base + 4 * cause");
        assertEquals(0, m.cpu.readCsr(RvCsrTable.MSTATUS) & Mstatus.MIE, "MIE cleared on entry");
        assertTrue((m.cpu.readCsr(RvCsrTable.MSTATUS) & Mstatus.MPIE) != 0);
    }

    @Test
    void delegatedSupervisorInterruptIsNotTakenInMachineMode() {
        TestMachine m = new TestMachine().load(B, new Asm().jal(0, 0));
        m.cpu.writeCsr(RvCsrTable.MIDELEG, 1 << RvTrap.IRQ_STI);
        m.cpu.writeCsr(RvCsrTable.MIE, 1 << RvTrap.IRQ_STI);
        m.cpu.writeCsr(RvCsrTable.MSTATUS, Mstatus.MIE | Mstatus.SIE);
        m.cpu.writeCsr(RvCsrTable.MIP, 1 << RvTrap.IRQ_STI);
        m.cpu.run(5);
        assertEquals(B, m.cpu.pc(), "still spinning in M");
        assertEquals(3, m.cpu.privilege());
    }

    @Test
    void wfiWaitsAndALineWakesItEvenWithInterruptsDisabled() {
        TestMachine m = new TestMachine().load(B, new Asm().wfi().addi(1, 0, 7).jal(0, 0));
        m.cpu.writeCsr(RvCsrTable.MIE, 1 << RvTrap.IRQ_MEI);
        assertEquals(1, m.cpu.run(100));
        assertTrue(m.cpu.isWaiting());
        assertEquals(0, m.cpu.run(100));
        m.cpu.interruptLine(RvTrap.IRQ_MEI).raise();
        assertTrue(m.cpu.run(2) > 0);
        assertFalse(m.cpu.isWaiting());
        assertEquals(7, m.cpu.xreg(1), "MIE=0: execution continues after wfi");
    }

    @Test
    void csrAccessRules() {
        // A write to a read-only CSR (mhartid) is illegal; reading it is fine.
        TestMachine m = new TestMachine().load(B, new Asm().csrr(1, RvCsrTable.MHARTID).csrw(RvCsrTable.MHARTID, 1));
        m.cpu.writeCsr(RvCsrTable.MTVEC, B + 0x100);
        m.cpu.run(1);
        assertEquals(B + 4, m.cpu.pc());
        m.cpu.run(1);
        assertEquals(RvTrap.ILLEGAL_INSTRUCTION, m.cpu.readCsr(RvCsrTable.MCAUSE));
        // misa is honest: RV64 IMAFDC SU.
        assertEquals((2L << 62) | 0x14112dL, m.cpu.readCsr(RvCsrTable.MISA));
        // mstatus: UXL/SXL read 2; MPP cannot become the reserved value 2.
        m.cpu.writeCsr(RvCsrTable.MSTATUS, 2L << Mstatus.MPP_SHIFT);
        long s = m.cpu.readCsr(RvCsrTable.MSTATUS);
        assertEquals(2L, (s >>> 32) & 3);
        assertEquals(2L, (s >>> 34) & 3);
        assertTrue(Mstatus.mpp(s) != 2);
        // FS dirty shows in SD.
        m.cpu.writeCsr(RvCsrTable.MSTATUS, Mstatus.FS_DIRTY);
        assertTrue(m.cpu.readCsr(RvCsrTable.MSTATUS) < 0);
    }

    @Test
    void counterEnableGatesUserAccess() {
        long user = B + 0x200;
        TestMachine m = new TestMachine().load(B, new Asm().li(1, user).csrw(RvCsrTable.MEPC, 1).mret());
        m.load(user, new Asm().csrr(2, RvCsrTable.CYCLE).jal(0, 0));
        m.cpu.writeCsr(RvCsrTable.PMPADDR0, -1L);
        m.cpu.writeCsr(RvCsrTable.PMPCFG0, 0x1f);
        m.cpu.writeCsr(RvCsrTable.MTVEC, B + 0x400);
        runTo(m, user);
        m.cpu.run(1);
        assertEquals(B + 0x400, m.cpu.pc(), "cycle without mcounteren traps");
        assertEquals(RvTrap.ILLEGAL_INSTRUCTION, m.cpu.readCsr(RvCsrTable.MCAUSE));
    }
}
