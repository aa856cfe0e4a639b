package org.multios.isa.arm64.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class A64DecodeTableTest {
    @Test
    void standardTableLoadsAndClassifies() {
        A64DecodeTable t = A64DecodeTable.standard();
        assertTrue(t.patterns().size() > 25);
        assertEquals(A64Op.ADDSUB_SHIFT, t.decode(0xab010002));
        assertEquals(A64Op.LDST_UIMM, t.decode(0xf9400402));
        assertEquals(A64Op.SYSTEM, t.decode(0xd53b4202));
        assertEquals(A64Op.UNDEFINED, t.decode(0x00000000));
    }

    @Test
    void undeclaredOverlapIsRejected() {
        String text = "ADR 0 .. 10000 ................... .....\nADRP 0 .. 10000 ................... .....\n";
        var e = assertThrows(IllegalStateException.class, () -> A64DecodeTable.parse(text));
        assertTrue(e.getMessage().contains("overlaps"), e.getMessage());
    }

    @Test
    void overlapGroupAllowsFirstMatch() {
        String text = "{\nADR 0 .. 10000 ................... 00000\nADRP 0 .. 10000 ................... .....\n}\n";
        A64DecodeTable t = A64DecodeTable.parse(text);
        assertEquals(A64Op.ADR, t.decode(0x10000000));
        assertEquals(A64Op.ADRP, t.decode(0x10000001));
    }

    @Test
    void wrongWidthIsRejected() {
        assertThrows(IllegalStateException.class, () -> A64DecodeTable.parse("ADR 0101\n"));
    }
}
