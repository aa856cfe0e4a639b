package org.multios.core.mmu;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * A per-CPU software TLB, direct-mapped, with separate entries for fetch, load and
 * store (as QEMU keeps separate read/write/code tags). An entry maps one 4 KiB virtual
 * page straight to host memory: the fast path is a tag compare and an offset into the
 * RAM segment. Everything else (misses, MMIO, permission changes, faults) goes to the
 * ISA's slow path, which walks the page tables and fills an entry only for RAM pages
 * the access is allowed to touch directly.
 * <p>
 * Store entries are never filled for pages holding decoded code, so stores to code
 * take the slow path and invalidate the block cache.
 */
public final class SoftTlb {
    public static final int BITS = 10;
    public static final int ENTRIES = 1 << BITS;
    public static final int MASK = ENTRIES - 1;
    public static final int PAGE_SHIFT = 12;
    public static final long PAGE_MASK = (1L << PAGE_SHIFT) - 1;
    private static final long INVALID = -1L;

    /** Access kinds, also the index of the entry arrays. */
    public static final int FETCH = 0, LOAD = 1, STORE = 2;

    /** Virtual page number tags per kind; {@code -1} is an empty entry. */
    public final long[] fetchTag = new long[ENTRIES], loadTag = new long[ENTRIES], storeTag = new long[ENTRIES];
    /** Segment and offset of the page's first byte, per kind. */
    public final MemorySegment[] fetchSeg = new MemorySegment[ENTRIES], loadSeg = new MemorySegment[ENTRIES], storeSeg = new MemorySegment[ENTRIES];
    public final long[] fetchOff = new long[ENTRIES], loadOff = new long[ENTRIES], storeOff = new long[ENTRIES];
    /** Physical page address of each entry, per kind (fetch: to find blocks; store: to drop code pages). */
    public final long[] fetchPhys = new long[ENTRIES], storePhys = new long[ENTRIES];

    private long flushes;

    public SoftTlb() { flush(); }

    public static int index(long vaddr) { return (int) (vaddr >>> PAGE_SHIFT) & MASK; }

    public static long vpn(long vaddr) { return vaddr >>> PAGE_SHIFT; }

    public void fill(int kind, long vaddr, long physPage, MemorySegment seg, long segOffsetOfPage) {
        int i = index(vaddr);
        long tag = vpn(vaddr);
        switch (kind) {
            case FETCH -> { fetchTag[i] = tag; fetchSeg[i] = seg; fetchOff[i] = segOffsetOfPage; fetchPhys[i] = physPage; }
            case LOAD -> { loadTag[i] = tag; loadSeg[i] = seg; loadOff[i] = segOffsetOfPage; }
            case STORE -> { storeTag[i] = tag; storeSeg[i] = seg; storeOff[i] = segOffsetOfPage; storePhys[i] = physPage; }
            default -> throw new IllegalArgumentException("kind " + kind);
        }
    }

    public void flush() {
        Arrays.fill(fetchTag, INVALID);
        Arrays.fill(loadTag, INVALID);
        Arrays.fill(storeTag, INVALID);
        Arrays.fill(fetchSeg, null);
        Arrays.fill(loadSeg, null);
        Arrays.fill(storeSeg, null);
        flushes++;
    }

    public void flushPage(long vaddr) {
        int i = index(vaddr);
        long tag = vpn(vaddr);
        if (fetchTag[i] == tag) fetchTag[i] = INVALID;
        if (loadTag[i] == tag) loadTag[i] = INVALID;
        if (storeTag[i] == tag) storeTag[i] = INVALID;
        flushes++;
    }

    /** Drops direct store entries to a physical page that now holds decoded code. */
    public void dropStoresTo(long physPage) {
        for (int i = 0; i < ENTRIES; i++) {
            if (storeTag[i] != INVALID && storePhys[i] == physPage) storeTag[i] = INVALID;
        }
    }

    /** Counts flushes: a fetch-side generation number, so chained blocks can tell a mapping may have changed. */
    public long generation() { return flushes; }
}
