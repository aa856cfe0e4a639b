package org.multios.core.elf;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.multios.core.bus.PhysicalBus;

class ElfFileTest {
    /** A minimal RISC-V ELF64 executable: one PT_LOAD of 8 bytes (memsz 16) at 0x80000000. */
    static byte[] tinyElf() {
        ByteBuffer b = ByteBuffer.allocate(64 + 56 + 8).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0});
        b.position(16);
        b.putShort((short) ElfFile.ET_EXEC).putShort((short) ElfFile.EM_RISCV).putInt(1);
        b.putLong(0x8000_0000L).putLong(64).putLong(0); // entry, phoff, shoff
        b.putInt(0).putShort((short) 64).putShort((short) 56).putShort((short) 1).putShort((short) 64)
                .putShort((short) 0).putShort((short) 0);
        b.putInt(ElfFile.PT_LOAD).putInt(5).putLong(120).putLong(0x8000_0000L).putLong(0x8000_0000L)
                .putLong(8).putLong(16).putLong(8);
        b.putLong(0x1122_3344_5566_7788L);
        return b.array();
    }

    @Test
    void parsesAndLoadsSegmentsZeroingBss() throws Exception {
        ElfFile elf = ElfFile.parse(tinyElf());
        assertEquals(ElfFile.EM_RISCV, elf.machine());
        assertEquals(0x8000_0000L, elf.entry());
        assertEquals(1, elf.segments().size());
        PhysicalBus bus = new PhysicalBus();
        bus.addRam("ram", 0x8000_0000L, 0x1000);
        bus.write(0x8000_0008L, 8, -1L);
        ElfLoader.load(elf, bus);
        assertEquals(0x1122_3344_5566_7788L, bus.read(0x8000_0000L, 8));
        assertEquals(0, bus.read(0x8000_0008L, 8));
    }

    @Test
    void rejectsEveryTruncation() {
        byte[] full = tinyElf();
        for (int len = 0; len < full.length; len++) {
            byte[] cut = Arrays.copyOf(full, len);
            ElfFormatException e = assertThrows(ElfFormatException.class, () -> ElfFile.parse(cut), "length " + len);
            assertFalse(e.getMessage().isBlank());
        }
    }

    @Test
    void rejectsWrongClassAndEndianAndMagic() {
        byte[] d = tinyElf();
        d[4] = 1;
        assertTrue(assertThrows(ElfFormatException.class, () -> ElfFile.parse(d)).getMessage().contains("64-bit"));
        byte[] e = tinyElf();
        e[5] = 2;
        assertTrue(assertThrows(ElfFormatException.class, () -> ElfFile.parse(e)).getMessage().contains("little-endian"));
        assertTrue(assertThrows(ElfFormatException.class, () -> ElfFile.parse("hello".getBytes()))
                .getMessage().contains("not an ELF"));
    }

    @Test
    void hostileProgramHeaderOffsetsAreCaught() {
        byte[] d = tinyElf();
        ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN).putLong(64 + 8, Long.MAX_VALUE - 4); // p_offset
        assertThrows(ElfFormatException.class, () -> ElfFile.parse(d));
        byte[] e = tinyElf();
        ByteBuffer.wrap(e).order(ByteOrder.LITTLE_ENDIAN).putLong(32, -1L); // e_phoff
        assertThrows(ElfFormatException.class, () -> ElfFile.parse(e));
    }

    @Test
    void segmentOutsideMemoryIsAClearError() throws Exception {
        ElfFile elf = ElfFile.parse(tinyElf());
        PhysicalBus bus = new PhysicalBus();
        bus.addRam("ram", 0x1000, 0x1000);
        ElfFormatException e = assertThrows(ElfFormatException.class, () -> ElfLoader.load(elf, bus));
        assertTrue(e.getMessage().contains("does not fit"), e.getMessage());
    }

    @Test
    void hostBinaryIsRecognisedAsTheWrongMachine() throws Exception {
        Path host = Path.of("/bin/true");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(host));
        ElfFile elf = ElfFile.parse(Files.readAllBytes(host));
        ElfFormatException e = assertThrows(ElfFormatException.class, () -> elf.requireMachine(ElfFile.EM_RISCV));
        assertEquals("ELF file is for x86-64, not RISC-V", e.getMessage());
    }
}
