package org.multios.isa.x86.decode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The x86 opcode maps, parsed once from {@code opcodes.map}. Each opcode of each map
 * (one-byte, 0F, 0F38, 0F3A) has a {@link Slot}: either a plain entry or a ModRM.reg group,
 * each optionally split by mandatory prefix and by ModRM.mod (memory or register form).
 */
public final class OpcodeMaps {
    public static final int ONE_BYTE = 0, MAP_0F = 1, MAP_0F38 = 2, MAP_0F3A = 3;

    /** Rows that share one opcode byte, in the order they are tried. */
    public static final class Slot {
        final List<Row> rows = new ArrayList<>();
        boolean modrm;

        /** True when this opcode has a ModRM byte. */
        public boolean hasModrm() { return modrm; }

        /**
         * The entry for the given mandatory prefix (0, 0x66, 0xF3, 0xF2) and ModRM byte, or null
         * (an undefined encoding, #UD). A prefixed row wins over the unprefixed fallback.
         */
        public OpcodeEntry select(int prefix, int modrm) {
            Row fallback = null;
            int reg = (modrm >> 3) & 7, mod = modrm >> 6, rm = modrm & 7;
            for (Row r : rows) {
                if (r.reg >= 0 && r.reg != reg) continue;
                if (r.mod == 'm' && mod == 3) continue;
                if (r.mod == 'r' && mod != 3) continue;
                if (r.rm >= 0 && r.rm != rm) continue;
                if (r.prefix == prefix && prefix != 0) return r.entry;
                if (r.prefix == 0 && fallback == null) fallback = r;
            }
            return fallback == null ? null : fallback.entry;
        }

        /** True when some row of this slot needs the given prefix as a mandatory one. */
        public boolean usesMandatoryPrefix(int prefix) {
            for (Row r : rows) if (r.prefix == prefix) return true;
            return false;
        }
    }

    /**
     * One line of the map: ModRM.reg group (-1: none), ModRM.mod restriction ('m', 'r' or 0),
     * ModRM.rm (-1: any), mandatory prefix (0, 0x66, 0xF3, 0xF2) and the entry.
     */
    public record Row(int reg, char mod, int rm, int prefix, OpcodeEntry entry) {}

    /** A row with the map and opcode it belongs to. */
    public record Located(int map, int opcode, Row row) {}

    /** Every row of every map with its position (for encoders in tests and tools). */
    public static List<Located> rows() {
        List<Located> all = new ArrayList<>();
        for (int m = 0; m < 4; m++) {
            for (int op = 0; op < 256; op++) {
                Slot s = MAPS[m][op];
                if (s != null) for (Row r : s.rows) all.add(new Located(m, op, r));
            }
        }
        return all;
    }

    private static final Slot[][] MAPS = new Slot[4][256];

    static {
        try (InputStream in = OpcodeMaps.class.getResourceAsStream("opcodes.map")) {
            if (in == null) throw new IllegalStateException("opcodes.map missing from the class path");
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                line = line.strip();
                if (line.isEmpty() || line.startsWith("#")) continue;
                try {
                    parse(line);
                } catch (RuntimeException e) {
                    throw new IllegalStateException("opcodes.map line " + n + ": " + e.getMessage(), e);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private OpcodeMaps() {}

    /** The slot of an opcode byte in a map, or null when the map leaves it undefined. */
    public static Slot slot(int map, int opcode) { return MAPS[map][opcode & 0xff]; }

    /** Every entry of every map (for tests and the round trip). */
    public static List<OpcodeEntry> entries() {
        List<OpcodeEntry> all = new ArrayList<>();
        for (Slot[] m : MAPS) for (Slot s : m) if (s != null) for (Row r : s.rows) all.add(r.entry);
        return all;
    }

    private static void parse(String line) {
        String[] cols = line.split("\\s+");
        String key = cols[0].toLowerCase();
        int map = ONE_BYTE;
        if (key.startsWith("0f38")) { map = MAP_0F38; key = key.substring(4); }
        else if (key.startsWith("0f3a")) { map = MAP_0F3A; key = key.substring(4); }
        else if (key.startsWith("0f")) { map = MAP_0F; key = key.substring(2); }
        int prefix = 0;
        int p = key.indexOf('p');
        if (p >= 0) {
            prefix = Integer.parseInt(key.substring(p + 1), 16);
            key = key.substring(0, p);
        }
        int reg = -1, rm = -1;
        char mod = 0;
        int slash = key.indexOf('/');
        int opcode;
        if (slash >= 0) {
            opcode = Integer.parseInt(key.substring(0, slash), 16);
            String g = key.substring(slash + 1);
            reg = g.charAt(0) - '0';
            if (g.length() > 1) {
                mod = g.charAt(1);
                if (g.length() > 2) rm = g.charAt(2) - '0';
            }
        } else if (key.endsWith("m") || key.endsWith("r")) {
            mod = key.charAt(key.length() - 1); // register/memory split without a group
            opcode = Integer.parseInt(key.substring(0, key.length() - 1), 16);
        } else {
            opcode = Integer.parseInt(key, 16);
        }
        String mnemonic = cols[1];
        List<OperandSpec> ops = new ArrayList<>();
        int attrs = 0;
        for (int i = 2; i < cols.length; i++) {
            switch (cols[i]) {
                case "d64" -> attrs |= OpcodeEntry.D64;
                case "f64" -> attrs |= OpcodeEntry.F64;
                case "i64" -> attrs |= OpcodeEntry.I64;
                case "o64" -> attrs |= OpcodeEntry.O64;
                case "lock" -> attrs |= OpcodeEntry.LOCK;
                case "sse" -> attrs |= OpcodeEntry.SSE;
                case "x87" -> attrs |= OpcodeEntry.X87;
                default -> {
                    for (String o : cols[i].split(",")) ops.add(OperandSpec.parse(o));
                }
            }
        }
        OpcodeEntry e = new OpcodeEntry(mnemonic.intern(), List.copyOf(ops), attrs);
        Slot s = MAPS[map][opcode];
        if (s == null) s = MAPS[map][opcode] = new Slot();
        s.rows.add(new Row(reg, mod, rm, prefix, e));
        s.modrm |= reg >= 0 || e.needsModrm();
    }
}
