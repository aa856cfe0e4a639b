package org.multios.core.bus;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Guest RAM (or ROM, when read-only) backed by an off-heap {@link MemorySegment}.
 * CPUs reach it directly through their TLB (segment + offset); the bus path is for
 * slow-path and device (DMA) accesses. A bitmap marks pages that hold decoded code so
 * that writes to them can invalidate the block cache.
 */
public final class RamRegion implements MemoryRegion {
    public static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;
    public static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final String name;
    private final long base;
    private final long size;
    private final boolean readOnly;
    private final MemorySegment segment;
    private final long[] codePages;

    public RamRegion(String name, long base, long size, boolean readOnly) {
        if (size <= 0 || (size & 0xfff) != 0) {
            throw new IllegalArgumentException(name + ": size must be a positive multiple of 4 KiB, got " + size);
        }
        this.name = name;
        this.base = base;
        this.size = size;
        this.readOnly = readOnly;
        this.segment = allocate(size);
        this.codePages = new long[(int) (((size >>> 12) + 63) >>> 6)];
    }

    /** Regions at least this large are mapped lazily (zero pages on first touch) instead of zeroed up front. */
    static final long LAZY_BYTES = 8L << 20;

    /**
     * Zero-filled memory. Large regions are a private mapping of a sparse, already deleted
     * temporary file: the host kernel supplies zero pages on first touch and writes stay private
     * (copy-on-write, never written back), so a 128 MiB guest does not cost 128 MiB of memset
     * and page faults before its first instruction (seconds on a busy host). Falls back to an
     * ordinary, eagerly zeroed allocation when no such mapping can be made.
     */
    static MemorySegment allocate(long size) {
        if (size >= LAZY_BYTES) {
            try {
                java.nio.file.Path f = java.nio.file.Files.createTempFile("multios-ram", ".tmp");
                try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(f.toFile(), "rw")) {
                    raf.setLength(size);
                    return raf.getChannel().map(java.nio.channels.FileChannel.MapMode.PRIVATE, 0, size, Arena.ofAuto());
                } finally {
                    java.nio.file.Files.deleteIfExists(f);
                }
            } catch (java.io.IOException | UnsupportedOperationException | SecurityException e) {
                // no temporary file system to map: zero it ourselves
            }
        }
        return Arena.ofAuto().allocate(size, 4096);
    }

    public static RamRegion ram(String name, long base, long size) { return new RamRegion(name, base, size, false); }

    public static RamRegion rom(String name, long base, long size) { return new RamRegion(name, base, size, true); }

    @Override public String name() { return name; }
    @Override public long base() { return base; }
    @Override public long size() { return size; }

    public boolean isReadOnly() { return readOnly; }

    /** The backing memory, for TLB fast paths and bulk loads. */
    public MemorySegment segment() { return segment; }

    @Override
    public long read(long offset, int size) {
        return switch (size) {
            case 1 -> segment.get(BYTE, offset) & 0xffL;
            case 2 -> segment.get(SHORT, offset) & 0xffffL;
            case 4 -> segment.get(INT, offset) & 0xffff_ffffL;
            case 8 -> segment.get(LONG, offset);
            default -> throw new IllegalArgumentException("access size " + size);
        };
    }

    @Override
    public void write(long offset, int size, long value) {
        if (readOnly) {
            throw new BusErrorException(base + offset, true);
        }
        store(offset, size, value);
    }

    /** Writes even when read-only: used by loaders that fill ROM images. */
    public void store(long offset, int size, long value) {
        switch (size) {
            case 1 -> segment.set(BYTE, offset, (byte) value);
            case 2 -> segment.set(SHORT, offset, (short) value);
            case 4 -> segment.set(INT, offset, (int) value);
            case 8 -> segment.set(LONG, offset, value);
            default -> throw new IllegalArgumentException("access size " + size);
        }
    }

    public void load(long offset, byte[] data, int from, int length) {
        MemorySegment.copy(data, from, segment, BYTE, offset, length);
    }

    public boolean isCodePage(long offset) {
        int page = (int) (offset >>> 12);
        return (codePages[page >>> 6] & (1L << page)) != 0;
    }

    /** Marks the page at {@code offset} as holding decoded code; returns true if it was not marked. */
    public boolean markCodePage(long offset) {
        int page = (int) (offset >>> 12);
        long bit = 1L << page;
        long old = codePages[page >>> 6];
        codePages[page >>> 6] = old | bit;
        return (old & bit) == 0;
    }

    public void clearCodePage(long offset) {
        int page = (int) (offset >>> 12);
        codePages[page >>> 6] &= ~(1L << page);
    }

    /** True if any page in [offset, offset+length) holds decoded code. */
    public boolean anyCodePage(long offset, long length) {
        for (long p = offset >>> 12, last = (offset + length - 1) >>> 12; p <= last; p++) {
            if ((codePages[(int) (p >>> 6)] & (1L << p)) != 0) return true;
        }
        return false;
    }

    public void clear() {
        segment.fill((byte) 0);
        java.util.Arrays.fill(codePages, 0);
    }
}
