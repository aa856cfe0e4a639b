package org.multios.kernel.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.multios.core.bus.PhysicalBus;
import org.multios.core.bus.RamRegion;

class AllocatorsTest {
    static final long BASE = 0x8000_0000L;

    @Test
    void buddySplitsAndMergesBack() {
        BuddyAllocator b = new BuddyAllocator(BASE, 1024, 0);
        assertEquals(1024, b.freeFrames());
        long a = b.allocate(0), c = b.allocate(3), d = b.allocate(9);
        assertEquals(0, (c - BASE) % (8 * 4096), "order-3 block aligned");
        assertEquals(0, (d - BASE) % (512 * 4096), "order-9 block aligned");
        assertEquals(1024 - 1 - 8 - 512, b.freeFrames());
        b.free(a, 0);
        b.free(c, 3);
        b.free(d, 9);
        assertEquals(1024, b.freeFrames());
        // fully merged: two order-9 blocks are available again
        assertTrue(b.allocate(9) >= 0);
        assertTrue(b.allocate(9) >= 0);
        assertEquals(-1, b.allocate(0));
        assertThrows(IllegalStateException.class, () -> { long x = BASE; b.free(x, 9); b.free(x, 9); });
    }

    @Test
    void pageAllocatorHandsOutDistinctFramesUntilExhaustedAndReusesFreedOnes() {
        PageFrameAllocator p = new PageFrameAllocator(BASE, 4L << 20, 8192);
        Set<Long> seen = new HashSet<>();
        long pa;
        while ((pa = p.allocate()) >= 0) assertTrue(seen.add(pa), "frame handed out twice");
        assertEquals(1024 - 2, seen.size());
        assertEquals(0, p.freeFrames());
        long one = seen.iterator().next();
        p.retain(one);
        p.release(one);
        assertEquals(-1, p.allocate(), "still referenced once");
        p.release(one);
        assertEquals(one, p.allocate());
        assertThrows(IllegalArgumentException.class, () -> p.release(BASE + (8L << 20)));
    }

    @Test
    void slabObjectsAreDistinctZeroedAndPagesReturn() {
        PhysicalBus bus = new PhysicalBus();
        RamRegion ram = bus.addRam("ram", BASE, 1L << 20);
        PhysicalMemory mem = new PhysicalMemory(bus, ram);
        PageFrameAllocator frames = new PageFrameAllocator(BASE, 1L << 20, 0);
        int before = frames.freeFrames();
        SlabAllocator s = new SlabAllocator(frames, mem, 100);
        assertEquals(104, s.objectSize());
        long[] objs = new long[100];
        for (int i = 0; i < objs.length; i++) {
            objs[i] = s.allocate();
            assertEquals(0, mem.read64(objs[i]));
            mem.write64(objs[i], i + 1);
        }
        assertEquals(100, new HashSet<>(java.util.Arrays.stream(objs).boxed().toList()).size());
        assertEquals(3, s.slabs());
        for (long o : objs) s.free(o);
        assertEquals(0, s.slabs());
        assertEquals(before, frames.freeFrames());
        long x = s.allocate();
        assertNotEquals(-1, x);
        s.free(x);
        assertThrows(IllegalStateException.class, () -> { long y = s.allocate(); s.allocate(); s.free(y); s.free(y); });
    }
}
