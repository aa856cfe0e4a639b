package org.multios.isa.arm64.decode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The A64 decoder, built from the text table {@code a64.decode} when the class loads.
 * Each pattern is a mask/value pair; patterns are indexed by instruction bits 28:25 (the
 * manual's op0, which splits A64 into its main encoding groups), so a lookup scans only
 * the few patterns of one group. Overlaps outside a declared {@code { }} group are
 * rejected when the table loads, so adding an encoding cannot silently shadow another.
 */
public final class A64DecodeTable {
    /** One pattern of the table. */
    public record Pattern(A64Op op, int mask, int value, int group, int line) {
        boolean matches(int insn) { return (insn & mask) == value; }
    }

    private static final A64DecodeTable DEFAULT = load();

    private final List<Pattern> patterns;
    // the same per-group lists as flat arrays: the lookup is on the hot path of every instruction
    private final int[][] masks = new int[16][], values = new int[16][];
    private final A64Op[][] ops = new A64Op[16][];

    A64DecodeTable(List<Pattern> patterns) {
        this.patterns = List.copyOf(patterns);
        for (int op0 = 0; op0 < 16; op0++) {
            List<Pattern> l = new ArrayList<>();
            for (Pattern p : patterns) {
                int m = p.mask() & (0xf << 25);
                if (((op0 << 25) & m) == (p.value() & m)) l.add(p);
            }

            masks[op0] = new int[l.size()];
            values[op0] = new int[l.size()];
            ops[op0] = new A64Op[l.size()];
            for (int k = 0; k < l.size(); k++) {
                masks[op0][k] = l.get(k).mask();
                values[op0][k] = l.get(k).value();
                ops[op0][k] = l.get(k).op();
            }
        }
    }

    /** The table shipped in the jar. */
    public static A64DecodeTable standard() { return DEFAULT; }

    public List<Pattern> patterns() { return patterns; }

    /** The encoding class of {@code insn}, or {@link A64Op#UNDEFINED}. */
    public A64Op decode(int insn) {
        int g = (insn >>> 25) & 0xf;
        int[] m = masks[g], v = values[g];
        for (int k = 0; k < m.length; k++) {
            if ((insn & m[k]) == v[k]) return ops[g][k];
        }
        return A64Op.UNDEFINED;
    }

    private static A64DecodeTable load() {
        try (InputStream in = A64DecodeTable.class.getResourceAsStream("a64.decode")) {
            if (in == null) throw new IllegalStateException("a64.decode is missing from the class path");
            return parse(new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read a64.decode: " + e.getMessage(), e);
        }
    }

    public static A64DecodeTable parse(String text) {
        try {
            return parse(new StringReader(text));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parses a table; a malformed line or an undeclared overlap throws with its line number. */
    public static A64DecodeTable parse(Reader reader) throws IOException {
        List<Pattern> out = new ArrayList<>();
        BufferedReader r = new BufferedReader(reader);
        String line;
        int lineNo = 0, group = 0, nextGroup = 1;
        while ((line = r.readLine()) != null) {
            lineNo++;
            int hash = line.indexOf('#');
            String s = (hash >= 0 ? line.substring(0, hash) : line).strip();
            if (s.isEmpty()) continue;
            if (s.equals("{")) {
                if (group != 0) throw error(lineNo, "nested overlap group");
                group = nextGroup++;
                continue;
            }
            if (s.equals("}")) {
                if (group == 0) throw error(lineNo, "'}' without '{'");
                group = 0;
                continue;
            }
            String[] parts = s.split("\\s+", 2);
            A64Op op;
            try {
                op = A64Op.valueOf(parts[0]);
            } catch (IllegalArgumentException e) {
                throw error(lineNo, "unknown operation " + parts[0]);
            }
            String bits = parts.length > 1 ? parts[1].replace(" ", "") : "";
            if (bits.length() != 32) throw error(lineNo, "pattern has " + bits.length() + " bits, not 32");
            int mask = 0, value = 0;
            for (int i = 0; i < 32; i++) {
                char c = bits.charAt(i);
                int bit = 1 << (31 - i);
                switch (c) {
                    case '0' -> mask |= bit;
                    case '1' -> { mask |= bit; value |= bit; }
                    case '.' -> { }
                    default -> throw error(lineNo, "bad pattern character '" + c + "'");
                }
            }
            Pattern p = new Pattern(op, mask, value, group, lineNo);
            for (Pattern q : out) {
                boolean overlap = ((p.value() ^ q.value()) & p.mask() & q.mask()) == 0;
                if (overlap && (group == 0 || q.group() != group)) {
                    throw error(lineNo, op + " overlaps " + q.op() + " (line " + q.line() + ")");
                }
            }
            out.add(p);
        }
        if (group != 0) throw error(lineNo, "unclosed overlap group");
        return new A64DecodeTable(out);
    }

    private static IllegalStateException error(int line, String msg) {
        return new IllegalStateException("a64.decode line " + line + ": " + msg);
    }
}
