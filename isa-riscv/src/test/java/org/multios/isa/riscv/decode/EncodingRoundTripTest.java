package org.multios.isa.riscv.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Property tests over the encoding table: decode is total, and encode-then-decode is the identity. */
class EncodingRoundTripTest {
    private static final InsnSlot[] SLOTS = {InsnSlot.RD, InsnSlot.RS1, InsnSlot.RS2, InsnSlot.RS3, InsnSlot.RM, InsnSlot.IMM};

    @Test
    void decodeNeverThrowsOnRandomWords() {
        Random r = new Random(20261128);
        for (int i = 0; i < 2_000_000; i++) {
            int w = r.nextInt();
            RvInsn insn = RvDecoder.decode(w);
            assertNotNull(insn.op);
            assertEquals((w & 3) == 3 ? 4 : 2, insn.length);
        }
        for (int h = 0; h < 0x10000; h++) {
            RvInsn insn = RvDecoder.decode(h);
            assertNotNull(insn.op);
        }
    }

    @Test
    void everyPatternRoundTripsRandomFieldValues() {
        Random r = new Random(42);
        DecodeTable table = RvDecoder.table();
        int checked = 0;
        for (EncodingPattern p : table.patterns()) {
            if (p.op() == RvOp.ILLEGAL) continue;
            int hits = 0;
            for (int attempt = 0; attempt < 4000 && hits < 200; attempt++) {
                int bits = p.match() | (r.nextInt() & ~p.mask());
                long[] want = new long[SLOTS.length];
                for (int s = 0; s < SLOTS.length; s++) {
                    BitField f = p.field(SLOTS[s]);
                    if (f == null) {
                        want[s] = p.constant(SLOTS[s]);
                        continue;
                    }
                    long v = f.extract(r.nextInt()); // any value the field can hold
                    bits = f.insert(bits, v);
                    want[s] = f.extract(bits);
                    assertEquals(v, want[s], p + ": field " + f.name() + " does not give back " + v);
                }
                if (p.length() == 2) bits &= 0xffff;
                // slots that share one field (c.addi's rd and rs1) take the value inserted last
                for (int s = 0; s < SLOTS.length; s++) {
                    BitField f = p.field(SLOTS[s]);
                    if (f != null) want[s] = f.extract(bits);
                }
                // a field value may land on an encoding that an earlier member of an overlap group claims
                if (table.find(bits) != p) continue;
                hits++;
                RvInsn insn = RvDecoder.decode(bits);
                assertEquals(p.op(), insn.op, String.format("%08x", bits));
                assertEquals(want[0], insn.rd, () -> p + " rd");
                assertEquals(want[1], insn.rs1, () -> p + " rs1");
                assertEquals(want[2], insn.rs2, () -> p + " rs2");
                assertEquals(want[3], insn.rs3, () -> p + " rs3");
                assertEquals(want[4], insn.rm, () -> p + " rm");
                assertEquals(want[5], insn.imm, () -> p + " imm");
                assertEquals(p.length(), insn.length);
            }
            assertTrue(hits > 0, "no encoding reaches " + p);
            checked++;
        }
        assertTrue(checked > 200, "patterns checked: " + checked);
    }

}
