package org.multios.kernel.arch.arm64;

import org.multios.kernel.arch.PageTable;
import org.multios.kernel.mm.PageFrameAllocator;
import org.multios.kernel.mm.PhysicalMemory;

/**
 * A VMSAv8-64 stage 1 translation table (Arm ARM D8.3) with the 4 KiB granule and a 48-bit
 * input range (TnSZ = 16): four levels of 512 descriptors, 4 KiB pages only. A user table
 * is what TTBR0_EL1 points at, tagged with the process's ASID; the kernel's own mappings
 * (the vector page) live in the one table TTBR1_EL1 points at, so user tables hold no kernel
 * half at all.
 * <p>
 * Page descriptors: AF is set when the page is mapped (the CPU does not update it: no
 * FEAT_HAFDBS), so dirty state is the kernel's software view; a PROT_NONE page keeps its
 * frame with AF clear, so any access faults to the kernel. Copy-on-write is software bit 55
 * (ignored by the walker) with AP[2] set (read-only).
 */
public final class Vmsa4kPageTable implements PageTable {
    static final long VALID = 1, TABLE = 2, PAGE = 2, AP_EL0 = 1L << 6, AP_RO = 1L << 7, SH_INNER = 3L << 8,
            AF = 1L << 10, NG = 1L << 11, PXN = 1L << 53, UXN = 1L << 54, SW_COW = 1L << 55;
    private static final long OA_MASK = 0x0000_ffff_ffff_f000L;

    private final PhysicalMemory mem;
    private final PageFrameAllocator frames;
    private final long root;
    private final int asid;

    /** An empty table; asid goes into TTBR0_EL1[63:48] (ignored for the kernel's TTBR1 table). */
    public Vmsa4kPageTable(PhysicalMemory mem, PageFrameAllocator frames, int asid) {
        this.mem = mem;
        this.frames = frames;
        long r = frames.allocate();
        if (r < 0) throw new OutOfMemoryError("no frame for a page table");
        mem.zeroPage(r);
        this.root = r;
        this.asid = asid & 0xffff;
    }

    @Override public long root() { return root; }

    public int asid() { return asid; }

    /** The TTBR0_EL1/TTBR1_EL1 value selecting this table. */
    public long ttbr() { return ((long) asid << 48) | root; }

    private static int index(long va, int level) { return (int) (va >>> (39 - 9 * level)) & 511; }

    /** Address of the level-3 descriptor for va, creating tables when {@code create}; -1 if absent or out of frames. */
    private long leafSlot(long va, boolean create) {
        long table = root;
        for (int level = 0; level < 3; level++) {
            long slot = table + 8L * index(va, level);
            long d = mem.read64(slot);
            if ((d & VALID) == 0) {
                if (!create) return -1;
                long t = frames.allocate();
                if (t < 0) return -1;
                mem.zeroPage(t);
                d = t | VALID | TABLE;
                mem.write64(slot, d);
            }
            table = d & OA_MASK;
        }
        return table + 8L * index(va, 3);
    }

    static long encode(long pa, int prot) {
        long d = (pa & OA_MASK) | VALID | PAGE | SH_INNER; // AttrIndx 0: MAIR attribute 0 = Normal WB
        boolean user = (prot & PROT_USER) != 0;
        if ((prot & (PROT_READ | PROT_WRITE | PROT_EXEC)) != 0) d |= AF;
        boolean writable = (prot & PROT_WRITE) != 0 && (prot & COW) == 0;
        if (!writable) d |= AP_RO;
        if (user) {
            d |= AP_EL0 | NG | PXN;
            if ((prot & PROT_EXEC) == 0) d |= UXN;
        } else {
            d |= UXN;
            if ((prot & PROT_EXEC) == 0) d |= PXN;
        }
        if ((prot & COW) != 0) d |= SW_COW;
        return d;
    }

    static long decode(long d) {
        long pa = d & OA_MASK;
        int prot = 0;
        boolean user = (d & AP_EL0) != 0;
        if ((d & AF) != 0) {
            prot |= PROT_READ;
            if ((d & AP_RO) == 0) prot |= PROT_WRITE;
            if ((d & (user ? UXN : PXN)) == 0) prot |= PROT_EXEC;
        }
        if (user) prot |= PROT_USER;
        if ((d & SW_COW) != 0) prot |= COW | PROT_WRITE;
        return pa | prot;
    }

    @Override
    public boolean map(long va, long pa, int prot) {
        long slot = leafSlot(va, true);
        if (slot < 0) return false;
        mem.write64(slot, encode(pa, prot));
        return true;
    }

    @Override
    public long lookup(long va) {
        long slot = leafSlot(va, false);
        if (slot < 0) return 0;
        long d = mem.read64(slot);
        return (d & VALID) == 0 ? 0 : decode(d);
    }

    @Override
    public void protect(long va, int prot) {
        long slot = leafSlot(va, false);
        if (slot < 0) return;
        long d = mem.read64(slot);
        if ((d & VALID) == 0) return;
        mem.write64(slot, encode(d & OA_MASK, prot));
    }

    @Override
    public long unmap(long va) {
        long slot = leafSlot(va, false);
        if (slot < 0) return -1;
        long d = mem.read64(slot);
        if ((d & VALID) == 0) return -1;
        mem.write64(slot, 0);
        return d & OA_MASK;
    }

    @Override
    public void forEach(long start, long end, MappingVisitor v) {
        walk(root, 0, 0, start, end, v);
    }

    /** Visits the valid pages of the table at level whose range starts at base; false once past end. */
    private boolean walk(long table, int level, long base, long start, long end, MappingVisitor v) {
        int shift = 39 - 9 * level;
        long span = 1L << shift;
        for (int i = 0; i < 512; i++) {
            long va = base + i * span;
            if (va >= end) return false;
            if (va + span <= start) continue;
            long d = mem.read64(table + 8L * i);
            if ((d & VALID) == 0) continue;
            if (level == 3) v.visit(va, decode(d));
            else if (!walk(d & OA_MASK, level + 1, va, start, end, v)) return false;
        }
        return true;
    }

    @Override
    public void destroy() {
        free(root, 0);
    }

    private void free(long table, int level) {
        if (level < 3) {
            for (int i = 0; i < 512; i++) {
                long d = mem.read64(table + 8L * i);
                if ((d & VALID) != 0) free(d & OA_MASK, level + 1);
            }
        }
        frames.release(table);
    }
}
