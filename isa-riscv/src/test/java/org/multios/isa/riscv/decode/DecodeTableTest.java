package org.multios.isa.riscv.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The encoding-table loader: notation, overlap rules, and coverage of the standard table. */
class DecodeTableTest {
    private static final String HEADER = """
            %rd   11:7
            %rs1  19:15
            %rs2  24:20
            %imm  s 31:20
            @r    rd=%rd rs1=%rs1 rs2=%rs2
            @i    rd=%rd rs1=%rs1 imm=%imm
            """;

    @Test
    void rejectsAnUndeclaredOverlap() {
        String bad = HEADER + """
                ADD  0000000 ..... ..... 000 ..... 0110011 @r
                SUB  0.00000 ..... ..... 000 ..... 0110011 @r
                """;
        DecodeTableException e = assertThrows(DecodeTableException.class, () -> DecodeTable.parse(bad, "bad.decode"));
        assertTrue(e.getMessage().contains("bad.decode:8"), e.getMessage());
        assertTrue(e.getMessage().contains("overlaps ADD"), e.getMessage());
    }

    @Test
    void acceptsTheSameOverlapInsideAGroupAndTheFirstMatchWins() {
        String ok = HEADER + """
                {
                SUB  0100000 ..... ..... 000 ..... 0110011 @r
                ADD  0.00000 ..... ..... 000 ..... 0110011 @r
                }
                """;
        DecodeTable t = DecodeTable.parse(ok, "ok.decode");
        assertEquals(RvOp.SUB, t.find(0x40b50533).op());
        assertEquals(RvOp.ADD, t.find(0x00b50533).op());
    }

    @Test
    void rejectsAGroupMemberThatCanNeverMatch() {
        String dead = HEADER + """
                {
                ADD  0.00000 ..... ..... 000 ..... 0110011 @r
                SUB  0100000 ..... ..... 000 ..... 0110011 @r
                }
                """;
        DecodeTableException e = assertThrows(DecodeTableException.class, () -> DecodeTable.parse(dead, "dead.decode"));
        assertTrue(e.getMessage().contains("can never match"), e.getMessage());
    }

    @Test
    void rejectsMalformedLines() {
        assertThrows(DecodeTableException.class, () -> DecodeTable.parse(HEADER + "FOO 0000000 ..... ..... 000 ..... 0110011 @r\n", "t"));
        assertThrows(DecodeTableException.class, () -> DecodeTable.parse(HEADER + "ADD 000000 ..... ..... 000 ..... 0110011 @r\n", "t"));
        assertThrows(DecodeTableException.class, () -> DecodeTable.parse(HEADER + "ADD 0000000 ..... ..... 000 ..... 0110011 @nope\n", "t"));
        assertThrows(DecodeTableException.class, () -> DecodeTable.parse(HEADER + "ADD 0000000 ..... ..... 000 ..... 0110010 @r\n", "t"));
        assertThrows(DecodeTableException.class, () -> DecodeTable.parse(HEADER + "| add {x:rd}\n", "t"));
        assertThrows(DecodeTableException.class, () -> DecodeTable.parse(HEADER + "{\n{\n}\n}\n", "t"));
        assertThrows(DecodeTableException.class, () -> DecodeTable.parse(HEADER + "%rd 4:0\n", "t"));
        assertThrows(DecodeTableException.class, () -> DecodeTable.parse(HEADER + "ADD 000 ........ ... 00 @r\n", "t"),
                "a 16-bit pattern may not use fields above bit 15");
    }

    @Test
    void standardTableCoversEveryOperation() {
        DecodeTable t = DecodeTable.standard();
        Set<RvOp> seen = EnumSet.noneOf(RvOp.class);
        for (EncodingPattern p : t.patterns()) seen.add(p.op());
        Set<RvOp> missing = EnumSet.complementOf(EnumSet.copyOf(seen));
        missing.remove(RvOp.ILLEGAL);
        assertTrue(missing.isEmpty(), "operations without an encoding: " + missing);
    }

    @Test
    void everyPatternHasADisassemblyRule() {
        for (EncodingPattern p : DecodeTable.standard().patterns()) {
            assertTrue(!p.disasm().isEmpty(), "no disassembly for " + p);
            DisasmRule last = p.disasm().get(p.disasm().size() - 1);
            assertTrue(last.conditions().isEmpty(), "last disassembly rule of " + p + " must be unconditional");
        }
    }

    @Test
    void bitFieldsScatterAndSignExtend() {
        DecodeTable t = DecodeTable.standard();
        EncodingPattern beq = t.find(0x80b50063);
        assertNotNull(beq);
        BitField imm = beq.field(InsnSlot.IMM);
        assertEquals(-4096, imm.extract(0x80b50063));
        assertEquals(-4096, imm.minValue());
        assertEquals(4094, imm.maxValue());
        int enc = imm.insert(beq.match(), 2046);
        assertEquals(2046, imm.extract(enc));
    }
}
