package org.multios.isa.arm64.disasm;

import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.multios.core.elf.ElfFile;

/**
 * An {@code objdump -d} style listing of an AArch64 ELF file: each executable section,
 * a header line at the section start and at every symbol, then one line per 32-bit word
 * ({@code address:\tword \ttext}). Words outside the implemented encoding classes (SIMD&FP,
 * reserved) print as {@code .inst\t0x...}; objdump names the SIMD&FP ones.
 */
public final class A64ElfListing {
    private static final int SHF_EXECINSTR = 4, SHT_PROGBITS = 1;

    private record Section(String name, long addr, long offset, long size) {}

    private A64ElfListing() {}

    public static void print(ElfFile elf, String fileName, PrintStream out) {
        byte[] d = elf.bytes();
        ByteBuffer b = ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN);
        List<Section> sections = sections(b, d);
        TreeMap<Long, String> symbols = new TreeMap<>();
        for (Map.Entry<String, Long> e : elf.symbols().entrySet()) {
            if (e.getKey().isEmpty() || e.getKey().startsWith("$")) continue;
            symbols.merge(e.getValue(), e.getKey(), (x, y) -> x.compareTo(y) <= 0 ? x : y);
        }
        A64Disassembler dis = new A64Disassembler(!symbols.isEmpty());
        if (fileName != null) out.print("\n" + fileName + ":     file format elf64-littleaarch64\n\n");
        for (Section s : sections) {
            out.print("\nDisassembly of section " + s.name() + ":\n");
            String first = symbols.get(s.addr());
            if (first == null) out.printf("%n%016x <%s>:%n", s.addr(), s.name());
            int skip = skipAddrChars(s.addr() + s.size(), s.addr());
            for (long off = 0; off + 4 <= s.size(); off += 4) {
                long pc = s.addr() + off;
                String sym = symbols.get(pc);
                if (sym != null) out.printf("%n%016x <%s>:%n", pc, sym);
                int word = b.getInt((int) (s.offset() + off));
                String text = dis.disassemble(word, pc);
                if (text == null) text = String.format(".inst\t0x%08x", word);
                else if (!symbols.isEmpty()) text = withSymbol(text, symbols);
                out.printf("%s:\t%08x \t%s%n", addressColumn(pc, skip), word, text);
            }
        }
        out.flush();
    }

    /** objdump prints a branch or literal target as {@code hex <symbol+0xoff>} when the file has symbols. */
    private static String withSymbol(String text, TreeMap<Long, String> symbols) {
        int comment = text.indexOf("  //");
        String body = comment >= 0 ? text.substring(0, comment) : text;
        int at = body.lastIndexOf(", ");
        int tab = body.indexOf('\t');
        int start = at >= 0 ? at + 2 : tab >= 0 ? tab + 1 : -1;
        if (start < 0 || !(text.startsWith("b") || text.startsWith("cb") || text.startsWith("tb") || text.startsWith("adr")
                || text.startsWith("ldr") || text.startsWith("prfm"))) return text;
        if (text.indexOf('[') >= 0) return text;
        int end = start;
        while (end < body.length() && Character.digit(body.charAt(end), 16) >= 0) end++;
        if (end == start || end != body.length()) return text;
        long target = Long.parseUnsignedLong(body.substring(start, end), 16);
        Map.Entry<Long, String> e = symbols.floorEntry(target);
        String label = e == null ? null : e.getValue() + (target == e.getKey() ? "" : "+0x" + Long.toHexString(target - e.getKey()));
        return text.substring(0, start) + Long.toHexString(target) + (label != null ? " <" + label + ">" : "") + text.substring(end);
    }

    /** objdump drops leading zeros of the section's end address in groups of 4, keeping at least one. */
    private static int skipAddrChars(long end, long vma) {
        String buf = String.format("%016x", end);
        int skip = 0;
        while (skip < buf.length() && buf.charAt(skip) == '0') skip++;
        if (skip == buf.length() && vma != 0) skip = 0;
        return skip != 0 ? (skip - 1) & -4 : 0;
    }

    /** The address with the skipped digits dropped and the remaining leading zeros as blanks. */
    private static String addressColumn(long pc, int skip) {
        char[] buf = String.format("%016x", pc).substring(skip).toCharArray();
        int k = 0;
        while (k < buf.length && buf[k] == '0') buf[k++] = ' ';
        if (k == buf.length) buf[k - 1] = '0';
        return new String(buf);
    }

    private static List<Section> sections(ByteBuffer b, byte[] d) {
        List<Section> out = new ArrayList<>();
        if (d.length < 64) return out;
        long shoff = b.getLong(0x28);
        int shentsize = b.getShort(0x3a) & 0xffff, shnum = b.getShort(0x3c) & 0xffff, shstrndx = b.getShort(0x3e) & 0xffff;
        if (shoff <= 0 || shentsize < 64 || shoff + (long) shnum * shentsize > d.length || shstrndx >= shnum) return out;
        long strOff = b.getLong((int) (shoff + (long) shstrndx * shentsize + 0x18));
        for (int k = 0; k < shnum; k++) {
            int h = (int) (shoff + (long) k * shentsize);
            int type = b.getInt(h + 4);
            long flags = b.getLong(h + 8), addr = b.getLong(h + 0x10), offset = b.getLong(h + 0x18), size = b.getLong(h + 0x20);
            if (type != SHT_PROGBITS || (flags & SHF_EXECINSTR) == 0 || size == 0 || offset < 0 || offset + size > d.length) continue;
            out.add(new Section(cString(d, (int) (strOff + (b.getInt(h) & 0xffffffffL))), addr, offset, size));
        }
        return out;
    }

    private static String cString(byte[] d, int at) {
        if (at < 0 || at >= d.length) return "?";
        int end = at;
        while (end < d.length && d[end] != 0) end++;
        return new String(d, at, end - at, StandardCharsets.US_ASCII);
    }
}
