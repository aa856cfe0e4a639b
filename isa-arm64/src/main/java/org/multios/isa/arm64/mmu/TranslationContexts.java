package org.multios.isa.arm64.mmu;

import org.multios.core.mmu.SoftTlb;

/**
 * Context numbers of the software TLB for the EL1&0 translation regime: one per (ASID, EL)
 * pair, because an entry carries the permission check of the EL that filled it (an EL1 fill of
 * a kernel-only page must never serve an EL0 access), and one per ASID because TLB entries are
 * ASID-tagged (Arm ARM D8.13: non-global entries match only the current ASID, global entries
 * (nG = 0) match any). With the MMU off the flat mapping has contexts of its own.
 * <p>
 * Invalidating an ASID (TLBI ASIDE1) retires its context numbers: entries under them can no
 * longer match and are never looked at again. Numbers are handed out until the tag's 12 bits
 * run out, then the whole TLB is flushed and numbering starts again (the classic ASID
 * generation roll-over), so a retired number is never reused while entries could carry it.
 */
public final class TranslationContexts {
    /**
     * The flat (MMU off) contexts for EL0 and EL1: kept apart like the others, so that even
     * code that switches the MMU on by writing the register fields directly (without
     * {@code translationContextChanged}) never shares entries between the ELs.
     */
    public static final int FLAT_EL0 = 1, FLAT_EL1 = 2;
    private static final int FIRST = 3;

    private final SoftTlb tlb;
    /** Context number per (asid << 1 | el), 0 = none yet. */
    private final int[] byAsidAndEl = new int[2 << 16];
    private int next = FIRST;
    private long rollovers;

    public TranslationContexts(SoftTlb tlb) { this.tlb = tlb; }

    /** The context number of {@code asid} for accesses made at {@code el} (0 or 1). */
    public int of(int asid, int el) {
        int k = (asid & 0xffff) << 1 | (el & 1);
        int c = byAsidAndEl[k];
        if (c == 0) {
            if (next > SoftTlb.MAX_CONTEXT) rollOver();
            c = byAsidAndEl[k] = next++;
        }
        return c;
    }

    /** Whether context {@code ctx} currently belongs to {@code asid} (either EL). */
    public boolean belongsTo(int ctx, int asid) {
        int k = (asid & 0xffff) << 1;
        return ctx != 0 && (byAsidAndEl[k] == ctx || byAsidAndEl[k | 1] == ctx);
    }

    /** TLBI ASIDE1: every entry filled under {@code asid} stops matching. */
    public void retire(int asid) {
        int k = (asid & 0xffff) << 1;
        byAsidAndEl[k] = 0;
        byAsidAndEl[k | 1] = 0;
    }

    /** Forgets every number (after a full TLB flush nothing carries them). */
    public void reset() {
        java.util.Arrays.fill(byAsidAndEl, 0);
        next = FIRST;
    }

    private void rollOver() {
        tlb.flush();
        reset();
        rollovers++;
    }

    /** How often the numbers ran out and the TLB was flushed (for tests and statistics). */
    public long rollovers() { return rollovers; }
}
