package org.multios.isa.x86.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.multios.isa.x86.CpuHarness;
import org.multios.isa.x86.X86Cpu;

/**
 * F2XM1 (2^x - 1) and FYL2XP1 (y * log2(x + 1)) against the host CPU for small arguments, where
 * they matter: glibc's expm1l and log1pl are built on them, and computing them as pow(2, x) - 1
 * or log(1 + x) cancels away the leading digits (expm1l(0.0005) was wrong in its 13th digit).
 * The transcendentals are documented as double-precision approximations, so the check is a
 * relative error below 2^-50 against the host's 64-bit result, not bit equality. Needs gcc on an
 * x86-64 host (skipped without, failed under MULTIOS_REQUIRE_ORACLES=1).
 */
class X87SmallArgumentTest {
    private static final String[] ARGS = {"5e-4", "-5e-4", "1e-9", "-3e-12", "0.0625", "-0.25", "0.5", "1e-18", "7.5e-3", "-0.29"};

    @Test
    void smallArgumentsKeepTheirDigits() throws Exception {
        boolean require = "1".equals(System.getenv("MULTIOS_REQUIRE_ORACLES"));
        Path dir = Files.createTempDirectory("x87small");
        Path c = dir.resolve("t.c");
        Files.writeString(c, """
                #include <stdio.h>
                #include <stdlib.h>
                int main(int argc, char **argv) {
                    for (int i = 1; i < argc; i++) {
                        long double x = strtold(argv[i], 0), a, b, one = 1;
                        __asm__("f2xm1" : "=t"(a) : "0"(x));
                        __asm__("fyl2xp1" : "=t"(b) : "0"(x), "u"(one) : "st(1)");
                        printf("%.25Le %.25Le\\n", a, b);
                    }
                    return 0;
                }
                """);
        boolean x86 = System.getProperty("os.arch").equals("amd64");
        boolean built = false;
        if (x86) {
            try {
                Process g = new ProcessBuilder("gcc", "-O1", "-o", dir.resolve("t").toString(), c.toString()).redirectErrorStream(true).start();
                g.getInputStream().readAllBytes();
                built = g.waitFor(60, TimeUnit.SECONDS) && g.exitValue() == 0;
            } catch (java.io.IOException e) {
                built = false;
            }
        }
        if (require) assertTrue(built, "an x86-64 host with gcc is required (MULTIOS_REQUIRE_ORACLES=1)");
        assumeTrue(built, "needs gcc on an x86-64 host");
        List<String> cmd = new ArrayList<>(List.of(dir.resolve("t").toString()));
        cmd.addAll(List.of(ARGS));
        Process p = new ProcessBuilder(cmd).start();
        List<String> host = new String(p.getInputStream().readAllBytes()).lines().toList();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0);
        assertEquals(ARGS.length, host.size());

        for (int i = 0; i < ARGS.length; i++) {
            BigDecimal x = new BigDecimal(ARGS[i]);
            String[] expected = host.get(i).split(" ");
            check("f2xm1(" + ARGS[i] + ")", new BigDecimal(expected[0]), run(x, 0xf0));
            check("fyl2xp1(" + ARGS[i] + ")", new BigDecimal(expected[1]), run(x, 0xf9));
        }
    }

    private static void check(String what, BigDecimal host, BigDecimal ours) {
        BigDecimal err = ours.subtract(host).abs();
        BigDecimal bound = host.abs().multiply(BigDecimal.valueOf(Math.scalb(1.0, -50)));
        assertTrue(err.compareTo(bound) <= 0, what + ": host " + host + ", ours " + ours);
    }

    /** fldt [x]; (fld1 before it for FYL2XP1's y); D9 op; fstpt [result] on the emulated CPU. */
    private static BigDecimal run(BigDecimal x, int op) {
        CpuHarness h = new CpuHarness();
        h.longMode();
        X86Cpu cpu = h.cpu;
        cpu.cr0 |= X86Cpu.CR0_NE | X86Cpu.CR0_MP;
        cpu.fpuControl = 0x37f;
        cpu.fpuTag = 0xffff;
        long in = 0x8000, out = 0x8100;
        long[] ext = toExtended(x);
        h.bus.write(in, 8, ext[0]);
        h.bus.write(in + 8, 2, ext[1]);
        byte[] code = {
            (byte) 0xd9, (byte) 0xe8,                                   // fld1 (y for FYL2XP1; F2XM1 ignores ST1)
            (byte) 0xdb, 0x2c, 0x25, 0x00, (byte) 0x80, 0, 0,           // fldt 0x8000
            (byte) 0xd9, (byte) op,                                     // f2xm1 / fyl2xp1
            (byte) 0xdb, 0x3c, 0x25, 0x00, (byte) 0x81, 0, 0,           // fstpt 0x8100
        };
        h.run(code);
        return fromExtended(h.bus.read(out, 8), h.bus.read(out + 8, 2));
    }

    /** x rounded to the 80-bit format (64-bit significand), as {significand, sign|exponent}. */
    private static long[] toExtended(BigDecimal x) {
        if (x.signum() == 0) return new long[] {0, 0};
        boolean neg = x.signum() < 0;
        BigDecimal a = x.abs();
        int e = 0;
        BigDecimal two = BigDecimal.valueOf(2);
        while (a.compareTo(BigDecimal.ONE) < 0) { a = a.multiply(two); e--; }
        while (a.compareTo(two) >= 0) { a = a.divide(two); e++; }
        long m = a.multiply(new BigDecimal(java.math.BigInteger.ONE.shiftLeft(63))).setScale(0, java.math.RoundingMode.HALF_EVEN)
                .toBigInteger().longValue();
        return new long[] {m, (neg ? 0x8000 : 0) | (e + 16383)};
    }

    private static BigDecimal fromExtended(long m, long se) {
        int e = (int) (se & 0x7fff) - 16383 - 63;
        BigDecimal v = new BigDecimal(new java.math.BigInteger(Long.toUnsignedString(m)));
        v = e >= 0 ? v.multiply(BigDecimal.valueOf(2).pow(e)) : v.divide(BigDecimal.valueOf(2).pow(-e), MathContext.DECIMAL128);
        return (se & 0x8000) != 0 ? v.negate() : v;
    }
}
