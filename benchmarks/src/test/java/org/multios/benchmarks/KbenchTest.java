package org.multios.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The kernel benchmarks' guest runs (a few iterations) on MultiOS and under qemu-riscv64, and a broken run fails. */
class KbenchTest {
    static Kbench kbench;

    @BeforeAll
    static void extract() { kbench = new Kbench(); }

    @AfterAll
    static void remove() { kbench.close(); }

    @ParameterizedTest
    @EnumSource(KernelOp.class)
    void everyOperationRunsOnMultios(KernelOp op) {
        long nanos = kbench.multios(op.arg, 20).run();
        assertTrue(nanos >= 0, op + " reported " + nanos);
        // virtual time advances with retired instructions: 20 iterations of a real operation take some
        if (op != KernelOp.EMPTY) assertTrue(nanos > 0, op + " took no virtual time");
    }

    /** The aarch64 build on the kernel's arm64 port (KernelOpsReport --arch arm64). */
    @ParameterizedTest
    @EnumSource(KernelOp.class)
    void everyOperationRunsOnTheArm64Port(KernelOp op) {
        Kbench arm = new Kbench("arm64");
        try {
            long nanos = arm.multios(op.arg, 20).run();
            if (op != KernelOp.EMPTY) assertTrue(nanos > 0, op + " took no virtual time");
            assertThrows(IllegalStateException.class, () -> arm.multios("nosuchop", 1).run());
        } finally {
            arm.close();
        }
    }

    @Test
    void aFailingGuestFailsTheBenchmark() {
        assertThrows(IllegalStateException.class, () -> kbench.multios("nosuchop", 1).run());
    }

    @Test
    void benchmarksAreListed() throws Exception {
        try (var in = KbenchTest.class.getResourceAsStream("/META-INF/BenchmarkList")) {
            String list = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(list.contains("KernelOpsBenchmark_run_jmhTest"), list);
            assertTrue(list.contains("PageAllocBenchmark_pageFrame_jmhTest"), list);
        }
    }

    @ParameterizedTest
    @EnumSource(KernelOp.class)
    void everyOperationRunsUnderQemu(KernelOp op) {
        boolean present = false;
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) present |= Files.isExecutable(Path.of(dir, "qemu-riscv64"));
        if (!present) {
            if ("1".equals(System.getenv("MULTIOS_REQUIRE_ORACLES"))) fail("qemu-riscv64 is not installed (apt-get install qemu-user)");
            Assumptions.abort("qemu-riscv64 not installed");
        }
        assertTrue(kbench.qemu(op.arg, 20) >= 0);
        assertEquals(KernelOp.byArg(op.arg), op);
    }
}
