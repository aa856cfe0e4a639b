package org.multios.isa.riscv.disasm;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * CSR names as objdump prints them (resource {@code csr-names.txt}), per privileged spec
 * version; unnamed CSRs print as hex.
 */
final class CsrNames {
    private static final java.util.List<String> SPECS = java.util.List.of("1.9.1", "1.10", "1.11", "1.12");
    private static final String[][] NAMES = load();

    private CsrNames() {}

    static String of(int csr, String privSpec) {
        int v = SPECS.indexOf(privSpec);
        String n = NAMES[v < 0 ? SPECS.size() - 1 : v][csr & 0xfff];
        return n != null ? n : "0x" + Integer.toHexString(csr & 0xfff);
    }

    private static String[][] load() {
        String[][] names = new String[SPECS.size()][4096];
        try (InputStream in = CsrNames.class.getResourceAsStream("csr-names.txt")) {
            if (in == null) throw new IllegalStateException("resource csr-names.txt is missing");
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                line = line.strip();
                if (line.isEmpty() || line.startsWith("#")) continue;
                String[] t = line.split("\\s+");
                int csr = Integer.decode(t[0]);
                for (int v = 0; v < SPECS.size(); v++) {
                    if (t.length < 3 || java.util.Arrays.asList(t[2].split(",")).contains(SPECS.get(v))) {
                        names[v][csr] = t[1];
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read csr-names.txt: " + e.getMessage());
        }
        return names;
    }
}
