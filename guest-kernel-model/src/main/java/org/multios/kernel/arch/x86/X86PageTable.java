package org.multios.kernel.arch.x86;

import org.multios.kernel.arch.PageTable;
import org.multios.kernel.mm.PageFrameAllocator;
import org.multios.kernel.mm.PhysicalMemory;

/**
 * An x86-64 4-level page table (SDM Vol. 3 4.5, "4-Level Paging"): PML4, PDPT, PD and PT of
 * 512 eight-byte entries, 4 KiB leaves only. Intermediate entries grant everything (P, R/W,
 * U/S) so the leaf alone decides; NX (bit 63, honoured with EFER.NXE) withholds execution.
 * Copy-on-write is kept in bit 9, one of the bits the SDM leaves to software. PML4 slots
 * 256-511 (the upper canonical half) are shared by every process and mapped supervisor-only.
 */
public final class X86PageTable implements PageTable {
    static final long P = 1, RW = 2, US = 4, A = 0x20, D = 0x40, G = 0x100, SW_COW = 0x200, NX = 1L << 63;
    private static final long ADDR_MASK = 0x000f_ffff_ffff_f000L;
    static final int KERNEL_SLOT = 256;

    private final PhysicalMemory mem;
    private final PageFrameAllocator frames;
    private final long root;

    /** A table whose kernel half is copied from {@code kernelRoot} (0 for the kernel's own template). */
    public X86PageTable(PhysicalMemory mem, PageFrameAllocator frames, long kernelRoot) {
        this.mem = mem;
        this.frames = frames;
        long r = frames.allocate();
        if (r < 0) throw new OutOfMemoryError("no frame for a page table");
        mem.zeroPage(r);
        if (kernelRoot != 0) {
            for (int i = KERNEL_SLOT; i < 512; i++) mem.write64(r + 8L * i, mem.read64(kernelRoot + 8L * i));
        }
        this.root = r;
    }

    @Override public long root() { return root; }

    private static int index(long va, int level) { return (int) (va >>> (12 + 9 * level)) & 511; }

    /** Address of the PT entry for va, creating tables when {@code create}; -1 if absent or out of frames. */
    private long leafSlot(long va, boolean create) {
        long table = root;
        for (int level = 3; level > 0; level--) {
            long slot = table + 8L * index(va, level);
            long e = mem.read64(slot);
            if ((e & P) == 0) {
                if (!create) return -1;
                long t = frames.allocate();
                if (t < 0) return -1;
                mem.zeroPage(t);
                e = t | P | RW | (level == 3 && index(va, 3) >= KERNEL_SLOT ? 0 : US);
                mem.write64(slot, e);
            }
            table = e & ADDR_MASK;
        }
        return table + 8L * index(va, 0);
    }

    static long encode(long pa, int prot) {
        long e = (pa & ADDR_MASK) | P | A | D;
        if ((prot & PROT_WRITE) != 0 && (prot & COW) == 0) e |= RW;
        if ((prot & PROT_EXEC) == 0) e |= NX;
        if ((prot & PROT_USER) != 0) e |= US; else e |= G;
        if ((prot & COW) != 0) e |= SW_COW;
        return e;
    }

    /** x86 has no write-only or execute-only page: every present page is readable. */
    static long decode(long e) {
        long pa = e & ADDR_MASK;
        int prot = PROT_READ;
        if ((e & RW) != 0) prot |= PROT_WRITE;
        if ((e & NX) == 0) prot |= PROT_EXEC;
        if ((e & US) != 0) prot |= PROT_USER;
        if ((e & SW_COW) != 0) prot |= COW | PROT_WRITE;
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
        long e = mem.read64(slot);
        return (e & P) == 0 ? 0 : decode(e);
    }

    @Override
    public void protect(long va, int prot) {
        long slot = leafSlot(va, false);
        if (slot < 0) return;
        long e = mem.read64(slot);
        if ((e & P) == 0) return;
        mem.write64(slot, encode(e & ADDR_MASK, prot));
    }

    @Override
    public long unmap(long va) {
        long slot = leafSlot(va, false);
        if (slot < 0) return -1;
        long e = mem.read64(slot);
        if ((e & P) == 0) return -1;
        mem.write64(slot, 0);
        return e & ADDR_MASK;
    }

    @Override
    public void forEach(long start, long end, MappingVisitor v) {
        walk(root, 3, 0, start, end, v);
    }

    /** Visits the leaves under table (covering from base) that fall in [start, end); false once past end. */
    private boolean walk(long table, int level, long base, long start, long end, MappingVisitor v) {
        long span = 1L << (12 + 9 * level);
        int limit = level == 3 ? KERNEL_SLOT : 512;
        for (int i = 0; i < limit; i++) {
            long va = base + i * span;
            if (va >= end) return false;
            if (va + span <= start) continue;
            long e = mem.read64(table + 8L * i);
            if ((e & P) == 0) continue;
            if (level == 0) {
                if (va >= start) v.visit(va, decode(e));
            } else if (!walk(e & ADDR_MASK, level - 1, va, start, end, v)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void destroy() {
        free(root, 3);
    }

    private void free(long table, int level) {
        if (level > 0) {
            int limit = level == 3 ? KERNEL_SLOT : 512;
            for (int i = 0; i < limit; i++) {
                long e = mem.read64(table + 8L * i);
                if ((e & P) != 0 && level > 1) free(e & ADDR_MASK, level - 1);
                else if ((e & P) != 0) frames.release(e & ADDR_MASK);
            }
        }
        frames.release(table);
    }
}
