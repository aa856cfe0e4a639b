package org.multios.isa.riscv.irq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class PlicTest {
    static final int PRIORITY = 0x0, PENDING = 0x1000, ENABLE = 0x2000, THRESHOLD = 0x200000, CLAIM = 0x200004;

    final AtomicBoolean meip = new AtomicBoolean(), seip = new AtomicBoolean();
    final Plic plic = new Plic(96, List.of(meip::set, seip::set));

    void prio(int id, int p) { plic.write(PRIORITY + 4L * id, 4, p); }

    void enable(int ctx, int id) {
        long a = ENABLE + 0x80L * ctx + 4L * (id / 32);
        plic.write(a, 4, plic.read(a, 4) | (1L << (id % 32)));
    }

    long claim(int ctx) { return plic.read(CLAIM + 0x1000L * ctx, 4); }

    void complete(int ctx, int id) { plic.write(CLAIM + 0x1000L * ctx, 4, id); }

    @Test
    void levelSourceBecomesPendingAndReachesEnabledContext() {
        prio(10, 1);
        plic.source(10).raise();
        assertEquals(1L << 10, plic.read(PENDING, 4));
        assertFalse(meip.get(), "not enabled yet");
        enable(1, 10);
        assertTrue(seip.get());
        assertFalse(meip.get());
    }

    @Test
    void priorityZeroNeverInterrupts() {
        enable(0, 10);
        plic.source(10).raise();
        assertFalse(meip.get());
        assertEquals(0, claim(0));
    }

    @Test
    void thresholdMasksLowerOrEqualPriorities() {
        prio(10, 3);
        enable(0, 10);
        plic.source(10).raise();
        assertTrue(meip.get());
        plic.write(THRESHOLD, 4, 3);
        assertFalse(meip.get());
        assertEquals(0, claim(0));
        plic.write(THRESHOLD, 4, 2);
        assertTrue(meip.get());
    }

    @Test
    void claimReturnsHighestPriorityThenLowestId() {
        for (int id : new int[] {5, 10, 11}) {
            enable(0, id);
            plic.source(id).raise();
        }
        prio(5, 2);
        prio(10, 7);
        prio(11, 7);
        assertEquals(10, claim(0));
        assertEquals(11, claim(0));
        assertEquals(5, claim(0));
        assertEquals(0, claim(0));
        assertFalse(meip.get(), "everything in service");
    }

    @Test
    void claimCompleteHandshakeWithLevelGateway() {
        prio(10, 1);
        enable(0, 10);
        plic.source(10).raise();
        assertEquals(10, claim(0));
        assertFalse(plic.isPending(10), "claim clears pending");
        assertFalse(meip.get());
        // still high while in service: no new request until completion
        plic.source(10).raise();
        assertFalse(plic.isPending(10));
        complete(0, 10);
        assertTrue(plic.isPending(10), "level still high after completion: pending again");
        assertTrue(meip.get());
        assertEquals(10, claim(0));
        plic.source(10).lower();
        complete(0, 10);
        assertFalse(plic.isPending(10));
        assertFalse(meip.get());
    }

    @Test
    void inputFallingBeforeClaimWithdrawsTheRequest() {
        prio(3, 1);
        enable(0, 3);
        plic.source(3).raise();
        plic.source(3).lower();
        assertFalse(meip.get());
        assertEquals(0, claim(0));
    }

    @Test
    void completionOfSourceNotEnabledForContextIsIgnored() {
        prio(7, 1);
        enable(0, 7);
        plic.source(7).raise();
        assertEquals(7, claim(0));
        complete(1, 7); // context 1 does not have source 7 enabled
        assertFalse(plic.isPending(7), "still in service");
        complete(0, 7);
        assertTrue(plic.isPending(7));
    }

    @Test
    void registersReadBackAndSourceZeroIsHardwired() {
        prio(1, 0xff);
        assertEquals(7, plic.read(PRIORITY + 4, 4), "3 priority bits");
        prio(0, 5);
        assertEquals(0, plic.read(PRIORITY, 4));
        plic.write(ENABLE, 4, 0xffffffffL);
        assertEquals(0xfffffffeL, plic.read(ENABLE, 4));
        plic.write(ENABLE + 8, 4, 0xffffffffL); // sources 64..95
        assertEquals(0xffffffffL, plic.read(ENABLE + 8, 4));
        plic.write(ENABLE + 12, 4, 0xffffffffL); // beyond 96 sources
        assertEquals(0, plic.read(ENABLE + 12, 4));
        plic.write(THRESHOLD + 0x1000, 4, 9);
        assertEquals(1, plic.read(THRESHOLD + 0x1000, 4));
    }

    @Test
    void garbageAccessesNeverThrow() {
        java.util.Random r = new java.util.Random(1);
        for (int i = 0; i < 50_000; i++) {
            long off = r.nextLong(Plic.WINDOW + 0x100);
            int size = 1 << r.nextInt(4);
            if (r.nextBoolean()) plic.write(off, size, r.nextLong());
            else plic.read(off, size);
        }
    }
}
