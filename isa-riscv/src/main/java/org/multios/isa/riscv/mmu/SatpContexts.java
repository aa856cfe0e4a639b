package org.multios.isa.riscv.mmu;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.multios.core.mmu.SoftTlb;

/**
 * Context numbers of the software TLBs for translated (S and U) accesses, one per satp value
 * (MODE, ASID, root PPN): entries filled under one address space carry its number, so a satp
 * write is a switch, not a flush (privileged spec 10.1.11: satp writes do not order or
 * invalidate; SFENCE.VMA does). Keying by the whole satp rather than by ASID alone means two
 * roots that share an ASID never share entries (a TLB may always hold fewer translations), so
 * software that does not use ASIDs is served too.
 * <p>
 * SFENCE.VMA with an ASID retires the numbers of every satp with that ASID: their entries can no
 * longer match. When the 12-bit numbers run out, the translated TLBs are flushed and numbering
 * restarts, so a retired number is never reused while an entry could carry it.
 */
final class SatpContexts {
    private final Runnable flushTranslated;
    private final Map<Long, Integer> bySatp = new HashMap<>();
    /** The satp values numbered per ASID, so retiring an ASID costs its own address spaces only. */
    private final Map<Integer, List<Long>> satpsOfAsid = new HashMap<>();
    /** ASID of each live context number, -1 when retired or unused. */
    private final int[] asidOfContext = new int[SoftTlb.MAX_CONTEXT + 1];
    private int next = 1;
    private long rollovers;
    /** A small direct-mapped cache in front of bySatp: a context switch costs no hashing or boxing. */
    private static final int CACHE = 64;
    private final long[] cacheSatp = new long[CACHE];
    private final int[] cacheContext = new int[CACHE];

    private static int cacheSlot(long satp) { return (int) (satp ^ (satp >>> 13) ^ (satp >>> 44)) & (CACHE - 1); }

    SatpContexts(Runnable flushTranslated) {
        this.flushTranslated = flushTranslated;
        Arrays.fill(asidOfContext, -1);
    }

    /** The context number of {@code satp} (numbered on first use). */
    int of(long satp) {
        int slot = cacheSlot(satp);
        if (cacheContext[slot] != 0 && cacheSatp[slot] == satp) return cacheContext[slot];
        Integer c = bySatp.get(satp);
        if (c != null) {
            cacheSatp[slot] = satp;
            cacheContext[slot] = c;
            return c;
        }
        if (next > SoftTlb.MAX_CONTEXT) {
            flushTranslated.run();
            reset();
            rollovers++;
        }
        int n = next++;
        int asid = asid(satp);
        bySatp.put(satp, n);
        satpsOfAsid.computeIfAbsent(asid, a -> new ArrayList<>(1)).add(satp);
        asidOfContext[n] = asid;
        cacheSatp[slot] = satp;
        cacheContext[slot] = n;
        return n;
    }

    static int asid(long satp) { return (int) (satp >>> 44) & 0xffff; }

    /** Whether context {@code ctx} belongs to an address space with {@code asid}. */
    boolean belongsTo(int ctx, int asid) {
        return ctx > 0 && ctx < asidOfContext.length && asidOfContext[ctx] == asid;
    }

    /** SFENCE.VMA x0, rs2: every address space with this ASID loses its entries. */
    void retire(int asid) {
        List<Long> satps = satpsOfAsid.remove(asid);
        if (satps == null) return;
        for (long satp : satps) {
            Integer c = bySatp.remove(satp);
            if (c != null) asidOfContext[c] = -1;
            int slot = cacheSlot(satp);
            if (cacheSatp[slot] == satp) cacheContext[slot] = 0;
        }
    }

    /** After a flush of the translated TLBs nothing carries the numbers: start again. */
    void reset() {
        bySatp.clear();
        satpsOfAsid.clear();
        Arrays.fill(asidOfContext, -1);
        Arrays.fill(cacheContext, 0);
        next = 1;
    }

    long rollovers() { return rollovers; }
}
