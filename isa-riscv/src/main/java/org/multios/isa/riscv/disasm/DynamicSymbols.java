package org.multios.isa.riscv.disasm;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What objdump takes from a dynamically linked file besides its symbol table: a
 * {@code name@plt} symbol for each PLT entry (BFD's synthetic symbols; RISC-V PLT
 * entries are 16 bytes after a 32-byte header), and the dynamic relocations, whose
 * symbols name GOT slots ({@code # 2018 <puts@GLIBC_2.27>}) with their symbol versions.
 */
final class DynamicSymbols {
    private static final int SHT_RELA = 4, SHT_REL = 9;
    private static final int SHT_GNU_VERDEF = 0x6ffffffd, SHT_GNU_VERNEED = 0x6ffffffe, SHT_GNU_VERSYM = 0x6fffffff;
    private static final int PLT_HEADER_SIZE = 32, PLT_ENTRY_SIZE = 16;

    /** A dynamic relocation's target address and the text objdump prints for its symbol. */
    record Reloc(long address, String name, long value, boolean undefined) {}

    final List<ObjdumpSymbols.Sym> synthetic = new ArrayList<>();
    final List<Reloc> relocs = new ArrayList<>();
    /** "@VERSION" / "@@VERSION" / "" objdump appends to dynamic symbol i (index as in the table). */
    private String[] suffixes = new String[0];

    String versionSuffix(int dynamicIndex) {
        return dynamicIndex > 0 && dynamicIndex < suffixes.length ? suffixes[dynamicIndex] : "";
    }

    DynamicSymbols(ElfImage image) {
        if (image.dynsymIndex < 0 || image.dynamicSymbols.isEmpty()) return;
        ByteBuffer b = ByteBuffer.wrap(image.data).order(ByteOrder.LITTLE_ENDIAN);
        String[] versions = versionNames(image, b);
        suffixes = new String[versions.length];
        for (int i = 1; i < versions.length; i++) {
            ElfImage.Symbol sym = image.dynamicSymbols.get(i - 1);
            String v = versions[i];
            boolean undefined = sym.shndx() == ElfImage.SHN_UNDEF;
            suffixes[i] = v == null || v.isEmpty() ? "" : (undefined || hidden(image, b, i) ? "@" : "@@") + v;
        }
        ElfImage.Section plt = null, relplt = null;
        for (ElfImage.Section s : image.sections) {
            if (s.name().equals(".plt")) plt = s;
            if (s.name().equals(".rela.plt")) relplt = s;
        }
        for (ElfImage.Section s : image.sections) {
            if ((s.type() != SHT_RELA && s.type() != SHT_REL) || s.link() != image.dynsymIndex) continue;
            long ent = s.type() == SHT_RELA ? 24 : 16;
            if (!image.fits(s.offset(), s.size())) continue;
            int i = 0;
            for (long o = s.offset(); o + ent <= s.offset() + s.size(); o += ent, i++) {
                long offset = b.getLong((int) o), info = b.getLong((int) o + 8);
                long addend = s.type() == SHT_RELA ? b.getLong((int) o + 16) : 0;
                int symIndex = (int) (info >>> 32);
                ElfImage.Symbol sym = symIndex >= 1 && symIndex <= image.dynamicSymbols.size()
                        ? image.dynamicSymbols.get(symIndex - 1) : null;
                if (s == relplt && plt != null && sym != null) {
                    long addr = plt.addr() + PLT_HEADER_SIZE + (long) i * PLT_ENTRY_SIZE;
                    String name = sym.name() + (addend != 0 ? "+0x" + Long.toHexString(addend) : "") + "@plt";
                    // BFD copies the dynamic symbol's flags and makes it global; its size does not count
                    int bind = sym.bind() == ElfImage.STB_LOCAL ? ElfImage.STB_LOCAL : ElfImage.STB_GLOBAL;
                    synthetic.add(new ObjdumpSymbols.Sym(name, "", addr, 0, sym.type(), bind, plt.index(), true));
                }
                // a relocation without a symbol, or against an absolute one, names nothing
                if (sym == null || sym.shndx() == ElfImage.SHN_ABS) continue;
                boolean undefined = sym.shndx() == ElfImage.SHN_UNDEF;
                relocs.add(new Reloc(offset, sym.name() + suffixes[symIndex], sym.value(), undefined));
            }
        }
        relocs.sort(Comparator.comparingLong(Reloc::address));
    }

    /** The relocation objdump would pick for {@code vma}: the last one at that address. */
    Reloc at(long vma) {
        for (int i = relocs.size() - 1; i >= 0; i--) {
            Reloc r = relocs.get(i);
            if (r.address() == vma) return r;
            if (Long.compareUnsigned(r.address(), vma) < 0) break;
        }
        return null;
    }

    private static boolean hidden(ElfImage image, ByteBuffer b, int symIndex) {
        ElfImage.Section vs = section(image, SHT_GNU_VERSYM);
        if (vs == null || !image.fits(vs.offset() + 2L * symIndex, 2)) return false;
        return (b.getShort((int) (vs.offset() + 2L * symIndex)) & 0x8000) != 0;
    }

    private static ElfImage.Section section(ElfImage image, int type) {
        for (ElfImage.Section s : image.sections) if (s.type() == type) return s;
        return null;
    }

    /**
     * Version name of each dynamic symbol (index = symbol index) as objdump asks BFD's
     * bfd_get_symbol_version_string for it: "" for local symbols, "Base" for the global
     * version, the definition's or requirement's name otherwise.
     */
    private static String[] versionNames(ElfImage image, ByteBuffer b) {
        int n = image.dynamicSymbols.size() + 1;
        String[] out = new String[n];
        ElfImage.Section versym = section(image, SHT_GNU_VERSYM);
        if (versym == null || !image.fits(versym.offset(), 2L * n)) return out;
        java.util.Map<Integer, String> defs = new java.util.HashMap<>(), needs = new java.util.HashMap<>();
        int defCount = 0;
        ElfImage.Section verdef = section(image, SHT_GNU_VERDEF);
        if (verdef != null && image.fits(verdef.offset(), verdef.size())) {
            ElfImage.Section str = image.section(verdef.link());
            long p = verdef.offset(), end = verdef.offset() + verdef.size();
            for (int guard = 0; guard < 10000 && p + 20 <= end; guard++) {
                int ndx = b.getShort((int) p + 4) & 0xffff;
                int aux = b.getInt((int) p + 12), next = b.getInt((int) p + 16);
                if (str != null && p + aux + 8 <= end) {
                    long name = b.getInt((int) (p + aux)) & 0xffffffffL;
                    defs.put(ndx, image.cString(str.offset() + name, str.offset() + str.size()));
                }
                defCount++;
                if (next <= 0) break;
                p += next;
            }
        }
        ElfImage.Section verneed = section(image, SHT_GNU_VERNEED);
        if (verneed != null && image.fits(verneed.offset(), verneed.size())) {
            ElfImage.Section str = image.section(verneed.link());
            long p = verneed.offset(), end = verneed.offset() + verneed.size();
            for (int guard = 0; guard < 10000 && p + 16 <= end; guard++) {
                int cnt = b.getShort((int) p + 2) & 0xffff;
                int aux = b.getInt((int) p + 8), next = b.getInt((int) p + 12);
                long a = p + aux;
                for (int k = 0; k < cnt && a + 16 <= end; k++) {
                    int other = b.getShort((int) a + 6) & 0xffff;
                    long name = b.getInt((int) a + 8) & 0xffffffffL;
                    int anext = b.getInt((int) a + 12);
                    if (str != null) needs.put(other, image.cString(str.offset() + name, str.offset() + str.size()));
                    if (anext <= 0) break;
                    a += anext;
                }
                if (next <= 0) break;
                p += next;
            }
        }
        for (int i = 1; i < n; i++) {
            int ver = b.getShort((int) (versym.offset() + 2L * i)) & 0x7fff;
            if (ver == 0) out[i] = "";
            else if (ver == 1 && (ver > defCount || defs.containsKey(1))) out[i] = "Base";
            else if (ver <= defCount) out[i] = defs.getOrDefault(ver, "");
            else out[i] = needs.getOrDefault(ver, "");
        }
        return out;
    }
}
