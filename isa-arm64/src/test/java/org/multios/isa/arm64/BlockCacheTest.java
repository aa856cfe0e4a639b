package org.multios.isa.arm64;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The decoded-block cache: guest stores into code already decoded take effect. */
class BlockCacheTest {
    @Test
    void storeIntoTheRunningBlockIsSeenByTheNextInstruction() {
        TestCpu t = new TestCpu();
        // movz x0,#1; str w2,[x1]; add x3,x3,#0; movz x0,#2 (overwritten by the str); b .
        t.set(1, TestCpu.CODE + 12).set(2, 0xd28000e0L); // movz x0, #7
        t.run(0xd2800020, 0xb9000022, 0x91000063, 0xd2800040, 0x14000000);
        assertEquals(7, t.x(0));
    }

    @Test
    void rewrittenCodeIsDecodedAfresh() {
        TestCpu t = new TestCpu();
        t.run(0xd2800060, 0x14000000); // movz x0, #3; b .
        assertEquals(3, t.x(0));
        t.run(0xd2800080, 0x14000000); // the same address now holds movz x0, #4
        assertEquals(4, t.x(0));
    }
}
