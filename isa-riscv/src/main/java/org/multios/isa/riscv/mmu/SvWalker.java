package org.multios.isa.riscv.mmu;

import org.multios.core.bus.BusErrorException;
import org.multios.core.bus.PhysicalBus;
import org.multios.isa.riscv.trap.RvTrap;

/**
 * The page-table walk of Sv39 (3 levels) and Sv48 (4 levels), privileged spec section
 * "Virtual Address Translation Process", with hardware A/D updates (Svadu-style, as QEMU
 * does): the walker sets A on any access and D on a store, writing the PTE back.
 * <p>
 * Faults: a page fault of the access's kind (tval = the virtual address) for invalid or
 * reserved PTEs, misaligned superpages, permission failures and non-canonical addresses;
 * an access fault when a PTE read hits no memory or PMP forbids it.
 */
public final class SvWalker {
    public static final int FETCH = 0, LOAD = 1, STORE = 2;

    static final long PTE_V = 1, PTE_R = 2, PTE_W = 4, PTE_X = 8, PTE_U = 16, PTE_G = 32, PTE_A = 64, PTE_D = 128;
    /** PPN field, bits 53:10. */
    private static final long PPN_MASK = ((1L << 44) - 1) << 10;
    /** Bits 63:54 (N, PBMT and reserved): none of these extensions is implemented, so set bits fault. */
    private static final long HIGH_BITS = ~((1L << 54) - 1);

    private final PhysicalBus bus;
    private final Pmp pmp;

    public SvWalker(PhysicalBus bus, Pmp pmp) {
        this.bus = bus;
        this.pmp = pmp;
    }

    /**
     * Translates {@code va}.
     *
     * @param levels 3 (Sv39) or 4 (Sv48)
     * @param rootPpn satp.PPN
     * @param kind {@link #FETCH}, {@link #LOAD} or {@link #STORE}
     * @param priv effective privilege of the access (0 = U, 1 = S)
     * @param sum mstatus.SUM, @param mxr mstatus.MXR
     * @return the physical address of {@code va}
     */
    /** G of the last successful walk (set at any level: it holds for the levels below) and whether its leaf was a superpage. */
    private boolean lastGlobal, lastSuperpage;

    public boolean lastGlobal() { return lastGlobal; }

    public boolean lastSuperpage() { return lastSuperpage; }

    public long translate(long va, int levels, long rootPpn, int kind, int priv, boolean sum, boolean mxr) {
        int vaBits = 12 + 9 * levels;
        boolean global = false;
        // Bits 63:vaBits must all equal bit vaBits-1.
        if ((va << (64 - vaBits)) >> (64 - vaBits) != va) throw pageFault(kind, va);
        long a = rootPpn << 12;
        for (int level = levels - 1; level >= 0; level--) {
            long vpn = (va >>> (12 + 9 * level)) & 0x1ff;
            long pteAddr = a + vpn * 8;
            long pte = readPte(pteAddr, kind, va);
            if ((pte & PTE_V) == 0 || ((pte & PTE_R) == 0 && (pte & PTE_W) != 0) || (pte & HIGH_BITS) != 0) {
                throw pageFault(kind, va);
            }
            long ppn = (pte & PPN_MASK) >>> 10;
            global |= (pte & PTE_G) != 0;
            if ((pte & (PTE_R | PTE_X)) == 0) {
                // Pointer to the next level.
                if (level == 0) throw pageFault(kind, va);
                a = ppn << 12;
                continue;
            }
            // Leaf.
            checkPermission(pte, kind, priv, sum, mxr, va);
            long superMask = (1L << (9 * level)) - 1;
            if ((ppn & superMask) != 0) throw pageFault(kind, va); // misaligned superpage
            if ((pte & PTE_A) == 0 || (kind == STORE && (pte & PTE_D) == 0)) {
                long updated = pte | PTE_A | (kind == STORE ? PTE_D : 0);
                writePte(pteAddr, updated, kind, va);
            }
            long pageOffsetMask = (1L << (12 + 9 * level)) - 1;
            lastGlobal = global;
            lastSuperpage = level > 0;
            return ((ppn << 12) & ~pageOffsetMask) | (va & pageOffsetMask);
        }
        throw pageFault(kind, va);
    }

    private static void checkPermission(long pte, int kind, int priv, boolean sum, boolean mxr, long va) {
        boolean user = (pte & PTE_U) != 0;
        if (priv == 0 && !user) throw pageFault(kind, va);
        if (priv == 1 && user && (kind == FETCH || !sum)) throw pageFault(kind, va);
        boolean ok = switch (kind) {
            case FETCH -> (pte & PTE_X) != 0;
            case LOAD -> (pte & PTE_R) != 0 || (mxr && (pte & PTE_X) != 0);
            default -> (pte & PTE_W) != 0;
        };
        if (!ok) throw pageFault(kind, va);
    }

    private long readPte(long pa, int kind, long va) {
        if (!pmp.allows(pa, 8, Pmp.R, 1)) throw accessFault(kind, va);
        try {
            return bus.read(pa, 8);
        } catch (BusErrorException e) {
            throw accessFault(kind, va);
        }
    }

    private void writePte(long pa, long pte, int kind, long va) {
        if (!pmp.allows(pa, 8, Pmp.W, 1)) throw accessFault(kind, va);
        try {
            bus.write(pa, 8, pte);
        } catch (BusErrorException e) {
            throw accessFault(kind, va);
        }
    }

    public static RvTrap pageFault(int kind, long va) {
        return new RvTrap(switch (kind) {
            case FETCH -> RvTrap.INSTRUCTION_PAGE_FAULT;
            case LOAD -> RvTrap.LOAD_PAGE_FAULT;
            default -> RvTrap.STORE_PAGE_FAULT;
        }, va);
    }

    public static RvTrap accessFault(int kind, long va) {
        return new RvTrap(switch (kind) {
            case FETCH -> RvTrap.INSTRUCTION_ACCESS_FAULT;
            case LOAD -> RvTrap.LOAD_ACCESS_FAULT;
            default -> RvTrap.STORE_ACCESS_FAULT;
        }, va);
    }
}
