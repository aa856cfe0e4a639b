package org.multios.isa.riscv.disasm;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.multios.core.elf.ElfFile;

/**
 * The parts of an ELF64 file a disassembly listing needs beyond what {@link ElfFile}
 * keeps: section headers with names and flags, every symbol with its section, type,
 * binding and size, and the RISC-V arch attribute. Offsets are bounds-checked; a
 * malformed table is treated as absent rather than trusted.
 */
final class ElfImage {
    static final int SHT_SYMTAB = 2, SHT_NOBITS = 8, SHT_DYNSYM = 11, SHT_RISCV_ATTRIBUTES = 0x70000003;
    static final long SHF_EXECINSTR = 4;
    static final int SHN_UNDEF = 0, SHN_ABS = 0xfff1, SHN_COMMON = 0xfff2;
    static final int STT_OBJECT = 1, STT_FUNC = 2, STT_SECTION = 3, STT_FILE = 4, STT_TLS = 6, STT_GNU_IFUNC = 10;
    static final int STB_LOCAL = 0, STB_GLOBAL = 1, STB_WEAK = 2;

    record Section(int index, String name, int type, long flags, long addr, long offset, long size, int link,
                   long entsize) {
        boolean executable() { return (flags & SHF_EXECINSTR) != 0; }
        boolean hasContents() { return type != SHT_NOBITS; }
    }

    record Symbol(String name, long value, long size, int type, int bind, int shndx) {}

    final byte[] data;
    final List<Section> sections = new ArrayList<>();
    final List<Symbol> symbols = new ArrayList<>();
    /** The dynamic symbol table without its null entry (index i here is dynamic symbol i + 1). */
    final List<Symbol> dynamicSymbols = new ArrayList<>();
    int dynsymIndex = -1;
    /** True when the file has no static symbol table and {@link #symbols} is the dynamic one. */
    boolean symbolsAreDynamic;
    String arch;     // Tag_RISCV_arch, or null
    String privSpec; // "1.11" etc. from Tag_RISCV_priv_spec*, or null

    ElfImage(ElfFile elf) {
        this.data = elf.bytes();
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        long shoff = b.getLong(40);
        int shentsize = b.getShort(58) & 0xffff;
        int shnum = b.getShort(60) & 0xffff;
        int shstrndx = b.getShort(62) & 0xffff;
        if (shoff <= 0 || shnum == 0 || shentsize < 64 || !fits(shoff, (long) shentsize * shnum)) {
            // No section headers (objdump then lists nothing): show the executable segments instead.
            int i = 0;
            for (ElfFile.Segment seg : elf.segments()) {
                if (seg.executable() && seg.fileSize() > 0 && fits(seg.fileOffset(), seg.fileSize())) {
                    sections.add(new Section(sections.size(), "segment" + i, 1, SHF_EXECINSTR, seg.vaddr(),
                            seg.fileOffset(), seg.fileSize(), 0, 0));
                }
                i++;
            }
            return;
        }
        long[][] raw = new long[shnum][];
        for (int i = 0; i < shnum; i++) {
            int o = (int) (shoff + (long) i * shentsize);
            raw[i] = new long[] {b.getInt(o) & 0xffffffffL, b.getInt(o + 4), b.getLong(o + 8), b.getLong(o + 16),
                b.getLong(o + 24), b.getLong(o + 32), b.getInt(o + 40), b.getLong(o + 56)};
        }
        long strOff = shstrndx < shnum ? raw[shstrndx][4] : 0, strSize = shstrndx < shnum ? raw[shstrndx][5] : 0;
        for (int i = 0; i < shnum; i++) {
            String name = fits(strOff, strSize) ? cString(strOff + raw[i][0], strOff + strSize) : "";
            sections.add(new Section(i, name, (int) raw[i][1], raw[i][2], raw[i][3], raw[i][4], raw[i][5],
                    (int) raw[i][6], raw[i][7]));
        }
        // objdump uses the static symbol table, or the dynamic one when there is none
        int symtab = -1;
        for (int pass = 0; pass < 2 && symtab < 0; pass++) {
            for (int i = 0; i < shnum; i++) {
                if (raw[i][1] == (pass == 0 ? SHT_SYMTAB : SHT_DYNSYM)) { symtab = i; break; }
            }
        }
        if (symtab >= 0) readSymbols(b, raw, symtab, symbols);
        symbolsAreDynamic = symtab >= 0 && raw[symtab][1] == SHT_DYNSYM;
        for (int i = 0; i < shnum; i++) {
            if (raw[i][1] == SHT_DYNSYM) {
                dynsymIndex = i;
                readSymbols(b, raw, i, dynamicSymbols);
                break;
            }
        }
        for (int i = 0; i < shnum; i++) {
            if (raw[i][1] == SHT_RISCV_ATTRIBUTES && fits(raw[i][4], raw[i][5])) {
                RiscvAttributes attrs = RiscvAttributes.parse(data, (int) raw[i][4], (int) raw[i][5]);
                arch = attrs.arch;
                privSpec = attrs.privSpec();
            }
        }
    }

    private void readSymbols(ByteBuffer b, long[][] raw, int symtab, List<Symbol> into) {
        long off = raw[symtab][4], size = raw[symtab][5], entsize = raw[symtab][7];
        int link = (int) raw[symtab][6];
        if (entsize < 24 || !fits(off, size) || link < 0 || link >= raw.length) return;
        long strOff = raw[link][4], strSize = raw[link][5];
        if (!fits(strOff, strSize)) return;
        for (long s = off + entsize; s + entsize <= off + size; s += entsize) { // entry 0 is the null symbol
            int o = (int) s;
            long nameOff = b.getInt(o) & 0xffffffffL;
            int info = data[o + 4] & 0xff;
            int shndx = b.getShort(o + 6) & 0xffff;
            long value = b.getLong(o + 8), sz = b.getLong(o + 16);
            String name = nameOff < strSize ? cString(strOff + nameOff, strOff + strSize) : "";
            into.add(new Symbol(name, value, sz, info & 15, info >> 4, shndx));
        }
    }

    boolean fits(long off, long len) {
        return off >= 0 && len >= 0 && off + len <= data.length && off + len >= 0;
    }

    String cString(long start, long limit) {
        limit = Math.min(limit, data.length);
        if (start < 0 || start >= limit) return "";
        int s = (int) start, e = s;
        while (e < limit && data[e] != 0) e++;
        return new String(data, s, e - s, StandardCharsets.UTF_8);
    }

    Section section(int index) {
        return index >= 0 && index < sections.size() ? sections.get(index) : null;
    }
}
