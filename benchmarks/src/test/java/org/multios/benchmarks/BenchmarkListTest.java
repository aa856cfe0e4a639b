package org.multios.benchmarks;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * JMH's annotation processor ran: without it (JDK 23+ no longer finds processors on the class
 * path) benchmarks.jar starts but fails with "Unable to find the resource: /META-INF/BenchmarkList".
 */
class BenchmarkListTest {
    @Test
    void generatedBenchmarkListNamesTheMipsBenchmarks() throws Exception {
        try (InputStream in = BenchmarkListTest.class.getResourceAsStream("/META-INF/BenchmarkList")) {
            assertNotNull(in, "META-INF/BenchmarkList missing: JMH's annotation processor did not run");
            String list = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(list.contains("org.multios.benchmarks.jmh_generated.RiscvMipsBenchmark_mips_jmhTest"), list);
            assertTrue(list.contains("org.multios.benchmarks.jmh_generated.RiscvMipsBenchmark_fullRun_jmhTest"), list);
            assertTrue(list.contains("org.multios.benchmarks.jmh_generated.RiscvMipsBenchmark_mipsWarm_jmhTest"), list);
        }
    }

    @Test
    void intmixResourcesAreOnTheClassPath() {
        assertTrue(IntmixBoard.INTMIX.elf().length > 0);
        assertTrue(IntmixBoard.INTMIX.expectedConsole().contains("checksum:"));
    }
}
