package org.multios.devices.display;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.multios.core.bus.MmioDevice;

/**
 * Video memory behind the display's BAR 0: plain little-endian RAM that the guest writes pixels
 * into and the display back ends read. A write counter lets a back end skip frames in which
 * nothing changed (QEMU uses dirty logging for the same purpose).
 */
public final class Vram implements MmioDevice {
    private static final ValueLayout.OfByte B = ValueLayout.JAVA_BYTE;
    private static final ValueLayout.OfShort S = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong L = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final MemorySegment mem;
    private volatile long writes;
    /** One bit per 4 KiB page written since the last {@link #takeDirty}: outputs upload only those lines. */
    private final long[] dirty;

    public Vram(long size) {
        if (size < 1 << 20 || Long.bitCount(size) != 1) throw new IllegalArgumentException("video memory must be a power of two >= 1 MiB: " + size);
        mem = Arena.ofAuto().allocate(size, 4096);
        dirty = new long[(int) ((size >>> 12) + 63) / 64];
    }

    private void mark(long offset, long length) {
        for (long p = offset >>> 12, last = (offset + length - 1) >>> 12; p <= last; p++) dirty[(int) (p >>> 6)] |= 1L << p;
    }

    /**
     * The byte range [first, last) that was written since the previous call (empty: {@code first >= last}),
     * at 4 KiB granularity; clears the record.
     */
    public long[] takeDirty() {
        long first = -1, last = -1;
        for (int i = 0; i < dirty.length; i++) {
            long w = dirty[i];
            if (w == 0) continue;
            if (first < 0) first = ((long) i * 64 + Long.numberOfTrailingZeros(w)) << 12;
            last = ((long) i * 64 + 64 - Long.numberOfLeadingZeros(w)) << 12;
            dirty[i] = 0;
        }
        return first < 0 ? new long[] {0, 0} : new long[] {first, last};
    }

    public long size() { return mem.byteSize(); }
    /** Bumped by every guest or engine write: equal values mean an unchanged picture. */
    public long generation() { return writes; }

    @Override
    public long read(long offset, int size) {
        if (offset < 0 || offset + size > mem.byteSize()) return 0;
        return switch (size) {
            case 1 -> mem.get(B, offset) & 0xffL;
            case 2 -> mem.get(S, offset) & 0xffffL;
            case 4 -> mem.get(I, offset) & 0xffff_ffffL;
            case 8 -> mem.get(L, offset);
            default -> 0;
        };
    }

    @Override
    public void write(long offset, int size, long value) {
        if (offset < 0 || offset + size > mem.byteSize()) return;
        switch (size) {
            case 1 -> mem.set(B, offset, (byte) value);
            case 2 -> mem.set(S, offset, (short) value);
            case 4 -> mem.set(I, offset, (int) value);
            case 8 -> mem.set(L, offset, value);
            default -> { return; }
        }
        dirty[(int) (offset >>> 18)] |= 1L << (offset >>> 12);
        if (((offset + size - 1) ^ offset) >>> 12 != 0) mark(offset, size);
        writes++;
    }

    public int read32(long offset) { return mem.get(I, offset); }
    public void write32(long offset, int v) { mem.set(I, offset, v); mark(offset, 4); writes++; }
    public int read16(long offset) { return mem.get(S, offset) & 0xffff; }
    public void write16(long offset, int v) { mem.set(S, offset, (short) v); mark(offset, 2); writes++; }

    /** Copies bytes inside video memory; overlapping ranges behave like memmove. */
    public void move(long from, long to, long length) {
        MemorySegment.copy(mem, from, mem, to, length);
        if (length > 0) mark(to, length);
        writes++;
    }

    public void copyIn(long offset, byte[] src, int from, int length) {
        MemorySegment.copy(src, from, mem, B, offset, length);
        if (length > 0) mark(offset, length);
        writes++;
    }

    public void copyOut(long offset, byte[] dst, int from, int length) {
        MemorySegment.copy(mem, B, offset, dst, from, length);
    }

    /** Power-on contents are zero (a black screen). */
    @Override
    public void reset() {
        mem.fill((byte) 0);
        java.util.Arrays.fill(dirty, -1L);
        writes++;
    }
}
