package org.multios.isa.riscv.disasm;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/**
 * The {@code .riscv.attributes} section (ELF build attributes, vendor "riscv") and the
 * ISA string in its {@code Tag_RISCV_arch}, which tells a disassembler which extensions
 * the code may use.
 */
final class RiscvAttributes {
    private static final int TAG_FILE = 1, TAG_RISCV_ARCH = 5;
    private static final int TAG_PRIV_SPEC = 8, TAG_PRIV_SPEC_MINOR = 10, TAG_PRIV_SPEC_REVISION = 12;

    String arch;
    long privMajor = -1, privMinor = -1, privRevision = -1;

    private RiscvAttributes() {}

    /** objdump's privileged spec version for these attributes, or null when they name none it knows. */
    String privSpec() {
        if (privMajor < 0 && privMinor < 0 && privRevision < 0) return null;
        long maj = Math.max(privMajor, 0), min = Math.max(privMinor, 0), rev = Math.max(privRevision, 0);
        if (maj == 1 && min == 9 && rev == 1) return "1.9.1";
        if (maj == 1 && rev == 0 && min >= 10 && min <= 12) return "1." + min;
        return null;
    }

    /** The attributes at {@code data[off, off+len)}; what cannot be read stays unset. */
    static RiscvAttributes parse(byte[] data, int off, int len) {
        RiscvAttributes a = new RiscvAttributes();
        a.read(data, off, len);
        return a;
    }

    private void read(byte[] data, int off, int len) {
        int end = off + len;
        if (len < 1 || data[off] != 'A') return;
        int p = off + 1;
        while (p + 4 <= end) {
            int subLen = le32(data, p);
            int subEnd = p + subLen;
            if (subLen < 4 || subEnd > end) return;
            int q = p + 4;
            int nameEnd = q;
            while (nameEnd < subEnd && data[nameEnd] != 0) nameEnd++;
            String vendor = new String(data, q, nameEnd - q, StandardCharsets.US_ASCII);
            q = nameEnd + 1;
            if (vendor.equals("riscv")) {
                while (q + 5 <= subEnd) {
                    int tag = data[q] & 0xff;
                    int size = le32(data, q + 1);
                    int tagEnd = q + size;
                    if (size < 5 || tagEnd > subEnd) return;
                    if (tag == TAG_FILE) {
                        parseTags(data, q + 5, tagEnd);
                        return;
                    }
                    q = tagEnd;
                }
            }
            p = subEnd;
        }
    }

    private void parseTags(byte[] d, int p, int end) {
        while (p < end) {
            long[] tag = uleb(d, p);
            p = (int) tag[1];
            // even tags carry a ULEB128 number, odd tags a NUL-terminated string (ABI rule)
            if ((tag[0] & 1) == 0) {
                long[] v = uleb(d, p);
                p = (int) v[1];
                if (tag[0] == TAG_PRIV_SPEC) privMajor = v[0];
                else if (tag[0] == TAG_PRIV_SPEC_MINOR) privMinor = v[0];
                else if (tag[0] == TAG_PRIV_SPEC_REVISION) privRevision = v[0];
            } else {
                int e = p;
                while (e < end && d[e] != 0) e++;
                if (tag[0] == TAG_RISCV_ARCH) arch = new String(d, p, e - p, StandardCharsets.US_ASCII);
                p = e + 1;
            }
        }
    }

    private static long[] uleb(byte[] d, int p) {
        long v = 0;
        int shift = 0;
        while (p < d.length) {
            int b = d[p++] & 0xff;
            v |= (long) (b & 0x7f) << shift;
            shift += 7;
            if ((b & 0x80) == 0) break;
        }
        return new long[] {v, p};
    }

    private static int le32(byte[] d, int p) {
        return (d[p] & 0xff) | (d[p + 1] & 0xff) << 8 | (d[p + 2] & 0xff) << 16 | (d[p + 3] & 0xff) << 24;
    }

    /**
     * The extensions an ISA string names, lower-case ({@code rv64imac_zicsr_zba} gives
     * i m a c zicsr zba); {@code g} stands for imafd, zicsr and zifencei.
     */
    static Set<String> extensions(String isa) {
        Set<String> out = new HashSet<>();
        String s = isa.toLowerCase(java.util.Locale.ROOT);
        if (s.startsWith("rv32") || s.startsWith("rv64")) s = s.substring(4);
        String[] parts = s.split("_");
        for (int k = 0; k < parts.length; k++) {
            String part = parts[k];
            if (part.isEmpty()) continue;
            char c0 = part.charAt(0);
            if (k > 0 && (c0 == 'z' || c0 == 's' || c0 == 'x')) {
                int e = part.length();
                while (e > 0 && (Character.isDigit(part.charAt(e - 1)) || part.charAt(e - 1) == 'p')) e--;
                // a name can end in 'p' only if followed by no version; keep at least one letter after the prefix
                out.add(part.substring(0, Math.max(e, 2)));
                continue;
            }
            for (int i = 0; i < part.length(); i++) {
                char c = part.charAt(i);
                if (Character.isDigit(c) || (c == 'p' && i > 0 && Character.isDigit(part.charAt(i - 1)))) continue;
                if (c == 'g') {
                    out.add("i"); out.add("m"); out.add("a"); out.add("f"); out.add("d");
                    out.add("zicsr"); out.add("zifencei");
                } else {
                    out.add(String.valueOf(c));
                }
            }
        }
        if (out.contains("f") || out.contains("d")) out.add("zicsr");
        return out;
    }
}
