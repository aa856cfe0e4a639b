package org.multios.kernel.mm;

/**
 * Physical page frames: a bitmap of free 4 KiB frames with a rotating search hint
 * (amortised O(1) single-page allocation) and a reference count per frame, which is what
 * copy-on-write fork shares. Frames below {@code firstFree} belong to the kernel itself.
 */
public final class PageFrameAllocator {
    private final long base;
    private final int frames;
    private final long[] used;
    private final short[] refs;
    private int hint;
    private int free;

    public PageFrameAllocator(long base, long size, long reservedBytes) {
        this.base = base;
        this.frames = (int) (size >>> 12);
        this.used = new long[(frames + 63) >>> 6];
        this.refs = new short[frames];
        int reserved = (int) ((reservedBytes + 4095) >>> 12);
        for (int i = 0; i < reserved; i++) { used[i >>> 6] |= 1L << i; refs[i] = 1; }
        this.free = frames - reserved;
        this.hint = reserved >>> 6;
    }

    public int freeFrames() { return free; }
    public int totalFrames() { return frames; }

    /** A frame's physical address, or -1 when memory is exhausted. */
    public long allocate() {
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
            free--;
            return base + ((long) frame << 12);
        }
        return -1;
    }

    public void retain(long pa) { refs[index(pa)]++; }

    public int refCount(long pa) { return refs[index(pa)]; }

    /** Drops one reference; the frame is free when none is left. */
    public void release(long pa) {
        int f = index(pa);
        if (refs[f] <= 0) throw new IllegalStateException(String.format("double free of frame 0x%x", pa));
        if (--refs[f] == 0) {
            used[f >>> 6] &= ~(1L << f);
            free++;
        }
    }

    private int index(long pa) {
        long f = (pa - base) >>> 12;
        if (pa < base || f >= frames) throw new IllegalArgumentException(String.format("frame 0x%x outside RAM", pa));
        return (int) f;
    }
}
