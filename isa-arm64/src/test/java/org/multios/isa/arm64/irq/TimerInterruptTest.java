package org.multios.isa.arm64.irq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.multios.core.machine.Machine;
import org.multios.isa.arm64.A64Cpu;
import org.multios.isa.arm64.TestCpu;

/** The generic timer's PPI through the GICv3 to an IRQ exception, acknowledge and end of interrupt. */
class TimerInterruptTest {
    static final long VBAR = TestCpu.RAM + 0x1000;

    @Test
    void physicalTimerInterruptIsTakenAcknowledgedAndEnded() {
        TestCpu t = new TestCpu();
        A64Cpu cpu = t.cpu;
        GicV3 gic = new GicV3(List.of(cpu), 64);
        cpu.timer.connect(GenericTimer.PHYS, gic.ppi(0, 30));
        t.bus.addMmio("gicd", 0x0800_0000L, GicV3.DIST_SIZE, gic.distributor);
        t.bus.addMmio("gicr", 0x080a_0000L, GicV3.REDIST_STRIDE, gic.redistributors);
        // distributor: enable group 1; redistributor: wake, PPI 30 group 1, priority 0x80, enabled
        t.bus.write(0x0800_0000L, 4, 2);
        t.bus.write(0x080a_0014L, 4, 0);
        t.bus.write(0x080b_0080L, 4, 1L << 30);
        t.bus.write(0x080b_0400L + 28, 4, 0x80L << 16);
        t.bus.write(0x080b_0100L, 4, 1L << 30);
        assertEquals(1L << 30, t.bus.read(0x080b_0100L, 4));
        cpu.gic().write("ICC_PMR_EL1", 0xf0);
        cpu.gic().write("ICC_IGRPEN1_EL1", 1);
        cpu.sysregs.vbarEl1 = VBAR;
        // wait loop: b .
        t.bus.write(TestCpu.CODE, 4, 0x14000000);
        t.bus.write(VBAR + 0x280, 4, 0x14000000); // the IRQ handler spins too
        cpu.pc = TestCpu.CODE;
        cpu.daif = 0;
        cpu.timer.setCval(GenericTimer.PHYS, 1000); // 1000 ticks = 16 us = 1600 instructions
        cpu.timer.setCtl(GenericTimer.PHYS, 1);
        assertFalse(cpu.irqPending());

        Machine m = new Machine(t.bus, t.clock);
        m.addCpu(cpu);
        m.setInstructionLimit(5000);
        m.run();

        assertEquals(VBAR + 0x280, cpu.pc, "IRQ from EL1h goes to the current-EL SPx IRQ vector");
        assertEquals(TestCpu.CODE, cpu.sysregs.elrEl1);
        assertEquals(A64Cpu.DAIF_D | A64Cpu.DAIF_A | A64Cpu.DAIF_I | A64Cpu.DAIF_F, cpu.daif);
        assertTrue((cpu.timer.ctl(GenericTimer.PHYS) & 4) != 0, "ISTATUS");
        assertEquals(30, cpu.gic().read("ICC_IAR1_EL1"));
        assertEquals(1023, cpu.gic().read("ICC_IAR1_EL1"), "active: not pending again");
        cpu.timer.setCtl(GenericTimer.PHYS, 3); // mask the timer output
        cpu.gic().write("ICC_EOIR1_EL1", 30);
        assertFalse(cpu.irqPending());
        assertEquals(0xff, cpu.gic().read("ICC_RPR_EL1"));
    }

    @Test
    void pmrMasksLowerPriorityInterrupts() {
        TestCpu t = new TestCpu();
        A64Cpu cpu = t.cpu;
        GicV3 gic = new GicV3(List.of(cpu), 64);
        var line = gic.spi(5);
        gic.distributor.write(0, 4, 2);
        gic.distributor.write(0x80 + 4, 4, 1L << 5); // INTID 37 group 1
        gic.distributor.write(0x400 + 36, 4, 0xa0L << 8); // priority 0xa0
        gic.distributor.write(0x100 + 4, 4, 1L << 5);
        cpu.gic().write("ICC_IGRPEN1_EL1", 1);
        cpu.gic().write("ICC_PMR_EL1", 0x80);
        line.raise();
        assertFalse(cpu.irqPending(), "priority 0xa0 is not above the mask 0x80");
        cpu.gic().write("ICC_PMR_EL1", 0xff);
        assertTrue(cpu.irqPending());
        assertEquals(37, cpu.gic().read("ICC_HPPIR1_EL1"));
    }
}
