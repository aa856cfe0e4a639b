package org.multios.isa.x86.decode;

import java.util.concurrent.ConcurrentHashMap;
import org.multios.core.bus.PhysicalBus;

/**
 * Decoded instructions by physical address, one array per 4 KiB code page, so the length
 * decoder runs once per instruction rather than once per execution. Pages are marked as
 * code on the bus; any write to such a page (CPU store or DMA) drops the page's decodings,
 * which handles self-modifying code and loaders. Instructions crossing a page end are not
 * cached. Entries remember the code size they were decoded for.
 */
public final class DecodedPageCache {
    private final PhysicalBus bus;
    private final ConcurrentHashMap<Long, X86Insn[]> pages = new ConcurrentHashMap<>();
    private long lastPage = -1;
    private X86Insn[] lastArray;
    private volatile boolean invalidated;

    public DecodedPageCache(PhysicalBus bus) {
        this.bus = bus;
        bus.onCodeWrite(page -> {
            pages.remove(page >>> 12);
            invalidated = true;
        });
    }

    /** The cached decoding at physical address {@code pa} for {@code codeBits}, or null. */
    public X86Insn lookup(long pa, int codeBits) {
        X86Insn[] a = page(pa >>> 12, false);
        if (a == null) return null;
        X86Insn i = a[(int) (pa & 0xfff)];
        return i != null && i.codeBits == codeBits ? i : null;
    }

    /** Remembers a decoding (a fresh object the caller no longer changes). */
    public void store(long pa, X86Insn insn) {
        if ((pa & 0xfff) + insn.length > 0x1000) return;
        X86Insn[] a = page(pa >>> 12, true);
        if (a != null) a[(int) (pa & 0xfff)] = insn;
    }

    private X86Insn[] page(long page, boolean create) {
        if (invalidated) {
            invalidated = false;
            lastPage = -1;
            lastArray = null;
        }
        if (page == lastPage) return lastArray;
        X86Insn[] a = pages.get(page);
        if (a == null) {
            if (!create) return null;
            if (bus.findRam(page << 12, 1) == null) return null; // only RAM and ROM hold cacheable code
            a = new X86Insn[4096];
            pages.put(page, a);
            bus.markCode(page << 12);
        }
        lastPage = page;
        lastArray = a;
        return a;
    }

    public void clear() {
        pages.clear();
        invalidated = true;
    }
}
