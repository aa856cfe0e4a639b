package org.multios.isa.riscv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.multios.core.machine.Machine;
import org.multios.isa.riscv.csr.Mstatus;
import org.multios.isa.riscv.csr.RvCsrFile;
import org.multios.isa.riscv.csr.RvCsrTable;
import org.multios.isa.riscv.trap.RvTrap;

/** Sstc: stimecmp, menvcfg.STCE, STIP driven by time >= stimecmp, access rules. */
class SstcTest {
    static final long B = TestMachine.BASE;
    static final long STIP = 1L << RvTrap.IRQ_STI;

    /** S-mode code at B+0x100 entered by mret with PMP open; M trap vector at B+0x800 (spins). */
    static TestMachine supervisor(Asm sCode, long menvcfg, long mcounteren) {
        TestMachine m = new TestMachine();
        m.load(B, new Asm().li(1, B + 0x100).csrw(RvCsrTable.MEPC, 1)
                .li(1, 1L << 11).csrw(RvCsrTable.MSTATUS, 1) // MPP = S
                .mret());
        m.load(B + 0x100, sCode);
        m.load(B + 0x800, new Asm().jal(0, 0));
        m.cpu.writeCsr(RvCsrTable.MTVEC, B + 0x800);
        m.cpu.writeCsr(RvCsrTable.PMPADDR0, -1L);
        m.cpu.writeCsr(RvCsrTable.PMPCFG0, 0x1f);
        m.cpu.writeCsr(RvCsrTable.MENVCFG, menvcfg);
        m.cpu.writeCsr(RvCsrTable.MCOUNTEREN, mcounteren);
        return m;
    }

    @Test
    void csrSemantics() {
        TestMachine m = new TestMachine();
        assertEquals(-1L, m.cpu.readCsr(RvCsrTable.STIMECMP), "reset: all-ones");
        m.cpu.writeCsr(RvCsrTable.MENVCFG, -1L);
        assertEquals(RvCsrFile.MENVCFG_STCE | 1, m.cpu.readCsr(RvCsrTable.MENVCFG), "only FIOM and STCE are writable");
        m.cpu.writeCsr(RvCsrTable.STIMECMP, 0x1234_5678_9abcL);
        assertEquals(0x1234_5678_9abcL, m.cpu.readCsr(RvCsrTable.STIMECMP));
        // STCE=1: STIP is read-only in mip and follows the comparator (time is ~0 now: not pending).
        m.cpu.writeCsr(RvCsrTable.MIP, STIP);
        assertEquals(0, m.cpu.readCsr(RvCsrTable.MIP) & STIP, "software cannot set STIP while STCE=1");
        m.cpu.writeCsr(RvCsrTable.STIMECMP, 0);
        assertEquals(STIP, m.cpu.readCsr(RvCsrTable.MIP) & STIP, "time >= stimecmp raises STIP");
        m.cpu.writeCsr(RvCsrTable.STIMECMP, -1L);
        assertEquals(0, m.cpu.readCsr(RvCsrTable.MIP) & STIP, "a future compare value lowers it again");
        // STCE=0: STIP is M-mode software's again, and the comparator no longer matters.
        m.cpu.writeCsr(RvCsrTable.STIMECMP, 0);
        m.cpu.writeCsr(RvCsrTable.MENVCFG, 0);
        assertEquals(0, m.cpu.readCsr(RvCsrTable.MIP) & STIP);
        m.cpu.writeCsr(RvCsrTable.MIP, STIP);
        assertEquals(STIP, m.cpu.readCsr(RvCsrTable.MIP) & STIP);
    }

    /** Runs the S code; returns mcause when it trapped to M, or -1 when it reached its end (the spin at B+0x200). */
    static long accessOutcome(long menvcfg, long mcounteren) {
        Asm s = new Asm().csrr(5, RvCsrTable.STIMECMP).jal(0, 0x200 - 0x100 - 4);
        TestMachine m = supervisor(s, menvcfg, mcounteren);
        m.load(B + 0x200, new Asm().jal(0, 0));
        for (int k = 0; k < 100 && m.cpu.pc() != B + 0x800 && m.cpu.pc() != B + 0x200; k++) m.cpu.run(1);
        return m.cpu.pc() == B + 0x200 ? -1 : m.cpu.readCsr(RvCsrTable.MCAUSE);
    }

    @Test
    void stimecmpIsIllegalBelowMUnlessStceAndTm() {
        assertEquals(RvTrap.ILLEGAL_INSTRUCTION, accessOutcome(0, 2), "STCE clear");
        assertEquals(RvTrap.ILLEGAL_INSTRUCTION, accessOutcome(RvCsrFile.MENVCFG_STCE, 0), "mcounteren.TM clear");
        assertEquals(-1, accessOutcome(RvCsrFile.MENVCFG_STCE, 2), "STCE and TM set: S may use it");
    }

    @Test
    void supervisorTimerInterruptArrivesWhenTimeReachesStimecmp() {
        // S: t1 = time + 5000 ticks (500 us); stimecmp = t1; enable STIE + SIE; wfi loop.
        // Handler (stvec = B+0x400): a0 = time, a1 = scause; stimecmp = -1; spin at B+0x480.
        long handler = B + 0x400, done = B + 0x480;
        Asm s = new Asm().csrr(6, RvCsrTable.TIME).li(7, 5000).add(6, 6, 7).csrw(RvCsrTable.STIMECMP, 6)
                .li(7, handler).csrw(RvCsrTable.STVEC, 7)
                .li(7, STIP).csrw(RvCsrTable.SIE, 7)
                .li(7, Mstatus.SIE).csrrs(0, RvCsrTable.SSTATUS, 7)
                .wfi().jal(0, -4);
        TestMachine m = supervisor(s, RvCsrFile.MENVCFG_STCE, 2);
        m.cpu.writeCsr(RvCsrTable.MIDELEG, STIP);
        Asm h = new Asm().csrr(10, RvCsrTable.TIME).csrr(11, RvCsrTable.SCAUSE).li(7, -1).csrw(RvCsrTable.STIMECMP, 7);
        m.load(handler, h);
        m.load(done, new Asm().jal(0, 0));
        // jump from the end of the handler to the spin
        int[] hw = h.toArray();
        m.load(handler + 4L * hw.length, new Asm().jal(0, (int) (done - handler - 4L * hw.length)));
        Machine machine = new Machine(m.bus, m.clock);
        machine.addCpu(m.cpu);
        m.clock.schedule(10_000_000, () -> machine.stop(1, "no interrupt within 10 ms"));
        m.clock.schedule(0, () -> {});
        Thread watcher = new Thread(() -> {
            while (m.cpu.pc() != done && machine.state() != Machine.State.STOPPED) Thread.onSpinWait();
            machine.stop(0, "handler done");
        });
        watcher.setDaemon(true);
        watcher.start();
        machine.run();
        assertEquals(done, m.cpu.pc(), "the S timer interrupt was taken: " + machine.stopReason());
        assertEquals(RvTrap.INTERRUPT_FLAG | RvTrap.IRQ_STI, m.cpu.xreg(11));
        long cmp = m.cpu.xreg(6);
        long at = m.cpu.xreg(10);
        assertTrue(at >= cmp, "not before the deadline: time " + at + " < stimecmp " + cmp);
        assertTrue(at - cmp < 10, "at the deadline, not long after: time " + at + ", stimecmp " + cmp);
        assertTrue(m.clock.nanos() >= 500_000, "virtual time advanced to the deadline");
        assertEquals(0, m.cpu.readCsr(RvCsrTable.MIP) & STIP, "the handler's stimecmp write lowered STIP");
    }
}
