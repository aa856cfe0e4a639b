package org.multios.isa.riscv.decode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The parsed encoding table ({@code riscv.decode}; notation described at its top) with
 * a lookup index: 32-bit patterns are bucketed by major opcode, funct3 and funct7, so a
 * decode tests only the one to three patterns of its bucket; 16-bit encodings are
 * indexed directly. Loading rejects malformed lines and any two patterns that can match the same
 * word unless both sit in one overlap group (where declaration order decides).
 */
public final class DecodeTable {
    /** Resource path of the standard table, next to this class. */
    public static final String STANDARD = "riscv.decode";

    private final List<EncodingPattern> patterns;
    /** 32-bit buckets: opcode bits 6:2, funct3 (14:12) and funct7 (31:25), 15 bits in all. */
    private final EncodingPattern[][] buckets32 = new EncodingPattern[1 << 15][];
    /** 16-bit encodings are few enough to index directly. */
    private final EncodingPattern[] direct16 = new EncodingPattern[1 << 16];

    private static final int KEY32_BITS = 0xfe00707c;

    private static int key32(int bits) {
        return ((bits >>> 2) & 0x1f) | ((bits >>> 12) & 7) << 5 | (bits >>> 25) << 8;
    }

    private DecodeTable(List<EncodingPattern> patterns) {
        this.patterns = List.copyOf(patterns);
        java.util.Map<List<EncodingPattern>, EncodingPattern[]> shared = new HashMap<>();
        for (int k = 0; k < buckets32.length; k++) {
            int probe = ((k & 0x1f) << 2) | 3 | ((k >>> 5) & 7) << 12 | (k >>> 8) << 25;
            List<EncodingPattern> b = new ArrayList<>();
            for (EncodingPattern p : patterns) {
                if (p.length() == 4 && ((probe ^ p.match()) & p.mask() & KEY32_BITS) == 0) b.add(p);
            }
            buckets32[k] = shared.computeIfAbsent(b, x -> x.toArray(new EncodingPattern[0]));
        }
        for (int h = 0; h < direct16.length; h++) {
            if ((h & 3) == 3) continue;
            for (EncodingPattern p : patterns) {
                if (p.length() == 2 && (h & p.mask()) == p.match()) {
                    direct16[h] = p;
                    break;
                }
            }
        }
    }

    /** Every pattern, in table order. */
    public List<EncodingPattern> patterns() { return patterns; }

    /**
     * The pattern that matches the instruction whose low bits are {@code bits} (only the
     * low 16 bits are looked at when the low two bits are not {@code 11}), or null.
     */
    public EncodingPattern find(int bits) {
        if ((bits & 3) != 3) return direct16[bits & 0xffff];
        for (EncodingPattern p : buckets32[key32(bits)]) {
            if ((bits & p.mask()) == p.match()) return p;
        }
        return null;
    }

    /** Loads the standard table shipped with this module. */
    public static DecodeTable standard() {
        try (InputStream in = DecodeTable.class.getResourceAsStream(STANDARD)) {
            if (in == null) throw new DecodeTableException("encoding table resource " + STANDARD + " is missing");
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), STANDARD);
        } catch (IOException e) {
            throw new DecodeTableException("cannot read encoding table " + STANDARD + ": " + e.getMessage());
        }
    }

    /** Parses a table; {@code source} names it in error messages. */
    public static DecodeTable parse(String text, String source) {
        return new Parser(source).parse(text);
    }

    private static final class Parser {
        private final String source;
        private final Map<String, BitField> fields = new HashMap<>();
        private final Map<String, Object[]> formats = new HashMap<>(); // [BitField[6], long[6]]
        private final List<EncodingPattern> patterns = new ArrayList<>();
        private int lineNo;
        private int group, groupCounter;
        private String extension = "i";
        // the pattern being built, so '|' lines can attach to it
        private PendingPattern pending;

        Parser(String source) { this.source = source; }

        private DecodeTableException error(String msg) {
            return new DecodeTableException(source + ":" + lineNo + ": " + msg);
        }

        DecodeTable parse(String text) {
            String[] lines = text.split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                lineNo = i + 1;
                String line = lines[i];
                int hash = line.indexOf('#');
                // '#' starts a comment except inside a disassembly line (none use '#')
                if (hash >= 0) line = line.substring(0, hash);
                line = line.strip();
                if (line.isEmpty()) continue;
                char c = line.charAt(0);
                if (c == '|') {
                    if (pending == null) throw error("disassembly line without a pattern above it");
                    pending.rules.add(parseRule(line.substring(1).strip()));
                    continue;
                }
                flush();
                if (c == '%') parseField(line.substring(1));
                else if (c == '@') parseFormat(line.substring(1));
                else if (line.startsWith("!ext ")) extension = line.substring(5).strip();
                else if (line.equals("{")) {
                    if (group != 0) throw error("overlap groups do not nest");
                    group = ++groupCounter;
                } else if (line.equals("}")) {
                    if (group == 0) throw error("'}' without '{'");
                    group = 0;
                } else parsePattern(line);
            }
            flush();
            if (group != 0) throw error("overlap group is not closed");
            checkOverlaps();
            return new DecodeTable(patterns);
        }

        private void flush() {
            if (pending != null) {
                patterns.add(pending.build());
                pending = null;
            }
        }

        private void parseField(String spec) {
            String[] t = spec.trim().split("\\s+");
            String name = t[0];
            if (fields.containsKey(name)) throw error("field %" + name + " declared twice");
            boolean signed = false;
            int shift = 0, offset = 0;
            List<int[]> segs = new ArrayList<>();
            for (int i = 1; i < t.length; i++) {
                String s = t[i];
                if (s.equals("s")) signed = true;
                else if (s.startsWith("<<")) shift = parseInt(s.substring(2));
                else if (s.startsWith("+")) offset = parseInt(s.substring(1));
                else {
                    int colon = s.indexOf(':');
                    int hi = parseInt(colon < 0 ? s : s.substring(0, colon));
                    int lo = colon < 0 ? hi : parseInt(s.substring(colon + 1));
                    if (hi < lo || lo < 0 || hi > 31) throw error("bad bit range '" + s + "' in field %" + name);
                    segs.add(new int[] {hi, lo});
                }
            }
            if (segs.isEmpty()) throw error("field %" + name + " has no bits");
            int[] hi = new int[segs.size()], lo = new int[segs.size()];
            for (int i = 0; i < hi.length; i++) {
                hi[i] = segs.get(i)[0];
                lo[i] = segs.get(i)[1];
            }
            fields.put(name, new BitField(name, hi, lo, signed, shift, offset));
        }

        private int parseInt(String s) {
            try {
                return (int) parseLong(s);
            } catch (NumberFormatException e) {
                throw error("bad number '" + s + "'");
            }
        }

        private static long parseLong(String s) {
            boolean neg = s.startsWith("-");
            String d = neg ? s.substring(1) : s;
            long v = d.startsWith("0x") ? Long.parseLong(d.substring(2), 16) : Long.parseLong(d);
            return neg ? -v : v;
        }

        private void parseFormat(String spec) {
            String[] t = spec.trim().split("\\s+");
            String name = t[0];
            if (formats.containsKey(name)) throw error("format @" + name + " declared twice");
            BitField[] f = new BitField[6];
            long[] k = new long[6];
            for (int i = 1; i < t.length; i++) assign(t[i], f, k);
            formats.put(name, new Object[] {f, k});
        }

        private void assign(String a, BitField[] f, long[] k) {
            int eq = a.indexOf('=');
            if (eq < 0) throw error("expected SLOT=VALUE, found '" + a + "'");
            InsnSlot slot = InsnSlot.parse(a.substring(0, eq));
            if (slot == null || slot == InsnSlot.RAW) throw error("unknown slot '" + a.substring(0, eq) + "'");
            String v = a.substring(eq + 1);
            if (v.startsWith("%")) {
                BitField bf = fields.get(v.substring(1));
                if (bf == null) throw error("unknown field " + v);
                f[slot.ordinal()] = bf;
            } else {
                f[slot.ordinal()] = null;
                try {
                    k[slot.ordinal()] = parseLong(v);
                } catch (NumberFormatException e) {
                    throw error("bad value '" + v + "'");
                }
            }
        }

        private void parsePattern(String line) {
            String[] t = line.split("\\s+");
            RvOp op;
            try {
                op = RvOp.valueOf(t[0]);
            } catch (IllegalArgumentException e) {
                throw error("unknown operation '" + t[0] + "' (not an RvOp)");
            }
            StringBuilder bits = new StringBuilder();
            int i = 1;
            while (i < t.length && !t[i].startsWith("@")) bits.append(t[i++]);
            if (i == t.length) throw error("pattern " + t[0] + " has no @format");
            Object[] fmt = formats.get(t[i].substring(1));
            if (fmt == null) throw error("unknown format " + t[i]);
            BitField[] f = ((BitField[]) fmt[0]).clone();
            long[] k = ((long[]) fmt[1]).clone();
            String ext = extension;
            for (i++; i < t.length; i++) {
                if (t[i].startsWith("ext=")) ext = t[i].substring(4);
                else assign(t[i], f, k);
            }
            int len = bits.length();
            if (len != 32 && len != 16) throw error("pattern " + t[0] + " has " + len + " bits, not 32 or 16");
            int mask = 0, match = 0;
            for (int b = 0; b < len; b++) {
                char c = bits.charAt(b);
                int bit = len - 1 - b;
                switch (c) {
                    case '0' -> mask |= 1 << bit;
                    case '1' -> { mask |= 1 << bit; match |= 1 << bit; }
                    case '.', '-' -> { }
                    default -> throw error("bad character '" + c + "' in bit pattern");
                }
            }
            if (len == 32 && (mask & match & 3) != 3) throw error("32-bit pattern must end in 11");
            if (len == 16 && ((mask & 3) != 3 || (match & 3) == 3)) throw error("16-bit pattern must end in 00, 01 or 10");
            for (BitField bf : f) {
                if (bf != null && len == 16 && (bf.encodingMask() & ~0xffff) != 0) {
                    throw error("field %" + bf.name() + " reaches beyond a 16-bit encoding");
                }
            }
            pending = new PendingPattern(op, len / 8, mask, match, f, k, group, lineNo, ext);
        }

        private DisasmRule parseRule(String text) {
            String body = text, when = "";
            int w = text.indexOf(" when ");
            if (w >= 0) {
                body = text.substring(0, w).strip();
                when = text.substring(w + 6).strip();
            }
            if (body.isEmpty()) throw error("disassembly line has no mnemonic");
            int sp = body.indexOf(' ');
            String mnem = sp < 0 ? body : body.substring(0, sp);
            String ops = sp < 0 ? "" : body.substring(sp + 1).strip();
            List<DisasmRule.Condition> conds = new ArrayList<>();
            if (!when.isEmpty()) {
                for (String c : when.split("\\s+")) conds.add(parseCondition(c));
            }
            return new DisasmRule(mnem, ops, List.copyOf(conds));
        }

        private DisasmRule.Condition parseCondition(String c) {
            boolean equal = true;
            int at = c.indexOf("!=");
            int len = 2;
            if (at < 0) {
                at = c.indexOf('=');
                len = 1;
            } else equal = false;
            if (at <= 0) throw error("bad condition '" + c + "'");
            String lhs = c.substring(0, at), rhs = c.substring(at + len);
            int hi = -1, lo = -1;
            int br = lhs.indexOf('[');
            if (br >= 0) {
                String range = lhs.substring(br + 1, lhs.length() - 1);
                int colon = range.indexOf(':');
                hi = parseInt(colon < 0 ? range : range.substring(0, colon));
                lo = colon < 0 ? hi : parseInt(range.substring(colon + 1));
                lhs = lhs.substring(0, br);
            }
            InsnSlot slot = InsnSlot.parse(lhs);
            if (slot == null) throw error("unknown slot in condition '" + c + "'");
            InsnSlot other = InsnSlot.parse(rhs);
            long k = 0;
            if (other == null) {
                try {
                    k = parseLong(rhs);
                } catch (NumberFormatException e) {
                    throw error("bad value in condition '" + c + "'");
                }
            }
            return new DisasmRule.Condition(slot, hi, lo, equal, other, k);
        }

        /**
         * Two patterns overlap when some word matches both: their fixed bits agree
         * wherever both are fixed. Allowed only inside one group, and there a pattern
         * fully shadowed by an earlier one would be dead, which is an error too.
         */
        private void checkOverlaps() {
            for (int i = 0; i < patterns.size(); i++) {
                EncodingPattern a = patterns.get(i);
                for (int j = i + 1; j < patterns.size(); j++) {
                    EncodingPattern b = patterns.get(j);
                    if (a.length() != b.length()) continue;
                    if (((a.match() ^ b.match()) & a.mask() & b.mask()) != 0) continue;
                    if (a.group() == 0 || a.group() != b.group()) {
                        throw new DecodeTableException(source + ":" + b.line() + ": pattern " + b.op()
                                + " overlaps " + a.op() + " (line " + a.line()
                                + ") outside a declared overlap group");
                    }
                    if ((a.mask() & b.mask()) == a.mask()) {
                        throw new DecodeTableException(source + ":" + b.line() + ": pattern " + b.op()
                                + " can never match: " + a.op() + " (line " + a.line() + ") covers it");
                    }
                }
            }
        }

        private record PendingPattern(RvOp op, int length, int mask, int match, BitField[] f, long[] k,
                                      int group, int line, String ext, List<DisasmRule> rules) {
            PendingPattern(RvOp op, int length, int mask, int match, BitField[] f, long[] k, int group, int line,
                           String ext) {
                this(op, length, mask, match, f, k, group, line, ext, new ArrayList<>());
            }

            EncodingPattern build() {
                return new EncodingPattern(op, length, mask, match, f, k, group, line, List.of(ext.split("\\+")),
                        Collections.unmodifiableList(new ArrayList<>(rules)));
            }
        }
    }
}
