package org.multios.kernel.mm;

import java.util.BitSet;

/**
 * Binary buddy allocator over a range of page frames (orders 0..{@link #MAX_ORDER}, i.e. 4 KiB
 * up to 2 MiB blocks). A block of order k splits into two buddies of order k-1 whose
 * addresses differ only in bit k; freeing merges a block with its buddy while the buddy is
 * free too. Free blocks sit in one intrusive free list per order (arrays indexed by frame,
 * no allocation on the hot path), so allocation and free are O(MAX_ORDER).
 */
public final class BuddyAllocator {
    public static final int MAX_ORDER = 9;
    private final long base;
    private final int frames;
    private final int[] head = new int[MAX_ORDER + 1];
    private final int[] next, prev;
    /** Order of the free block starting at a frame, or -1 when the frame does not start a free block. */
    private final byte[] freeOrder;
    private final BitSet reserved;
    private long freeFrames;

    /** All frames free except [0, reservedFrames). */
    public BuddyAllocator(long base, int frames, int reservedFrames) {
        this.base = base;
        this.frames = frames;
        this.next = new int[frames];
        this.prev = new int[frames];
        this.freeOrder = new byte[frames];
        this.reserved = new BitSet(frames);
        java.util.Arrays.fill(head, -1);
        java.util.Arrays.fill(freeOrder, (byte) -1);
        reserved.set(0, reservedFrames);
        // Seed the free lists with the largest aligned blocks that fit.
        int f = reservedFrames;
        while (f < frames) {
            int order = MAX_ORDER;
            while (order > 0 && ((f & ((1 << order) - 1)) != 0 || f + (1 << order) > frames)) order--;
            push(f, order);
            freeFrames += 1L << order;
            f += 1 << order;
        }
    }

    public long freeFrames() { return freeFrames; }

    /**
     * Hands the frames [first, first+count) to the allocator (they were reserved: a booted
     * kernel starts with nothing and adds the memory map's usable ranges), as the largest
     * aligned blocks that fit, merging with free buddies.
     */
    public void addFree(int first, int count) {
        if (first < 0 || count < 0 || first + count > frames) throw new IllegalArgumentException("frames " + first + "+" + count + " outside 0.." + frames);
        int end = first + count;
        reserved.clear(first, end);
        int f = first;
        while (f < end) {
            int order = MAX_ORDER;
            while (order > 0 && ((f & ((1 << order) - 1)) != 0 || f + (1 << order) > end)) order--;
            free(base + ((long) f << 12), order);
            f += 1 << order;
        }
    }

    private void push(int f, int order) {
        freeOrder[f] = (byte) order;
        prev[f] = -1;
        next[f] = head[order];
        if (head[order] >= 0) prev[head[order]] = f;
        head[order] = f;
    }

    private void unlink(int f, int order) {
        if (prev[f] >= 0) next[prev[f]] = next[f]; else head[order] = next[f];
        if (next[f] >= 0) prev[next[f]] = prev[f];
        freeOrder[f] = -1;
    }

    /** Physical address of a free block of 2^order frames, aligned to its size; -1 if none. */
    public long allocate(int order) {
        if (order < 0 || order > MAX_ORDER) throw new IllegalArgumentException("order " + order);
        int k = order;
        while (k <= MAX_ORDER && head[k] < 0) k++;
        if (k > MAX_ORDER) return -1;
        int f = head[k];
        unlink(f, k);
        while (k > order) {
            k--;
            push(f + (1 << k), k); // the upper half stays free
        }
        freeFrames -= 1L << order;
        return base + ((long) f << 12);
    }

    /** Returns a block obtained from {@link #allocate} with the same order. */
    public void free(long pa, int order) {
        int f = (int) ((pa - base) >>> 12);
        if (pa < base || f >= frames || (f & ((1 << order) - 1)) != 0 || reserved.get(f)) {
            throw new IllegalArgumentException(String.format("bad buddy free 0x%x order %d", pa, order));
        }
        if (freeOrder[f] >= 0) throw new IllegalStateException(String.format("double free of block 0x%x", pa));
        freeFrames += 1L << order;
        while (order < MAX_ORDER) {
            int buddy = f ^ (1 << order);
            if (buddy >= frames || freeOrder[buddy] != order) break;
            unlink(buddy, order);
            f = Math.min(f, buddy);
            order++;
        }
        push(f, order);
    }
}
