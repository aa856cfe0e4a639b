package org.multios.isa.arm64.sysreg;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The system register table ({@code sysregs.table}), indexed by the MRS/MSR encoding. */
public final class SysRegTable {
    private static final SysRegTable STANDARD = load();

    private final List<SysRegInfo> rows;
    private final SysRegInfo[] byKey = new SysRegInfo[1 << 16];

    private SysRegTable(List<SysRegInfo> rows) {
        this.rows = List.copyOf(rows);
        for (SysRegInfo r : rows) {
            if (byKey[r.key()] != null) throw new IllegalStateException("sysregs.table: " + r.name() + " has the encoding of " + byKey[r.key()].name());
            byKey[r.key()] = r;
        }
    }

    public static SysRegTable standard() { return STANDARD; }

    public List<SysRegInfo> rows() { return rows; }

    /** The register with this op0:op1:CRn:CRm:op2 key, or null. */
    public SysRegInfo lookup(int key) { return byKey[key & 0xffff]; }

    private static SysRegTable load() {
        List<SysRegInfo> rows = new ArrayList<>();
        try (InputStream in = SysRegTable.class.getResourceAsStream("sysregs.table")) {
            if (in == null) throw new IllegalStateException("sysregs.table is missing from the class path");
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            int no = 0;
            while ((line = r.readLine()) != null) {
                no++;
                int h = line.indexOf('#');
                String s = (h >= 0 ? line.substring(0, h) : line).strip();
                if (s.isEmpty()) continue;
                String[] f = s.split("\\s+");
                if (f.length < 8) throw new IllegalStateException("sysregs.table line " + no + ": too few fields");
                SysRegInfo.Kind kind = SysRegInfo.Kind.valueOf(f[7].toUpperCase());
                long reset = f.length > 8 ? Long.decode(f[8]) : 0;
                rows.add(new SysRegInfo(f[0], Integer.parseInt(f[1]), Integer.parseInt(f[2]), Integer.parseInt(f[3]),
                        Integer.parseInt(f[4]), Integer.parseInt(f[5]), f[6].equals("EL0") ? 0 : 1, kind, reset));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read sysregs.table", e);
        }
        return new SysRegTable(rows);
    }
}
