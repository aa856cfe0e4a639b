package org.multios.core.cache;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.multios.core.bus.PhysicalBus;

/**
 * Decoded blocks keyed by (physical PC, mode), shared by all CPUs of one ISA on a bus.
 * Decoding a block marks its pages as code on the bus; a later write to such a page
 * (CPU slow path or DMA) invalidates every block on it. CPUs keep their own small
 * direct-mapped jump caches in front of this map and check {@link CodeBlock#isValid()}.
 */
public final class BlockCache<B extends CodeBlock> {
    private final PhysicalBus bus;
    private final ConcurrentHashMap<Long, B> blocks = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, List<B>> byPage = new ConcurrentHashMap<>();
    private volatile long invalidations;

    public BlockCache(PhysicalBus bus) {
        this.bus = bus;
        bus.onCodeWrite(this::invalidatePage);
    }

    public static long key(long physPc, int mode) {
        return physPc ^ ((long) mode << 58);
    }

    public B get(long physPc, int mode) {
        B b = blocks.get(key(physPc, mode));
        return b != null && b.isValid() ? b : null;
    }

    public void put(B block) {
        blocks.put(key(block.physPc, block.mode), block);
        addToPage(block.physPage(), block);
        bus.markCode(block.physPc);
        long lastPage = block.lastPhysPage();
        if (lastPage != block.physPage()) {
            addToPage(lastPage, block);
            bus.markCode(lastPage);
        }
    }

    private void addToPage(long page, B block) {
        byPage.computeIfAbsent(page, p -> new ArrayList<>()).add(block);
    }

    /** Drops every block that has bytes on the physical page at {@code page}. */
    public void invalidatePage(long page) {
        List<B> list = byPage.remove(page);
        if (list == null) return;
        for (B b : list) {
            b.invalidate();
            blocks.remove(key(b.physPc, b.mode), b);
        }
        invalidations++;
    }

    public void clear() {
        for (B b : blocks.values()) b.invalidate();
        blocks.clear();
        byPage.clear();
        invalidations++;
    }

    public int size() { return blocks.size(); }

    /** Count of invalidation events; CPUs compare it to drop their jump caches cheaply. */
    public long invalidations() { return invalidations; }
}
