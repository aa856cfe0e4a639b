package org.multios.isa.x86.disasm;

import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.multios.core.elf.ElfFile;

/**
 * An {@code objdump -d} style listing of an x86-64 ELF file: every executable section, a
 * header at each symbol, and per instruction the address, up to 7 bytes per line (longer
 * instructions continue on the next line) and the AT&T text.
 */
public final class X86ElfListing {
    private static final int SHF_EXECINSTR = 4, SHT_PROGBITS = 1;

    private record Section(String name, long addr, long offset, long size) {}

    private X86ElfListing() {}

    public static void print(ElfFile elf, String fileName, PrintStream out) {
        byte[] d = elf.bytes();
        ByteBuffer b = ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN);
        TreeMap<Long, String> symbols = new TreeMap<>();
        for (Map.Entry<String, Long> e : elf.symbols().entrySet()) {
            if (e.getKey().isEmpty()) continue;
            // at one address objdump names the program's own symbol rather than a linker-made "__..." one
            symbols.merge(e.getValue(), e.getKey(), (x, y) -> rank(x).compareTo(rank(y)) <= 0 ? x : y);
        }
        AttDisassembler dis = new AttDisassembler(64);
        if (fileName != null) out.print("\n" + fileName + ":     file format elf64-x86-64\n\n");
        for (Section s : sections(b, d)) {
            out.print("\nDisassembly of section " + s.name() + ":\n");
            if (!symbols.containsKey(s.addr())) out.printf("%n%016x <%s>:%n", s.addr(), s.name());
            long off = 0;
            while (off < s.size()) {
                long pc = s.addr() + off;
                String sym = symbols.get(pc);
                if (sym != null) out.printf("%n%016x <%s>:%n", pc, sym);
                final long base = s.offset() + off, limit = s.size() - off;
                AttDisassembler.Line line = dis.disassemble(i -> i < limit ? d[(int) (base + i)] & 0xff : 0, pc);
                String text = withSymbol(line.text(), symbols);
                int n = (int) Math.min(line.length(), limit);
                for (int first = 0; first < n; first += 7) {
                    StringBuilder hex = new StringBuilder();
                    for (int i = first; i < Math.min(n, first + 7); i++) hex.append(String.format("%02x ", d[(int) (base + i)] & 0xff));
                    if (first == 0) {
                        while (hex.length() < 21) hex.append(' ');
                        out.printf("%8x:\t%s\t%s%n", pc, hex, text);
                    } else {
                        out.printf("%8x:\t%s%n", pc + first, hex.toString().stripTrailing());
                    }
                }
                off += n;
            }
        }
        out.flush();
    }

    private static String rank(String name) { return (name.startsWith("_") ? "1" : "0") + name; }

    /** objdump follows a direct branch target (and a RIP-relative comment) with {@code <symbol+0xoff>}. */
    static String withSymbol(String text, TreeMap<Long, String> symbols) {
        if (symbols.isEmpty()) return text;
        int hash = text.indexOf("# ");
        if (hash >= 0) {
            long t = Long.parseUnsignedLong(text.substring(hash + 2).trim(), 16);
            return text + label(t, symbols);
        }
        boolean branch = text.startsWith("call") || text.startsWith("j") || text.startsWith("loop");
        if (!branch) return text;
        int sp = text.lastIndexOf(' ');
        String arg = text.substring(sp + 1);
        if (arg.isEmpty() || arg.startsWith("*") || arg.startsWith("%")) return text;
        try {
            long t = Long.parseUnsignedLong(arg, 16);
            return text + label(t, symbols);
        } catch (NumberFormatException e) {
            return text;
        }
    }

    private static String label(long t, TreeMap<Long, String> symbols) {
        Map.Entry<Long, String> e = symbols.floorEntry(t);
        if (e == null) return "";
        return " <" + e.getValue() + (t == e.getKey() ? "" : "+0x" + Long.toHexString(t - e.getKey())) + ">";
    }

    private static List<Section> sections(ByteBuffer b, byte[] d) {
        List<Section> out = new ArrayList<>();
        long shoff = b.getLong(0x28);
        int shentsize = b.getShort(0x3a) & 0xffff, shnum = b.getShort(0x3c) & 0xffff, shstrndx = b.getShort(0x3e) & 0xffff;
        if (shoff == 0 || shnum == 0) return out;
        long strOff = b.getLong((int) (shoff + (long) shstrndx * shentsize + 0x18));
        for (int i = 0; i < shnum; i++) {
            int h = (int) (shoff + (long) i * shentsize);
            int type = b.getInt(h + 4);
            long flags = b.getLong(h + 8);
            if (type != SHT_PROGBITS || (flags & SHF_EXECINSTR) == 0) continue;
            int nameOff = b.getInt(h);
            StringBuilder name = new StringBuilder();
            for (int k = (int) strOff + nameOff; d[k] != 0; k++) name.append((char) d[k]);
            out.add(new Section(name.toString(), b.getLong(h + 0x10), b.getLong(h + 0x18), b.getLong(h + 0x20)));
        }
        return out;
    }
}
