package org.multios.isa.riscv.disasm;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** CSR names as objdump prints them (resource {@code csr-names.txt}); unnamed CSRs print as hex. */
final class CsrNames {
    private static final String[] NAMES = load();

    private CsrNames() {}

    static String of(int csr) {
        String n = NAMES[csr & 0xfff];
        return n != null ? n : "0x" + Integer.toHexString(csr & 0xfff);
    }

    private static String[] load() {
        String[] names = new String[4096];
        try (InputStream in = CsrNames.class.getResourceAsStream("csr-names.txt")) {
            if (in == null) throw new IllegalStateException("resource csr-names.txt is missing");
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                line = line.strip();
                if (line.isEmpty() || line.startsWith("#")) continue;
                String[] t = line.split("\\s+");
                names[Integer.decode(t[0])] = t[1];
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read csr-names.txt: " + e.getMessage());
        }
        return names;
    }
}
