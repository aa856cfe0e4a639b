package org.multios.isa.x86.gdb;

import java.util.ArrayList;
import java.util.List;
import org.multios.core.bus.PhysicalBus;
import org.multios.core.bus.RamRegion;
import org.multios.isa.x86.X86Cpu;

/**
 * A read-only walk of the x86 page tables (SDM Vol. 3 ch. 4: 32-bit paging with PSE, PAE,
 * 4-level) for the debugger: unlike {@code X86PageWalker} it never sets accessed/dirty bits,
 * never fills the TLB and never faults; an address without a valid mapping gives -1.
 * Permissions are not checked: GDB may read what the guest's kernel mode could not write.
 */
final class X86PageTableView {
    static final long NONE = -1L;
    private static final long P = 1, PS = 0x80;
    private static final long ADDR = 0x000f_ffff_ffff_f000L;

    private X86PageTableView() {}

    /** The physical address {@code linear} maps to under the CPU's current paging mode, or {@link #NONE}. */
    static long translate(X86Cpu cpu, long linear) {
        if ((cpu.cr0 & X86Cpu.CR0_PG) == 0) return linear & 0xffff_ffffL;
        PhysicalBus bus = cpu.bus;
        if (cpu.longMode() || (cpu.cr4 & X86Cpu.CR4_PAE) != 0) {
            long table;
            int level;
            if (cpu.longMode()) {
                long canonical = linear >> 47;
                if (canonical != 0 && canonical != -1) return NONE;
                table = cpu.cr3 & ADDR;
                level = 4;
            } else {
                linear &= 0xffff_ffffL;
                long pdpte = read(bus, (cpu.cr3 & 0xffff_ffe0L) + ((linear >>> 30) & 3) * 8, 8);
                if ((pdpte & P) == 0) return NONE;
                table = pdpte & ADDR;
                level = 2;
            }
            for (int shift = 12 + 9 * (level - 1); level >= 1; level--, shift -= 9) {
                long entry = read(bus, table + ((linear >>> shift) & 0x1ff) * 8, 8);
                if ((entry & P) == 0) return NONE;
                boolean large = (entry & PS) != 0 && (level == 2 || (level == 3 && cpu.longMode()));
                if (level == 1 || large) {
                    long mask = (1L << shift) - 1;
                    return (entry & ADDR & ~mask) | (linear & mask);
                }
                table = entry & ADDR;
            }
            return NONE;
        }
        linear &= 0xffff_ffffL;
        long pde = read(bus, (cpu.cr3 & 0xffff_f000L) + ((linear >>> 22) & 0x3ff) * 4, 4);
        if ((pde & P) == 0) return NONE;
        if ((cpu.cr4 & X86Cpu.CR4_PSE) != 0 && (pde & PS) != 0) {
            return (pde & 0xffc0_0000L) | ((pde & 0x1fe000L) << 19) | (linear & 0x3f_ffff);
        }
        long pte = read(bus, (pde & 0xffff_f000L) + ((linear >>> 12) & 0x3ff) * 4, 4);
        if ((pte & P) == 0) return NONE;
        return (pte & 0xffff_f000L) | (linear & 0xfff);
    }


    /** A run of linear addresses mapped contiguously with the same permissions. */
    record Mapping(long linear, long end, long physical, String flags) {
        String format() {
            return String.format("%016x-%016x  %016x  %s%n", linear, end - 1, physical, flags);
        }
    }

    private static final long RW = 2, US = 4, NX = 1L << 63;
    private static final int MAX_MAPPINGS = 4096;

    /** Every present mapping, ascending, coalesced (for {@code monitor info mem}); at most 4096 runs. */
    static List<Mapping> mappings(X86Cpu cpu) {
        List<Mapping> out = new ArrayList<>();
        if ((cpu.cr0 & X86Cpu.CR0_PG) == 0) return out;
        PhysicalBus bus = cpu.bus;
        if (cpu.longMode()) {
            walk(cpu, bus, cpu.cr3 & ADDR, 4, 0, RW | US, out);
        } else if ((cpu.cr4 & X86Cpu.CR4_PAE) != 0) {
            for (int i = 0; i < 4; i++) {
                long pdpte = read(bus, (cpu.cr3 & 0xffff_ffe0L) + i * 8L, 8);
                if ((pdpte & P) != 0) walk(cpu, bus, pdpte & ADDR, 2, (long) i << 30, RW | US, out);
            }
        } else {
            for (int i = 0; i < 1024 && out.size() < MAX_MAPPINGS; i++) {
                long pde = read(bus, (cpu.cr3 & 0xffff_f000L) + i * 4L, 4);
                if ((pde & P) == 0) continue;
                long base = (long) i << 22;
                if ((cpu.cr4 & X86Cpu.CR4_PSE) != 0 && (pde & PS) != 0) {
                    add(out, base, 1L << 22, (pde & 0xffc0_0000L) | ((pde & 0x1fe000L) << 19), pde);
                    continue;
                }
                for (int j = 0; j < 1024; j++) {
                    long pte = read(bus, (pde & 0xffff_f000L) + j * 4L, 4);
                    if ((pte & P) != 0) add(out, base | ((long) j << 12), 4096, pte & 0xffff_f000L, pte & pde);
                }
            }
        }
        return out;
    }

    private static void walk(X86Cpu cpu, PhysicalBus bus, long table, int level, long base, long inherited, List<Mapping> out) {
        int shift = 12 + 9 * (level - 1);
        for (int i = 0; i < 512 && out.size() < MAX_MAPPINGS; i++) {
            long entry = read(bus, table + i * 8L, 8);
            if ((entry & P) == 0) continue;
            long linear = base | ((long) i << shift);
            if (level == 4 && i >= 256) linear |= 0xffff_0000_0000_0000L; // canonical upper half
            long perms = (inherited & entry & (RW | US)) | ((inherited | entry) & NX);
            boolean large = (entry & PS) != 0 && (level == 2 || (level == 3 && cpu.longMode()));
            if (level == 1 || large) {
                add(out, linear, 1L << shift, entry & ADDR & ~((1L << shift) - 1), perms);
            } else {
                walk(cpu, bus, entry & ADDR, level - 1, linear, perms, out);
            }
        }
    }

    /** Appends a mapping, merging it into the previous one when contiguous in both spaces with the same flags. */
    private static void add(List<Mapping> out, long linear, long size, long physical, long bits) {
        String flags = ((bits & RW) != 0 ? "w" : "-") + ((bits & US) != 0 ? "u" : "-") + ((bits & NX) != 0 ? "-" : "x");
        if (!out.isEmpty()) {
            Mapping last = out.get(out.size() - 1);
            if (last.end() == linear && last.physical() + (last.end() - last.linear()) == physical && last.flags().equals(flags)) {
                out.set(out.size() - 1, new Mapping(last.linear(), linear + size, last.physical(), flags));
                return;
            }
        }
        out.add(new Mapping(linear, linear + size, physical, flags));
    }

    /** Page tables are read from RAM only: a device register read could change the device. */
    private static long read(PhysicalBus bus, long pa, int size) {
        RamRegion ram = bus.findRam(pa, size);
        return ram == null ? 0 : ram.read(pa - ram.base(), size); // nothing there: not present
    }
}
