package org.multios.kernel.mm;

import java.util.ArrayList;
import java.util.List;

/**
 * Fixed-size small objects in guest memory (kernel buffers that devices or user copies
 * touch: pipe rings, DMA descriptors): one slab = one page frame cut into equal slots; a
 * free-slot stack per slab and a list of partially full slabs make allocation and free O(1).
 * Empty slabs go back to the page allocator.
 */
public final class SlabAllocator {
    private final PageFrameAllocator frames;
    private final PhysicalMemory mem;
    private final int objectSize, perSlab;
    private final List<Slab> partial = new ArrayList<>();
    private final java.util.Map<Long, Slab> byPage = new java.util.HashMap<>();

    private static final class Slab {
        final long page;
        final int[] freeStack;
        int freeTop;

        Slab(long page, int n) {
            this.page = page;
            this.freeStack = new int[n];
            for (int i = 0; i < n; i++) freeStack[i] = n - 1 - i;
            this.freeTop = n;
        }
    }

    public SlabAllocator(PageFrameAllocator frames, PhysicalMemory mem, int objectSize) {
        if (objectSize < 8 || objectSize > PhysicalMemory.PAGE / 2) throw new IllegalArgumentException("object size " + objectSize);
        this.frames = frames;
        this.mem = mem;
        this.objectSize = (objectSize + 7) & ~7;
        this.perSlab = PhysicalMemory.PAGE / this.objectSize;
    }

    public int objectSize() { return objectSize; }

    /** Physical address of a zeroed object, or -1 when memory is exhausted. */
    public long allocate() {
        Slab s = partial.isEmpty() ? null : partial.get(partial.size() - 1);
        if (s == null) {
            long page = frames.allocate();
            if (page < 0) return -1;
            mem.zeroPage(page);
            s = new Slab(page, perSlab);
            byPage.put(page, s);
            partial.add(s);
        }
        int slot = s.freeStack[--s.freeTop];
        if (s.freeTop == 0) partial.remove(partial.size() - 1);
        long pa = s.page + (long) slot * objectSize;
        for (int i = 0; i < objectSize; i += 8) mem.write64(pa + i, 0);
        return pa;
    }

    public void free(long pa) {
        long page = pa & -PhysicalMemory.PAGE;
        Slab s = byPage.get(page);
        if (s == null || (pa - page) % objectSize != 0) throw new IllegalArgumentException(String.format("not a slab object: 0x%x", pa));
        int slot = (int) ((pa - page) / objectSize);
        for (int i = 0; i < s.freeTop; i++) if (s.freeStack[i] == slot) throw new IllegalStateException(String.format("double free 0x%x", pa));
        if (s.freeTop == 0) partial.add(s);
        s.freeStack[s.freeTop++] = slot;
        if (s.freeTop == perSlab) {
            partial.remove(s);
            byPage.remove(page);
            frames.release(page);
        }
    }

    public int slabs() { return byPage.size(); }
}
