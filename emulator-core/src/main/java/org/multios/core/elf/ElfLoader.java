package org.multios.core.elf;

import org.multios.core.bus.PhysicalBus;
import org.multios.core.bus.RamRegion;

/** Loads an ELF file's segments at their physical addresses, as QEMU's {@code -kernel} does. */
public final class ElfLoader {
    private ElfLoader() {}

    /** Loads every PT_LOAD segment; the bss part is zeroed. Fails if a segment does not fit in RAM/ROM. */
    public static void load(ElfFile elf, PhysicalBus bus) throws ElfFormatException {
        for (ElfFile.Segment s : elf.segments()) {
            if (s.memSize() == 0) continue;
            RamRegion ram = bus.findRam(s.paddr(), s.memSize());
            if (ram == null) {
                throw new ElfFormatException(String.format(
                        "segment at 0x%x (%d bytes) does not fit in the machine's memory", s.paddr(), s.memSize()));
            }
            bus.loadImage(s.paddr(), elf.bytes(), (int) s.fileOffset(), (int) s.fileSize());
            long bss = s.memSize() - s.fileSize();
            if (bss > 0) {
                ram.segment().asSlice(s.paddr() + s.fileSize() - ram.base(), bss).fill((byte) 0);
            }
        }
    }

    /** Lowest and highest physical address the loadable segments occupy. */
    public static long[] span(ElfFile elf) {
        long lo = Long.MAX_VALUE, hi = 0;
        for (ElfFile.Segment s : elf.segments()) {
            if (s.memSize() == 0) continue;
            lo = Math.min(lo, s.paddr());
            hi = Math.max(hi, s.paddr() + s.memSize());
        }
        return new long[] {lo, hi};
    }
}
