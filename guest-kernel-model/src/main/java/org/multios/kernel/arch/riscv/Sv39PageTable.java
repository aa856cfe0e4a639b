package org.multios.kernel.arch.riscv;

import org.multios.kernel.arch.PageTable;
import org.multios.kernel.mm.PageFrameAllocator;
import org.multios.kernel.mm.PhysicalMemory;

/**
 * An Sv39 page table (privileged spec, "Sv39: Page-Based 39-bit Virtual-Memory System"):
 * three levels of 512 PTEs, 4 KiB leaves only. The upper half of the address space (root
 * slot 511) points at tables shared by every process: the kernel's vector page lives there,
 * mapped without the U bit so user code cannot read or jump to it.
 */
public final class Sv39PageTable implements PageTable {
    static final long V = 1, R = 2, W = 4, X = 8, U = 16, G = 32, A = 64, D = 128, RSW_COW = 256;
    private static final long PPN_MASK = ((1L << 44) - 1) << 10;
    /** Root slots at or above this index are the shared kernel half. */
    static final int KERNEL_SLOT = 256;

    private final PhysicalMemory mem;
    private final PageFrameAllocator frames;
    private final long root;
    private final int asid;

    /** A table whose kernel half is copied from {@code kernelRoot} (0 for the kernel's own template), ASID 0. */
    public Sv39PageTable(PhysicalMemory mem, PageFrameAllocator frames, long kernelRoot) {
        this(mem, frames, kernelRoot, 0);
    }

    /** The same with the address-space identifier {@code asid} (16 bits) in its satp value. */
    public Sv39PageTable(PhysicalMemory mem, PageFrameAllocator frames, long kernelRoot, int asid) {
        this.asid = asid & 0xffff;
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

    public int asid() { return asid; }

    /** The satp value selecting this table (mode 8 = Sv39, its ASID, the root's PPN). */
    public long satp() { return (8L << 60) | ((long) asid << 44) | (root >>> 12); }

    private static int vpn(long va, int level) { return (int) (va >>> (12 + 9 * level)) & 511; }

    /** Address of the leaf PTE for va, creating tables when {@code create}; -1 if absent or out of frames. */
    private long leafSlot(long va, boolean create) {
        long table = root;
        for (int level = 2; level > 0; level--) {
            long slot = table + 8L * vpn(va, level);
            long pte = mem.read64(slot);
            if ((pte & V) == 0) {
                if (!create) return -1;
                long t = frames.allocate();
                if (t < 0) return -1;
                mem.zeroPage(t);
                pte = ((t >>> 12) << 10) | V;
                mem.write64(slot, pte);
            }
            table = ((pte & PPN_MASK) >>> 10) << 12;
        }
        return table + 8L * vpn(va, 0);
    }

    static long encode(long pa, int prot) {
        long pte = ((pa >>> 12) << 10) | V | A | D;
        if ((prot & PROT_READ) != 0) pte |= R;
        if ((prot & PROT_WRITE) != 0 && (prot & COW) == 0) pte |= W;
        if ((prot & PROT_EXEC) != 0) pte |= X;
        if ((prot & PROT_USER) != 0) pte |= U; else pte |= G;
        if ((prot & COW) != 0) pte |= RSW_COW;
        // W without R is reserved in Sv39: such a page is readable anyway
        if ((pte & W) != 0) pte |= R;
        return pte;
    }

    static long decode(long pte) {
        long pa = ((pte & PPN_MASK) >>> 10) << 12;
        int prot = 0;
        if ((pte & R) != 0) prot |= PROT_READ;
        if ((pte & W) != 0) prot |= PROT_WRITE;
        if ((pte & X) != 0) prot |= PROT_EXEC;
        if ((pte & U) != 0) prot |= PROT_USER;
        if ((pte & RSW_COW) != 0) prot |= COW | PROT_WRITE;
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
        long pte = mem.read64(slot);
        return (pte & V) == 0 ? 0 : decode(pte);
    }

    @Override
    public void protect(long va, int prot) {
        long slot = leafSlot(va, false);
        if (slot < 0) return;
        long pte = mem.read64(slot);
        if ((pte & V) == 0) return;
        mem.write64(slot, encode(((pte & PPN_MASK) >>> 10) << 12, prot));
    }

    @Override
    public long unmap(long va) {
        long slot = leafSlot(va, false);
        if (slot < 0) return -1;
        long pte = mem.read64(slot);
        if ((pte & V) == 0) return -1;
        mem.write64(slot, 0);
        return ((pte & PPN_MASK) >>> 10) << 12;
    }

    @Override
    public void forEach(long start, long end, MappingVisitor v) {
        for (int i2 = vpn(start, 2); i2 < KERNEL_SLOT; i2++) {
            long base2 = (long) i2 << 30;
            if (base2 >= end) return;
            long p2 = mem.read64(root + 8L * i2);
            if ((p2 & V) == 0) continue;
            long t1 = ((p2 & PPN_MASK) >>> 10) << 12;
            for (int i1 = 0; i1 < 512; i1++) {
                long base1 = base2 + ((long) i1 << 21);
                if (base1 + (1L << 21) <= start) continue;
                if (base1 >= end) return;
                long p1 = mem.read64(t1 + 8L * i1);
                if ((p1 & V) == 0) continue;
                long t0 = ((p1 & PPN_MASK) >>> 10) << 12;
                for (int i0 = 0; i0 < 512; i0++) {
                    long va = base1 + ((long) i0 << 12);
                    if (va < start) continue;
                    if (va >= end) return;
                    long pte = mem.read64(t0 + 8L * i0);
                    if ((pte & V) != 0) v.visit(va, decode(pte));
                }
            }
        }
    }

    /**
     * One pass over the parent's leaf tables: each valid PTE is made copy-on-write in place when
     * asked (W cleared, the RSW bit set: the same bits {@link #encode} gives a COW mapping) and
     * stored unchanged into the child's leaf table, which is found or created once per 2 MiB.
     */
    @Override
    public boolean copyInto(PageTable child, long start, long end, boolean cow, MappingVisitor onPage) {
        if (!(child instanceof Sv39PageTable c)) return PageTable.super.copyInto(child, start, end, cow, onPage);
        for (int i2 = vpn(start, 2); i2 < KERNEL_SLOT; i2++) {
            long base2 = (long) i2 << 30;
            if (base2 >= end) return true;
            long p2 = mem.read64(root + 8L * i2);
            if ((p2 & V) == 0) continue;
            long t1 = ((p2 & PPN_MASK) >>> 10) << 12;
            for (int i1 = 0; i1 < 512; i1++) {
                long base1 = base2 + ((long) i1 << 21);
                if (base1 + (1L << 21) <= start) continue;
                if (base1 >= end) return true;
                long p1 = mem.read64(t1 + 8L * i1);
                if ((p1 & V) == 0) continue;
                long t0 = ((p1 & PPN_MASK) >>> 10) << 12;
                long childT0 = -1;
                for (int i0 = base1 < start ? vpn(start, 0) : 0; i0 < 512; i0++) {
                    long va = base1 + ((long) i0 << 12);
                    if (va >= end) return true;
                    long pte = mem.read64(t0 + 8L * i0);
                    if ((pte & V) == 0) continue;
                    if (cow && (pte & (W | RSW_COW)) != 0) {
                        pte = (pte & ~W) | RSW_COW;
                        mem.write64(t0 + 8L * i0, pte);
                    }
                    if (childT0 < 0) {
                        long slot = c.leafSlot(va, true);
                        if (slot < 0) return false;
                        childT0 = slot - 8L * i0;
                    }
                    mem.write64(childT0 + 8L * i0, pte);
                    onPage.visit(va, decode(pte));
                }
            }
        }
        return true;
    }

    /** Clears the leaf PTEs of [start, end) in one pass over the tables (the tables stay). */
    @Override
    public void unmapRange(long start, long end, MappingVisitor onPage) {
        for (int i2 = vpn(start, 2); i2 < KERNEL_SLOT; i2++) {
            long base2 = (long) i2 << 30;
            if (base2 >= end) return;
            long p2 = mem.read64(root + 8L * i2);
            if ((p2 & V) == 0) continue;
            long t1 = ((p2 & PPN_MASK) >>> 10) << 12;
            for (int i1 = 0; i1 < 512; i1++) {
                long base1 = base2 + ((long) i1 << 21);
                if (base1 + (1L << 21) <= start) continue;
                if (base1 >= end) return;
                long p1 = mem.read64(t1 + 8L * i1);
                if ((p1 & V) == 0) continue;
                long t0 = ((p1 & PPN_MASK) >>> 10) << 12;
                for (int i0 = base1 < start ? vpn(start, 0) : 0; i0 < 512; i0++) {
                    long va = base1 + ((long) i0 << 12);
                    if (va >= end) return;
                    long pte = mem.read64(t0 + 8L * i0);
                    if ((pte & V) == 0) continue;
                    mem.write64(t0 + 8L * i0, 0);
                    onPage.visit(va, decode(pte));
                }
            }
        }
    }

    @Override
    public void destroy() {
        for (int i2 = 0; i2 < KERNEL_SLOT; i2++) {
            long p2 = mem.read64(root + 8L * i2);
            if ((p2 & V) == 0) continue;
            long t1 = ((p2 & PPN_MASK) >>> 10) << 12;
            for (int i1 = 0; i1 < 512; i1++) {
                long p1 = mem.read64(t1 + 8L * i1);
                if ((p1 & V) != 0) frames.release(((p1 & PPN_MASK) >>> 10) << 12);
            }
            frames.release(t1);
        }
        frames.release(root);
    }
}
