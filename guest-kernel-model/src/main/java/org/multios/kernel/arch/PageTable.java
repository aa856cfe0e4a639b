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

    @FunctionalInterface
    interface MappingVisitor { void visit(long va, long entry); }
}
