package org.multios.isa.x86.disasm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multios.core.elf.ElfFile;

/**
 * The listing equals {@code objdump -d} on a gcc-built x86-64 program (integer code: moves,
 * ALU with immediates and memory, LEA with SIB, RIP-relative loads, IMUL, shifts, SETcc,
 * CMOVcc, MOVZX/MOVSXD, near branches with symbols). Instruction lengths and operands both
 * have to agree. Needs gcc and objdump (skipped without, failed under MULTIOS_REQUIRE_ORACLES=1).
 */
class ObjdumpComparisonTest {
    static final String PROGRAM = """
            static int table[16];
            static long sum(long *a, int n) { long s = 0; for (int i = 0; i < n; i++) s += a[i] * 3 + (a[i] >> 2); return s; }
            static unsigned mix(unsigned x, unsigned y) { x ^= y << 3; x = (x >> 5) | (x << 27); return x * 2654435761u + (x & 0xff); }
            static int cmp(int a, int b) { return a < b ? -1 : a > b; }
            static short narrow(signed char c, unsigned short w) { return (short) (c * 3 - w); }
            int entry(long *a, int n, unsigned k) {
                long s = sum(a, n);
                for (int i = 0; i < 16; i++) table[i] = mix(k, i) & 0xffff;
                int c = cmp(table[3], table[4]);
                if (s > 1000) c += 7;
                c += narrow((signed char) k, (unsigned short) n);
                return c + (int) s + table[n & 15] + (int) (s / (n | 1)) + (int) ((unsigned long) s % 10);
            }
            """;

    @Test
    void listingMatchesObjdump(@TempDir Path dir) throws Exception {
        boolean require = "1".equals(System.getenv("MULTIOS_REQUIRE_ORACLES"));
        boolean tools = System.getProperty("os.arch").matches("amd64|x86_64") && run(dir, "gcc", "--version") == 0
                && run(dir, "objdump", "--version") == 0;
        if (require) assertTrue(tools, "gcc and objdump on an x86-64 host are required (MULTIOS_REQUIRE_ORACLES=1)");
        assumeTrue(tools, "needs gcc and objdump on an x86-64 host");
        Files.writeString(dir.resolve("prog.c"), PROGRAM);
        for (String opt : new String[] {"-O1", "-O2 -fno-tree-vectorize", "-Os"}) {
            List<String> cmd = new java.util.ArrayList<>(List.of("gcc"));
            cmd.addAll(List.of(opt.split(" ")));
            cmd.addAll(List.of("-fno-asynchronous-unwind-tables", "-fcf-protection=none", "-fno-pic", "-no-pie",
                    "-nostdlib", "-static", "-Wl,-e,entry", "-Wl,--build-id=none", "-o", "prog", "prog.c"));
            assertEquals(0, run(dir, cmd.toArray(String[]::new)), "gcc " + opt);
            Process p = new ProcessBuilder("objdump", "-d", "prog").directory(dir.toFile()).start();
            String theirs = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor());
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            X86ElfListing.print(ElfFile.parse(Files.readAllBytes(dir.resolve("prog"))), "prog", new PrintStream(buf, true, StandardCharsets.UTF_8));
            List<String> want = theirs.lines().map(String::stripTrailing).toList();
            List<String> got = buf.toString(StandardCharsets.UTF_8).lines().map(String::stripTrailing).toList();
            for (int i = 0; i < Math.min(want.size(), got.size()); i++) {
                assertEquals(want.get(i), got.get(i), "line " + (i + 1) + " with gcc " + opt);
            }
            assertEquals(want.size(), got.size(), "line count with gcc " + opt);
            assertTrue(want.size() > 40, "the program has code");
        }
    }

    /**
     * The same for gcc's floating-point and SIMD output: {@code fpprog.c} (SSE through SSE4.2
     * intrinsics, vectorised loops, long double x87 code) at -O2 and -O3 with -msse4.2.
     */
    @Test
    void floatingPointListingMatchesObjdump(@TempDir Path dir) throws Exception {
        boolean require = "1".equals(System.getenv("MULTIOS_REQUIRE_ORACLES"));
        boolean tools = System.getProperty("os.arch").matches("amd64|x86_64") && run(dir, "gcc", "--version") == 0
                && run(dir, "objdump", "--version") == 0;
        if (require) assertTrue(tools, "gcc and objdump on an x86-64 host are required (MULTIOS_REQUIRE_ORACLES=1)");
        assumeTrue(tools, "needs gcc and objdump on an x86-64 host");
        try (java.io.InputStream in = getClass().getResourceAsStream("/org/multios/isa/x86/exec/fpprog.c")) {
            Files.write(dir.resolve("fpprog.c"), in.readAllBytes());
        }
        for (String opt : new String[] {"-O2", "-O3"}) {
            assertEquals(0, run(dir, "gcc", opt, "-msse4.2", "-fno-math-errno", "-ffreestanding", "-nostdlib", "-static",
                    "-no-pie", "-fno-pic", "-fcf-protection=none", "-fno-asynchronous-unwind-tables",
                    "-fno-tree-loop-distribute-patterns", "-Wl,-e,run_all", "-Wl,--build-id=none", "-o", "prog", "fpprog.c"), "gcc " + opt);
            Process p = new ProcessBuilder("objdump", "-d", "prog").directory(dir.toFile()).start();
            String theirs = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor());
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            X86ElfListing.print(ElfFile.parse(Files.readAllBytes(dir.resolve("prog"))), "prog", new PrintStream(buf, true, StandardCharsets.UTF_8));
            List<String> want = theirs.lines().map(String::stripTrailing).toList();
            List<String> got = buf.toString(StandardCharsets.UTF_8).lines().map(String::stripTrailing).toList();
            for (int i = 0; i < Math.min(want.size(), got.size()); i++) {
                assertEquals(want.get(i), got.get(i), "line " + (i + 1) + " with gcc " + opt);
            }
            assertEquals(want.size(), got.size(), "line count with gcc " + opt);
            assertTrue(theirs.contains("pcmpistri") && theirs.contains("fstpt"), "the program has SSE4.2 and x87 code");
        }
    }

    private static int run(Path dir, String... cmd) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
            p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
            return p.waitFor();
        } catch (IOException e) {
            return -1;
        }
    }
}
