package org.multios.core.mmu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** SoftTlb's context tags: one page in several contexts, and invalidation by page and context. */
class SoftTlbContextTest {
    final SoftTlb tlb = new SoftTlb();
    final MemorySegment seg = Arena.ofAuto().allocate(4096);
    static final long VA = 0x7fff_1234_5000L;

    boolean hasLoad(long va, int ctx) {
        long tag = SoftTlb.contextTag(ctx);
        return tlb.loadTag[SoftTlb.slot(va, tag)] == (SoftTlb.vpn(va) | tag);
    }

    void fill(long va, int ctx, boolean global) {
        tlb.fill(SoftTlb.LOAD, va, SoftTlb.contextTag(ctx), global, 0x8000_0000L, seg, 0);
    }

    @Test
    void contextsKeepTheirOwnEntryForOnePage() {
        fill(VA, 3, false);
        fill(VA, 4, false);
        assertNotEquals(SoftTlb.slot(VA, SoftTlb.contextTag(3)), SoftTlb.slot(VA, SoftTlb.contextTag(4)), "consecutive contexts share a slot");
        assertEquals(true, hasLoad(VA, 3));
        assertEquals(true, hasLoad(VA, 4));
        assertEquals(false, hasLoad(VA, 5), "a context without a fill hit another's entry");
        assertEquals(SoftTlb.index(VA), SoftTlb.slot(VA, 0), "context 0 is the plain index");
    }

    @Test
    void pageInvalidationByContextKeepsOthersButDropsGlobals() {
        fill(VA, 3, false);
        fill(VA, 4, false);
        fill(VA, 5, true);
        fill(VA + 0x1000, 3, false);
        tlb.flushPage(VA, -1L, ctx -> ctx == 4);
        assertEquals(true, hasLoad(VA, 3));
        assertEquals(false, hasLoad(VA, 4));
        assertEquals(false, hasLoad(VA, 5), "a global entry of the page stayed");
        assertEquals(true, hasLoad(VA + 0x1000, 3), "another page went");
        // a compare mask that ignores the top byte (Arm TLBI VA[55:12]) still finds a tagged address
        long tagged = VA | 0x5a00_0000_0000_0000L;
        fill(tagged, 6, false);
        tlb.flushPage(VA, (1L << 44) - 1, null);
        assertEquals(false, hasLoad(tagged, 6));
        assertEquals(false, hasLoad(VA, 3));
    }

    @Test
    void contextInvalidationAndFullFlush() {
        fill(VA, 3, true);
        fill(VA + 0x1000, 3, false);
        fill(VA, 7, false);
        tlb.flushContexts(ctx -> ctx == 3);
        assertEquals(false, hasLoad(VA, 3));
        assertEquals(false, hasLoad(VA + 0x1000, 3));
        assertEquals(true, hasLoad(VA, 7));
        long gen = tlb.generation();
        tlb.flush();
        assertEquals(false, hasLoad(VA, 7));
        assertNotEquals(gen, tlb.generation());
    }
}
