package org.multios.isa.riscv.gdb;

import java.util.ArrayList;
import java.util.List;
import org.multios.core.bus.PhysicalBus;
import org.multios.core.bus.RamRegion;

/**
 * A read-only view of Sv39/Sv48 page tables for the debugger: translates without touching
 * accessed/dirty bits, permissions or TLBs (the CPU's walker sets A/D, which a debugger must
 * not), and lists the current mappings for {@code monitor info mem}.
 */
final class RvPageTableView {
    static final long PTE_V = 1, PTE_R = 2, PTE_W = 4, PTE_X = 8, PTE_U = 16, PTE_G = 32, PTE_A = 64, PTE_D = 128;
    private static final long PPN_MASK = ((1L << 44) - 1) << 10;
    /** Most mappings {@code info mem} lists (a huge identity map is coalesced anyway). */
    private static final int MAX_LINES = 4096;

    private final PhysicalBus bus;

    RvPageTableView(PhysicalBus bus) { this.bus = bus; }

    /** satp.MODE 8 (Sv39) or 9 (Sv48) to levels; 0 for Bare or anything unsupported. */
    static int levels(long satp) {
        int mode = (int) (satp >>> 60);
        return mode == 8 ? 3 : mode == 9 ? 4 : 0;
    }

    /** Physical address of {@code va}, or -1 if no valid leaf maps it. */
    long translate(long satp, long va) {
        int levels = levels(satp);
        if (levels == 0) return va;
        int vaBits = 12 + 9 * levels;
        if ((va << (64 - vaBits)) >> (64 - vaBits) != va) return -1;
        long table = (satp & ((1L << 44) - 1)) << 12;
        for (int level = levels - 1; level >= 0; level--) {
            long pte = readPte(table + ((va >>> (12 + 9 * level)) & 0x1ff) * 8);
            if ((pte & PTE_V) == 0 || ((pte & PTE_R) == 0 && (pte & PTE_W) != 0)) return -1;
            long ppn = (pte & PPN_MASK) >>> 10;
            if ((pte & (PTE_R | PTE_X)) != 0) {
                long offsetMask = (1L << (12 + 9 * level)) - 1;
                if ((ppn & ((1L << (9 * level)) - 1)) != 0) return -1; // misaligned superpage
                return ((ppn << 12) & ~offsetMask) | (va & offsetMask);
            }
            table = ppn << 12;
        }
        return -1;
    }

    /** One contiguous run of virtual pages mapped to contiguous physical pages with the same flags. */
    record Mapping(long va, long pa, long size, long flags) {
        String format() {
            StringBuilder f = new StringBuilder();
            f.append((flags & PTE_R) != 0 ? 'r' : '-').append((flags & PTE_W) != 0 ? 'w' : '-')
                    .append((flags & PTE_X) != 0 ? 'x' : '-').append((flags & PTE_U) != 0 ? 'u' : '-')
                    .append((flags & PTE_G) != 0 ? 'g' : '-').append((flags & PTE_A) != 0 ? 'a' : '-')
                    .append((flags & PTE_D) != 0 ? 'd' : '-');
            return String.format("%016x-%016x %016x %s%n", va, va + size, pa, f);
        }
    }

    List<Mapping> mappings(long satp) {
        List<Mapping> out = new ArrayList<>();
        int levels = levels(satp);
        if (levels != 0) walk(out, (satp & ((1L << 44) - 1)) << 12, levels - 1, 0, levels);
        return out;
    }

    private void walk(List<Mapping> out, long table, int level, long vaPrefix, int levels) {
        for (int i = 0; i < 512 && out.size() < MAX_LINES; i++) {
            long pte = readPte(table + i * 8L);
            if ((pte & PTE_V) == 0) continue;
            long va = vaPrefix | ((long) i << (12 + 9 * level));
            long ppn = (pte & PPN_MASK) >>> 10;
            if ((pte & (PTE_R | PTE_X)) == 0) {
                if (level > 0) walk(out, ppn << 12, level - 1, va, levels);
                continue;
            }
            int vaBits = 12 + 9 * levels;
            long sva = (va << (64 - vaBits)) >> (64 - vaBits); // sign-extend to a canonical address
            long size = 1L << (12 + 9 * level);
            long flags = pte & 0xff;
            Mapping last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && last.va() + last.size() == sva && last.pa() + last.size() == ppn << 12 && last.flags() == flags) {
                out.set(out.size() - 1, new Mapping(last.va(), last.pa(), last.size() + size, flags));
            } else {
                out.add(new Mapping(sva, ppn << 12, size, flags));
            }
        }
    }

    /** Page tables are read from RAM only: a device register read could change the device. */
    private long readPte(long pa) {
        RamRegion ram = bus.findRam(pa, 8);
        return ram == null ? 0 : ram.read(pa - ram.base(), 8);
    }
}
