package org.multios.devices.rtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.multios.core.time.VirtualClock;

/** PL031: the seconds counter from the base plus virtual time, load and match registers. */
class Pl031RtcTest {
    final VirtualClock clock = new VirtualClock(10);
    boolean irq;
    final Pl031Rtc rtc = new Pl031Rtc(clock, level -> irq = level, 1_000_000_000_000L); // 1000 s

    @Test
    void counterRunsWithVirtualTimeAndCanBeLoaded() {
        rtc.reset();
        assertEquals(1000, rtc.read(Pl031Rtc.DR, 4));
        clock.advanceTo(2_500_000_000L);
        assertEquals(1002, rtc.read(Pl031Rtc.DR, 4));
        rtc.write(Pl031Rtc.LR, 4, 5000);
        assertEquals(5000, rtc.read(Pl031Rtc.DR, 4));
        clock.advanceTo(3_500_000_000L);
        assertEquals(5001, rtc.read(Pl031Rtc.DR, 4));
    }

    @Test
    void matchRaisesTheInterruptWhenUnmasked() {
        rtc.reset();
        rtc.write(Pl031Rtc.IMSC, 4, 1);
        rtc.write(Pl031Rtc.MR, 4, 1003);
        clock.advanceTo(2_999_999_999L);
        clock.fireDue();
        assertFalse(irq);
        clock.advanceTo(3_000_000_000L);
        clock.fireDue();
        assertTrue(irq);
        assertEquals(1, rtc.read(Pl031Rtc.MIS, 4));
        rtc.write(Pl031Rtc.ICR, 4, 1);
        assertFalse(irq);
        assertEquals(0x31, rtc.read(0xfe0, 4));
    }
}
