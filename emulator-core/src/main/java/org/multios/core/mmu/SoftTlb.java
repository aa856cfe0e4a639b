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
 * <p>
 * Address-space contexts: a tag is the virtual page number ORed with a context tag in bits
 * 52..63 ({@link #contextTag}), which a virtual page number (a 64-bit address shifted right by
 * 12) never uses. An ISA that keeps entries of several address spaces or privilege regimes
 * (ASIDs, EL0/EL1 permissions) gives each its own context number and compares
 * {@code vpn(va) | contextTag}; switching context is then changing that number, not flushing.
 * So that the same page in two contexts does not fight over one slot, a context also moves the
 * slot: entry {@code index(va) ^ salt(contextTag)} ({@link #slot}); context 0 has salt 0.
 * Context 0 is what plain {@link #fill(int, long, long, MemorySegment, long)} uses. Entries also
 * remember whether the translation was global (valid in every address space), so invalidation
 * by address and address space can keep other spaces' entries and drop global ones.
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

    /** Bits of a tag that hold the context number; a vpn has at most 52 significant bits. */
    public static final int CONTEXT_SHIFT = 52;
    /** Context numbers are 1..MAX_CONTEXT (0 = no context). */
    public static final int MAX_CONTEXT = (1 << (64 - CONTEXT_SHIFT)) - 2; // 4095 with an all-ones vpn would be the empty tag
    private static final long VPN_BITS = (1L << CONTEXT_SHIFT) - 1;

    /** The tag bits of context number {@code ctx} (0..MAX_CONTEXT), to OR into {@link #vpn}. */
    public static long contextTag(int ctx) { return (long) ctx << CONTEXT_SHIFT; }

    /**
     * How a context moves its entries' slots: XORed into {@link #index}. Consecutive context
     * numbers (an address space's EL0 and EL1 contexts, the next address space) land far apart.
     */
    public static int salt(long ctxTag) { return (int) ((ctxTag >>> CONTEXT_SHIFT) * 397) & MASK; }

    /** The slot of {@code vaddr} in the context whose tag is {@code ctxTag}. */
    public static int slot(long vaddr, long ctxTag) { return index(vaddr) ^ salt(ctxTag); }

    /** Whether each entry holds a global translation (same in every context), per kind. */
    public final boolean[] fetchGlobal = new boolean[ENTRIES], loadGlobal = new boolean[ENTRIES], storeGlobal = new boolean[ENTRIES];

    public void fill(int kind, long vaddr, long physPage, MemorySegment seg, long segOffsetOfPage) {
        fill(kind, vaddr, 0, false, physPage, seg, segOffsetOfPage);
    }

    /** Fills the entry for {@code vaddr} in the context whose {@link #contextTag} is {@code ctxTag}. */
    public void fill(int kind, long vaddr, long ctxTag, boolean global, long physPage, MemorySegment seg, long segOffsetOfPage) {
        int i = slot(vaddr, ctxTag);
        long tag = vpn(vaddr) | ctxTag;
        switch (kind) {
            case FETCH -> { fetchTag[i] = tag; fetchSeg[i] = seg; fetchOff[i] = segOffsetOfPage; fetchPhys[i] = physPage; fetchGlobal[i] = global; }
            case LOAD -> { loadTag[i] = tag; loadSeg[i] = seg; loadOff[i] = segOffsetOfPage; loadGlobal[i] = global; }
            case STORE -> { storeTag[i] = tag; storeSeg[i] = seg; storeOff[i] = segOffsetOfPage; storePhys[i] = physPage; storeGlobal[i] = global; }
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

    /** Drops the entries for the page of {@code vaddr} of context 0 (ISAs that do not use contexts). */
    public void flushPage(long vaddr) {
        int i = index(vaddr);
        long tag = vpn(vaddr);
        if (fetchTag[i] == tag) fetchTag[i] = INVALID;
        if (loadTag[i] == tag) loadTag[i] = INVALID;
        if (storeTag[i] == tag) storeTag[i] = INVALID;
        flushes++;
    }

    /**
     * Drops the entries for the page of {@code vaddr} whose virtual page number agrees with it
     * in the bits of {@code vpnCompareMask} (an ISA whose invalidation ignores a tag byte passes
     * fewer bits), in the contexts {@code inContext} accepts or, when it is null, in every
     * context. Global entries go whatever their context: they belong to every address space.
     * The page sits in a different slot per context, so this scans the TLB (page invalidations
     * are rare next to address-space switches, which cost nothing).
     */
    public void flushPage(long vaddr, long vpnCompareMask, java.util.function.IntPredicate inContext) {
        long vpn = vpn(vaddr);
        for (int i = 0; i < ENTRIES; i++) {
            if (matches(fetchTag[i], fetchGlobal[i], vpn, vpnCompareMask, inContext)) fetchTag[i] = INVALID;
            if (matches(loadTag[i], loadGlobal[i], vpn, vpnCompareMask, inContext)) loadTag[i] = INVALID;
            if (matches(storeTag[i], storeGlobal[i], vpn, vpnCompareMask, inContext)) storeTag[i] = INVALID;
        }
        flushes++;
    }

    private static boolean matches(long tag, boolean global, long vpn, long mask, java.util.function.IntPredicate inContext) {
        if (tag == INVALID || ((tag ^ vpn) & mask & VPN_BITS) != 0) return false;
        return global || inContext == null || inContext.test((int) (tag >>> CONTEXT_SHIFT));
    }

    /** Drops every entry of the contexts {@code inContext} accepts, global ones included. */
    public void flushContexts(java.util.function.IntPredicate inContext) {
        flushContexts(fetchTag, inContext);
        flushContexts(loadTag, inContext);
        flushContexts(storeTag, inContext);
        flushes++;
    }

    private static void flushContexts(long[] tags, java.util.function.IntPredicate inContext) {
        for (int i = 0; i < ENTRIES; i++) {
            if (tags[i] != INVALID && inContext.test((int) (tags[i] >>> CONTEXT_SHIFT))) tags[i] = INVALID;
        }
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
