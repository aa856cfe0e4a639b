package org.multios.isa.riscv.disasm;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The symbol table the way objdump orders and searches it, so that labels and
 * {@code <sym+0xoff>} suffixes name the same symbol objdump names: section, file,
 * undefined and common symbols dropped; sorted by address, then functions before
 * objects before globals before locals, larger before smaller, then by name; a lookup
 * takes the first usable symbol at the greatest address not above the target.
 * RISC-V mapping symbols ({@code $x}, {@code $d}) take part in the order but are never
 * named.
 */
final class ObjdumpSymbols {
    /** A symbol with the section it is defined in (index; -1 for absolute); synthetic = BFD-made (PLT). */
    record Sym(String name, String version, long value, long size, int type, int bind, int section, boolean synthetic) {
        boolean function() { return type == ElfImage.STT_FUNC || type == ElfImage.STT_GNU_IFUNC; }
        boolean object() { return type == ElfImage.STT_OBJECT; }
        boolean local() { return bind == ElfImage.STB_LOCAL; }
        boolean global() { return bind == ElfImage.STB_GLOBAL; }
        boolean fileSymbol() {
            int n = name.length();
            return type == ElfImage.STT_FILE
                    || (n > 2 && name.charAt(n - 2) == '.' && (name.charAt(n - 1) == 'o' || name.charAt(n - 1) == 'a'));
        }
        /** objdump's riscv_symbol_is_valid: mapping symbols and the fake label are never printed. */
        boolean valid() {
            return !name.equals(".L0 ") && !isMappingSymbol(name);
        }
    }

    /** RISC-V ELF mapping symbols: {@code $x} (code), {@code $d} (data), {@code $xrv64...} (code with an ISA). */
    static boolean isMappingSymbol(String name) {
        return name.equals("$x") || name.equals("$d") || name.startsWith("$xrv");
    }

    final List<Sym> sorted;
    private final ElfImage image;
    private final DynamicSymbols dynamic;

    ObjdumpSymbols(ElfImage image) {
        this.image = image;
        this.dynamic = new DynamicSymbols(image);
        List<Sym> list = new ArrayList<>();
        int index = 0;
        for (ElfImage.Symbol s : image.symbols) {
            index++;
            if (s.name().isEmpty()) continue;
            // BFD marks section and file symbols as such (file ones as debugging symbols too)
            if (s.type() == ElfImage.STT_SECTION || s.type() == ElfImage.STT_FILE) continue;
            if (s.shndx() == ElfImage.SHN_UNDEF || s.shndx() == ElfImage.SHN_COMMON) continue;
            int sec = s.shndx() == ElfImage.SHN_ABS ? -1 : s.shndx();
            // symbols of a dynamic table print with their versions (puts@@GLIBC_2.27)
            String version = image.symbolsAreDynamic ? dynamic.versionSuffix(index) : "";
            list.add(new Sym(s.name(), version, s.value(), s.size(), s.type(), s.bind(), sec, false));
        }
        list.addAll(dynamic.synthetic);
        list.sort(ORDER);
        this.sorted = List.copyOf(list);
    }

    int size() { return sorted.size(); }

    private static final Comparator<Sym> ORDER = (a, b) -> {
        int c = Long.compareUnsigned(a.value, b.value);
        if (c != 0) return c;
        boolean af = a.name.contains("gnu_compiled") || a.name.contains("gcc2_compiled");
        boolean bf = b.name.contains("gnu_compiled") || b.name.contains("gcc2_compiled");
        if (af != bf) return af ? 1 : -1;
        af = a.fileSymbol();
        bf = b.fileSymbol();
        if (af != bf) return af ? 1 : -1;
        if (a.function() != b.function()) return a.function() ? -1 : 1;
        if (a.object() != b.object()) return a.object() ? -1 : 1;
        if (a.local() != b.local()) return a.local() ? 1 : -1;
        if (a.global() != b.global()) return a.global() ? -1 : 1;
        long asz = a.synthetic ? 0 : a.size, bsz = b.synthetic ? 0 : b.size;
        if (asz != bsz) return Long.compareUnsigned(asz, bsz) > 0 ? -1 : 1;
        boolean ad = a.name.startsWith("."), bd = b.name.startsWith(".");
        if (ad != bd) return ad ? 1 : -1;
        return compareBytes(a.name, b.name);
    };

    private static int compareBytes(String a, String b) {
        byte[] x = a.getBytes(java.nio.charset.StandardCharsets.UTF_8), y = b.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int n = Math.min(x.length, y.length);
        for (int i = 0; i < n; i++) {
            int d = (x[i] & 0xff) - (y[i] & 0xff);
            if (d != 0) return d;
        }
        return x.length - y.length;
    }

    private boolean ok(boolean wantSection, int place, int section) {
        Sym s = sorted.get(place);
        if (wantSection && s.section != section) return false;
        return s.valid();
    }

    /**
     * objdump's find_symbol_for_address: index of the symbol describing {@code vma}, or
     * -1. {@code section} is the section being disassembled; {@code requireSection}
     * restricts the answer to it (used for labels).
     */
    int find(long vma, int section, boolean requireSection) {
        int count = sorted.size();
        if (count < 1) return -1;
        int min = 0, max = count;
        while (min + 1 < max) {
            int mid = (max + min) >>> 1;
            long v = sorted.get(mid).value;
            int c = Long.compareUnsigned(v, vma);
            if (c > 0) max = mid;
            else if (c < 0) min = mid;
            else {
                min = mid;
                break;
            }
        }
        int place = min;
        while (place > 0 && sorted.get(place).value == sorted.get(place - 1).value) place--;
        // prefer a symbol of the current section among those with the same value
        min = place;
        while (min < max && min < count && sorted.get(min).value == sorted.get(place).value) {
            if (ok(true, min, section)) return min;
            min++;
        }
        boolean want = requireSection;
        if (!ok(want, place, section)) {
            int newPlace = count;
            for (int i = min - 1; i >= 0; i--) {
                if (ok(want, i, section)) {
                    if (newPlace == count) newPlace = i;
                    if (sorted.get(i).value != sorted.get(newPlace).value) break;
                    newPlace = i;
                }
            }
            if (newPlace != count) {
                place = newPlace;
            } else {
                for (int i = place + 1; i < count; i++) {
                    // objdump 2.40 does not settle on a PLT (synthetic) symbol ahead of the address
                    // when the file has a static symbol table: the PLT's first label is "<.plt>"
                    // there, but "<x@plt-0x20>" in a stripped file (observed behaviour)
                    if (ok(want, i, section) && !(sorted.get(i).synthetic() && !image.symbolsAreDynamic)) {
                        place = i;
                        break;
                    }
                }
            }
            if (!ok(want, place, section)) return -1;
        }
        return place;
    }

    Sym get(int i) { return sorted.get(i); }

    /**
     * The text between {@code <} and {@code >} objdump prints after an address operand,
     * or null when it prints the section name instead. Like objdump, when no symbol
     * starts exactly there, a dynamic relocation at that address names it.
     */
    String describeTarget(long vma, int section) {
        int i = find(vma, section, false);
        if (i < 0) return null;
        Sym s = sorted.get(i);
        ElfImage.Section sec = image.section(s.section());
        long relative = s.section() < 0 || sec == null ? s.value() : s.value() - sec.addr();
        if (relative != vma && !s.synthetic()) {
            DynamicSymbols.Reloc r = dynamic.at(vma);
            if (r != null) {
                if (r.value() == vma || r.undefined()) return r.name();
                return Long.compareUnsigned(r.value(), vma) > 0 ? r.name() + "-0x" + Long.toHexString(r.value() - vma)
                        : r.name() + "+0x" + Long.toHexString(vma - r.value());
            }
        }
        return describe(s, vma);
    }

    /** {@code name}, {@code name+0x10} or {@code name-0x4} for {@code vma}. */
    static String describe(Sym s, long vma) {
        String n = s.name + s.version;
        if (s.value == vma) return n;
        if (Long.compareUnsigned(s.value, vma) > 0) return n + "-0x" + Long.toHexString(s.value - vma);
        return n + "+0x" + Long.toHexString(vma - s.value);
    }
}
