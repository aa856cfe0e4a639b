package org.multios.core.cache;

/**
 * A decoded basic block: a run of instructions from one guest page that ends at the
 * first control transfer (or page end, or a size limit). The ISA subclass holds the
 * decoded instruction records. A block is keyed by its physical start address and the
 * CPU mode it was decoded for; it becomes invalid when its page is written.
 * <p>
 * Chaining: the ISA remembers, per exit, the block that followed last time together
 * with the TLB generation of that moment; the link is used only while both are current.
 */
public abstract class CodeBlock {
    public final long physPc;
    public final long virtPc;
    public final int mode;
    private volatile boolean valid = true;

    /** Chain links for the two common exits (taken branch / fall-through). */
    public CodeBlock chainA, chainB;
    public long chainAGen = -1, chainBGen = -1;

    protected CodeBlock(long physPc, long virtPc, int mode) {
        this.physPc = physPc;
        this.virtPc = virtPc;
        this.mode = mode;
    }

    public boolean isValid() { return valid; }

    public void invalidate() {
        valid = false;
        chainA = chainB = null;
    }

    /** Physical address of the page this block starts in. */
    public long physPage() { return physPc & ~0xfffL; }

    /** Physical address of the page its last byte sits in (a block may straddle two pages). */
    public abstract long lastPhysPage();

    /** Number of guest instructions in the block. */
    public abstract int length();
}
