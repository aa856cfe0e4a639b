package org.multios.isa.riscv.disasm;

import java.io.PrintStream;
import java.util.Set;
import org.multios.core.elf.ElfFile;
import org.multios.isa.riscv.decode.RvDecoder;
import org.multios.isa.riscv.decode.RvInsn;

/**
 * An {@code objdump -d} listing of an ELF file: every executable section with contents,
 * split at symbols into labelled blocks, runs of zero bytes shown as {@code ...}, each
 * instruction line as address, raw bytes in objdump's column layout and the text.
 */
final class ElfListing {
    private static final int SKIP_ZEROES = 8, SKIP_ZEROES_AT_END = 3, BYTES_PER_LINE = 8;

    private final ElfImage image;
    private final ObjdumpSymbols symbols;
    private final IsaProfile profile;
    private final AddressHints hints;
    private final PrintStream out;
    private final StringBuilder line = new StringBuilder(128);
    private ElfImage.Section current;
    /** objdump's bytes_per_chunk, which outlives the instruction that set it. */
    private int lastChunk;
    /** The current section's mapping symbols, in address order. */
    private final java.util.List<ObjdumpSymbols.Sym> mapping = new java.util.ArrayList<>();
    /** For each mapping symbol, the ISA a "$xrv..." symbol at or before it selected (null: the file's). */
    private IsaProfile[] mappingIsa = new IsaProfile[0];
    private final java.util.Map<String, IsaProfile> isaProfiles = new java.util.HashMap<>();

    ElfListing(ElfFile elf, PrintStream out) {
        this.image = new ElfImage(elf);
        this.symbols = new ObjdumpSymbols(image);
        // objdump's default for RV64 ELF files without an arch attribute is rv64gc
        Set<String> ext = RiscvAttributes.extensions(image.arch != null ? image.arch : "rv64gc");
        ext.add("zicsr");
        ext.add("zifencei");
        this.profile = new IsaProfile(ext, image.privSpec != null ? image.privSpec : "1.12");
        Long gp = null;
        for (ObjdumpSymbols.Sym s : symbols.sorted) {
            if (s.name().equals("__global_pointer$")) gp = s.value();
        }
        this.hints = new AddressHints(gp);
        this.out = out;
    }

    void print(String fileName) {
        if (fileName != null) out.print("\n" + fileName + ":     file format elf64-littleriscv\n\n");
        for (ElfImage.Section s : image.sections) {
            if (!s.executable() || !s.hasContents() || s.size() == 0) continue;
            if (s.offset() < 0 || s.offset() + s.size() > image.data.length) {
                out.print("\nDisassembly of section " + s.name() + ":\n");
                out.print("objdump: section " + s.name() + " extends past the end of the file\n");
                continue;
            }
            section(s);
        }
    }

    private String addressText(long vma) {
        if (symbols.size() < 1) return "0x" + Long.toHexString(vma);
        String name = symbols.describeTarget(vma, current.index());
        return Long.toHexString(vma) + " <" + (name != null ? name : sectionRelative(vma)) + ">";
    }

    private String sectionRelative(long vma) {
        long base = current.addr();
        if (vma == base) return current.name();
        if (Long.compareUnsigned(vma, base) < 0) return current.name() + "-0x" + Long.toHexString(base - vma);
        return current.name() + "+0x" + Long.toHexString(vma - base);
    }

    private void section(ElfImage.Section sec) {
        current = sec;
        mapping.clear();
        for (ObjdumpSymbols.Sym m : symbols.sorted) {
            if (m.section() == sec.index() && ObjdumpSymbols.isMappingSymbol(m.name())) mapping.add(m);
        }
        // "$xrv64i2p1_..." mapping symbols switch the ISA from there on, as in objdump
        mappingIsa = new IsaProfile[mapping.size()];
        IsaProfile isa = null;
        for (int k = 0; k < mapping.size(); k++) {
            String n = mapping.get(k).name();
            if (n.startsWith("$xrv")) {
                isa = isaProfiles.computeIfAbsent(n, x -> {
                    Set<String> e = RiscvAttributes.extensions(x.substring(2));
                    e.add("zicsr");
                    e.add("zifencei");
                    return new IsaProfile(e, profile.privSpec());
                });
            }
            mappingIsa[k] = isa;
        }
        long base = sec.addr();
        long stop = sec.size();
        int skipAddrChars = skipAddrChars(base + stop);
        out.print("\nDisassembly of section " + sec.name() + ":\n");
        int place = symbols.find(base, sec.index(), true);
        long off = 0;
        while (off < stop) {
            long addr = base + off;
            ObjdumpSymbols.Sym sym = place >= 0 ? symbols.get(place) : null;
            out.print("\n" + String.format("%016x", addr) + " <"
                    + (sym == null ? sectionRelative(addr) : ObjdumpSymbols.describe(sym, addr)) + ">:\n");
            ObjdumpSymbols.Sym next;
            int nextPlace;
            if (sym != null && Long.compareUnsigned(sym.value(), addr) > 0) {
                next = sym;
                nextPlace = place;
            } else if (sym == null) {
                // no symbol labels this block: the next one is the first of the section after it
                nextPlace = 0;
                while (nextPlace < symbols.size() && !(symbols.get(nextPlace).section() == sec.index()
                        && Long.compareUnsigned(symbols.get(nextPlace).value(), addr) > 0
                        && symbols.get(nextPlace).valid())) {
                    nextPlace++;
                }
                next = nextPlace < symbols.size() ? symbols.get(nextPlace) : null;
                if (next == null) nextPlace = -1;
            } else {
                nextPlace = place;
                while (nextPlace < symbols.size() && !validNext(symbols.get(nextPlace), sym, sec)) nextPlace++;
                if (nextPlace >= symbols.size()) {
                    next = null;
                    nextPlace = -1;
                } else {
                    next = symbols.get(nextPlace);
                }
            }
            long nextStop;
            if (sym != null && Long.compareUnsigned(sym.value(), addr) > 0) nextStop = sym.value() - base;
            else if (next == null) nextStop = stop;
            else nextStop = next.value() - base;
            if (Long.compareUnsigned(nextStop, stop) > 0 || Long.compareUnsigned(nextStop, off) <= 0) nextStop = stop;
            // objdump dumps blocks labelled by an object (not function) symbol as raw bytes
            boolean insns = sym == null || sym.section() != sec.index() || Long.compareUnsigned(sym.value(), addr) > 0
                    || (!sym.object() && !sym.name().contains("gnu_compiled") && !sym.name().contains("gcc2_compiled"))
                    || sym.function();
            bytes(sec, off, nextStop, skipAddrChars, insns);
            off = nextStop;
            place = nextPlace;
        }
    }

    private static boolean validNext(ObjdumpSymbols.Sym s, ObjdumpSymbols.Sym cur, ElfImage.Section sec) {
        return s.section() == sec.index() && Long.compareUnsigned(s.value(), cur.value()) > 0 && s.valid();
    }

    private static int skipAddrChars(long end) {
        String buf = String.format("%016x", end);
        int skip = 0;
        while (skip < buf.length() && buf.charAt(skip) == '0') skip++;
        if (skip == buf.length()) skip = 0; // objdump keeps them all when the end address is zero
        if (skip != 0) skip = (skip - 1) & -4;
        return skip;
    }

    private void bytes(ElfImage.Section sec, long start, long stop, int skipAddrChars, boolean insns) {
        byte[] d = image.data;
        int fileBase = (int) sec.offset();
        long off = start;
        while (off < stop) {
            long z = off;
            while (z < stop && d[fileBase + (int) z] == 0) z++;
            if (z - off >= SKIP_ZEROES || (z == stop && z - off < SKIP_ZEROES_AT_END)) {
                if (z != stop) z = off + ((z - off) & ~3L);
                out.print("\t...\n");
                off = z;
                continue;
            }
            long addr = sec.addr() + off;
            line.setLength(0);
            String a = String.format("%016x", addr).substring(skipAddrChars);
            int i = 0;
            while (i < a.length() - 1 && a.charAt(i) == '0') i++;
            line.append(" ".repeat(i)).append(a, i, a.length()).append(":\t");
            int avail = (int) (stop - off);
            int p = fileBase + (int) off;
            if (!insns) {
                off += rawBytesLine(p, avail);
                continue;
            }
            boolean data = mappedAsData(addr);
            int len, chunk, perLine = BYTES_PER_LINE;
            if (data) {
                len = dataLength(addr);
                chunk = len;
                if (len == 1) perLine = 6;
            } else {
                int low = avail >= 2 ? (d[p] & 0xff) | (d[p + 1] & 0xff) << 8 : (avail == 1 ? d[p] & 0xff : 0);
                len = objdumpLength(low);
                chunk = len % 4 == 0 ? 4 : 2;
            }
            if (len > avail) len = avail; // objdump cannot read past the block either
            long word = 0;
            for (int k = len - 1; k >= 0; k--) word = (word << 8) | (d[p + k] & 0xff);
            String text;
            if (data) {
                text = switch (len) {
                    case 1 -> String.format(".byte\t0x%02x", word);
                    case 2 -> String.format(".short\t0x%04x", word);
                    case 4 -> String.format(".word\t0x%08x", word);
                    default -> String.format(".dword\t0x%016x", word);
                };
            } else if ((len == 2 && (word & 3) != 3) || len == 4) {
                RvInsn insn = RvDecoder.decode((int) word);
                int m = lastMappingAtOrBefore(addr);
                IsaProfile isa = m >= 0 && mappingIsa[m] != null ? mappingIsa[m] : profile;
                text = InsnFormatter.format(insn, addr, this::addressText, isa, hints);
            } else if (len == 2 || len == 4 || len == 8) {
                text = "." + len + "byte\t0x" + Long.toHexString(word);
            } else {
                // objdump lists other lengths (48-bit, 80-bit and longer forms) byte by byte
                StringBuilder t = new StringBuilder(".byte\t");
                for (int k = 0; k < len; k++) t.append(k == 0 ? "" : ", ").append(String.format("0x%02x", d[p + k] & 0xff));
                text = t.toString();
            }
            int pb = Math.min(len, perLine);
            for (int j = 0; j < pb; j += chunk) {
                for (int k = chunk - 1; k >= 0; k--) line.append(String.format("%02x", d[p + j + k] & 0xff));
                line.append(' ');
            }
            for (; pb < perLine; pb += chunk) {
                line.append("  ".repeat(chunk)).append(' ');
            }
            line.append('\t').append(text);
            // bytes beyond the first line go on lines of their own, as objdump prints them
            for (int q = pb; q < len; ) {
                line.append('\n');
                String qa = String.format("%016x", addr + q).substring(skipAddrChars);
                int z0 = 0;
                while (z0 < qa.length() - 1 && qa.charAt(z0) == '0') z0++;
                line.append(" ".repeat(z0)).append(qa, z0, qa.length()).append(":\t");
                int end = Math.min(len, q + perLine);
                for (int j = q; j < end; j += chunk) {
                    for (int k = chunk - 1; k >= 0; k--) line.append(String.format("%02x", d[p + j + k] & 0xff));
                    line.append(' ');
                }
                q = end;
            }
            line.append('\n');
            out.print(line);
            lastChunk = chunk;
            off += len;
        }
    }

    /**
     * One line of an object's bytes as objdump shows them: 16 bytes grouped in the chunk
     * size of the last instruction it printed (objdump keeps that setting), then the
     * printable characters.
     */
    private int rawBytesLine(int p, int avail) {
        byte[] d = image.data;
        int perLine = 16, octets = Math.min(perLine, avail), bpc = lastChunk > 0 ? lastChunk : 1;
        int pb = octets;
        for (int j = 0; j < pb; j += bpc) {
            if (j + bpc <= avail) {
                for (int k = bpc - 1; k >= 0; k--) line.append(String.format("%02x", d[p + j + k] & 0xff));
            }
            line.append(' ');
        }
        for (; pb < perLine; pb += bpc) line.append("  ".repeat(bpc)).append(' ');
        line.append("    ");
        for (int j = 0; j < octets; j++) {
            int c = d[p + j] & 0xff;
            line.append(c >= 0x20 && c < 0x7f ? (char) c : '.');
        }
        line.append('\n');
        out.print(line);
        return octets;
    }

    /**
     * Whether the mapping symbols ({@code $d} after {@code $x}) mark {@code addr} as data:
     * the last mapping symbol of the section at or before it decides; none means code.
     */
    private boolean mappedAsData(long addr) {
        int i = lastMappingAtOrBefore(addr);
        return i >= 0 && mapping.get(i).name().equals("$d");
    }

    /** objdump's riscv_data_length: up to 4 bytes, cut at the next mapping symbol or the section end. */
    private int dataLength(long addr) {
        long length = 4;
        int next = lastMappingAtOrBefore(addr) + 1;
        if (next < mapping.size()) length = Math.min(length, mapping.get(next).value() - addr);
        else length = Math.min(length, current.addr() + current.size() - addr);
        return length == 3 ? 2 : (int) length;
    }

    /** Index of the last mapping symbol whose address is at or before {@code addr}, or -1. */
    private int lastMappingAtOrBefore(long addr) {
        int lo = 0, hi = mapping.size() - 1, found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(mapping.get(mid).value(), addr) <= 0) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    /** objdump's riscv_insn_length: 2, 4, 6, 8 or 10 to 24 bytes from the low halfword. */
    static int objdumpLength(int low) {
        if ((low & 3) != 3) return 2;
        if ((low & 0x1f) != 0x1f) return 4;
        if ((low & 0x3f) == 0x1f) return 6;
        if ((low & 0x7f) == 0x3f) return 8;
        if ((low & 0x7f) == 0x7f && (low & 0x7000) != 0x7000) return 10 + ((low >> 11) & 0xe);
        return 2;
    }
}
