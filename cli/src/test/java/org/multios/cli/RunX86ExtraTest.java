package org.multios.cli;

import java.io.IOException;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The x86_64-only differential programs (images/guest/x86_64-linux/extra.list), compared as in
 * {@link RunX86DifferentialTest} (recorded and live native output): {@code strings} (glibc's
 * string functions over lengths 0..300 and all 16 alignments: natively its AVX2/EVEX versions,
 * under us — CPUID reports SSE4.2 and no AVX — the SSE2/SSSE3/SSE4 ones, so equal digests compare
 * the emulated SIMD instructions with the host's), {@code ldouble} (long double printf, strtold,
 * libm), {@code faults} (CPU exceptions and the signals Linux makes of them), {@code legacy}
 * (x86_64-only syscalls, x86 struct stat) and {@code wildptr}.
 */
class RunX86ExtraTest {
    static Stream<String> programs() throws IOException {
        return RunX86DifferentialTest.list(RunX86DifferentialTest.EXTRA);
    }

    @ParameterizedTest
    @MethodSource("programs")
    void sameAsNative(String program) throws Exception {
        new RunX86DifferentialTest().sameAsNative(program);
    }
}
