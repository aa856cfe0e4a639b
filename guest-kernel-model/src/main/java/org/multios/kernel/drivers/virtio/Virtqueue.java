package org.multios.kernel.drivers.virtio;

import org.multios.kernel.mm.PageFrameAllocator;
import org.multios.kernel.mm.PhysicalMemory;

/**
 * The driver's half of a split virtqueue (virtio 1.2 §2.7): descriptor table, available ring and
 * used ring in guest RAM from the page allocator, and one fixed buffer per descriptor
 * ({@link #BUFFER} bytes, two per page). Every buffer is a single descriptor (no chains, no
 * indirect tables): a network frame with its header fits in one.
 * <p>
 * The driver owns a descriptor from {@link #add} until the device returns it through the used
 * ring ({@link #takeUsed}); the free list keeps which ones it may hand out.
 */
final class Virtqueue {
    static final int BUFFER = 2048;
    static final int DESC_F_WRITE = 2;
    static final int AVAIL_F_NO_INTERRUPT = 1;

    final int index, size;
    private final PhysicalMemory mem;
    final long desc, avail, used;
    private final long[] buffers;
    private final int[] free;
    /** Descriptors the device holds: a used entry for anything else is a device bug, refused. */
    private final boolean[] posted;
    private int freeCount;
    private int availIdx, lastUsed;
    private long doorbell;
    private final byte[] scratch = new byte[16];

    /** A returned buffer: descriptor id and the bytes the device wrote (receive) or 0. */
    record Used(int id, int length) {}

    Virtqueue(int index, int size, PhysicalMemory mem, PageFrameAllocator frames) {
        if (size <= 0 || size > 256 || Integer.bitCount(size) != 1) throw new IllegalArgumentException("queue size " + size);
        this.index = index;
        this.size = size;
        this.mem = mem;
        // 16*size <= 4096, 6+2*size and 6+8*size <= 4096 for size <= 256: one page each, naturally aligned.
        desc = page(frames);
        avail = page(frames);
        used = page(frames);
        buffers = new long[size];
        for (int i = 0; i < size; i += PhysicalMemory.PAGE / BUFFER) {
            long p = page(frames);
            for (int j = 0; j < PhysicalMemory.PAGE / BUFFER && i + j < size; j++) buffers[i + j] = p + (long) j * BUFFER;
        }
        posted = new boolean[size];
        free = new int[size];
        for (int i = 0; i < size; i++) free[i] = size - 1 - i;
        freeCount = size;
    }

    private static long page(PageFrameAllocator frames) {
        long pa = frames.allocate();
        if (pa < 0) throw new IllegalStateException("out of memory for virtqueue pages");
        return pa;
    }

    void zero() {
        mem.zeroPage(desc);
        mem.zeroPage(avail);
        mem.zeroPage(used);
    }

    void setDoorbell(long address) { doorbell = address; }
    long doorbell() { return doorbell; }

    int freeDescriptors() { return freeCount; }

    long buffer(int id) { return buffers[id]; }

    /**
     * Posts buffer {@code id}'s first {@code length} bytes: readable by the device (transmit) or
     * writable by it (receive). Returns the descriptor id, or -1 when none is free.
     */
    int add(int length, boolean deviceWrites) { return add(length, deviceWrites, null, null); }

    /** Posts a device-readable buffer holding {@code head} then {@code body}, written before it is published. */
    int addReadable(byte[] head, byte[] body) { return add(head.length + body.length, false, head, body); }

    private int add(int length, boolean deviceWrites, byte[] head, byte[] body) {
        if (freeCount == 0) return -1;
        int id = free[--freeCount];
        if (head != null) {
            mem.write(buffers[id], head, 0, head.length);
            mem.write(buffers[id] + head.length, body, 0, body.length);
        }
        posted[id] = true;
        put64(scratch, 0, buffers[id]);
        put32(scratch, 8, length);
        put16(scratch, 12, deviceWrites ? DESC_F_WRITE : 0);
        put16(scratch, 14, 0);
        mem.write(desc + 16L * id, scratch, 0, 16);
        put16(scratch, 0, id);
        mem.write(avail + 4 + 2L * (availIdx % size), scratch, 0, 2);
        availIdx = (availIdx + 1) & 0xffff;
        // The ring entry is visible before the index that publishes it (§2.7.13: a write barrier; our
        // stores are program-ordered for the device, which runs on the same thread).
        put16(scratch, 0, availIdx);
        mem.write(avail + 2, scratch, 0, 2);
        return id;
    }

    /** The next buffer the device has finished with, or null. */
    Used takeUsed() {
        mem.read(used + 2, scratch, 0, 2);
        int deviceIdx = get16(scratch, 0);
        if (deviceIdx == lastUsed) return null;
        mem.read(used + 4 + 8L * (lastUsed % size), scratch, 0, 8);
        lastUsed = (lastUsed + 1) & 0xffff;
        int id = get32(scratch, 0), len = get32(scratch, 4);
        if (id < 0 || id >= size || !posted[id]) throw new IllegalStateException("virtqueue " + index + ": device returned descriptor " + id + " it does not hold");
        posted[id] = false;
        free[freeCount++] = id;
        return new Used(id, len);
    }

    /** Asks the device not to interrupt for this queue (a hint, §2.7.7) or to interrupt again. */
    void suppressInterrupts(boolean suppress) {
        put16(scratch, 0, suppress ? AVAIL_F_NO_INTERRUPT : 0);
        mem.write(avail, scratch, 0, 2);
    }

    static void put16(byte[] b, int o, int v) { b[o] = (byte) v; b[o + 1] = (byte) (v >>> 8); }
    static void put32(byte[] b, int o, int v) { put16(b, o, v); put16(b, o + 2, v >>> 16); }
    static void put64(byte[] b, int o, long v) { put32(b, o, (int) v); put32(b, o + 4, (int) (v >>> 32)); }
    static int get16(byte[] b, int o) { return (b[o] & 0xff) | (b[o + 1] & 0xff) << 8; }
    static int get32(byte[] b, int o) { return get16(b, o) | get16(b, o + 2) << 16; }
}
