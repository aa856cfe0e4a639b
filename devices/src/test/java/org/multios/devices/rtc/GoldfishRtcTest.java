package org.multios.devices.rtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.multios.core.time.VirtualClock;

class GoldfishRtcTest {
    final VirtualClock clock = new VirtualClock();
    final AtomicBoolean irq = new AtomicBoolean();
    final GoldfishRtc rtc = new GoldfishRtc(clock, irq::set, 1_000_000_000_000L);

    long time() {
        long lo = rtc.read(GoldfishRtcRegister.TIME_LOW.offset, 4);
        long hi = rtc.read(GoldfishRtcRegister.TIME_HIGH.offset, 4);
        return (hi << 32) | lo;
    }

    @Test
    void timeIsBasePlusVirtualTime() {
        assertEquals(1_000_000_000_000L, time());
        clock.advanceTo(5_000);
        assertEquals(1_000_000_005_000L, time());
    }

    @Test
    void guestCanSetTheTime() {
        long t = 0x1_2345_6789L;
        rtc.write(GoldfishRtcRegister.TIME_HIGH.offset, 4, t >>> 32);
        rtc.write(GoldfishRtcRegister.TIME_LOW.offset, 4, t & 0xffffffffL);
        assertEquals(t, time());
        clock.advanceTo(100);
        assertEquals(t + 100, time());
    }

    @Test
    void alarmRaisesInterruptAtItsVirtualTime() {
        rtc.write(GoldfishRtcRegister.IRQ_ENABLED.offset, 4, 1);
        long at = 1_000_000_000_000L + 50_000;
        rtc.write(GoldfishRtcRegister.ALARM_HIGH.offset, 4, at >>> 32);
        rtc.write(GoldfishRtcRegister.ALARM_LOW.offset, 4, at & 0xffffffffL);
        assertEquals(1, rtc.read(GoldfishRtcRegister.ALARM_STATUS.offset, 4));
        clock.advanceTo(49_999);
        clock.fireDue();
        assertFalse(irq.get());
        clock.advanceTo(50_000);
        clock.fireDue();
        assertTrue(irq.get());
        assertEquals(0, rtc.read(GoldfishRtcRegister.ALARM_STATUS.offset, 4));
        rtc.write(GoldfishRtcRegister.CLEAR_INTERRUPT.offset, 4, 1);
        assertFalse(irq.get());
    }

    @Test
    void clearAlarmDisarms() {
        rtc.write(GoldfishRtcRegister.IRQ_ENABLED.offset, 4, 1);
        long at = 1_000_000_000_000L + 10;
        rtc.write(GoldfishRtcRegister.ALARM_HIGH.offset, 4, at >>> 32);
        rtc.write(GoldfishRtcRegister.ALARM_LOW.offset, 4, at & 0xffffffffL);
        rtc.write(GoldfishRtcRegister.CLEAR_ALARM.offset, 4, 1);
        clock.advanceTo(100);
        clock.fireDue();
        assertFalse(irq.get());
    }

    @Test
    void pastAlarmFiresAtOnceButInterruptNeedsEnable() {
        rtc.write(GoldfishRtcRegister.ALARM_HIGH.offset, 4, 0);
        rtc.write(GoldfishRtcRegister.ALARM_LOW.offset, 4, 1);
        assertFalse(irq.get());
        rtc.write(GoldfishRtcRegister.IRQ_ENABLED.offset, 4, 1);
        assertTrue(irq.get());
    }
}
