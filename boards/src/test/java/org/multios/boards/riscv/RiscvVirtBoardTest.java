package org.multios.boards.riscv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.multios.boards.Firmware;
import org.multios.devices.console.MemoryConsole;

/** Small hand-assembled guests that exercise the board's wiring end to end. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RiscvVirtBoardTest {
    @TempDir Path tmp;

    static final int ZERO = 0, T0 = 5, T1 = 6, A0 = 10, A1 = 11, A2 = 12;

    /** A tiny RV64 assembler for the handful of instructions these tests need. */
    static final class Asm {
        final ByteArrayOutputStream code = new ByteArrayOutputStream();

        Asm word(int w) {
            code.write(w); code.write(w >>> 8); code.write(w >>> 16); code.write(w >>> 24);
            return this;
        }
        Asm lui(int rd, int imm20) { return word(ResetRom.uType(0x37, rd, imm20)); }
        Asm addi(int rd, int rs1, int imm) { return word(ResetRom.iType(0x13, 0, rd, rs1, imm)); }
        Asm addiw(int rd, int rs1, int imm) { return word(ResetRom.iType(0x1b, 0, rd, rs1, imm)); }
        Asm ld(int rd, int rs1, int imm) { return word(ResetRom.iType(0x03, 3, rd, rs1, imm)); }
        Asm lbu(int rd, int rs1, int imm) { return word(ResetRom.iType(0x03, 4, rd, rs1, imm)); }
        Asm csrr(int rd, int csr) { return word(ResetRom.iType(0x73, 2, rd, 0, csr)); }
        Asm store(int funct3, int rs2, int rs1, int imm) {
            return word((imm >> 5 & 0x7f) << 25 | rs2 << 20 | rs1 << 15 | funct3 << 12 | (imm & 0x1f) << 7 | 0x23);
        }
        Asm sb(int rs2, int rs1, int imm) { return store(0, rs2, rs1, imm); }
        Asm sw(int rs2, int rs1, int imm) { return store(2, rs2, rs1, imm); }
        Asm sd(int rs2, int rs1, int imm) { return store(3, rs2, rs1, imm); }
        /** jal x0, 0: spin forever. */
        Asm spin() { return word(0x0000006f); }
        /** li rd, value for a 32-bit signed value. */
        Asm li(int rd, int value) {
            int hi = (value + 0x800) >>> 12, lo = value - (hi << 12);
            if (hi != 0) {
                lui(rd, hi);
                return addiw(rd, rd, lo);
            }
            return addi(rd, ZERO, lo);
        }
        /** rd = value, zero-extended from 32 bits (addresses such as 0x80001000). */
        Asm la(int rd, long value) {
            li(rd, (int) value);
            if ((value & 0x8000_0000L) != 0) word(slli(rd, rd, 32)).word(srli(rd, rd, 32));
            return this;
        }
        byte[] bytes() { return code.toByteArray(); }
    }

    Path write(String name, byte[] data) throws Exception {
        Path p = tmp.resolve(name);
        Files.write(p, data);
        return p;
    }

    static Asm putc(Asm a, char c) {
        return a.li(T0, 0x10000000).li(T1, c).sb(T1, T0, 0);
    }

    @Test
    void uartOutputAndTestFinisherPass() throws Exception {
        Asm a = new Asm();
        for (char c : "hello\n".toCharArray()) putc(a, c);
        a.li(T0, 0x100000).li(T1, 0x5555).sw(T1, T0, 0).spin();
        MemoryConsole console = new MemoryConsole();
        RiscvVirtBoard board = RiscvVirtBoard.create(new RiscvVirtConfig().bios(new Firmware.None())
                .kernel(write("k.bin", a.bytes())).console(console).maxInstructions(1_000_000));
        assertEquals(0, board.run());
        assertTrue(board.stoppedByGuest());
        assertEquals("hello\n", console.output());
    }

    @Test
    void testFinisherFailCodeBecomesExitStatus() throws Exception {
        Asm a = new Asm().li(T0, 0x100000).li(T1, (42 << 16) | 0x3333).sw(T1, T0, 0).spin();
        RiscvVirtBoard board = RiscvVirtBoard.create(new RiscvVirtConfig().bios(new Firmware.None())
                .kernel(write("k.bin", a.bytes())).maxInstructions(1_000_000));
        assertEquals(42, board.run());
    }

    @Test
    void resetRomPassesHartIdDeviceTreeAndFwDynamicInfo() throws Exception {
        // Store a0, a1, a2 and the first word of the device tree at 0x80001000, then pass.
        Asm a = new Asm().la(T0, 0x80001000L)
                .sd(A0, T0, 0).sd(A1, T0, 8).sd(A2, T0, 16)
                .word(ResetRom.iType(0x03, 2, T1, A1, 0)) // lw t1, 0(a1)
                .sd(T1, T0, 24)
                .li(T0, 0x100000).li(T1, 0x5555).sw(T1, T0, 0).spin();
        RiscvVirtBoard board = RiscvVirtBoard.create(new RiscvVirtConfig().bios(new Firmware.None())
                .kernel(write("k.bin", a.bytes())).maxInstructions(1_000_000));
        assertEquals(0, board.run());
        var bus = board.bus();
        assertEquals(0, bus.read(0x80001000L, 8), "a0 = hart id");
        assertEquals(0x87e00000L, bus.read(0x80001008L, 8), "a1 = device tree");
        assertEquals(0x1028L, bus.read(0x80001010L, 8), "a2 = fw_dynamic_info");
        assertEquals(0xedfe0dd0L, bus.read(0x80001018L, 4), "FDT magic, big-endian in memory");
    }

    @Test
    void htifExitAndConsole() throws Exception {
        // An ELF defining tohost: putchar 'H' via device 1, then exit(3) via device 0.
        long tohost = 0x80001000L;
        Asm a = new Asm().la(T0, 0x80001000L);
        // t1 = (1 << 56) | (1 << 48) | 'H'  = 0x0101_0000_0000_0048
        a.li(T1, 0x0101).word(slli(T1, T1, 48)).addi(T1, T1, 'H').sd(T1, T0, 0);
        // wait until the host clears tohost
        int loop = a.code.size();
        a.ld(A0, T0, 0);
        a.word(bne(A0, ZERO, loop - a.code.size()));
        a.li(T1, (3 << 1) | 1).sd(T1, T0, 0).spin();
        byte[] elf = HtifElf.build(0x80000000L, a.bytes(), tohost, tohost + 8);
        MemoryConsole console = new MemoryConsole();
        RiscvVirtBoard board = RiscvVirtBoard.create(new RiscvVirtConfig().bios(new Firmware.None())
                .kernel(write("htif.elf", elf)).console(console).maxInstructions(5_000_000));
        assertEquals(3, board.run());
        assertEquals("H", console.output());
    }

    @Test
    void htifSyscallWriteUsesMagicMemory() throws Exception {
        long tohost = 0x80001000L, fromhost = 0x80001008L, magic = 0x80001100L, buf = 0x80001200L;
        Asm a = new Asm().la(T0, buf);
        String text = "sys\n";
        for (int i = 0; i < text.length(); i++) a.li(T1, text.charAt(i)).sb(T1, T0, i);
        a.la(T0, magic)
                .li(T1, 64).sd(T1, T0, 0)          // SYS_write
                .li(T1, 1).sd(T1, T0, 8)           // fd 1
                .la(T1, buf).sd(T1, T0, 16)        // buffer
                .li(T1, text.length()).sd(T1, T0, 24)
                .la(A1, tohost).sd(T0, A1, 0);     // tohost = &magic (device 0, command 0, even payload)
        int loop = a.code.size();
        a.ld(A0, A1, 8);                           // wait for fromhost
        a.word(beq(A0, ZERO, loop - a.code.size()));
        a.ld(A2, T0, 0);                           // return value of write
        a.word(slli(A2, A2, 1)).addi(A2, A2, 1).sd(A2, A1, 0).spin(); // exit(return value)
        byte[] elf = HtifElf.build(0x80000000L, a.bytes(), tohost, fromhost);
        MemoryConsole console = new MemoryConsole();
        RiscvVirtBoard board = RiscvVirtBoard.create(new RiscvVirtConfig().bios(new Firmware.None())
                .kernel(write("sys.elf", elf)).console(console).maxInstructions(5_000_000));
        assertEquals(text.length(), board.run(), "exit status is write's return value");
        assertEquals(text, console.output());
    }

    @Test
    void testFinisherResetRestartsFromTheResetRom() throws Exception {
        // RAM survives a reset (as on QEMU); a boot counter beyond the image tells the runs apart.
        Asm a = new Asm().la(T0, 0x80001000L).ld(T1, T0, 0).addi(T1, T1, 1).sd(T1, T0, 0);
        a.li(A0, 2);
        int branchAt = a.code.size();
        a.word(0); // patched: beq t1, a0, second_boot
        a.li(T0, 0x100000).li(T1, 0x7777).sw(T1, T0, 0).spin();
        int second = a.code.size();
        a.li(T0, 0x100000).li(T1, (2 << 16) | 0x3333).sw(T1, T0, 0).spin();
        byte[] code = a.bytes();
        int insn = beq(T1, A0, second - branchAt);
        for (int i = 0; i < 4; i++) code[branchAt + i] = (byte) (insn >>> (8 * i));
        RiscvVirtBoard board = RiscvVirtBoard.create(new RiscvVirtConfig().bios(new Firmware.None())
                .kernel(write("reset.bin", code)).maxInstructions(1_000_000));
        assertEquals(2, board.run(), "second boot reports its count");
    }

    static int beq(int rs1, int rs2, int off) { return bne(rs1, rs2, off) & ~(1 << 12); }

    static int slli(int rd, int rs1, int sh) { return ResetRom.iType(0x13, 1, rd, rs1, sh); }

    static int srli(int rd, int rs1, int sh) { return ResetRom.iType(0x13, 5, rd, rs1, sh); }

    static int bne(int rs1, int rs2, int off) {
        return (off >> 12 & 1) << 31 | (off >> 5 & 0x3f) << 25 | rs2 << 20 | rs1 << 15 | 1 << 12
                | (off >> 1 & 0xf) << 8 | (off >> 11 & 1) << 7 | 0x63;
    }

    /** Writes a minimal ELF with one segment and a symbol table holding tohost/fromhost. */
    static final class HtifElf {
        static byte[] build(long base, byte[] code, long tohost, long fromhost) {
            byte[] strtab = "\0tohost\0fromhost\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            int codeOff = 0x1000;
            int symOff = codeOff + code.length + 7 & ~7;
            int strOff = symOff + 3 * 24;
            int shOff = strOff + strtab.length + 7 & ~7;
            ByteBuffer b = ByteBuffer.allocate(shOff + 3 * 64).order(ByteOrder.LITTLE_ENDIAN);
            b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0});
            b.position(16);
            b.putShort((short) 2).putShort((short) 243).putInt(1).putLong(base).putLong(64).putLong(shOff);
            b.putInt(0).putShort((short) 64).putShort((short) 56).putShort((short) 1).putShort((short) 64)
                    .putShort((short) 3).putShort((short) 0);
            b.putInt(1).putInt(7).putLong(codeOff).putLong(base).putLong(base).putLong(code.length)
                    .putLong(0x2000).putLong(0x1000);
            b.position(codeOff);
            b.put(code);
            b.position(symOff + 24); // symbol 0 is null
            b.putInt(1).put((byte) 0x11).put((byte) 0).putShort((short) 1).putLong(tohost).putLong(8);
            b.putInt(8).put((byte) 0x11).put((byte) 0).putShort((short) 1).putLong(fromhost).putLong(8);
            b.position(strOff);
            b.put(strtab);
            b.position(shOff + 64); // section 0 is null
            b.putInt(0).putInt(2).putLong(0).putLong(0).putLong(symOff).putLong(3 * 24).putInt(2).putInt(1)
                    .putLong(8).putLong(24);
            b.putInt(0).putInt(3).putLong(0).putLong(0).putLong(strOff).putLong(strtab.length).putInt(0).putInt(0)
                    .putLong(1).putLong(0);
            return b.array();
        }
    }
}
