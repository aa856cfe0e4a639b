package org.multios.devices.flash;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** CFI query, read array, word program and block erase of the Intel command set. */
class CfiFlashTest {
    final CfiFlash f = new CfiFlash(4L << 20);

    @Test
    void cfiQueryDescribesTheDevice() {
        f.write(0x55 * 4, 4, 0x98);
        assertEquals('Q' | 'Q' << 16, f.read(0x10 * 4, 4)); // both x16 chips answer
        assertEquals('R', f.read(0x11 * 4, 2));
        assertEquals('Y', f.read(0x12 * 4, 2));
        assertEquals(1, f.read(0x13 * 4, 2)); // Intel/Sharp command set
        assertEquals(21, f.read(0x27 * 4, 2)); // each chip: 2 MiB
        assertEquals(15, f.read(0x2d * 4, 2)); // 16 blocks
        assertEquals(0x02, f.read(0x30 * 4, 2)); // of 128 KiB per chip (0x200 x 256 bytes)
        f.write(0, 4, 0xff);
        assertEquals(0, f.read(0x10 * 4, 4));
    }

    @Test
    void programClearsBitsAndEraseSetsTheBlock() {
        f.load(new byte[] {0x12, 0x34, 0x56, 0x78}, 0);
        assertEquals(0x78563412L, f.read(0, 4));
        f.write(0x40000, 4, 0x20);
        f.write(0x40000, 4, 0xd0); // erase block 1
        assertEquals(0x0080_0080L, f.read(0x40000, 4)); // status: both chips ready
        f.write(0, 4, 0xff);
        assertEquals(0xffffffffL, f.read(0x40004, 4));
        assertEquals(0x78563412L, f.read(0, 4), "block 0 untouched");
        f.write(0x40004, 4, 0x40);
        f.write(0x40004, 4, 0x0000abcdL);
        f.write(0, 4, 0xff);
        assertEquals(0x0000abcdL, f.read(0x40004, 4));
        f.write(0x40004, 4, 0x40);
        f.write(0x40004, 4, 0xffff00ffL); // programming cannot set bits
        f.write(0, 4, 0xff);
        assertEquals(0x000000cdL, f.read(0x40004, 4));
    }
}
