package org.multios.core.cache;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.multios.core.bus.PhysicalBus;
import org.multios.core.mmu.SoftTlb;

class BlockCacheTest {
    static final class TestBlock extends CodeBlock {
        final long last;
        TestBlock(long pc, int mode, long last) { super(pc, pc, mode); this.last = last; }
        @Override public long lastPhysPage() { return last & ~0xfffL; }
        @Override public int length() { return 1; }
    }

    @Test
    void blocksAreKeyedByPcAndMode() {
        PhysicalBus bus = new PhysicalBus();
        bus.addRam("ram", 0x8000_0000L, 0x10000);
        BlockCache<TestBlock> cache = new BlockCache<>(bus);
        TestBlock m = new TestBlock(0x8000_0000L, 3, 0x8000_0010L), s = new TestBlock(0x8000_0000L, 1, 0x8000_0010L);
        cache.put(m);
        cache.put(s);
        assertSame(m, cache.get(0x8000_0000L, 3));
        assertSame(s, cache.get(0x8000_0000L, 1));
        assertNull(cache.get(0x8000_0004L, 3));
    }

    @Test
    void cpuStoreAndDmaInvalidateBlocksOnTheWrittenPageOnly() {
        PhysicalBus bus = new PhysicalBus();
        bus.addRam("ram", 0x8000_0000L, 0x10000);
        BlockCache<TestBlock> cache = new BlockCache<>(bus);
        TestBlock a = new TestBlock(0x8000_0000L, 3, 0x8000_0100L);
        TestBlock straddling = new TestBlock(0x8000_1ff0L, 3, 0x8000_2008L);
        cache.put(a);
        cache.put(straddling);
        bus.write(0x8000_2004L, 4, 0); // second page of the straddling block
        assertFalse(straddling.isValid());
        assertTrue(a.isValid());
        assertNull(cache.get(0x8000_1ff0L, 3));
        bus.dmaWrite(0x8000_0080L, new byte[8], 0, 8);
        assertFalse(a.isValid());
        assertEquals(0, cache.size());
    }

    @Test
    void markingCodeDropsDirectStoreEntriesFromTlbs() {
        PhysicalBus bus = new PhysicalBus();
        var ram = bus.addRam("ram", 0x8000_0000L, 0x10000);
        SoftTlb tlb = new SoftTlb();
        bus.onCodeMark(tlb::dropStoresTo);
        tlb.fill(SoftTlb.STORE, 0x4000_3000L, 0x8000_3000L, ram.segment(), 0x3000);
        assertEquals(SoftTlb.vpn(0x4000_3000L), tlb.storeTag[SoftTlb.index(0x4000_3000L)]);
        BlockCache<TestBlock> cache = new BlockCache<>(bus);
        cache.put(new TestBlock(0x8000_3000L, 0, 0x8000_3004L));
        assertEquals(-1L, tlb.storeTag[SoftTlb.index(0x4000_3000L)]);
    }
}
