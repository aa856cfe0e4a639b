package org.multios.kernel.mm;

/**
 * A virtual memory area: a page-aligned range with one protection and one backing. Pages
 * are filled on first touch: zeros for anonymous memory, file bytes for file-backed private
 * mappings (bytes past {@code dataLimit} read as zero, which is how an ELF segment's bss
 * tail works).
 */
public final class Vma {
    public static final int SHARED = 1, STACK = 2, HEAP = 4;
    /** Maps device memory (a PCI BAR): pages are the device's own, never allocated, copied or freed. */
    public static final int DEVICE = 8;

    long start, end;
    int prot;
    final int flags;
    final byte[] data;
    /** Index into data of the byte at {@code start} (may be negative when data starts mid-area). */
    long dataOffset;
    final long dataLimit;
    final String name;
    /** For a {@link #DEVICE} area: the physical address {@code start} maps to. */
    long devicePhys = -1;

    public Vma(long start, long end, int prot, int flags, byte[] data, long dataOffset, long dataLimit, String name) {
        this.start = start;
        this.end = end;
        this.prot = prot;
        this.flags = flags;
        this.data = data;
        this.dataOffset = dataOffset;
        this.dataLimit = dataLimit;
        this.name = name;
    }

    public static Vma anonymous(long start, long end, int prot, int flags, String name) {
        return new Vma(start, end, prot, flags, null, 0, 0, name);
    }

    /**
     * A shared mapping of device memory: page {@code start + i} maps physical {@code phys + i}
     * (mmap of /dev/fb0). The fault handler enters those addresses directly.
     */
    public static Vma device(long start, long end, int prot, long phys, String name) {
        Vma v = new Vma(start, end, prot, SHARED | DEVICE, null, 0, 0, name);
        v.devicePhys = phys;
        return v;
    }

    public boolean isDevice() { return (flags & DEVICE) != 0; }

    /** The physical page a device area maps at {@code va}. */
    long devicePage(long va) { return devicePhys + ((va & -PhysicalMemory.PAGE) - start); }

    public long start() { return start; }
    public long end() { return end; }
    public int prot() { return prot; }
    public int flags() { return flags; }
    public String name() { return name; }
    public boolean shared() { return (flags & SHARED) != 0; }

    Vma copy() {
        Vma c = new Vma(start, end, prot, flags, data, dataOffset, dataLimit, name);
        c.devicePhys = devicePhys;
        return c;
    }

    /** Splits at {@code at} (inside the area): this keeps the low part, the result is the high part. */
    Vma splitAt(long at) {
        Vma hi = new Vma(at, end, prot, flags, data, dataOffset + (at - start), dataLimit, name);
        if (devicePhys >= 0) hi.devicePhys = devicePhys + (at - start);
        end = at;
        return hi;
    }

    /** Fills a fresh page at {@code va} from the backing. */
    void fill(PhysicalMemory mem, long pa, long va) {
        if (data == null) return;
        long from = dataOffset + (va - start);
        long lo = Math.max(from, 0), hi = Math.min(from + PhysicalMemory.PAGE, Math.min(dataLimit, data.length));
        if (hi > lo) mem.write(pa + (lo - from), data, (int) lo, (int) (hi - lo));
    }
}
