package org.multios.devices.virtio;

/**
 * One split virtqueue (virtio 1.2 §2.7): the descriptor table, the driver's available
 * ring and the device's used ring, all in guest memory at addresses the driver chose.
 * Everything read from guest memory is checked before use: ring indices against the
 * queue size, chains against loops and length limits, every buffer against RAM. A
 * violation throws {@link VirtqueueException} (or a bus error from the memory port);
 * the transport turns both into DEVICE_NEEDS_RESET.
 */
public final class SplitVirtqueue {
    public static final int DESC_F_NEXT = 1, DESC_F_WRITE = 2, DESC_F_INDIRECT = 4;
    public static final int AVAIL_F_NO_INTERRUPT = 1;
    /** Largest indirect table we walk; Linux uses at most a few dozen entries. */
    public static final int INDIRECT_MAX = 1024;
    private static final int DESC_SIZE = 16;

    private final int maxSize;
    private int size;
    private long desc, avail, used;
    private boolean enabled;
    private int msixVector;
    private int lastAvail, usedIdx;

    public SplitVirtqueue(int maxSize) {
        if (Integer.bitCount(maxSize) != 1 || maxSize > 32768) throw new IllegalArgumentException("queue size " + maxSize);
        this.maxSize = maxSize;
        reset();
    }

    /** Device reset: back to the state the driver finds before it configures the queue. */
    public void reset() {
        size = maxSize;
        desc = avail = used = 0;
        enabled = false;
        msixVector = 0xffff;
        lastAvail = usedIdx = 0;
    }

    public int maxSize() { return maxSize; }
    public int size() { return size; }
    public void setSize(int size) { this.size = size; }
    public long descAddress() { return desc; }
    public void setDescAddress(long a) { desc = a; }
    public long availAddress() { return avail; }
    public void setAvailAddress(long a) { avail = a; }
    public long usedAddress() { return used; }
    public void setUsedAddress(long a) { used = a; }
    public boolean isEnabled() { return enabled; }
    public int msixVector() { return msixVector; }
    public void setMsixVector(int v) { msixVector = v; }

    /** The driver enabled the queue: its size and ring addresses are fixed from here on. */
    public void enable() {
        enabled = true;
        lastAvail = usedIdx = 0;
    }

    /** Checks what the driver configured; called before the first use of the rings. */
    private void checkLayout(GuestMemory mem) {
        if (size == 0 || Integer.bitCount(size) != 1 || size > maxSize) throw new VirtqueueException("queue size " + size + " is not a power of two up to " + maxSize);
        if ((desc & 15) != 0 || (avail & 1) != 0 || (used & 3) != 0) throw new VirtqueueException("misaligned virtqueue rings");
        if (!mem.allowed(desc, (long) DESC_SIZE * size, false)
                || !mem.allowed(avail, 6 + 2L * size, false)
                || !mem.allowed(used, 6 + 8L * size, true)) throw new VirtqueueException("virtqueue rings outside RAM");
    }

    /** True if the driver posted buffers the device has not taken yet. */
    public boolean hasAvailable(GuestMemory mem) {
        if (!enabled) return false;
        checkLayout(mem);
        return availableCount(mem) != 0;
    }

    private int availableCount(GuestMemory mem) {
        int n = (mem.read16(avail + 2) - lastAvail) & 0xffff;
        if (n > size) throw new VirtqueueException("available index moved by " + n + " in a queue of " + size);
        return n;
    }

    /** Takes the next available buffer, or returns null if there is none. */
    public DescriptorChain next(GuestMemory mem) {
        if (!hasAvailable(mem)) return null;
        int head = mem.read16(avail + 4 + 2L * (lastAvail % size));
        if (head >= size) throw new VirtqueueException("available ring names descriptor " + head + " of " + size);
        DescriptorChain chain = new DescriptorChain(head);
        walk(mem, chain, desc, size, head, false);
        lastAvail = (lastAvail + 1) & 0xffff;
        return chain;
    }

    /** Follows one chain in a table of {@code entries} descriptors; each index is visited at most once. */
    private void walk(GuestMemory mem, DescriptorChain chain, long table, int entries, int index, boolean inIndirect) {
        boolean[] seen = new boolean[entries];
        boolean sawWritable = false;
        while (true) {
            if (index >= entries) throw new VirtqueueException("descriptor index " + index + " outside a table of " + entries);
            if (seen[index]) throw new VirtqueueException("descriptor loop at " + index);
            seen[index] = true;
            long d = table + (long) DESC_SIZE * index;
            long addr = mem.read64(d);
            long len = mem.read32(d + 8);
            int flags = mem.read16(d + 12);
            int next = mem.read16(d + 14);
            if ((flags & DESC_F_INDIRECT) != 0) {
                if (inIndirect) throw new VirtqueueException("indirect descriptor inside an indirect table");
                if ((flags & DESC_F_NEXT) != 0) throw new VirtqueueException("indirect descriptor with NEXT");
                if (len == 0 || len % DESC_SIZE != 0 || len / DESC_SIZE > INDIRECT_MAX) throw new VirtqueueException("indirect table of " + len + " bytes");
                if (!mem.allowed(addr, len, false)) throw new VirtqueueException("indirect table outside RAM");
                walk(mem, chain, addr, (int) (len / DESC_SIZE), 0, true);
                return;
            }
            boolean writable = (flags & DESC_F_WRITE) != 0;
            if (!writable && sawWritable) throw new VirtqueueException("readable descriptor after a writable one");
            sawWritable |= writable;
            if (len > 0 && !mem.allowed(addr, len, writable)) throw new VirtqueueException("buffer 0x" + Long.toHexString(addr) + "+" + len + " outside RAM");
            chain.add(new DescriptorChain.Segment(addr, len, writable));
            if ((flags & DESC_F_NEXT) == 0) return;
            index = next;
        }
    }

    /** Returns a buffer to the driver: one used-ring element, then the new used index. */
    public void push(GuestMemory mem, DescriptorChain chain, int written) {
        long e = used + 4 + 8L * (usedIdx % size);
        mem.write32(e, chain.head());
        mem.write32(e + 4, written & 0xffff_ffffL);
        usedIdx = (usedIdx + 1) & 0xffff;
        mem.write16(used + 2, usedIdx);
    }

    /** The driver's interrupt suppression flag (we do not offer EVENT_IDX). */
    public boolean wantsInterrupt(GuestMemory mem) {
        return (mem.read16(avail) & AVAIL_F_NO_INTERRUPT) == 0;
    }
}
