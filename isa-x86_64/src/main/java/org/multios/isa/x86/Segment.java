package org.multios.isa.x86;

/**
 * A segment register with its hidden descriptor cache (SDM Vol. 3 3.4.3): the selector and
 * the base, limit and attributes loaded from the descriptor (or computed in real mode).
 */
public final class Segment {
    public static final int ES = 0, CS = 1, SS = 2, DS = 3, FS = 4, GS = 5;
    public static final String[] NAMES = {"es", "cs", "ss", "ds", "fs", "gs"};

    public int selector;
    public long base;
    public long limit;
    /** Descriptor bits 40-55 (type, S, DPL, P, AVL, L, D/B, G) as in the descriptor's high dword >> 8. */
    public int attributes;

    public boolean big() { return (attributes & 0x4000) != 0; }

    public boolean longMode() { return (attributes & 0x2000) != 0; }

    public int dpl() { return (attributes >> 5) & 3; }

    void loadReal(int sel) {
        selector = sel & 0xffff;
        base = (long) selector << 4;
    }

    /** Loads the hidden part from a descriptor's two dwords. */
    void loadDescriptor(int sel, long descriptor) {
        selector = sel & 0xffff;
        long lo = descriptor & 0xffffffffL, hi = descriptor >>> 32;
        base = ((lo >>> 16) & 0xffff) | ((hi & 0xff) << 16) | (hi & 0xff000000L);
        long lim = (lo & 0xffff) | (hi & 0xf0000);
        attributes = (int) ((hi >>> 8) & 0xf0ff);
        if ((attributes & 0x8000) != 0) lim = (lim << 12) | 0xfff;
        limit = lim;
    }
}
