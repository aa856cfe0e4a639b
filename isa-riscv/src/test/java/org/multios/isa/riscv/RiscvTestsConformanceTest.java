package org.multios.isa.riscv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The official riscv-tests (rv64ui/um/ua/uf/ud/uc/mi/si in the p and v environments) on
 * the HTIF harness, one dynamic test per ELF. Set {@code RISCV_TESTS_DIR} to the directory
 * holding the built tests ({@code scripts/riscv-tests.sh} fetches, builds and runs them);
 * without it the suite is skipped, since the tests are never committed.
 */
class RiscvTestsConformanceTest {
    private static final Pattern NAME = Pattern.compile("rv64(ui|um|ua|uf|ud|uc|mi|si|uzba|uzbb|uzbs)-[pv]-[a-z0-9_-]+");

    @TestFactory
    Stream<DynamicTest> riscvTests() throws IOException {
        String dir = System.getenv("RISCV_TESTS_DIR");
        Assumptions.assumeTrue(dir != null && !dir.isEmpty(), "RISCV_TESTS_DIR not set (see scripts/riscv-tests.sh)");
        Path root = Path.of(dir);
        if (Files.isDirectory(root.resolve("isa"))) root = root.resolve("isa");
        List<Path> elfs;
        try (Stream<Path> s = Files.list(root)) {
            elfs = s.filter(p -> NAME.matcher(p.getFileName().toString()).matches()).sorted().toList();
        }
        assertFalse(elfs.isEmpty(), "no rv64*-p-*/rv64*-v-* tests in " + root);
        return elfs.stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> {
            HtifHarness h = new HtifHarness(p, 8L << 20);
            long result = h.run(50_000_000L);
            assertEquals(0, result, () -> p.getFileName() + " failed test #" + result + " at " + h.cpu
                    + (h.console.isEmpty() ? "" : "; console: " + h.console));
        }));
    }
}
