package org.multios.isa.x86.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multios.isa.x86.CpuHarness;
import org.multios.isa.x86.LazyFlags;
import org.multios.isa.x86.X86Cpu;

/**
 * Results and flags of the arithmetic, logic, shift, rotate, double-shift, multiply and
 * bit-test instructions at all four operand sizes, against the host CPU: the test writes a
 * C program that runs each instruction natively (inline assembly, the same register forms),
 * compiles it with the host's gcc, and compares its output with the emulator's for every
 * operand pair. Flags the SDM leaves undefined for a case are masked out.
 */
class HostFlagsTest {
    static final long ALL = LazyFlags.CF | LazyFlags.PF | LazyFlags.AF | LazyFlags.ZF | LazyFlags.SF | LazyFlags.OF;
    static final long[] VALUES = {0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x7fffffffL, 0x80000000L,
            0xffffffffL, 0x7fffffffffffffffL, 0x8000000000000000L, -1L, 0x123456789abcdef0L, 0xf0f0f0f00f0f0f0fL, -2L, 0x55aa};
    static final long[] COUNTS = {0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63};
    static final int[] SIZES = {1, 2, 4, 8};

    /** One instruction form: AT&T text per size (rax = a, rbx = b, cl = count) and encoding per size. */
    record Form(String name, String att, int[] opcode8, int[] opcodeV, int modrm, boolean usesCount, boolean noByte) {}

    static List<Form> forms() {
        List<Form> f = new ArrayList<>();
        String[] alu = {"add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"};
        for (int i = 0; i < 8; i++) f.add(new Form(alu[i], alu[i] + " %B,%A", new int[] {i * 8}, new int[] {i * 8 + 1}, 0xd8, false, false));
        f.add(new Form("test", "test %B,%A", new int[] {0x84}, new int[] {0x85}, 0xd8, false, false));
        f.add(new Form("inc", "inc %A", new int[] {0xfe}, new int[] {0xff}, 0xc0, false, false));
        f.add(new Form("dec", "dec %A", new int[] {0xfe}, new int[] {0xff}, 0xc8, false, false));
        f.add(new Form("neg", "neg %A", new int[] {0xf6}, new int[] {0xf7}, 0xd8, false, false));
        f.add(new Form("not", "not %A", new int[] {0xf6}, new int[] {0xf7}, 0xd0, false, false));
        String[] sh = {"rol", "ror", "rcl", "rcr", "shl", "shr", null, "sar"};
        for (int i = 0; i < 8; i++) {
            if (sh[i] != null) f.add(new Form(sh[i], sh[i] + " %%cl,%A", new int[] {0xd2}, new int[] {0xd3}, 0xc0 | i << 3, true, false));
        }
        f.add(new Form("imul", "imul %B,%A", null, new int[] {0x0f, 0xaf}, 0xc3, false, true));
        f.add(new Form("shld", "shld %%cl,%B,%A", null, new int[] {0x0f, 0xa5}, 0xd8, true, true));
        f.add(new Form("shrd", "shrd %%cl,%B,%A", null, new int[] {0x0f, 0xad}, 0xd8, true, true));
        f.add(new Form("bt", "bt %B,%A", null, new int[] {0x0f, 0xa3}, 0xd8, false, true));
        f.add(new Form("bts", "bts %B,%A", null, new int[] {0x0f, 0xab}, 0xd8, false, true));
        f.add(new Form("btr", "btr %B,%A", null, new int[] {0x0f, 0xb3}, 0xd8, false, true));
        f.add(new Form("btc", "btc %B,%A", null, new int[] {0x0f, 0xbb}, 0xd8, false, true));
        f.add(new Form("bsf", "bsf %B,%A", null, new int[] {0x0f, 0xbc}, 0xc3, false, true));
        f.add(new Form("bsr", "bsr %B,%A", null, new int[] {0x0f, 0xbd}, 0xc3, false, true));
        return f;
    }

    static String reg(char which, int size) {
        String[][] names = {{"al", "ax", "eax", "rax"}, {"bl", "bx", "ebx", "rbx"}};
        int i = size == 1 ? 0 : size == 2 ? 1 : size == 4 ? 2 : 3;
        return "%%" + names[which == 'A' ? 0 : 1][i];
    }

    static byte[] encode(Form f, int size) {
        List<Integer> b = new ArrayList<>();
        if (size == 2) b.add(0x66);
        if (size == 8) b.add(0x48);
        for (int o : size == 1 ? f.opcode8() : f.opcodeV()) b.add(o);
        b.add(f.modrm());
        byte[] out = new byte[b.size()];
        for (int i = 0; i < out.length; i++) out[i] = (byte) (int) b.get(i);
        return out;
    }

    /** Flags whose value the SDM defines for this case. */
    static long definedFlags(Form f, int size, long count) {
        int bits = size * 8;
        long c = count & (size == 8 ? 63 : 31);
        return switch (f.name()) {
            case "and", "or", "xor", "test" -> ALL & ~LazyFlags.AF;
            case "rol", "ror", "rcl", "rcr" -> c == 0 ? ALL : (c == 1 ? LazyFlags.CF | LazyFlags.OF : LazyFlags.CF)
                    | LazyFlags.PF | LazyFlags.AF | LazyFlags.ZF | LazyFlags.SF;
            case "shl", "shr", "sar" -> {
                if (c == 0) yield ALL;
                long m = LazyFlags.PF | LazyFlags.ZF | LazyFlags.SF | LazyFlags.CF | (c == 1 ? LazyFlags.OF : 0);
                if (c > bits) m &= ~LazyFlags.CF;
                yield m;
            }
            case "shld", "shrd" -> c == 0 ? ALL : (LazyFlags.PF | LazyFlags.ZF | LazyFlags.SF | LazyFlags.CF | (c == 1 ? LazyFlags.OF : 0));
            case "imul" -> LazyFlags.CF | LazyFlags.OF;
            case "bt", "bts", "btr", "btc" -> LazyFlags.CF;
            case "bsf", "bsr" -> LazyFlags.ZF;
            default -> ALL;
        };
    }

    record Case(int form, int size, long a, long b, int cf) {}

    @Test
    void flagsAndResultsMatchTheHostCpu(@TempDir Path dir) throws Exception {
        boolean require = "1".equals(System.getenv("MULTIOS_REQUIRE_ORACLES"));
        boolean x86Host = System.getProperty("os.arch").matches("amd64|x86_64");
        boolean gcc = x86Host && run(dir, "gcc", "--version") == 0;
        if (require) assertTrue(gcc, "an x86-64 host with gcc is required (MULTIOS_REQUIRE_ORACLES=1)");
        assumeTrue(gcc, "needs an x86-64 host with gcc");

        List<Form> forms = forms();
        List<Case> cases = new ArrayList<>();
        for (int fi = 0; fi < forms.size(); fi++) {
            Form f = forms.get(fi);
            for (int size : SIZES) {
                if (size == 1 && f.noByte()) continue;
                if (f.name().equals("shld") || f.name().equals("shrd")) {
                    if (size == 1) continue;
                }
                for (long a : VALUES) {
                    for (long b : f.usesCount() ? COUNTS : VALUES) {
                        if (size == 2 && (f.name().equals("shld") || f.name().equals("shrd")) && (b & 31) > 16) continue;
                        for (int cf = 0; cf < 2; cf++) {
                            if (f.usesCount()) {
                                for (long v : new long[] {a}) cases.add(new Case(fi, size, v, b | ((a * 31 + 7) << 8 & 0xff00), cf));
                            } else {
                                cases.add(new Case(fi, size, a, b, cf));
                            }
                        }
                    }
                }
            }
        }
        // C program: one asm block per (form, size); rbx holds b, rcx holds b too (count in cl)
        StringBuilder c = new StringBuilder("#include <stdio.h>\n#include <stdint.h>\n");
        c.append("static void run(int f, int s, uint64_t a, uint64_t b, int cf) {\n uint64_t fl, fin = 0x202 | (cf ? 1 : 0);\n switch (f * 16 + s) {\n");
        for (int fi = 0; fi < forms.size(); fi++) {
            Form f = forms.get(fi);
            for (int size : SIZES) {
                if (size == 1 && f.noByte()) continue;
                String text = f.att().replace("%A", reg('A', size)).replace("%B", reg('B', size));
                c.append(String.format("  case %d: asm volatile(\"push %%[fin]\\n popf\\n %s\\n pushf\\n pop %%[fl]\" : \"+a\"(a), [fl]\"=&r\"(fl) : \"b\"(b), \"c\"(b), [fin]\"r\"(fin) : \"cc\", \"memory\"); break;\n",
                        fi * 16 + size, text));
            }
        }
        c.append(" }\n printf(\"%016lx %016lx\\n\", a, fl);\n}\n");
        c.append("int main(void) { int f, s, cf; unsigned long a, b; while (scanf(\"%d %d %lx %lx %d\", &f, &s, &a, &b, &cf) == 5) run(f, s, a, b, cf); return 0; }\n");
        Path src = dir.resolve("flags.c"), exe = dir.resolve("flags"), in = dir.resolve("cases.txt"), out = dir.resolve("out.txt");
        Files.writeString(src, c);
        assertEquals(0, run(dir, "gcc", "-O1", "-mno-red-zone", "-o", exe.toString(), src.toString()), "compiling the host helper");
        StringBuilder input = new StringBuilder();
        for (Case k : cases) input.append(String.format("%d %d %x %x %d%n", k.form(), k.size(), k.a(), k.b(), k.cf()));
        Files.writeString(in, input);
        Process p = new ProcessBuilder(exe.toString()).redirectInput(in.toFile()).redirectOutput(out.toFile()).start();
        assertEquals(0, p.waitFor());
        List<String> expected = Files.readAllLines(out);
        assertEquals(cases.size(), expected.size());

        CpuHarness h = new CpuHarness();
        h.longMode();
        int failures = 0;
        StringBuilder report = new StringBuilder();
        for (int i = 0; i < cases.size(); i++) {
            Case k = cases.get(i);
            Form f = forms.get(k.form());
            X86Cpu cpu = h.cpu;
            cpu.gpr[X86Cpu.RAX] = k.a();
            cpu.gpr[X86Cpu.RBX] = k.b();
            cpu.gpr[X86Cpu.RCX] = k.b();
            cpu.flags.set(0x202 | k.cf());
            h.run(encode(f, k.size()));
            String[] e = expected.get(i).split(" ");
            long wantRax = Long.parseUnsignedLong(e[0], 16), wantFlags = Long.parseUnsignedLong(e[1], 16);
            long mask = definedFlags(f, k.size(), k.b());
            long gotFlags = cpu.flags.get();
            boolean resultDefined = !(f.name().equals("bsf") || f.name().equals("bsr")) || (k.b() & LazyFlags.mask(k.size())) != 0;
            if ((resultDefined && cpu.gpr[X86Cpu.RAX] != wantRax) || ((gotFlags ^ wantFlags) & mask) != 0) {
                if (failures++ < 20) {
                    report.append(String.format("%s size %d a=%x b=%x cf=%d: rax %x (host %x), flags %x (host %x), defined %x%n",
                            f.name(), k.size(), k.a(), k.b(), k.cf(), cpu.gpr[X86Cpu.RAX], wantRax, gotFlags & mask, wantFlags & mask, mask));
                }
            }
        }
        assertEquals(0, failures, failures + " of " + cases.size() + " cases differ from the host CPU:\n" + report);
        assertTrue(cases.size() > 10_000, "ran " + cases.size() + " cases");
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
