package org.multios.isa.arm64.disasm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multios.isa.arm64.decode.A64DecodeTable;
import org.multios.isa.arm64.decode.A64Op;

/**
 * The FP/SIMD disassembler against {@code aarch64-linux-gnu-objdump}: (1) random encodings
 * drawn inside every FP/SIMD pattern of the decode table (and the V=1 load/store forms),
 * fixed seed, objdump'd as a raw binary: every word we claim must print exactly as objdump
 * prints it, and we must claim most of them; (2) every word of the gcc -O2 fpsimd program
 * (images/guest/arm64/fpsimd.c) in an FP/SIMD class.
 */
class FpSimdObjdumpTest {
    private static final int PER_PATTERN = 400;

    @Test
    void randomFpSimdEncodingsMatchObjdump(@TempDir Path dir) throws Exception {
        ObjdumpEquivalenceTest.requireOracle(ObjdumpEquivalenceTest.objdumpPresent(), ObjdumpEquivalenceTest.OBJDUMP);
        Random rnd = new Random(20261128);
        List<Integer> words = new ArrayList<>();
        for (A64DecodeTable.Pattern p : A64DecodeTable.standard().patterns()) {
            boolean fpSimd = p.op().name().startsWith("FP_") || p.op().name().startsWith("SIMD_");
            boolean vectorLdst = switch (p.op()) {
                case LDR_LIT, LDST_PAIR, LDST_IMM9, LDST_REGOFF, LDST_UIMM -> true;
                default -> false;
            };
            if (!fpSimd && !vectorLdst) continue;
            for (int k = 0; k < PER_PATTERN; k++) {
                int w = (rnd.nextInt() & ~p.mask()) | p.value();
                if (vectorLdst) w |= 1 << 26;
                if (A64DecodeTable.standard().decode(w) == p.op()) words.add(w);
            }
        }
        Path bin = dir.resolve("words.bin");
        ByteBuffer bb = ByteBuffer.allocate(4 * words.size()).order(ByteOrder.LITTLE_ENDIAN);
        for (int w : words) bb.putInt(w);
        Files.write(bin, bb.array());
        Process p = new ProcessBuilder(ObjdumpEquivalenceTest.OBJDUMP, "-D", "-b", "binary", "-m", "aarch64", bin.toString())
                .redirectErrorStream(true).start();
        String listing = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "objdump timed out");
        A64Disassembler d = new A64Disassembler(false);
        int total = 0, claimed = 0, equal = 0, valid = 0;
        List<String> bad = new ArrayList<>();
        java.util.Map<String, Integer> missing = new java.util.TreeMap<>();
        for (String line : listing.split("\n")) {
            String[] f = line.split("\t");
            if (f.length < 3 || !f[0].strip().endsWith(":") || !f[1].strip().matches("[0-9a-f]{8}")) continue;
            long pc = Long.parseUnsignedLong(f[0].strip().replace(":", ""), 16);
            int word = (int) Long.parseLong(f[1].strip(), 16);
            String want = String.join("\t", java.util.Arrays.copyOfRange(f, 2, f.length)).replaceAll(" <[^>]*>", "").strip();
            total++;
            boolean objdumpKnows = !want.startsWith(".inst");
            if (objdumpKnows) valid++;
            String got = d.disassemble(word, pc);
            if (got == null) {
                if (objdumpKnows) missing.merge(want.split("\t")[0], 1, Integer::sum);
                continue;
            }
            claimed++;
            if (got.equals(want)) equal++;
            else if (bad.size() < 40) bad.add(String.format("%08x objdump [%s] ours [%s]", word, want, got));
        }
        System.out.printf("FP/SIMD random encodings: %d words, %d valid for objdump, %d claimed, %d equal%n", total, valid, claimed, equal);
        System.out.println("not claimed (objdump's mnemonic: count): " + missing);
        assertEquals(claimed, equal, String.join("\n", bad));
        assertTrue(total >= words.size() * 9 / 10, "objdump listed only " + total + " of " + words.size());
        assertTrue(claimed > valid * 3 / 4, "claimed only " + claimed + " of " + valid + " valid encodings");
    }

    @Test
    void gccBuiltFpSimdProgramMatchesObjdump(@TempDir Path dir) throws Exception {
        ObjdumpEquivalenceTest.requireOracle(ObjdumpEquivalenceTest.objdumpPresent(), ObjdumpEquivalenceTest.OBJDUMP);
        Path elf = dir.resolve("fpsimd.elf");
        try (InputStream in = getClass().getResourceAsStream("fpsimd.elf")) {
            Files.copy(in, elf);
        }
        ObjdumpEquivalenceTest.Result r = ObjdumpEquivalenceTest.compare(elf);
        assertEquals(r.claimed(), r.equal(), String.join("\n", r.mismatches()));
        // everything but data words (literal pools, .word) is claimed
        assertTrue(r.claimed() > r.total() * 97L / 100, r.claimed() + " of " + r.total() + " words claimed");
    }
}
