package org.multios.isa.x86.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The length decoder: prefixes, REX, ModRM/SIB/displacement, immediates and size rules per mode. */
class X86DecoderTest {
    static X86Insn decode(int bits, int... bytes) throws DecodeException {
        X86Insn in = new X86Insn();
        X86Decoder.decode(i -> i < bytes.length ? bytes[i] & 0xff : 0x90, bits, in);
        return in;
    }

    @Test
    void lengthsOfCommonLongModeForms() throws DecodeException {
        assertEquals(1, decode(64, 0x55).length);                                         // push %rbp
        assertEquals(3, decode(64, 0x48, 0x89, 0xe5).length);                             // mov %rsp,%rbp
        assertEquals(10, decode(64, 0x48, 0xb8, 1, 2, 3, 4, 5, 6, 7, 8).length);          // movabs $imm64,%rax
        assertEquals(7, decode(64, 0x48, 0xc7, 0xc0, 1, 0, 0, 0).length);                 // mov $1,%rax (imm32)
        assertEquals(8, decode(64, 0x48, 0x8b, 0x84, 0xc8, 0x10, 0, 0, 0).length);       // SIB + disp32
        assertEquals(6, decode(64, 0x8b, 0x05, 0, 0, 0, 0).length);                       // RIP-relative
        assertEquals(11, decode(64, 0xc7, 0x84, 0x24, 0x10, 0, 0, 0, 0x2a, 0, 0, 0).length); // mov $imm32,disp32(%rsp)
        assertEquals(4, decode(64, 0x66, 0x83, 0xc0, 0x01).length);                       // add $1,%ax
        assertEquals(9, decode(64, 0x66, 0x0f, 0x1f, 0x84, 0, 0, 0, 0, 0).length);        // nopw 0x0(%rax,%rax,1)
        assertEquals(5, decode(64, 0xe8, 0, 0, 0, 0).length);                             // call rel32
        assertEquals(4, decode(64, 0xc8, 0x10, 0, 0).length);                             // enter $16,$0
    }

    @Test
    void operandAndAddressSizes() throws DecodeException {
        assertEquals(8, decode(64, 0x50).osize, "push defaults to 64-bit in long mode");
        assertEquals(2, decode(64, 0x66, 0x50).osize);
        assertEquals(4, decode(64, 0x01, 0xd8).osize);
        assertEquals(8, decode(64, 0x48, 0x01, 0xd8).osize);
        assertEquals(4, decode(64, 0x67, 0x8b, 0x00).asize);
        assertEquals(2, decode(16, 0x01, 0xd8).osize);
        assertEquals(4, decode(16, 0x66, 0x01, 0xd8).osize);
        assertEquals(2, decode(32, 0x66, 0x01, 0xd8).osize);
        X86Insn far = decode(16, 0x66, 0xea, 0x78, 0x56, 0x34, 0x12, 0x08, 0x00);      // ljmpl $0x8,$0x12345678
        assertEquals(8, far.length);
        assertEquals(0x12345678L, far.imm);
        assertEquals(8, far.imm2);
    }

    @Test
    void sixteenBitAddressing() throws DecodeException {
        X86Insn in = decode(16, 0x8b, 0x46, 0xfe);                                        // mov -2(%bp),%ax
        assertEquals(3, in.length);
        assertEquals(5, in.base);
        assertEquals(-2, in.disp);
        X86Insn abs = decode(16, 0x8b, 0x1e, 0x34, 0x12);                                 // mov 0x1234,%bx
        assertEquals(X86Insn.NO_REG, abs.base);
        assertEquals(0x1234, abs.disp);
        X86Insn lgdt = decode(16, 0x66, 0x2e, 0x0f, 0x01, 0x16, 0x00, 0x10);              // lgdtl %cs:0x1000
        assertEquals(7, lgdt.length);
        assertEquals("lgdt", lgdt.mnemonic());
        assertEquals(1, lgdt.segment);
    }

    @Test
    void rexExtendsRegistersAndMandatoryPrefixesSelectEntries() throws DecodeException {
        X86Insn in = decode(64, 0x4d, 0x01, 0xc8);                                        // add %r9,%r8
        assertEquals(9, in.reg);
        assertEquals(8, in.rm);
        assertEquals("pause", decode(64, 0xf3, 0x90).mnemonic());
        assertEquals("nop", decode(64, 0x90).mnemonic());
        assertEquals("tzcnt", decode(64, 0xf3, 0x0f, 0xbc, 0xc0).mnemonic());
        assertEquals("bsf", decode(64, 0x0f, 0xbc, 0xc0).mnemonic());
        assertEquals("swapgs", decode(64, 0x0f, 0x01, 0xf8).mnemonic());
        assertEquals("invlpg", decode(64, 0x0f, 0x01, 0x38).mnemonic());
    }

    @Test
    void invalidEncodingsAreRejected() {
        assertThrows(DecodeException.class, () -> decode(64, 0x06), "push %es is invalid in 64-bit mode");
        assertThrows(DecodeException.class, () -> decode(32, 0x63, 0xc0), "movsxd only in 64-bit mode");
        assertThrows(DecodeException.class, () -> decode(64, 0x0f, 0xff));
        int[] tooLong = new int[16];
        java.util.Arrays.fill(tooLong, 0x66);
        assertThrows(DecodeException.class, () -> decode(64, tooLong));
    }

    @Test
    void everyMapEntryDecodesAndHasKnownOperands() {
        assertTrue(OpcodeMaps.entries().size() > 300, "the maps are loaded");
    }
}
