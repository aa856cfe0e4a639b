package org.multios.core.elf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A parsed little-endian ELF64 file: header, loadable segments and the symbol table.
 * Every offset and size is checked against the file before use, so a truncated or
 * hostile file yields an {@link ElfFormatException} with a one-line reason.
 */
public final class ElfFile {
    public static final int EM_X86_64 = 62, EM_AARCH64 = 183, EM_RISCV = 243;
    public static final int ET_EXEC = 2, ET_DYN = 3;
    public static final int PT_LOAD = 1, PT_INTERP = 3;
    private static final int SHT_SYMTAB = 2;

    /** One PT_LOAD segment. */
    public record Segment(long vaddr, long paddr, long fileOffset, long fileSize, long memSize, int flags) {
        public boolean executable() { return (flags & 1) != 0; }
        public boolean writable() { return (flags & 2) != 0; }
        public boolean readable() { return (flags & 4) != 0; }
    }

    private final byte[] data;
    private final int type;
    private final int machine;
    private final long entry;
    private final List<Segment> segments;
    private final Map<String, Long> symbols;
    private final String interpreter;

    private ElfFile(byte[] data, int type, int machine, long entry, List<Segment> segments,
                    Map<String, Long> symbols, String interpreter) {
        this.data = data;
        this.type = type;
        this.machine = machine;
        this.entry = entry;
        this.segments = segments;
        this.symbols = symbols;
        this.interpreter = interpreter;
    }

    public static boolean looksLikeElf(byte[] d) {
        return d.length >= 4 && d[0] == 0x7f && d[1] == 'E' && d[2] == 'L' && d[3] == 'F';
    }

    public static ElfFile parse(byte[] d) throws ElfFormatException {
        if (!looksLikeElf(d)) throw new ElfFormatException("not an ELF file (bad magic)");
        if (d.length < 64) throw new ElfFormatException("truncated ELF header (" + d.length + " bytes)");
        if (d[4] != 2) throw new ElfFormatException("not a 64-bit ELF file (class " + d[4] + ")");
        if (d[5] != 1) throw new ElfFormatException("not a little-endian ELF file");
        ByteBuffer b = ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN);
        int type = b.getShort(16) & 0xffff;
        int machine = b.getShort(18) & 0xffff;
        long entry = b.getLong(24);
        long phoff = b.getLong(32);
        long shoff = b.getLong(40);
        int phentsize = b.getShort(54) & 0xffff;
        int phnum = b.getShort(56) & 0xffff;
        int shentsize = b.getShort(58) & 0xffff;
        int shnum = b.getShort(60) & 0xffff;
        if (type != ET_EXEC && type != ET_DYN) throw new ElfFormatException("ELF type " + type + " is not an executable");
        if (phnum == 0) throw new ElfFormatException("ELF file has no program headers");
        if (phentsize < 56) throw new ElfFormatException("bad program header size " + phentsize);
        check(d, phoff, (long) phentsize * phnum, "program headers");
        List<Segment> segs = new ArrayList<>();
        String interp = null;
        for (int i = 0; i < phnum; i++) {
            int o = (int) (phoff + (long) i * phentsize);
            int ptype = b.getInt(o);
            int flags = b.getInt(o + 4);
            long off = b.getLong(o + 8), va = b.getLong(o + 16), pa = b.getLong(o + 24);
            long filesz = b.getLong(o + 32), memsz = b.getLong(o + 40);
            if (ptype == PT_LOAD) {
                check(d, off, filesz, "segment " + i);
                if (Long.compareUnsigned(filesz, memsz) > 0) {
                    throw new ElfFormatException("segment " + i + " has file size larger than memory size");
                }
                if (memsz < 0 || memsz > (1L << 40)) throw new ElfFormatException("segment " + i + " is too large");
                segs.add(new Segment(va, pa, off, filesz, memsz, flags));
            } else if (ptype == PT_INTERP) {
                check(d, off, filesz, "interpreter path");
                int len = (int) filesz;
                while (len > 0 && d[(int) off + len - 1] == 0) len--;
                interp = new String(d, (int) off, len, StandardCharsets.UTF_8);
            }
        }
        if (segs.isEmpty()) throw new ElfFormatException("ELF file has no loadable segments");
        Map<String, Long> syms = readSymbols(d, b, shoff, shentsize, shnum);
        return new ElfFile(d, type, machine, entry, List.copyOf(segs), syms, interp);
    }

    private static Map<String, Long> readSymbols(byte[] d, ByteBuffer b, long shoff, int shentsize, int shnum)
            throws ElfFormatException {
        Map<String, Long> syms = new HashMap<>();
        if (shoff == 0 || shnum == 0) return syms;
        if (shentsize < 64) throw new ElfFormatException("bad section header size " + shentsize);
        check(d, shoff, (long) shentsize * shnum, "section headers");
        for (int i = 0; i < shnum; i++) {
            int o = (int) (shoff + (long) i * shentsize);
            if (b.getInt(o + 4) != SHT_SYMTAB) continue;
            long off = b.getLong(o + 24), size = b.getLong(o + 32);
            int link = b.getInt(o + 40);
            long entsize = b.getLong(o + 56);
            check(d, off, size, "symbol table");
            if (link < 0 || link >= shnum || entsize < 24) throw new ElfFormatException("bad symbol table header");
            int so = (int) (shoff + (long) link * shentsize);
            long stroff = b.getLong(so + 24), strsize = b.getLong(so + 32);
            check(d, stroff, strsize, "string table");
            for (long s = off; s + entsize <= off + size; s += entsize) {
                int nameOff = b.getInt((int) s);
                long value = b.getLong((int) s + 8);
                if (nameOff <= 0 || nameOff >= strsize) continue;
                int start = (int) (stroff + nameOff), end = start;
                while (end < stroff + strsize && d[end] != 0) end++;
                syms.putIfAbsent(new String(d, start, end - start, StandardCharsets.UTF_8), value);
            }
        }
        return syms;
    }

    private static void check(byte[] d, long off, long len, String what) throws ElfFormatException {
        if (off < 0 || len < 0 || off + len > d.length || off + len < 0) {
            throw new ElfFormatException("truncated ELF file: " + what + " extend past the end of the file");
        }
    }

    public int type() { return type; }
    public int machine() { return machine; }
    public long entry() { return entry; }
    public List<Segment> segments() { return segments; }
    public Map<String, Long> symbols() { return symbols; }
    public Optional<Long> symbol(String name) { return Optional.ofNullable(symbols.get(name)); }
    public Optional<String> interpreter() { return Optional.ofNullable(interpreter); }
    public byte[] bytes() { return data; }

    public static String machineName(int machine) {
        return switch (machine) {
            case EM_RISCV -> "RISC-V";
            case EM_AARCH64 -> "AArch64";
            case EM_X86_64 -> "x86-64";
            default -> "machine " + machine;
        };
    }

    public void requireMachine(int expected) throws ElfFormatException {
        if (machine != expected) {
            throw new ElfFormatException("ELF file is for " + machineName(machine) + ", not " + machineName(expected));
        }
    }
}
