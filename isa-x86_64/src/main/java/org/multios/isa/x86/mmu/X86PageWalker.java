package org.multios.isa.x86.mmu;

import org.multios.core.bus.BusErrorException;
import org.multios.core.bus.PhysicalBus;

/**
 * Linear-to-physical translation (SDM Vol. 3 chapter 4): 32-bit paging (with 4 MiB pages
 * under CR4.PSE), PAE paging, and 4-level paging in long mode. Sets the accessed and dirty
 * bits as the hardware does and raises #PF with the architectural error code.
 */
public final class X86PageWalker {
    public static final int READ = 0, WRITE = 1, EXECUTE = 2;
    private static final long P = 1, RW = 2, US = 4, A = 0x20, D = 0x40, PS = 0x80;
    private static final long NX = 1L << 63;
    private static final long ADDR = 0x000f_ffff_ffff_f000L;

    private final PhysicalBus bus;

    public X86PageWalker(PhysicalBus bus) { this.bus = bus; }

    /** Paging controls, copied in by the CPU when CR0/CR3/CR4/EFER change. */
    public long cr3;
    public boolean pae, pse, wp, nxe, longMode;

    /** The result of the last walk: whether the final mapping allows writes, user access, execution. */
    public boolean lastWritable, lastUser, lastExecutable;

    /** Translates {@code linear}; {@code user} is CPL 3. Throws #PF (CR2 is set by the CPU). */
    public long translate(long linear, int access, boolean user) {
        boolean writable = true, userOk = true, exec = true;
        long pa;
        if (longMode || pae) {
            long table;
            int levels;
            if (longMode) {
                table = cr3 & ADDR;
                levels = 4;
            } else {
                long pdpte = read64((cr3 & 0xffff_ffe0L) + ((linear >>> 30) & 3) * 8);
                if ((pdpte & P) == 0) throw fault(linear, access, user, false);
                table = pdpte & ADDR;
                levels = 2;
            }
            int shift = levels == 4 ? 39 : 21;
            long entry = 0, entryAddr = 0;
            for (int level = levels; level >= 1; level--, shift -= 9) {
                entryAddr = table + ((linear >>> shift) & 0x1ff) * 8;
                entry = read64(entryAddr);
                if ((entry & P) == 0) throw fault(linear, access, user, false);
                writable &= (entry & RW) != 0;
                userOk &= (entry & US) != 0;
                if (nxe) exec &= (entry & NX) == 0;
                boolean large = (entry & PS) != 0 && (level == 2 || level == 3 && longMode);
                if (level == 1 || large) {
                    check(linear, access, user, writable, userOk, exec);
                    long dirty = access == WRITE ? D : 0;
                    if ((entry & (A | dirty)) != (A | dirty)) write64(entryAddr, entry | A | dirty);
                    long pageMask = (1L << shift) - 1;
                    pa = (entry & ADDR & ~pageMask) | (linear & pageMask);
                    record(writable, userOk, exec);
                    return pa;
                }
                if ((entry & A) == 0) write64(entryAddr, entry | A);
                table = entry & ADDR;
            }
            throw new IllegalStateException("unreachable");
        }
        // 32-bit paging
        long pdeAddr = (cr3 & 0xffff_f000L) + ((linear >>> 22) & 0x3ff) * 4;
        long pde = read32(pdeAddr);
        if ((pde & P) == 0) throw fault(linear, access, user, false);
        writable = (pde & RW) != 0;
        userOk = (pde & US) != 0;
        if (pse && (pde & PS) != 0) {
            check(linear, access, user, writable, userOk, true);
            long dirty = access == WRITE ? D : 0;
            if ((pde & (A | dirty)) != (A | dirty)) write32(pdeAddr, pde | A | dirty);
            pa = (pde & 0xffc0_0000L) | ((pde & 0x1fe000L) << 19) | (linear & 0x3f_ffff);
            record(writable, userOk, true);
            return pa;
        }
        if ((pde & A) == 0) write32(pdeAddr, pde | A);
        long pteAddr = (pde & 0xffff_f000L) + ((linear >>> 12) & 0x3ff) * 4;
        long pte = read32(pteAddr);
        if ((pte & P) == 0) throw fault(linear, access, user, false);
        writable &= (pte & RW) != 0;
        userOk &= (pte & US) != 0;
        check(linear, access, user, writable, userOk, true);
        long dirty = access == WRITE ? D : 0;
        if ((pte & (A | dirty)) != (A | dirty)) write32(pteAddr, pte | A | dirty);
        record(writable, userOk, true);
        return (pte & 0xffff_f000L) | (linear & 0xfff);
    }

    private void record(boolean w, boolean u, boolean x) {
        lastWritable = w;
        lastUser = u;
        lastExecutable = x;
    }

    private void check(long linear, int access, boolean user, boolean writable, boolean userOk, boolean exec) {
        if (user && !userOk) throw fault(linear, access, user, true);
        if (access == WRITE && !writable && (user || wp)) throw fault(linear, access, user, true);
        if (access == EXECUTE && !exec) throw fault(linear, access, user, true);
    }

    /** #PF error code: P, W/R, U/S, (RSVD), I/D (SDM 4.7). The CPU sets CR2 from {@link X86Fault}. */
    private PageFault fault(long linear, int access, boolean user, boolean present) {
        int code = (present ? 1 : 0) | (access == WRITE ? 2 : 0) | (user ? 4 : 0) | (access == EXECUTE && (nxe || pae) ? 16 : 0);
        return new PageFault(linear, code);
    }

    private long read64(long pa) {
        try { return bus.read(pa, 8); } catch (BusErrorException e) { return -1L; }
    }

    private long read32(long pa) {
        try { return bus.read(pa, 4) & 0xffffffffL; } catch (BusErrorException e) { return 0xffffffffL; }
    }

    private void write64(long pa, long v) {
        try { bus.write(pa, 8, v); } catch (BusErrorException ignored) { /* entries in ROM keep their bits */ }
    }

    private void write32(long pa, long v) {
        try { bus.write(pa, 4, v); } catch (BusErrorException ignored) { /* entries in ROM keep their bits */ }
    }

    /** #PF carrying the faulting linear address for CR2. */
    public static final class PageFault extends RuntimeException {
        public final long linear;
        public final int errorCode;

        PageFault(long linear, int errorCode) {
            super(null, null, false, false);
            this.linear = linear;
            this.errorCode = errorCode;
        }
    }
}
