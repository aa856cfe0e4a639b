package org.multios.boards.x86;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.multios.core.irq.InterruptLine;
import org.multios.core.time.VirtualClock;

/** Local APIC, IO-APIC and HPET through their registers, in virtual time. */
class ApicHpetTest {
    final VirtualClock clock = new VirtualClock(10);
    final I8259Pic pic = new I8259Pic();
    final LocalApic apic = new LocalApic(0, clock, clock::preciseNanos, pic);

    void w(int reg, int v) { apic.write(reg, 4, v); }
    long r(int reg) { return apic.read(reg, 4); }

    void advance(long nanos) {
        clock.advanceTo(clock.nanos() + nanos);
        clock.fireDue();
    }

    @Test
    void resetStateLetsThe8259ThroughLint0() {
        assertEquals(0x0005_0014, r(LocalApic.VERSION));
        assertEquals(0x700, r(LocalApic.LVT_LINT0), "ExtINT, unmasked on the BSP (QEMU's reset value)");
        assertEquals(LocalApic.MASKED, r(LocalApic.LVT_TIMER));
        X86PcChipsetTest.pics(pic);
        pic.irq(4).raise();
        assertTrue(apic.pending());
        assertEquals(0x24, apic.acknowledge(), "the 8259 answers the ExtINT acknowledge");
        w(LocalApic.LVT_LINT0, 0x10700);
        pic.irq(3).raise();
        assertFalse(apic.pending(), "LINT0 masked: the 8259 is cut off");
        apic.apicBaseWritten(0xfee0_0000L | 0x100); // global disable: INTR goes straight to the CPU
        assertTrue(apic.pending());
        assertEquals(0x23, apic.acknowledge());
    }

    @Test
    void priorityClassesTprPprAndEoi() {
        w(LocalApic.SVR, 0x1ff);
        apic.accept(0x31, false);
        apic.accept(0x45, false);
        apic.accept(0x41, false);
        assertEquals((1 << 0x11) | 0L, r(LocalApic.IRR + 0x10) & (1 << 0x11), "IRR bit of 0x31");
        assertEquals(0x45, apic.acknowledge(), "highest vector first");
        assertEquals(0x40, r(LocalApic.PPR), "PPR = class of the in-service vector");
        assertEquals(1L << 5, r(LocalApic.ISR + 0x20), "ISR bit of 0x45");
        assertFalse(apic.pending(), "0x41 is in the same class as 0x45 in service");
        w(LocalApic.EOI, 0);
        assertTrue(apic.pending());
        w(LocalApic.TPR, 0x50);
        assertEquals(0x50, r(LocalApic.PPR));
        assertFalse(apic.pending(), "TPR class 5 holds back 0x41 and 0x31");
        w(LocalApic.TPR, 0x30);
        assertEquals(0x41, apic.acknowledge());
        assertFalse(apic.pending(), "0x31's class 3 is not above TPR class 3");
        w(LocalApic.EOI, 0);
        w(LocalApic.TPR, 0);
        assertEquals(0x31, apic.acknowledge());
        w(LocalApic.EOI, 0);
        assertFalse(apic.pending());
        assertEquals(0xff, apic.acknowledge(), "nothing left: the spurious vector");
    }

    @Test
    void selfIpiErrorsAndSoftwareDisable() {
        w(LocalApic.SVR, 0x1ff);
        w(LocalApic.ICR_HI, 0);
        w(LocalApic.ICR_LO, 0x4000 | 0x40000 | 0x66); // fixed, shorthand self, vector 0x66
        assertEquals(0x66, apic.acknowledge());
        w(LocalApic.EOI, 0);
        w(LocalApic.ICR_LO, 0x40000 | 0x05);          // illegal vector
        w(LocalApic.ESR, 0);
        assertEquals(LocalApic.ESR_SEND_ILLEGAL_VECTOR, r(LocalApic.ESR));
        w(LocalApic.ESR, 0);
        assertEquals(0, r(LocalApic.ESR), "a second write clears the latched errors");
        w(LocalApic.ICR_LO, 0xc0000 | 0x67);          // all excluding self: nobody
        assertFalse(apic.pending());
        w(LocalApic.SVR, 0xff);                       // software disable masks every LVT entry
        assertEquals(LocalApic.MASKED, r(LocalApic.LVT_LINT0) & LocalApic.MASKED);
        w(LocalApic.LVT_TIMER, 0x30);
        assertEquals(LocalApic.MASKED, r(LocalApic.LVT_TIMER) & LocalApic.MASKED, "masks stay while disabled");
    }

    @Test
    void timerOneShotPeriodicAndDivide() {
        w(LocalApic.SVR, 0x1ff);
        w(LocalApic.TIMER_DIVIDE, 0x3);               // divide by 16
        w(LocalApic.LVT_TIMER, 0x40);                 // one-shot, vector 0x40
        w(LocalApic.TIMER_INITIAL, 1000);             // 16 us
        advance(8_000);
        assertEquals(500, r(LocalApic.TIMER_CURRENT));
        assertFalse(apic.pending());
        advance(8_000);
        assertTrue(apic.pending());
        assertEquals(0, r(LocalApic.TIMER_CURRENT));
        assertEquals(0x40, apic.acknowledge());
        w(LocalApic.EOI, 0);
        advance(100_000);
        assertFalse(apic.pending(), "one-shot fires once");

        w(LocalApic.TIMER_DIVIDE, 0xb);               // divide by 1
        w(LocalApic.LVT_TIMER, 0x20041);              // periodic, vector 0x41
        w(LocalApic.TIMER_INITIAL, 500);
        int ticks = 0;
        for (int i = 0; i < 10; i++) {
            advance(500);
            if (apic.pending()) {
                assertEquals(0x41, apic.acknowledge());
                w(LocalApic.EOI, 0);
                ticks++;
            }
        }
        assertEquals(10, ticks, "periodic: every 500 ns");
        advance(200);
        assertEquals(300, r(LocalApic.TIMER_CURRENT));
        w(LocalApic.LVT_TIMER, 0x30041);              // masked: counts, no interrupt
        advance(1000);
        assertFalse(apic.pending());
        w(LocalApic.TIMER_INITIAL, 0);                // stops
        assertEquals(0, r(LocalApic.TIMER_CURRENT));
    }

    @Test
    void tscDeadlineMode() {
        w(LocalApic.SVR, 0x1ff);
        apic.arm(5_000);
        assertEquals(0, apic.deadlineNanos(), "ignored outside TSC-deadline mode");
        w(LocalApic.LVT_TIMER, 0x40042);               // TSC-deadline, vector 0x42
        apic.arm(5_000);
        assertEquals(5_000, apic.deadlineNanos());
        w(LocalApic.TIMER_INITIAL, 10);                // ignored in this mode
        assertEquals(0, r(LocalApic.TIMER_CURRENT));
        advance(4_000);
        assertFalse(apic.pending());
        advance(1_000);
        assertEquals(0x42, apic.acknowledge());
        assertEquals(0, apic.deadlineNanos(), "cleared when it fires");
        w(LocalApic.EOI, 0);
        apic.arm(1);                                   // in the past: fires at once
        advance(0);
        assertEquals(0x42, apic.acknowledge());
        w(LocalApic.EOI, 0);
        apic.arm(clock.nanos() + 1_000);
        w(LocalApic.LVT_TIMER, 0x42);                  // leaving the mode disarms
        assertEquals(0, apic.deadlineNanos());
        advance(2_000);
        assertFalse(apic.pending());
    }

    @Test
    void ioApicEdgeLevelRemoteIrrAndMasking() {
        w(LocalApic.SVR, 0x1ff);
        IoApic io = new IoApic(apic);
        io.write(0, 4, 1);
        assertEquals(0x0017_0020, io.read(0x10, 4), "24 entries, version 0x20");
        io.write(0, 4, 0x10 + 2 * 5);
        assertEquals(IoApic.MASKED, io.read(0x10, 4), "masked after reset");
        io.write(0x10, 4, 0x8000 | 0x55);               // pin 5: level, vector 0x55
        io.write(0, 4, 0x11 + 2 * 5);
        io.write(0x10, 4, 0);                           // physical destination APIC 0
        InterruptLine pin5 = io.input(5);
        pin5.raise();
        assertEquals(0x55, apic.acknowledge());
        io.write(0, 4, 0x10 + 2 * 5);
        assertEquals(IoApic.REMOTE_IRR, io.read(0x10, 4) & IoApic.REMOTE_IRR);
        assertEquals(1L << (0x55 - 0x40), r(LocalApic.TMR + 0x20), "level: TMR set");
        w(LocalApic.EOI, 0);                            // EOI broadcast, line still high: again
        assertEquals(0x55, apic.acknowledge());
        pin5.lower();
        w(LocalApic.EOI, 0);
        assertEquals(0, io.read(0x10, 4) & IoApic.REMOTE_IRR);
        assertFalse(apic.pending());

        io.write(0, 4, 0x10 + 2 * 7);
        io.write(0x10, 4, 0x10000 | 0x62);              // pin 7: edge, masked
        InterruptLine pin7 = io.input(7);
        pin7.raise();
        pin7.lower();
        assertFalse(apic.pending(), "masked edge is lost");
        io.write(0x10, 4, 0x62);
        pin7.raise();
        assertEquals(0x62, apic.acknowledge());
        pin7.raise();
        assertFalse(apic.pending(), "no new edge while high");
        w(LocalApic.EOI, 0);
        io.write(0, 4, 0x11 + 2 * 7);
        io.write(0x10, 4, 0x0300_0000);                 // physical destination 3: not this CPU
        pin7.lower();
        pin7.raise();
        assertFalse(apic.pending());
    }

    @Test
    void hpetCounterComparatorsAndLegacyRouting() {
        w(LocalApic.SVR, 0x1ff);
        IoApic io = new IoApic(apic);
        List<String> legacy = new ArrayList<>();
        Hpet hpet = new Hpet(clock, clock::preciseNanos, io::input,
                level -> legacy.add("irq0 " + level), level -> legacy.add("irq8 " + level));
        long cap = hpet.read(0, 8);
        assertEquals(10_000_000L, cap >>> 32, "10 ns period");
        assertEquals(2, cap >> 8 & 0x1f, "three timers");
        assertEquals(0x8000, cap & 0x8000, "legacy replacement capable");
        assertEquals(0, hpet.read(0xf0, 8));
        hpet.write(0x10, 8, 1);                         // enable
        advance(1000);
        assertEquals(100, hpet.read(0xf0, 8));
        // timer 2: one-shot, edge, GSI 20 → vector 0x70
        io.write(0, 4, 0x10 + 2 * 20);
        io.write(0x10, 4, 0x70);
        assertEquals(Hpet.ROUTE_CAP, hpet.read(0x100 + 0x40 + 4, 4), "route capability: 2, 8, 16-23");
        hpet.write(0x100 + 0x40, 8, Hpet.INT_ENABLE | 20 << 9);
        hpet.write(0x100 + 0x48, 8, 600);
        advance(4000);
        assertFalse(apic.pending(), "counter at 500");
        advance(1000);
        assertEquals(0x70, apic.acknowledge());
        w(LocalApic.EOI, 0);
        // timer 0 periodic, legacy replacement: IRQ 0 every 1 us
        hpet.write(0x100, 8, Hpet.INT_ENABLE | Hpet.PERIODIC | Hpet.VAL_SET);
        hpet.write(0x108, 8, hpet.read(0xf0, 8) + 100);
        hpet.write(0x108, 8, 100);                      // the period
        hpet.write(0x10, 8, 3);
        assertTrue(hpet.legacyReplacement());
        advance(3000);
        assertEquals(List.of("irq0 true", "irq0 false", "irq0 true", "irq0 false", "irq0 true", "irq0 false"), legacy);
        // timer 1 level-triggered on IRQ 8 until the status bit is cleared
        legacy.clear();
        hpet.write(0x100, 8, 0);
        hpet.write(0x120, 8, Hpet.INT_ENABLE | Hpet.INT_LEVEL);
        hpet.write(0x128, 8, hpet.read(0xf0, 8) + 10);
        advance(200);
        assertEquals(List.of("irq8 true"), legacy);
        assertEquals(2, hpet.read(0x20, 8));
        hpet.write(0x20, 8, 2);
        assertEquals(0, hpet.read(0x20, 8));
        assertEquals(List.of("irq8 true", "irq8 false"), legacy);
        hpet.write(0x10, 8, 0);                         // halt: the counter stops and becomes writable
        long stopped = hpet.read(0xf0, 8);
        advance(1000);
        assertEquals(stopped, hpet.read(0xf0, 8));
        hpet.write(0xf0, 8, 5);
        assertEquals(5, hpet.read(0xf0, 8));
    }
}
