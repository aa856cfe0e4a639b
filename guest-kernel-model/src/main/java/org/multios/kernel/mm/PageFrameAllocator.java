package org.multios.kernel.mm;

/**
 * Physical page frames. Memory belongs to a {@link BuddyAllocator} (large contiguous runs);
 * single 4 KiB pages come from a bitmap the allocator refills with 2 MiB buddy blocks when it
 * runs dry, searched from a rotating hint (amortised O(1)). Every frame handed out by
 * {@link #allocate} carries a reference count, which is what copy-on-write fork shares.
 */
public final class PageFrameAllocator {
    private final long base;
    private final int frames;
    private final BuddyAllocator buddy;
    /** 1 = not available to the page allocator (in use, or still owned by the buddy allocator). */
    private final long[] used;
    private final short[] refs;
    private int hint;
    private int bitmapFree;

    public PageFrameAllocator(long base, long size, long reservedBytes) {
        this.base = base;
        this.frames = (int) (size >>> 12);
        this.used = new long[(frames + 63) >>> 6];
        java.util.Arrays.fill(used, -1L);
        this.refs = new short[frames];
        this.buddy = new BuddyAllocator(base, frames, (int) ((reservedBytes + 4095) >>> 12));
        this.managed = frames;
    }

    /** Frames this allocator manages (RAM minus what was never given to it). */
    private int managed;

    /** A booted kernel's allocator: covers [base, base+size) but owns nothing until {@link #addFree}. */
    public static PageFrameAllocator empty(long base, long size) {
        PageFrameAllocator a = new PageFrameAllocator(base, size, size);
        a.managed = 0;
        return a;
    }

    /** Gives the allocator the whole pages inside [pa, pa+len) (a usable range of the memory map). */
    public void addFree(long pa, long len) {
        long lo = Math.max(base, (pa + 4095) & ~4095L), hi = Math.min(base + ((long) frames << 12), (pa + len) & ~4095L);
        if (hi <= lo) return;
        int first = (int) ((lo - base) >>> 12), count = (int) ((hi - lo) >>> 12);
        buddy.addFree(first, count);
        managed += count;
    }

    public int freeFrames() { return bitmapFree + (int) buddy.freeFrames(); }
    public int totalFrames() { return managed; }

    /** A frame's physical address, or -1 when memory is exhausted. */
    public long allocate() {
        long pa = fromBitmap();
        if (pa >= 0 || !refill()) return pa;
        return fromBitmap();
    }

    private long fromBitmap() {
        if (bitmapFree == 0) return -1;
        int words = used.length;
        for (int n = 0; n < words; n++) {
            int w = (hint + n) % words;
            long bits = used[w];
            if (bits == -1L) continue;
            int bit = Long.numberOfTrailingZeros(~bits);
            int frame = (w << 6) + bit;
            if (frame >= frames) continue;
            used[w] = bits | (1L << bit);
            refs[frame] = 1;
            hint = w;
            bitmapFree--;
            return base + ((long) frame << 12);
        }
        return -1;
    }

    /** Moves the largest buddy block available (2 MiB when possible) into the bitmap. */
    private boolean refill() {
        for (int order = BuddyAllocator.MAX_ORDER; order >= 0; order--) {
            long pa = buddy.allocate(order);
            if (pa < 0) continue;
            int f = (int) ((pa - base) >>> 12);
            for (int i = 0; i < (1 << order); i++) used[(f + i) >>> 6] &= ~(1L << (f + i));
            bitmapFree += 1 << order;
            hint = f >>> 6;
            return true;
        }
        return false;
    }

    /** 2^order physically contiguous, naturally aligned frames (not reference counted); -1 if none. */
    public long allocateContiguous(int order) { return buddy.allocate(order); }

    public void freeContiguous(long pa, int order) { buddy.free(pa, order); }

    public void retain(long pa) { refs[index(pa)]++; }

    public int refCount(long pa) { return refs[index(pa)]; }

    /** Drops one reference; the frame is free when none is left. */
    public void release(long pa) {
        int f = index(pa);
        if (refs[f] <= 0) throw new IllegalStateException(String.format("double free of frame 0x%x", pa));
        if (--refs[f] == 0) {
            used[f >>> 6] &= ~(1L << f);
            bitmapFree++;
        }
    }

    private int index(long pa) {
        long f = (pa - base) >>> 12;
        if (pa < base || f >= frames) throw new IllegalArgumentException(String.format("frame 0x%x outside RAM", pa));
        return (int) f;
    }
}
