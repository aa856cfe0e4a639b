package org.multios.isa.arm64.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.multios.isa.arm64.A64Cpu;
import org.multios.isa.arm64.TestCpu;

/** Data-processing instructions (encodings from aarch64-linux-gnu-as 2.40). */
class DataProcessingTest {
    private static String flags(A64Cpu c) { return (c.n ? "N" : "-") + (c.z ? "Z" : "-") + (c.c ? "C" : "-") + (c.v ? "V" : "-"); }

    @Test
    void addsSetsCarryAndOverflow() {
        TestCpu t = new TestCpu().set(0, Long.MAX_VALUE).set(1, 1);
        t.run(0xab010002); // adds x2, x0, x1
        assertEquals(Long.MIN_VALUE, t.x(2));
        assertEquals("N--V", flags(t.cpu));
        t = new TestCpu().set(0, -1).set(1, 1);
        t.run(0xab010002);
        assertEquals(0, t.x(2));
        assertEquals("-ZC-", flags(t.cpu));
    }

    @Test
    void subsOn32BitRegistersComparesLowWords() {
        TestCpu t = new TestCpu().set(0, 0xffff_ffff_0000_0001L).set(1, 2);
        t.run(0x6b010002); // subs w2, w0, w1
        assertEquals(0xffff_ffffL, t.x(2));
        assertEquals("N---", flags(t.cpu)); // borrow: C clear
    }

    @Test
    void adcAndSbcsUseTheCarry() {
        TestCpu t = new TestCpu().set(0, 5).set(1, 7);
        t.cpu.c = true;
        t.run(0x9a010002); // adc x2, x0, x1
        assertEquals(13, t.x(2));
        t = new TestCpu().set(0, 5).set(1, 5);
        t.cpu.c = false;
        t.run(0xfa010002); // sbcs x2, x0, x1 = 5 - 5 - 1
        assertEquals(-1, t.x(2));
        assertEquals("N---", flags(t.cpu));
    }

    @Test
    void logicalImmediatesDecodeBitMasks() {
        TestCpu t = new TestCpu().set(0, -1);
        t.run(0x92089c02); // and x2, x0, #0xff00ff00ff00ff00
        assertEquals(0xff00ff00ff00ff00L, t.x(2));
        t.run(0x320007e2); // orr w2, wzr, #0x3
        assertEquals(3, t.x(2));
        assertEquals(Bits.RESERVED, Bits.logicalImmediate(0, 0, 0x3f, 32)); // all-ones element is reserved
    }

    @Test
    void shiftedRegisterOperandsAndBics() {
        TestCpu t = new TestCpu().set(0, 0xf0).set(1, 0x1);
        t.run(0xca011002); // eor x2, x0, x1, lsl #4
        assertEquals(0xe0, t.x(2));
        t = new TestCpu().set(0, 0xff).set(1, 0xff);
        t.run(0xea210002); // bics x2, x0, x1
        assertEquals(0, t.x(2));
        assertEquals("-Z--", flags(t.cpu));
    }

    @Test
    void bitfieldMoves() {
        TestCpu t = new TestCpu().set(0, 0x1234_5678_9abc_def0L);
        t.run(0xd3483c02); // ubfx x2, x0, #8, #8
        assertEquals(0xde, t.x(2));
        t.run(0x93441c02); // sbfx x2, x0, #4, #4
        assertEquals(-1, t.x(2)); // 0xf sign-extended
        t.set(2, 0xffff_ffff_ffff_ffffL).run(0xb3701c02); // bfi x2, x0, #16, #8
        assertEquals(0xffff_ffff_fff0_ffffL, t.x(2));
        t.set(0, 0x8000_0000L).run(0x531f7c02); // lsr w2, w0, #31
        assertEquals(1, t.x(2));
        t.set(0, Long.MIN_VALUE).run(0x937ffc02); // asr x2, x0, #63
        assertEquals(-1, t.x(2));
        t.set(0, 0x1111).set(1, 0x2222_0000_0000_0000L).run(0x93c14002); // extr x2, x0, x1, #16
        assertEquals(0x1111_2222_0000_0000L, t.x(2));
    }

    @Test
    void multiplyAndDivide() {
        TestCpu t = new TestCpu().set(0, 6).set(1, 7).set(3, 100);
        t.run(0x9b010c02); // madd x2, x0, x1, x3
        assertEquals(142, t.x(2));
        t.set(0, -1).set(1, -1).run(0x9bc17c02); // umulh
        assertEquals(-2, t.x(2));
        t.run(0x9b417c02); // smulh (-1 * -1 = 1, high half 0)
        assertEquals(0, t.x(2));
        t.set(0, Long.MIN_VALUE).set(1, -1).run(0x9ac10c02); // sdiv overflow gives MIN
        assertEquals(Long.MIN_VALUE, t.x(2));
        t.set(0, 10).set(1, 0).run(0x9ac10c02); // division by zero gives 0
        assertEquals(0, t.x(2));
        t.set(0, 0xffff_ffffL).set(1, 2).run(0x1ac10802); // udiv w2
        assertEquals(0x7fff_ffffL, t.x(2));
    }

    @Test
    void countReverseAndByteSwap() {
        TestCpu t = new TestCpu().set(0, 1);
        t.run(0xdac01002); // clz x2, x0
        assertEquals(63, t.x(2));
        t.set(0, -1).run(0xdac01402); // cls x2, x0
        assertEquals(63, t.x(2));
        t.set(0, 0x0000_ffff_0000_0000L).run(0xdac01402);
        assertEquals(15, t.x(2));
        t.set(0, 1).run(0x5ac00002); // rbit w2, w0
        assertEquals(0x8000_0000L, t.x(2));
        t.set(0, 0x0102_0304_0506_0708L).run(0xdac00c02); // rev x2, x0
        assertEquals(0x0807_0605_0403_0201L, t.x(2));
        t.set(0, 0x1122_3344L).run(0x5ac00402); // rev16 w2, w0
        assertEquals(0x2211_4433L, t.x(2));
    }

    @Test
    void conditionalSelectAndCompare() {
        TestCpu t = new TestCpu().set(0, 1).set(1, 2);
        t.cpu.z = true;
        t.run(0x9a810002); // csel x2, x0, x1, eq
        assertEquals(1, t.x(2));
        t.run(0x9a811402); // csinc x2, x0, x1, ne -> x1 + 1
        assertEquals(3, t.x(2));
        t.cpu.z = false;
        t.set(0, 5).set(1, 5).run(0xfa410004); // ccmp x0, x1, #4, eq: condition false -> NZCV = 4
        assertEquals("-Z--", flags(t.cpu));
    }

    @Test
    void moveWideAndExtendedRegister() {
        TestCpu t = new TestCpu();
        t.run(0xd2c24682, 0xf29579a2); // movz x2, #0x1234, lsl #32; movk x2, #0xabcd
        assertEquals(0x1234_0000_abcdL, t.x(2));
        t.run(0x12800002); // movn w2, #0
        assertEquals(0xffff_ffffL, t.x(2));
        t.cpu.setSp(0x1000);
        t.set(0, 0xffff_ffff_0000_0004L).run(0x8b204be2); // add x2, sp, w0, uxtw #2
        assertEquals(0x1010, t.x(2));
        t.set(0, 100).set(1, 0x80).run(0xcb218002); // sub x2, x0, w1, sxtb (-128)
        assertEquals(228, t.x(2));
    }

    @Test
    void crc32c() {
        TestCpu t = new TestCpu().set(0, 0xffff_ffffL).set(1, 0);
        t.run(0x9ac15c02); // crc32cx w2, w0, x1
        assertEquals(Integer.toUnsignedLong(Crc32.update(-1, 0, 64, true)), t.x(2));
        // CRC-32C of "123456789" is 0xe3069283 (init and final xor all-ones)
        int crc = -1;
        for (byte b : "123456789".getBytes()) crc = Crc32.update(crc, b & 0xff, 8, true);
        assertEquals(0xe3069283, ~crc);
    }
}
