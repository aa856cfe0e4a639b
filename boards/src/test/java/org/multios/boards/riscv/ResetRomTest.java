package org.multios.boards.riscv;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class ResetRomTest {
    @Test
    void sameInstructionsAsQemusResetVector() {
        ByteBuffer b = ByteBuffer.wrap(ResetRom.image(0x80000000L, 0x87e00000L, 0x80200000L)).order(ByteOrder.LITTLE_ENDIAN);
        // Encodings as riscv64-linux-gnu-objdump prints them for QEMU's rv64 reset vector.
        int[] expected = {0x00000297, 0x02828613, 0xf1402573, 0x0202b583, 0x0182b283, 0x00028067};
        for (int i = 0; i < expected.length; i++) assertEquals(expected[i], b.getInt(4 * i), "word " + i);
        assertEquals(0x80000000L, b.getLong(24));
        assertEquals(0x87e00000L, b.getLong(32));
        assertEquals(0x4942534fL, b.getLong(40), "fw_dynamic magic");
        assertEquals(2, b.getLong(48), "version");
        assertEquals(0x80200000L, b.getLong(56), "next_addr");
        assertEquals(1, b.getLong(64), "next_mode S");
        assertEquals(0, b.getLong(72), "options");
        assertEquals(0, b.getLong(80), "boot_hart");
    }
}
