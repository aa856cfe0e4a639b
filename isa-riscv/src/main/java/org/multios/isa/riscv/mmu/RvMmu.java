package org.multios.isa.riscv.mmu;

import java.lang.foreign.MemorySegment;
import org.multios.core.bus.BusErrorException;
import org.multios.core.bus.MemoryRegion;
import org.multios.core.bus.PhysicalBus;
import org.multios.core.bus.RamRegion;
import org.multios.core.cache.CodeBlock;
import org.multios.core.debug.DebugHooks;
import org.multios.core.mmu.SoftTlb;
import org.multios.isa.riscv.csr.Mstatus;
import org.multios.isa.riscv.trap.RvTrap;

/**
 * The hart's view of memory: virtual-to-physical translation (Bare, Sv39, Sv48), PMP, and
 * the loads and stores the executor issues.
 * <p>
 * One {@link SoftTlb} per privilege mode (U, S, M), so trap entry and return switch TLBs
 * instead of flushing them. The U and S TLBs hold entries of many address spaces, tagged by a
 * context number per satp value ({@link SatpContexts}; the tag and slot as SoftTlb describes),
 * so a satp write switches address space without a flush and SFENCE.VMA can invalidate by
 * address and ASID. Fetches use the TLB of the current privilege; loads and stores
 * use the TLB of the effective privilege (MPRV/MPP). Fast path: tag compare and an offset
 * into the RAM segment. Slow path: walk, PMP, then either a TLB fill (only RAM pages whose
 * PMP decision is uniform over the page; store entries never for pages holding decoded
 * code) or an access through the bus (MMIO, ROM writes, code pages).
 * <p>
 * Misaligned loads and stores are performed (split per byte when they cross a page), as
 * QEMU does; the callers raise misaligned exceptions for LR/SC/AMO themselves.
 */
public final class RvMmu {
    private static final int PAGE = 4096;

    private final PhysicalBus bus;
    public final Pmp pmp = new Pmp();
    private final SvWalker walker;
    private final SoftTlb[] tlbs = {new SoftTlb(), new SoftTlb(), null, new SoftTlb()};

    /** TLB of the current privilege (fetch) and of the effective data privilege. */
    private SoftTlb fetchTlb, dataTlb;
    private int priv = 3, dataPriv = 3;
    private boolean sum, mxr;
    private int satpLevels; // 0 = Bare
    private long satpPpn;
    private long satp = -1;
    private final SatpContexts contexts = new SatpContexts(this::flushTranslated);
    /** Context tag and slot salt of the current satp (translated TLBs), and of the fetch and data TLBs in use (M: 0). */
    private long translatedCtx;
    private int translatedSalt;
    private long fetchCtx, dataCtx;
    private int fetchSalt, dataSalt;
    /** Whether some translated entry came from a superpage (an address SFENCE.VMA then reaches every page of it). */
    private boolean superpageEntries;
    /** What the last translation was: global (G) and whether from a superpage; read by the fills. */
    private boolean lastGlobal, lastSuperpage;

    /** The block being executed: a store that invalidates it ends it. */
    public CodeBlock currentBlock;
    /** Set by {@link #storePhysical} when a write hit the running block's code. */
    private boolean codeModified;

    /** Tracing: no direct store entries, and the slow path records each store. */
    private boolean recordStores;
    public long lastStoreAddr, lastStoreValue;
    public int lastStoreSize;

    /** Debugger watchpoints: watched pages never get TLB entries and report each access. */
    private DebugHooks hooks;
    private int hartId;

    public RvMmu(PhysicalBus bus) {
        this.bus = bus;
        this.walker = new SvWalker(bus, pmp);
        fetchTlb = dataTlb = tlbs[3];
        for (SoftTlb t : tlbs) if (t != null) bus.onCodeMark(t::dropStoresTo);
    }

    // ---- configuration, called by the CPU on privilege/mstatus/satp changes ----

    /** Recomputes which TLBs apply; flushes when the translation itself changed. */
    public void configure(int priv, long mstatus, long satp) {
        boolean newSum = (mstatus & Mstatus.SUM) != 0, newMxr = (mstatus & Mstatus.MXR) != 0;
        int mode = (int) (satp >>> 60);
        int levels = mode == 8 ? 3 : mode == 9 ? 4 : 0;
        long ppn = satp & ((1L << 44) - 1);
        if (newSum != sum || newMxr != mxr) {
            // S-mode entries carry the SUM/MXR decision of their fill
            sum = newSum;
            mxr = newMxr;
            flushTranslated();
        }
        if (satp != this.satp) {
            // an address-space switch: the new satp's entries (from its last run) apply, nothing is flushed
            this.satp = satp;
            satpLevels = levels;
            satpPpn = ppn;
            selectContext();
        }
        this.priv = priv;
        this.dataPriv = priv == 3 && (mstatus & Mstatus.MPRV) != 0 ? Mstatus.mpp(mstatus) : priv;
        fetchTlb = tlbs[priv];
        dataTlb = tlbs[dataPriv];
        fetchCtx = priv == 3 ? 0 : translatedCtx;
        fetchSalt = priv == 3 ? 0 : translatedSalt;
        dataCtx = dataPriv == 3 ? 0 : translatedCtx;
        dataSalt = dataPriv == 3 ? 0 : translatedSalt;
    }

    private void selectContext() {
        translatedCtx = SoftTlb.contextTag(contexts.of(satp));
        translatedSalt = SoftTlb.salt(translatedCtx);
        fetchCtx = priv == 3 ? 0 : translatedCtx;
        fetchSalt = priv == 3 ? 0 : translatedSalt;
        dataCtx = dataPriv == 3 ? 0 : translatedCtx;
        dataSalt = dataPriv == 3 ? 0 : translatedSalt;
    }

    /** Every translated (S and U) entry of every address space goes. */
    public void flushTranslated() {
        tlbs[0].flush();
        tlbs[1].flush();
        superpageEntries = false;
    }

    /**
     * SFENCE.VMA rs1, rs2 (privileged spec 10.2.1): with neither, every translated entry; with an
     * address only, that page in every address space; with an ASID only, every entry of the
     * address spaces with that ASID; with both, that page in those address spaces. Global entries
     * need not go for the ASID forms; dropping them too is allowed and simpler. An address form
     * while some entry came from a superpage flushes all (the superpage's other pages sit in other
     * slots).
     */
    public void sfenceVma(boolean hasAddress, long va, boolean hasAsid, int asid) {
        if (!hasAddress && !hasAsid) {
            flushTranslated();
        } else if (!hasAddress) {
            contexts.retire(asid & 0xffff);
            selectContext(); // the current address space may be one of them
        } else if (superpageEntries) {
            flushTranslated();
        } else {
            java.util.function.IntPredicate in = hasAsid ? ctx -> contexts.belongsTo(ctx, asid & 0xffff) : null;
            tlbs[0].flushPage(va, -1L, in);
            tlbs[1].flushPage(va, -1L, in);
        }
    }

    /** Generation of the fetch TLB combined with its context: a block chain or jump-cache entry is valid for exactly one. */
    public long fetchGeneration() { return fetchTlb.generation() | fetchCtx; }

    /** PMP changes and resets: everything goes. */
    public void flushAll() {
        for (SoftTlb t : tlbs) if (t != null) t.flush();
        superpageEntries = false;
    }

    public void setRecordStores(boolean on) {
        recordStores = on;
        flushAll();
    }

    public void setDebugHooks(DebugHooks hooks, int hartId) {
        this.hooks = hooks;
        this.hartId = hartId;
        flushAll();
    }

    /** Reports a data access to the debugger when its page is watched; true if it is. */
    private boolean watched(long va, int size, boolean write) {
        DebugHooks h = hooks;
        if (h == null || !h.watchesPage(va)) return false;
        h.dataAccess(hartId, va, size, write);
        return true;
    }

    public SoftTlb fetchTlb() { return fetchTlb; }

    public int satpLevels() { return satpLevels; }

    // ---- instruction fetch ----

    /** Physical address of the instruction at {@code va} (fills the fetch TLB for RAM/ROM pages). */
    public long fetchPhysical(long va) {
        SoftTlb t = fetchTlb;
        int i = SoftTlb.index(va) ^ fetchSalt;
        if (t.fetchTag[i] == ((va >>> 12) | fetchCtx)) return t.fetchPhys[i] | (va & 0xfff);
        long pa = translate(va, SvWalker.FETCH, priv);
        if (!pmp.allows(pa, 2, Pmp.X, priv)) throw SvWalker.accessFault(SvWalker.FETCH, va);
        MemoryRegion r = bus.find(pa);
        if (!(r instanceof RamRegion ram)) throw SvWalker.accessFault(SvWalker.FETCH, va);
        long page = pa & ~0xfffL;
        if (pmp.pageUniform(page) && Long.compareUnsigned(page - ram.base() + PAGE, ram.size()) <= 0) {
            noteFill(priv);
            t.fill(SoftTlb.FETCH, va, fetchCtx, lastGlobal, page, ram.segment(), page - ram.base());
        }
        return pa;
    }

    // ---- loads (zero-extended results) ----

    public long load64(long va) {
        SoftTlb t = dataTlb;
        int i = ((int) (va >>> 12) & SoftTlb.MASK) ^ dataSalt;
        long off = va & 0xfff;
        if (t.loadTag[i] == ((va >>> 12) | dataCtx) && off <= PAGE - 8) return t.loadSeg[i].get(RamRegion.LONG, t.loadOff[i] + off);
        return loadSlow(va, 8);
    }

    public long load32(long va) {
        SoftTlb t = dataTlb;
        int i = ((int) (va >>> 12) & SoftTlb.MASK) ^ dataSalt;
        long off = va & 0xfff;
        if (t.loadTag[i] == ((va >>> 12) | dataCtx) && off <= PAGE - 4) return t.loadSeg[i].get(RamRegion.INT, t.loadOff[i] + off) & 0xffff_ffffL;
        return loadSlow(va, 4);
    }

    public long load16(long va) {
        SoftTlb t = dataTlb;
        int i = ((int) (va >>> 12) & SoftTlb.MASK) ^ dataSalt;
        long off = va & 0xfff;
        if (t.loadTag[i] == ((va >>> 12) | dataCtx) && off <= PAGE - 2) return t.loadSeg[i].get(RamRegion.SHORT, t.loadOff[i] + off) & 0xffffL;
        return loadSlow(va, 2);
    }

    public long load8(long va) {
        SoftTlb t = dataTlb;
        int i = ((int) (va >>> 12) & SoftTlb.MASK) ^ dataSalt;
        if (t.loadTag[i] == ((va >>> 12) | dataCtx)) return t.loadSeg[i].get(RamRegion.BYTE, t.loadOff[i] + (va & 0xfff)) & 0xffL;
        return loadSlow(va, 1);
    }

    private long loadSlow(long va, int size) {
        if ((va & 0xfff) + size > PAGE) {
            long v = 0;
            for (int k = 0; k < size; k++) v |= loadSlow(va + k, 1) << (8 * k);
            return v;
        }
        long pa = translate(va, SvWalker.LOAD, dataPriv);
        if (!pmp.allows(pa, size, Pmp.R, dataPriv)) throw SvWalker.accessFault(SvWalker.LOAD, va);
        boolean watched = watched(va, size, false);
        MemoryRegion r = bus.find(pa);
        if (r instanceof RamRegion ram && Long.compareUnsigned(pa - ram.base() + size, ram.size()) <= 0) {
            long page = pa & ~0xfffL;
            if (!watched && pmp.pageUniform(page)) {
                noteFill(dataPriv);
                dataTlb.fill(SoftTlb.LOAD, va, dataCtx, lastGlobal, page, ram.segment(), page - ram.base());
            }
            return ram.read(pa - ram.base(), size);
        }
        try {
            return bus.read(pa, size);
        } catch (BusErrorException e) {
            throw SvWalker.accessFault(SvWalker.LOAD, va);
        }
    }

    // ---- stores ----

    public void store64(long va, long v) {
        SoftTlb t = dataTlb;
        int i = ((int) (va >>> 12) & SoftTlb.MASK) ^ dataSalt;
        long off = va & 0xfff;
        if (t.storeTag[i] == ((va >>> 12) | dataCtx) && off <= PAGE - 8) t.storeSeg[i].set(RamRegion.LONG, t.storeOff[i] + off, v);
        else storeSlow(va, 8, v);
    }

    public void store32(long va, long v) {
        SoftTlb t = dataTlb;
        int i = ((int) (va >>> 12) & SoftTlb.MASK) ^ dataSalt;
        long off = va & 0xfff;
        if (t.storeTag[i] == ((va >>> 12) | dataCtx) && off <= PAGE - 4) t.storeSeg[i].set(RamRegion.INT, t.storeOff[i] + off, (int) v);
        else storeSlow(va, 4, v);
    }

    public void store16(long va, long v) {
        SoftTlb t = dataTlb;
        int i = ((int) (va >>> 12) & SoftTlb.MASK) ^ dataSalt;
        long off = va & 0xfff;
        if (t.storeTag[i] == ((va >>> 12) | dataCtx) && off <= PAGE - 2) t.storeSeg[i].set(RamRegion.SHORT, t.storeOff[i] + off, (short) v);
        else storeSlow(va, 2, v);
    }

    public void store8(long va, long v) {
        SoftTlb t = dataTlb;
        int i = ((int) (va >>> 12) & SoftTlb.MASK) ^ dataSalt;
        if (t.storeTag[i] == ((va >>> 12) | dataCtx)) t.storeSeg[i].set(RamRegion.BYTE, t.storeOff[i] + (va & 0xfff), (byte) v);
        else storeSlow(va, 1, v);
    }

    private void storeSlow(long va, int size, long v) {
        if (recordStores) {
            lastStoreAddr = va;
            lastStoreValue = size == 8 ? v : v & ((1L << (8 * size)) - 1);
            lastStoreSize = size;
        }
        if ((va & 0xfff) + size > PAGE) {
            // Check both pages before writing either, so a fault leaves memory untouched.
            long second = (va + size) & ~0xfffL;
            translateStore(va, 1);
            translateStore(second, 1);
            for (int k = 0; k < size; k++) storeOne(va + k, 1, v >>> (8 * k));
        } else {
            storeOne(va, size, v);
        }
        if (codeModified) {
            codeModified = false;
            throw RvTrap.codeModified();
        }
    }

    private long translateStore(long va, int size) {
        long pa = translate(va, SvWalker.STORE, dataPriv);
        if (!pmp.allows(pa, size, Pmp.W, dataPriv)) throw SvWalker.accessFault(SvWalker.STORE, va);
        return pa;
    }

    private void storeOne(long va, int size, long v) {
        long pa = translateStore(va, size);
        boolean watched = watched(va, size, true);
        MemoryRegion r = bus.find(pa);
        if (r instanceof RamRegion ram && !ram.isReadOnly() && Long.compareUnsigned(pa - ram.base() + size, ram.size()) <= 0) {
            long page = pa & ~0xfffL;
            if (!ram.isCodePage(page - ram.base())) {
                if (!recordStores && !watched && pmp.pageUniform(page)) {
                    noteFill(dataPriv);
                    dataTlb.fill(SoftTlb.STORE, va, dataCtx, lastGlobal, page, ram.segment(), page - ram.base());
                }
                ram.store(pa - ram.base(), size, v);
                return;
            }
        }
        storePhysical(pa, size, v, va);
    }

    /** A store through the bus: MMIO, or RAM holding decoded code (which invalidates blocks). */
    private void storePhysical(long pa, int size, long v, long va) {
        try {
            bus.write(pa, size, v);
        } catch (BusErrorException e) {
            throw SvWalker.accessFault(SvWalker.STORE, va);
        }
        CodeBlock b = currentBlock;
        if (b != null && !b.isValid()) codeModified = true;
    }

    // ---- atomics: translate once with store permission, then read-modify-write ----

    /**
     * Physical address for an AMO/SC of {@code size} bytes (store/AMO faults; AMOs need
     * read and write permission, which a writable page implies since W without R is reserved).
     */
    public long translateAmo(long va, int size) {
        long pa = translate(va, SvWalker.STORE, dataPriv);
        if (!pmp.allows(pa, size, Pmp.W, dataPriv) || !pmp.allows(pa, size, Pmp.R, dataPriv)) {
            throw SvWalker.accessFault(SvWalker.STORE, va);
        }
        if (hooks != null && watched(va, size, true)) hooks.dataAccess(hartId, va, size, false); // AMOs count as both
        return pa;
    }

    /** Physical address for LR (load faults). */
    public long translateLoad(long va, int size) {
        long pa = translate(va, SvWalker.LOAD, dataPriv);
        if (!pmp.allows(pa, size, Pmp.R, dataPriv)) throw SvWalker.accessFault(SvWalker.LOAD, va);
        watched(va, size, false);
        return pa;
    }

    public long readPhysical(long pa, int size, int kind, long va) {
        try {
            return bus.read(pa, size);
        } catch (BusErrorException e) {
            throw SvWalker.accessFault(kind, va);
        }
    }

    /** Physical write for AMO/SC; call {@link #endOfAtomic} after the destination register is written. */
    public void writePhysical(long pa, int size, long v, long va) {
        if (recordStores) {
            lastStoreAddr = va;
            lastStoreValue = size == 8 ? v : v & ((1L << (8 * size)) - 1);
            lastStoreSize = size;
        }
        storePhysical(pa, size, v, va);
    }

    public void endOfAtomic() {
        if (codeModified) {
            codeModified = false;
            throw RvTrap.codeModified();
        }
    }

    // ---- translation ----

    /** Virtual to physical for an access of {@code kind} at effective privilege {@code p}. */
    public long translate(long va, int kind, int p) {
        if (p == 3 || satpLevels == 0) {
            lastGlobal = true;
            lastSuperpage = false;
            return va;
        }
        long pa = walker.translate(va, satpLevels, satpPpn, kind, p, sum, mxr);
        lastGlobal = walker.lastGlobal();
        lastSuperpage = walker.lastSuperpage();
        return pa;
    }

    /** Before a fill of a translated TLB from the last translation: remember superpage entries. */
    private void noteFill(int p) {
        if (p != 3 && lastSuperpage) superpageEntries = true;
    }

    /** For debuggers and traces: the physical address of a load from {@code va}, or -1. */
    public long debugTranslate(long va) {
        try {
            return translate(va, SvWalker.LOAD, dataPriv);
        } catch (RvTrap t) {
            return -1;
        }
    }

    /** Direct segment of a RAM page for instruction bytes (block building). */
    public MemorySegment segmentFor(long pa) {
        RamRegion ram = bus.findRam(pa, 1);
        return ram == null ? null : ram.segment();
    }
}
