package org.multios.kernel.arch;

/**
 * One address space's hardware page table, in the architecture's format, built in guest RAM
 * and walked by the emulated MMU. Entries are described arch-neutrally: {@link #lookup}
 * returns {@code physicalAddress | prot} with the {@code PROT_*} bits below.
 */
public interface PageTable {
    int PROT_READ = 1, PROT_WRITE = 2, PROT_EXEC = 4, PROT_USER = 8;
    /** Software bit: the page is shared copy-on-write (hardware write permission withheld). */
    int COW = 16;
    int PROT_MASK = 0xff;

    /** Physical address of the root table (what satp/TTBR/CR3 points at). */
    long root();

    /** Maps one 4 KiB page; false when no frame is left for an intermediate table. */
    boolean map(long va, long pa, int prot);

    /** {@code pa | prot} of the page at va, or 0 when unmapped. */
    long lookup(long va);

    /** Changes the protection of a mapped page; no effect when unmapped. */
    void protect(long va, int prot);

    /** Removes the mapping; returns the physical address that was mapped, or -1. */
    long unmap(long va);

    /** Calls back for every mapped user page in [start, end). */
    void forEach(long start, long end, MappingVisitor v);

    /** Frees the table frames (not the mapped pages). */
    void destroy();

    /**
     * Fork's copy of [start, end) into {@code child} (a table with nothing mapped there): every
     * mapped page is mapped in the child with the same frame and protection; when {@code cow},
     * writable pages become copy-on-write in both tables first. {@code onPage} sees each page
     * with its entry as copied (to take a reference on its frame). Ports override this with one
     * pass over their own entries; this generic form looks each page up again.
     *
     * @return false when the child ran out of frames for its tables
     */
    default boolean copyInto(PageTable child, long start, long end, boolean cow, MappingVisitor onPage) {
        long[] pages = new long[64];
        int[] n = {0};
        long[][] box = {pages};
        forEach(start, end, (va, e) -> {
            if (n[0] + 2 > box[0].length) box[0] = java.util.Arrays.copyOf(box[0], box[0].length * 2);
            box[0][n[0]++] = va;
            box[0][n[0]++] = e;
        });
        pages = box[0];
        for (int i = 0; i < n[0]; i += 2) {
            long va = pages[i], pa = pages[i + 1] & ~0xfffL;
            int prot = (int) (pages[i + 1] & PROT_MASK);
            if (cow && (prot & PROT_WRITE) != 0) {
                prot |= COW;
                protect(va, prot);
            }
            if (!child.map(va, pa, prot)) return false;
            onPage.visit(va, pa | prot);
        }
        return true;
    }

    /**
     * Removes every mapping in [start, end); {@code onPage} sees each removed page's entry (to
     * drop its frame's reference). The generic form unmaps page by page.
     */
    default void unmapRange(long start, long end, MappingVisitor onPage) {
        long[][] box = {new long[64]};
        int[] n = {0};
        forEach(start, end, (va, e) -> {
            if (n[0] + 2 > box[0].length) box[0] = java.util.Arrays.copyOf(box[0], box[0].length * 2);
            box[0][n[0]++] = va;
            box[0][n[0]++] = e;
        });
        long[] pages = box[0];
        for (int i = 0; i < n[0]; i += 2) {
            unmap(pages[i]);
            onPage.visit(pages[i], pages[i + 1]);
        }
    }

    @FunctionalInterface
    interface MappingVisitor { void visit(long va, long entry); }
}
