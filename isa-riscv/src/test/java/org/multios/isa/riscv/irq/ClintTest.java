package org.multios.isa.riscv.irq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.multios.core.time.VirtualClock;

class ClintTest {
    final VirtualClock clock = new VirtualClock(10);
    final AtomicBoolean msip0 = new AtomicBoolean(), msip1 = new AtomicBoolean();
    final AtomicBoolean mtip0 = new AtomicBoolean(), mtip1 = new AtomicBoolean();
    final Clint clint = new Clint(clock, List.of(msip0::set, msip1::set), List.of(mtip0::set, mtip1::set));

    @Test
    void mtimeCountsAtTenMegahertzOfVirtualTime() {
        assertEquals(0, clint.read(0xbff8, 8));
        clock.retire(1000); // 1000 instructions * 10 ns = 10 us = 100 ticks
        assertEquals(100, clint.read(0xbff8, 8));
        assertEquals(100, clint.mtime());
        assertEquals(100, clint.read(0xbff8, 4));
        assertEquals(0, clint.read(0xbffc, 4));
    }

    @Test
    void mtimeSeesInstructionsInFlight() {
        clock.setInFlight(50); // 500 ns
        assertEquals(5, clint.mtime());
    }

    @Test
    void msipDrivesTheHartsSoftwareInterrupt() {
        clint.write(4, 4, 0xffffffffL);
        assertTrue(msip1.get());
        assertFalse(msip0.get());
        assertEquals(1, clint.read(4, 4), "only bit 0 is implemented");
        clint.write(4, 4, 0);
        assertFalse(msip1.get());
    }

    @Test
    void timerInterruptFiresExactlyWhenMtimeReachesMtimecmp() {
        clint.write(0x4000, 8, 250); // 250 ticks = 25 us of virtual time
        assertFalse(mtip0.get());
        assertEquals(25_000, clock.nextDeadline());
        clock.advanceTo(24_999);
        clock.fireDue();
        assertFalse(mtip0.get());
        clock.advanceTo(25_000);
        clock.fireDue();
        assertTrue(mtip0.get());
        assertFalse(mtip1.get(), "hart 1 has its own compare register");
        assertEquals(250, clint.mtime());
    }

    @Test
    void writingAFutureCompareLowersMtip() {
        clint.write(0x4000, 8, 0);
        assertTrue(mtip0.get(), "mtime >= mtimecmp");
        clint.write(0x4000, 8, 1_000);
        assertFalse(mtip0.get());
    }

    @Test
    void thirtyTwoBitHalvesOfMtimecmp() {
        clint.write(0x4008 + 4, 4, 0);       // hart 1 high half
        clint.write(0x4008, 4, 10);          // low half: cmp = 10
        assertEquals(10, clint.read(0x4008, 8));
        clock.retire(100); // 1 us = 10 ticks
        clock.fireDue();
        assertTrue(mtip1.get());
    }

    @Test
    void writingMtimeReEvaluatesTimers() {
        clint.write(0x4000, 8, 1_000_000);
        clint.write(0xbff8, 8, 2_000_000);
        assertTrue(mtip0.get());
        assertEquals(2_000_000, clint.mtime());
        clock.retire(100);
        assertEquals(2_000_010, clint.mtime());
    }

    @Test
    void resetClearsMtimeAndDisarmsCompare() {
        clock.retire(1000);
        clint.write(0x4000, 8, 0);
        clint.write(0, 4, 1);
        clint.reset();
        assertEquals(0, clint.mtime());
        assertFalse(mtip0.get());
        assertFalse(msip0.get());
        assertEquals(-1L, clint.read(0x4000, 8));
    }

    @Test
    void unknownOffsetsReadZero() {
        assertEquals(0, clint.read(0x8, 4), "no MSIP for hart 2");
        assertEquals(0, clint.read(0x5000, 8));
        clint.write(0x5000, 8, -1);
    }
}
