package org.multios.core.machine;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.multios.core.bus.PhysicalBus;
import org.multios.core.time.VirtualClock;

class MachineTest {
    /** A CPU that retires instructions until it "executes WFI" at a given count. */
    static final class CountingCpu implements Cpu {
        long retired, wfiAt = Long.MAX_VALUE;
        boolean waiting;
        public int index() { return 0; }
        public void reset() { retired = 0; waiting = false; }
        public long run(long max) {
            if (waiting) return 0;
            long n = Math.min(max, wfiAt - retired);
            retired += n;
            if (retired == wfiAt) waiting = true;
            return n;
        }
        public boolean isWaiting() { return waiting; }
        public long pc() { return retired; }
        public void requestExit() {}
    }

    @Test
    void instructionLimitStopsTheRunAndTimeFollowsInstructions() {
        VirtualClock clock = new VirtualClock(10);
        Machine m = new Machine(new PhysicalBus(), clock);
        CountingCpu cpu = new CountingCpu();
        m.addCpu(cpu);
        m.setInstructionLimit(250_000);
        m.run();
        assertEquals(250_000, cpu.retired);
        assertEquals(2_500_000, clock.nanos());
        assertEquals(Machine.State.STOPPED, m.state());
    }

    @Test
    void idleCpusSkipToTheNextEventAndEventsCanStopTheMachine() {
        VirtualClock clock = new VirtualClock(10);
        Machine m = new Machine(new PhysicalBus(), clock);
        CountingCpu cpu = new CountingCpu();
        cpu.wfiAt = 1000;
        m.addCpu(cpu);
        clock.schedule(1_000_000_000L, () -> m.stop(7, "timer"));
        assertEquals(7, m.run());
        assertEquals(1000, cpu.retired);
        assertEquals(1_000_000_000L, clock.nanos());
    }

    @Test
    void waitingForeverWithNoEventsEndsWithAClearReason() {
        Machine m = new Machine(new PhysicalBus(), new VirtualClock());
        CountingCpu cpu = new CountingCpu();
        cpu.wfiAt = 5;
        m.addCpu(cpu);
        assertEquals(1, m.run());
        assertTrue(m.stopReason().contains("wait"), m.stopReason());
    }

    @Test
    void runStopsAtEventDeadlines() {
        VirtualClock clock = new VirtualClock(1);
        Machine m = new Machine(new PhysicalBus(), clock);
        CountingCpu cpu = new CountingCpu();
        m.addCpu(cpu);
        long[] seenAt = {-1};
        clock.schedule(12_345, () -> { seenAt[0] = cpu.retired; m.stop(0, "done"); });
        m.run();
        assertEquals(12_345, seenAt[0], "the event fires exactly at its instruction count");
    }
}
