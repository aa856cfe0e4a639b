package org.multios.isa.riscv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.multios.core.machine.Machine;
import org.multios.isa.riscv.csr.RvCsrTable;

/** A hart parked in wfi with every interrupt disabled ends the run instead of hanging it. */
class HaltedMachineTest {
    static final long B = TestMachine.BASE;

    @Test
    void wfiWithAllInterruptsDisabledStopsTheMachine() {
        TestMachine m = new TestMachine().load(B, new Asm().wfi().jal(0, -4));
        Machine machine = new Machine(m.bus, m.clock);
        machine.addCpu(m.cpu);
        // A device that keeps polling (like the UART) must not keep a dead machine alive.
        Runnable[] poll = new Runnable[1];
        poll[0] = () -> m.clock.scheduleIn(1_000_000, poll[0]);
        m.clock.scheduleIn(1_000_000, poll[0]);
        assertEquals(1, machine.run());
        assertTrue(machine.stopReason().startsWith("all CPUs halted"), machine.stopReason());
    }

    @Test
    void wfiWithAnEnabledInterruptWaitsForIt() {
        TestMachine m = new TestMachine().load(B, new Asm().wfi().jal(0, -4));
        m.cpu.writeCsr(RvCsrTable.MIE, 1L << 7); // MTIE: a timer could wake it
        Machine machine = new Machine(m.bus, m.clock);
        machine.addCpu(m.cpu);
        m.clock.scheduleIn(5_000_000, () -> machine.stop(7, "test over"));
        assertEquals(7, machine.run(), machine.stopReason());
    }
}
