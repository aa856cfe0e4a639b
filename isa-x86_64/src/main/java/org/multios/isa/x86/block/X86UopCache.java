package org.multios.isa.x86.block;

import java.util.HashMap;
import org.multios.core.bus.PhysicalBus;

/**
 * Pre-resolved instructions ({@link X86Uop}) by physical address, one array per 4 KiB code
 * page, beside the CPU's {@code DecodedPageCache}: an instruction is compiled when it is
 * first decoded and then runs without the decoder's cache or the Executor's dispatch. The
 * bus reports every write to a code page (CPU store or DMA), which drops the page's entries,
 * so self-modifying code and loaders see their new bytes. Entries remember the code size
 * they were made for. One cache per CPU (the operand accessors keep per-execution state).
 */
public final class X86UopCache {
    private final PhysicalBus bus;
    private final HashMap<Long, X86Uop[]> pages = new HashMap<>();
    private long lastPage = -1;
    private X86Uop[] lastArray;
    /** Set by the bus's notification (possibly another thread: a DMA engine); read on every lookup. */
    private volatile boolean invalidated;
    private final java.util.concurrent.ConcurrentLinkedQueue<Long> written = new java.util.concurrent.ConcurrentLinkedQueue<>();

    public X86UopCache(PhysicalBus bus) {
        this.bus = bus;
        bus.onCodeWrite(page -> {
            written.add(page >>> 12);
            invalidated = true;
        });
    }

    /** The pre-resolved instruction at physical address {@code pa} for {@code codeBits}, or null. */
    public X86Uop lookup(long pa, int codeBits) {
        X86Uop[] a = page(pa >>> 12, false);
        if (a == null) return null;
        X86Uop u = a[(int) (pa & 0xfff)];
        return u != null && u.codeBits == codeBits ? u : null;
    }

    /** Remembers {@code uop} at {@code pa}; the caller has checked the instruction lies within the page. */
    public void store(long pa, X86Uop uop) {
        X86Uop[] a = page(pa >>> 12, true);
        if (a != null) a[(int) (pa & 0xfff)] = uop;
    }

    private X86Uop[] page(long page, boolean create) {
        if (invalidated) {
            invalidated = false;
            Long p;
            while ((p = written.poll()) != null) pages.remove(p);
            lastPage = -1;
            lastArray = null;
        }
        if (page == lastPage) return lastArray;
        X86Uop[] a = pages.get(page);
        if (a == null) {
            if (!create) return null;
            if (bus.findRam(page << 12, 1) == null) return null; // only RAM and ROM hold cacheable code
            a = new X86Uop[4096];
            pages.put(page, a);
            bus.markCode(page << 12);
        }
        lastPage = page;
        lastArray = a;
        return a;
    }

    public void clear() {
        pages.clear();
        lastPage = -1;
        lastArray = null;
    }
}
