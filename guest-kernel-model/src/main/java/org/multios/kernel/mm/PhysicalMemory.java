package org.multios.kernel.mm;

import java.lang.foreign.MemorySegment;
import org.multios.core.bus.PhysicalBus;
import org.multios.core.bus.RamRegion;

/**
 * The kernel's view of guest RAM: physical reads and writes as a kernel with a direct map
 * would do them. Bulk writes go through the bus when a page holds decoded code, so the
 * CPUs' block caches never run stale instructions from a recycled page frame.
 */
public final class PhysicalMemory {
    public static final int PAGE = 4096;
    private static final byte[] ZERO_PAGE = new byte[PAGE];
    private final PhysicalBus bus;
    private final RamRegion ram;
    private final MemorySegment seg;
    private final long base;

    public PhysicalMemory(PhysicalBus bus, RamRegion ram) {
        this.bus = bus;
        this.ram = ram;
        this.seg = ram.segment();
        this.base = ram.base();
    }

    public long base() { return base; }
    public long size() { return ram.size(); }
    public PhysicalBus bus() { return bus; }

    public long read64(long pa) { return seg.get(RamRegion.LONG, pa - base); }

    /** Page-table writes: never to code pages (page-table frames are zeroed through {@link #zeroPage} first). */
    public void write64(long pa, long v) { seg.set(RamRegion.LONG, pa - base, v); }

    public int read8(long pa) { return seg.get(RamRegion.BYTE, pa - base) & 0xff; }

    public void read(long pa, byte[] dst, int off, int len) {
        MemorySegment.copy(seg, RamRegion.BYTE, pa - base, dst, off, len);
    }

    public void write(long pa, byte[] src, int off, int len) {
        if (len <= 0) return;
        if (ram.anyCodePage(pa - base, len)) bus.dmaWrite(pa, src, off, len);
        else MemorySegment.copy(src, off, seg, RamRegion.BYTE, pa - base, len);
    }

    public void zeroPage(long pa) {
        if (ram.isCodePage(pa - base)) bus.dmaWrite(pa, ZERO_PAGE, 0, PAGE);
        else seg.asSlice(pa - base, PAGE).fill((byte) 0);
    }

    public void copyPage(long src, long dst) {
        if (ram.isCodePage(dst - base)) {
            byte[] tmp = new byte[PAGE];
            read(src, tmp, 0, PAGE);
            bus.dmaWrite(dst, tmp, 0, PAGE);
        } else {
            MemorySegment.copy(seg, src - base, seg, dst - base, PAGE);
        }
    }
}
