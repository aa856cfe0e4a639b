package org.multios.isa.riscv.disasm;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.multios.isa.riscv.decode.EncodingPattern;
import org.multios.isa.riscv.decode.RvDecoder;

/**
 * Must-show: our disassembly equals {@code riscv64-linux-gnu-objdump -d} for every
 * instruction of gcc-built programs, and for random encodings of every table pattern.
 */
class ObjdumpComparisonTest {
    private static final String RES = "/org/multios/isa/riscv/disasm/";

    @TempDir
    Path tmp;

    private Path resource(String name) throws Exception {
        try (InputStream in = getClass().getResourceAsStream(RES + name)) {
            assertTrue(in != null, "test resource " + name + " is missing");
            Path p = tmp.resolve(name);
            Files.write(p, in.readAllBytes());
            return p;
        }
    }

    /** The committed gcc-built sample (floats, atomics, Zba/Zbb/Zbs, CSRs, fences; see sample.c). */
    @Test
    void committedSampleMatchesObjdump() throws Exception {
        Objdump.require(Objdump.OBJDUMP);
        int n = Objdump.compare(resource("sample.elf"));
        assertTrue(n > 300, "only " + n + " instructions in the sample");
    }

    /** A static glibc program built now: tens of thousands of compiler and library instructions. */
    @Test
    void staticGlibcProgramMatchesObjdump() throws Exception {
        Objdump.require(Objdump.OBJDUMP);
        Objdump.require("riscv64-linux-gnu-gcc");
        Path src = resource("glibc-sample.c");
        Objdump.run(tmp, "riscv64-linux-gnu-gcc", "-static", "-O2", "-o", "glibc-sample", src.getFileName().toString(), "-lm");
        int n = Objdump.compare(tmp.resolve("glibc-sample"));
        assertTrue(n > 20000, "only " + n + " instructions in the static program");
    }

    /** gcc's default output: a dynamically linked PIE (PLT entries, GOT slots named by dynamic relocations). */
    @Test
    void dynamicPieProgramMatchesObjdump() throws Exception {
        Objdump.require(Objdump.OBJDUMP);
        Objdump.require("riscv64-linux-gnu-gcc");
        Path src = resource("glibc-sample.c");
        Objdump.run(tmp, "riscv64-linux-gnu-gcc", "-O2", "-o", "dynamic-sample", src.getFileName().toString(), "-lm");
        int n = Objdump.compare(tmp.resolve("dynamic-sample"));
        assertTrue(n > 100, "only " + n + " instructions in the dynamic program");
    }

    /** The cross toolchain's stripped libc.so.6: dynamic symbols with versions, about 290,000 lines. */
    @Test
    void crossLibcMatchesObjdump() throws Exception {
        Objdump.require(Objdump.OBJDUMP);
        Objdump.require("riscv64-linux-gnu-gcc");
        Path libc = Path.of("/usr/riscv64-linux-gnu/lib/libc.so.6");
        if ("1".equals(System.getenv("MULTIOS_REQUIRE_ORACLES"))) {
            assertTrue(Files.isRegularFile(libc), libc + " is required (libc6-riscv64-cross)");
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(libc), libc + " not installed");
        Path copy = tmp.resolve("libc.so.6");
        Files.copy(libc, copy);
        int n = Objdump.compare(copy);
        assertTrue(n > 200000, "only " + n + " instructions in libc.so.6");
    }

    /** Hand-written assembly: data in code (mapping symbols), zero runs, aliases, lui/auipc/gp address hints. */
    @Test
    void handWrittenListingMatchesObjdump() throws Exception {
        Objdump.require(Objdump.OBJDUMP);
        Objdump.require("riscv64-linux-gnu-as");
        Objdump.require("riscv64-linux-gnu-ld");
        resource("listing-sample.s");
        Objdump.run(tmp, "riscv64-linux-gnu-as", "-o", "listing-sample.o", "listing-sample.s");
        Objdump.run(tmp, "riscv64-linux-gnu-ld", "-o", "listing-sample", "listing-sample.o");
        int n = Objdump.compare(tmp.resolve("listing-sample"));
        assertTrue(n > 25, "only " + n + " lines compared");
    }

    /**
     * Random field values for every pattern of the table, every 16-bit word, and random
     * 32-bit words (some of them starting 48-bit and longer forms), assembled as raw
     * halfwords into an ELF whose arch attribute names all our extensions, or only
     * rv64imafd (then objdump shows C and Zb* encodings as .2byte/.4byte). Mapping
     * symbols are stripped so that objdump decodes everything as code.
     */
    @ParameterizedTest
    @ValueSource(strings = {
        "rv64i2p1_m2p0_a2p1_f2p2_d2p2_c2p0_zicsr2p0_zifencei2p0_zba1p0_zbb1p0_zbs1p0",
        "rv64i2p1_m2p0_a2p1_f2p2_d2p2_zicsr2p0_zifencei2p0"})
    void randomEncodingsMatchObjdump(String arch) throws Exception {
        Objdump.require(Objdump.OBJDUMP);
        Objdump.require("riscv64-linux-gnu-as");
        Objdump.require("riscv64-linux-gnu-ld");
        Objdump.require("riscv64-linux-gnu-objcopy");
        Random r = new Random(0x5eed + arch.length());
        List<Integer> words = new ArrayList<>();
        for (EncodingPattern p : RvDecoder.table().patterns()) {
            for (int i = 0; i < 60; i++) {
                int rnd = r.nextInt();
                // sparse and dense field values reach the zero-register and all-ones aliases
                if (i % 3 == 1) rnd &= r.nextInt() & r.nextInt() & r.nextInt();
                if (i % 3 == 2) rnd |= r.nextInt() | r.nextInt() | r.nextInt();
                int v = (rnd & ~p.mask()) | p.match();
                words.add(p.length() == 2 ? v & 0xffff : v);
            }
        }
        for (int h = 0; h < 0x10000; h++) {
            if ((h & 3) != 3) words.add(h);
        }
        for (int i = 0; i < 20000; i++) words.add(r.nextInt() | 3);
        java.util.Collections.shuffle(words, r);
        StringBuilder s = new StringBuilder();
        s.append(".attribute arch, \"").append(arch).append("\"\n");
        s.append(".globl _start\n.text\n_start:\n");
        for (int v : words) {
            s.append(String.format(".half 0x%04x%n", v & 0xffff));
            if ((v & 3) == 3) s.append(String.format(".half 0x%04x%n", (v >>> 16) & 0xffff));
        }
        Files.writeString(tmp.resolve("random.s"), s);
        Objdump.run(tmp, "riscv64-linux-gnu-as", "-o", "random.o", "random.s");
        Objdump.run(tmp, "riscv64-linux-gnu-ld", "-o", "random.linked", "random.o");
        Objdump.run(tmp, "riscv64-linux-gnu-objcopy", "-w", "-N", "$d*", "-N", "$x*", "random.linked", "random");
        int n = Objdump.compare(tmp.resolve("random"));
        assertTrue(n > 60000, "only " + n + " instructions compared");
    }
}
