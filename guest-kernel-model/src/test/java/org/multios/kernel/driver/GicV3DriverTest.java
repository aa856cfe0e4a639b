package org.multios.kernel.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.multios.core.bus.PhysicalBus;
import org.multios.core.irq.InterruptLine;
import org.multios.core.time.VirtualClock;
import org.multios.isa.arm64.A64Cpu;
import org.multios.isa.arm64.irq.GenericTimer;
import org.multios.isa.arm64.irq.GicV3;
import org.multios.kernel.arch.arm64.GicTimer;

/**
 * The booted arm64 kernel's interrupt path against the CPU's GICv3 model, wired as arm64-virt
 * wires it (distributor 0x08000000, redistributors 0x080A0000, the virtual timer on PPI 27):
 * an enabled SPI reaches the CPU's IRQ line, is acknowledged by its INTID, runs its handler and
 * is completed; a disabled one never shows; the timer's PPI is the tick, kicked at once and
 * completed by the timer; a deadline in the future is not an interrupt yet.
 */
class GicV3DriverTest {
    static final long DIST = 0x0800_0000L, REDIST = 0x080A_0000L;

    final PhysicalBus bus = new PhysicalBus();
    final VirtualClock clock = new VirtualClock();
    final A64Cpu cpu = new A64Cpu(0, bus, clock);
    final GicV3 gic = new GicV3(List.of(cpu), 256);

    GicV3DriverTest() {
        bus.addMmio("gicd", DIST, GicV3.DIST_SIZE, gic.distributor);
        bus.addMmio("gicr", REDIST, GicV3.REDIST_STRIDE, gic.redistributors);
        cpu.timer.connect(GenericTimer.VIRT, gic.ppi(0, 27));
    }

    GicV3Driver driver() {
        GicV3Driver d = new GicV3Driver(bus, cpu, DIST, REDIST, GicV3.REDIST_STRIDE);
        d.init();
        return d;
    }

    @Test
    void enabledSpiIsAcknowledgedHandledAndCompleted() {
        GicV3Driver d = driver();
        InterruptLine uart = gic.spi(1);
        AtomicInteger runs = new AtomicInteger();
        d.enable(33, () -> { runs.incrementAndGet(); uart.lower(); }); // the device's handler clears its cause
        assertFalse(cpu.irqPending());
        uart.raise();
        assertTrue(cpu.irqPending(), "SPI 1 (INTID 33) reaches the CPU's IRQ");
        assertEquals(33, d.acknowledge());
        assertFalse(cpu.irqPending(), "active: not signalled again before its EOI");
        d.handlePending();
        assertEquals(1, runs.get());
        assertFalse(cpu.irqPending());
        assertEquals(GicV3Driver.SPURIOUS, d.acknowledge(), "completed, nothing else pending");
    }

    @Test
    void disabledSpiIsNeverSignalled() {
        GicV3Driver d = driver();
        d.enable(33, () -> { });
        gic.spi(2).raise(); // INTID 34, not enabled
        assertFalse(cpu.irqPending());
        assertEquals(GicV3Driver.SPURIOUS, d.acknowledge());
        assertThrows(IllegalArgumentException.class, () -> d.enable(5, () -> { }), "SGIs are not device interrupts");
        assertThrows(IllegalArgumentException.class, () -> d.enable(d.lines(), () -> { }));
    }

    @Test
    void virtualTimerPpiIsTheTick() {
        GicV3Driver d = driver();
        GicTimer timer = new GicTimer(cpu.timer, d, 27);
        d.enable(27, () -> { });
        timer.arm(clock.preciseNanos() + 1_000_000);
        assertFalse(cpu.irqPending(), "a deadline 1 ms ahead is not an interrupt yet");
        timer.kick();
        assertTrue(cpu.irqPending(), "kick fires the PPI at once");
        assertEquals(27, d.acknowledge());
        timer.acknowledge(); // output lowered, then EOI
        assertFalse(cpu.irqPending());
        assertEquals(GicV3Driver.SPURIOUS, d.acknowledge(), "the level dropped before the EOI: not pending again");
    }

    @Test
    void aCpuInterfaceWithBothGroupsOffCannotWakeTheCpu() {
        assertFalse(cpu.canWake(), "at reset ICC_IGRPEN0/1_EL1 are 0: a wfi is a halt");
        driver();
        assertTrue(cpu.canWake(), "group 1 enabled: an interrupt can end a wfi");
    }
}
