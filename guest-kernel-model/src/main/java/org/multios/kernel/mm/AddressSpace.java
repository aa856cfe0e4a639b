package org.multios.kernel.mm;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.multios.kernel.arch.PageTable;

/**
 * A process's user address space: its areas ({@link Vma}) and its hardware page table.
 * Pages are allocated on first touch (demand paging); fork shares private pages
 * copy-on-write. Kernel access to user memory goes through {@link #read}/{@link #write},
 * which walk the same tables and fault pages in as the user would, and refuse (EFAULT)
 * what the user could not touch.
 */
public final class AddressSpace {
    public static final int READ = 1, WRITE = 2, EXEC = 4;
    /** Fault outcomes. */
    public static final int OK = 0, MAPERR = 1, ACCERR = 2, NOMEM = 3;
    public static final long PAGE = PhysicalMemory.PAGE;

    private final PhysicalMemory mem;
    private final PageFrameAllocator frames;
    private final Supplier<PageTable> tables;
    /** Drops the cached translations of a page table after changes to it. */
    private final java.util.function.Consumer<PageTable> tlbFlush;
    private final PageTable pt;
    private final TreeMap<Long, Vma> vmas = new TreeMap<>();
    private final long userTop;
    private long brkStart, brk;
    private long mmapBase;

    public AddressSpace(PhysicalMemory mem, PageFrameAllocator frames, Supplier<PageTable> tables, java.util.function.Consumer<PageTable> tlbFlush, long userTop) {
        this.mem = mem;
        this.frames = frames;
        this.tables = tables;
        this.tlbFlush = tlbFlush;
        this.pt = tables.get();
        this.userTop = userTop;
    }

    public PageTable pageTable() { return pt; }
    public long userTop() { return userTop; }
    public long brk() { return brk; }
    public void setMmapBase(long b) { mmapBase = b; }
    public void initBrk(long b) { brkStart = brk = b; }
    public List<Vma> areas() { return List.copyOf(vmas.values()); }

    public Vma find(long va) {
        Map.Entry<Long, Vma> e = vmas.floorEntry(va);
        return e != null && va < e.getValue().end ? e.getValue() : null;
    }

    private boolean overlaps(long start, long end) {
        Map.Entry<Long, Vma> e = vmas.lowerEntry(end);
        return e != null && e.getValue().end > start;
    }

    public void add(Vma v) {
        if (v.start < 0 || v.end > userTop || v.end <= v.start) throw new IllegalArgumentException(String.format("area 0x%x-0x%x outside user space", v.start, v.end));
        if (overlaps(v.start, v.end)) throw new IllegalArgumentException(String.format("area 0x%x-0x%x overlaps", v.start, v.end));
        vmas.put(v.start, v);
    }

    // ---- faults ----

    /** Handles a user access fault at va; returns OK, MAPERR, ACCERR or NOMEM. */
    public int fault(long va, int access) {
        Vma v = find(va);
        if (v == null) return MAPERR;
        if ((access & WRITE) != 0 && (v.prot & PageTable.PROT_WRITE) == 0) return ACCERR;
        if ((access & EXEC) != 0 && (v.prot & PageTable.PROT_EXEC) == 0) return ACCERR;
        if ((access & READ) != 0 && (v.prot & (PageTable.PROT_READ | PageTable.PROT_WRITE | PageTable.PROT_EXEC)) == 0) return ACCERR;
        long page = va & -PAGE;
        long entry = pt.lookup(page);
        if (entry == 0 && v.isDevice()) {
            // Device memory: the page is the device's; nothing to allocate or fill.
            return pt.map(page, v.devicePage(page), v.prot | PageTable.PROT_USER) ? OK : NOMEM;
        }
        if (entry == 0) {
            long pa = frames.allocate();
            if (pa < 0) return NOMEM;
            mem.zeroPage(pa);
            v.fill(mem, pa, page);
            if (!pt.map(page, pa, v.prot | PageTable.PROT_USER)) { frames.release(pa); return NOMEM; }
            return OK;
        }
        if ((access & WRITE) != 0 && (entry & PageTable.COW) != 0) {
            long old = entry & -PAGE;
            if (frames.refCount(old) == 1) {
                pt.protect(page, v.prot | PageTable.PROT_USER);
            } else {
                long pa = frames.allocate();
                if (pa < 0) return NOMEM;
                mem.copyPage(old, pa);
                pt.map(page, pa, v.prot | PageTable.PROT_USER);
                frames.release(old);
            }
            tlbFlush.accept(pt);
            return OK;
        }
        // Present and permitted: a stale TLB entry (another hart, or protection just widened).
        tlbFlush.accept(pt);
        return OK;
    }

    /** Physical address for a kernel access to user va, faulting the page in; -1 = EFAULT. */
    public long translate(long va, boolean write) {
        if (va < 0 || va >= userTop) return -1;
        long e = pt.lookup(va & -PAGE);
        boolean ok = e != 0 && (e & PageTable.PROT_USER) != 0
                && (write ? (e & PageTable.PROT_WRITE) != 0 && (e & PageTable.COW) == 0 : (e & PageTable.PROT_READ) != 0);
        if (!ok) {
            if (fault(va, write ? WRITE : READ) != OK) return -1;
            e = pt.lookup(va & -PAGE);
            if (e == 0) return -1;
        }
        long pa = (e & -PAGE) | (va & (PAGE - 1));
        // A device mapping (mmap of /dev/fb0) is not RAM: the kernel's copies refuse it (EFAULT).
        return pa >= mem.base() && pa < mem.base() + mem.size() ? pa : -1;
    }

    public boolean read(long va, byte[] dst, int off, int len) {
        while (len > 0) {
            long pa = translate(va, false);
            if (pa < 0) return false;
            int n = (int) Math.min(len, PAGE - (va & (PAGE - 1)));
            mem.read(pa, dst, off, n);
            va += n; off += n; len -= n;
        }
        return true;
    }

    public boolean write(long va, byte[] src, int off, int len) {
        while (len > 0) {
            long pa = translate(va, true);
            if (pa < 0) return false;
            int n = (int) Math.min(len, PAGE - (va & (PAGE - 1)));
            mem.write(pa, src, off, n);
            va += n; off += n; len -= n;
        }
        return true;
    }

    // ---- mmap family ----

    /** A free range of len bytes below the mmap base (top-down first fit), or -1. */
    public long findFree(long len) {
        long end = mmapBase;
        for (Vma v : vmas.descendingMap().values()) {
            if (v.start >= end) continue;
            if (v.end <= end && end - v.end >= len) return end - len;
            end = Math.min(end, v.start);
        }
        long low = Math.max(brk + (64L << 20), 1L << 20);
        return end - len >= low ? end - len : -1;
    }

    /** Removes [start, end) from the areas and frees its pages. */
    public void unmap(long start, long end) {
        splitAround(start, end);
        List<Long> drop = new ArrayList<>();
        for (Vma v : vmas.subMap(start, true, end, false).values()) drop.add(v.start);
        for (long s : drop) {
            Vma v = vmas.remove(s);
            releasePages(v);
        }
        tlbFlush.accept(pt);
    }

    private void releasePages(Vma v) {
        boolean device = v.isDevice(); // device pages were never the allocator's
        pt.unmapRange(v.start, v.end, (va, e) -> { if (!device) frames.release(e & -PAGE); });
    }

    private void splitAround(long start, long end) {
        Vma a = find(start);
        if (a != null && a.start < start) { Vma hi = a.splitAt(start); vmas.put(hi.start, hi); }
        Vma b = find(end);
        if (b != null && b.start < end) { Vma hi = b.splitAt(end); vmas.put(hi.start, hi); }
    }

    /** True when every page of [start, end) belongs to some area. */
    public boolean fullyMapped(long start, long end) {
        long at = start;
        while (at < end) {
            Vma v = find(at);
            if (v == null) return false;
            at = v.end;
        }
        return true;
    }

    public void protect(long start, long end, int prot) {
        splitAround(start, end);
        for (Vma v : vmas.subMap(start, true, end, false).values()) {
            v.prot = prot;
            List<long[]> pages = new ArrayList<>();
            pt.forEach(v.start, v.end, (va, e) -> pages.add(new long[] {va, e}));
            for (long[] p : pages) {
                int cow = (p[1] & PageTable.COW) != 0 && !v.shared() ? PageTable.COW : 0;
                pt.protect(p[0], prot | PageTable.PROT_USER | cow);
            }
        }
        tlbFlush.accept(pt);
    }

    /** brk(2): moves the program break; returns the break in effect afterwards. */
    public long setBrk(long want) {
        if (want < brkStart || want > userTop) return brk;
        long oldTop = (brk + PAGE - 1) & -PAGE, newTop = (want + PAGE - 1) & -PAGE;
        if (newTop > oldTop) {
            if (overlaps(oldTop, newTop) || newTop >= mmapBase) return brk;
            Vma heap = find(oldTop - 1);
            if (heap != null && (heap.flags & Vma.HEAP) != 0 && heap.end == oldTop) heap.end = newTop;
            else add(Vma.anonymous(oldTop, newTop, PageTable.PROT_READ | PageTable.PROT_WRITE, Vma.HEAP, "[heap]"));
            // re-key not needed: start unchanged
        } else if (newTop < oldTop) {
            unmap(newTop, oldTop);
        }
        brk = want;
        return brk;
    }

    // ---- fork and teardown ----

    /**
     * A copy-on-write duplicate of this address space: the page table copies each area's
     * entries in one pass (private writable pages become COW in both), and every shared frame
     * gains a reference.
     */
    public AddressSpace fork() {
        AddressSpace c = new AddressSpace(mem, frames, tables, tlbFlush, userTop);
        c.brkStart = brkStart;
        c.brk = brk;
        c.mmapBase = mmapBase;
        for (Vma v : vmas.values()) c.vmas.put(v.start, v.copy());
        PageTable.MappingVisitor retain = (va, e) -> frames.retain(e & -PAGE);
        PageTable.MappingVisitor keep = (va, e) -> { };
        for (Vma v : vmas.values()) {
            if (!pt.copyInto(c.pt, v.start, v.end, !v.shared(), v.isDevice() ? keep : retain)) {
                tlbFlush.accept(pt);
                c.destroy();
                throw new OutOfMemoryError("page table for fork");
            }
        }
        tlbFlush.accept(pt);
        return c;
    }

    /** Drops every page's reference and the page table; the tables are freed, not cleared. */
    public void destroy() {
        for (Vma v : vmas.values()) {
            if (v.isDevice()) continue;
            pt.forEach(v.start, v.end, (va, e) -> frames.release(e & -PAGE));
        }
        vmas.clear();
        pt.destroy();
    }

    /** Resident user pages (for /proc). */
    public long residentPages() {
        long[] n = {0};
        pt.forEach(0, userTop, (va, e) -> n[0]++);
        return n[0];
    }
}
