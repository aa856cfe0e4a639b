package org.multios.isa.arm64.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.multios.isa.arm64.TestCpu;

/** Loads, stores, pairs, exclusives and LSE atomics with their addressing modes. */
class LoadStoreTest {
    static final long D = TestCpu.DATA;

    @Test
    void offsetPreAndPostIndex() {
        TestCpu t = new TestCpu().set(0, D);
        t.bus.write(D + 8, 8, 0x1122334455667788L);
        t.run(0xf9400402); // ldr x2, [x0, #8]
        assertEquals(0x1122334455667788L, t.x(2));
        assertEquals(D, t.x(0));
        t.run(0xf8408c02); // ldr x2, [x0, #8]!
        assertEquals(D + 8, t.x(0));
        t.set(0, D + 8).run(0xf8408402); // ldr x2, [x0], #8
        assertEquals(0x1122334455667788L, t.x(2));
        assertEquals(D + 16, t.x(0));
    }

    @Test
    void signExtendingRegisterOffsets() {
        TestCpu t = new TestCpu().set(0, D).set(1, 3);
        t.bus.write(D + 3, 1, 0x80);
        t.run(0x38a16802); // ldrsb x2, [x0, x1]
        assertEquals(-128, t.x(2));
        t.bus.write(D - 8, 4, 0x8000_0000L);
        t.set(0, D).set(1, 0xffff_fffeL).run(0xb8a1d802); // ldrsw x2, [x0, w1, sxtw #2] -> D - 8
        assertEquals(0xffff_ffff_8000_0000L, t.x(2));
    }

    @Test
    void pairsWithWriteback() {
        TestCpu t = new TestCpu().set(0, 0xaaaa).set(1, 0xbbbb);
        t.cpu.setSp(D + 0x100);
        t.run(0xa9bf07e0, 0xa8c10fe2); // stp x0, x1, [sp, #-16]!; ldp x2, x3, [sp], #16
        assertEquals(0xaaaa, t.x(2));
        assertEquals(0xbbbb, t.x(3));
        assertEquals(D + 0x100, t.cpu.sp());
        assertEquals(0xaaaa, t.bus.read(D + 0xf0, 8));
    }

    @Test
    void exclusivePairSucceedsOnceThenFails() {
        TestCpu t = new TestCpu().set(0, D).set(1, 42);
        t.run(0xc85f7c02, 0xc8037c01); // ldxr x2, [x0]; stxr w3, x1, [x0]
        assertEquals(0, t.x(3));
        assertEquals(42, t.bus.read(D, 8));
        t.set(1, 43).run(0xc8037c01); // stxr without a reservation fails
        assertEquals(1, t.x(3));
        assertEquals(42, t.bus.read(D, 8));
    }

    @Test
    void lseAtomicsReturnTheOldValue() {
        TestCpu t = new TestCpu().set(0, D).set(1, 5);
        t.bus.write(D, 8, 10);
        t.run(0xf8210002); // ldadd x1, x2, [x0]
        assertEquals(10, t.x(2));
        assertEquals(15, t.bus.read(D, 8));
        t.run(0xf8218002); // swp x1, x2, [x0]
        assertEquals(15, t.x(2));
        assertEquals(5, t.bus.read(D, 8));
        t.set(1, 5).set(2, 99).run(0xc8a17c02); // cas x1, x2, [x0]: matches -> store 99
        assertEquals(5, t.x(1));
        assertEquals(99, t.bus.read(D, 8));
    }
}
