package org.multios.isa.arm64.fp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The FP pseudocode against independent references: Java's own IEEE 754 arithmetic (round to
 * nearest even; no NaN operands, whose propagation Java does not define the Arm way) over
 * random and edge operands, and hand-checked cases for the rounding modes, flush-to-zero,
 * default NaN, NaN propagation order and the FPSR flags.
 */
class FpArithmeticTest {
    private static final long QNAN_A = 0x7ff8000000000aaaL, SNAN_B = 0x7ff0000000000bbbL, QNAN_C = 0xfff8000000000cccL;

    private static double randomDouble(Random r) {
        return switch (r.nextInt(6)) {
            case 0 -> Double.longBitsToDouble(r.nextLong() & 0x7fefffffffffffffL) * (r.nextBoolean() ? 1 : -1);
            case 1 -> Double.longBitsToDouble(r.nextLong() & 0x000fffffffffffffL) * (r.nextBoolean() ? 1 : -1); // denormal
            case 2 -> (r.nextInt(2000) - 1000) / 8.0;
            case 3 -> new double[] {0.0, -0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MAX_VALUE,
                    Double.MIN_VALUE, Double.MIN_NORMAL, 1.0, -1.0}[r.nextInt(9)];
            default -> r.nextGaussian() * Math.pow(2, r.nextInt(200) - 100);
        };
    }

    private static long bits(double d) { return Double.doubleToRawLongBits(d); }

    private static long fbits(float f) { return Float.floatToRawIntBits(f) & 0xffffffffL; }

    @Test
    void roundToNearestMatchesJavaForDoubleAndSingle() {
        Random r = new Random(42);
        FpArithmetic fp = new FpArithmetic();
        for (int k = 0; k < 20000; k++) {
            double a = randomDouble(r), b = randomDouble(r), c = randomDouble(r);
            String ctx = a + " " + b + " " + c;
            if (Double.isNaN(a + b) == false) assertEquals(bits(a + b), fp.add(bits(a), bits(b), 64), "add " + ctx);
            if (!Double.isNaN(a - b)) assertEquals(bits(a - b), fp.sub(bits(a), bits(b), 64), "sub " + ctx);
            if (!Double.isNaN(a * b)) assertEquals(bits(a * b), fp.mul(bits(a), bits(b), 64), "mul " + ctx);
            if (!Double.isNaN(a / b)) assertEquals(bits(a / b), fp.div(bits(a), bits(b), 64), "div " + ctx);
            if (!Double.isNaN(Math.sqrt(a))) assertEquals(bits(Math.sqrt(a)), fp.sqrt(bits(a), 64), "sqrt " + ctx);
            double f = Math.fma(a, b, c);
            if (!Double.isNaN(f)) assertEquals(bits(f), fp.mulAdd(bits(c), bits(a), bits(b), 64), "fma " + ctx);
            float fa = (float) a, fb = (float) b;
            if (!Float.isNaN(fa * fb)) assertEquals(fbits(fa * fb), fp.mul(fbits(fa), fbits(fb), 32), "fmul " + ctx);
            if (!Float.isNaN(fa + fb)) assertEquals(fbits(fa + fb), fp.add(fbits(fa), fbits(fb), 32), "fadd " + ctx);
            if (!Float.isNaN(fa / fb)) assertEquals(fbits(fa / fb), fp.div(fbits(fa), fbits(fb), 32), "fdiv " + ctx);
            if (!Double.isNaN(a)) assertEquals(fbits((float) a), fp.convert(bits(a), 64, 32, FpArithmetic.RN), "fcvt " + ctx);
            if (!Float.isNaN(fa)) assertEquals(bits(fa), fp.convert(fbits(fa), 32, 64, FpArithmetic.RN), "fcvt " + ctx);
            if (!Double.isNaN(a)) assertEquals(bits(Math.rint(a)), fp.roundInt(bits(a), 64, FpArithmetic.RN, false), "frintn " + ctx);
        }
    }

    @Test
    void directedRoundingModesAndFlags() {
        FpArithmetic fp = new FpArithmetic();
        long one = bits(1.0), tiny = bits(Math.ulp(1.0) / 4); // 1 + 2^-54: between 1 and its successor
        fp.fpcr = FpArithmetic.RP << 22;
        assertEquals(bits(Math.nextUp(1.0)), fp.add(one, tiny, 64));
        assertEquals(FpArithmetic.IXC, fp.fpsr);
        fp.fpcr = FpArithmetic.RM << 22;
        assertEquals(one, fp.add(one, tiny, 64));
        fp.fpcr = FpArithmetic.RZ << 22;
        assertEquals(bits(Double.MAX_VALUE), fp.mul(bits(Double.MAX_VALUE), bits(2.0), 64)); // overflow to max normal
        fp.fpcr = FpArithmetic.RM << 22;
        assertEquals(bits(-0.0), fp.sub(one, one, 64)); // x - x is -0 when rounding down
        fp.fpsr = 0;
        fp.fpcr = 0;
        assertEquals(bits(Double.POSITIVE_INFINITY), fp.div(one, 0, 64));
        assertEquals(FpArithmetic.DZC, fp.fpsr);
    }

    @Test
    void nanPropagationFollowsTheArmOrder() {
        FpArithmetic fp = new FpArithmetic();
        // a signalling NaN wins over an earlier quiet NaN, and is quietened (IOC)
        assertEquals(0x7ff8000000000bbbL, fp.add(QNAN_A, SNAN_B, 64));
        assertEquals(FpArithmetic.IOC, fp.fpsr);
        fp.fpsr = 0;
        // two quiet NaNs: the first operand's, no flag
        assertEquals(QNAN_C, fp.mul(QNAN_C, QNAN_A, 64));
        assertEquals(0, fp.fpsr);
        // FMADD: the addend is the first operand for NaN selection
        assertEquals(QNAN_C, fp.mulAdd(QNAN_C, QNAN_A, bits(1.0), 64));
        // quiet NaN addend with 0 × inf: the default NaN and Invalid Operation
        assertEquals(FpArithmetic.defaultNaN(64), fp.mulAdd(QNAN_A, 0, bits(Double.POSITIVE_INFINITY), 64));
        assertEquals(FpArithmetic.IOC, fp.fpsr);
        // DN replaces every NaN result by the default NaN
        fp.fpcr = FpArithmetic.DN;
        assertEquals(FpArithmetic.defaultNaN(64), fp.add(QNAN_C, bits(1.0), 64));
        // FMAXNM: a quiet NaN loses against a number; FMAX propagates it
        fp.fpcr = 0;
        assertEquals(bits(-3.0), fp.maxNum(QNAN_A, bits(-3.0), 64));
        assertEquals(QNAN_A, fp.max(QNAN_A, bits(-3.0), 64));
        // max(+0, -0) = +0, min(+0, -0) = -0
        assertEquals(0L, fp.max(bits(-0.0), 0, 64));
        assertEquals(bits(-0.0), fp.min(0, bits(-0.0), 64));
    }

    @Test
    void flushToZeroFlagsInputAndOutputDenormals() {
        FpArithmetic fp = new FpArithmetic();
        fp.fpcr = FpArithmetic.FZ;
        assertEquals(bits(1.0), fp.add(bits(1.0), 1, 64)); // denormal input flushed: exact, IDC only
        assertEquals(FpArithmetic.IDC, fp.fpsr);
        fp.fpsr = 0;
        assertEquals(0L, fp.mul(bits(Double.MIN_NORMAL), bits(0.5), 64)); // tiny result flushed: UFC, no IXC
        assertEquals(FpArithmetic.UFC, fp.fpsr);
        fp.fpcr = 0;
        fp.fpsr = 0;
        assertEquals(bits(Double.MIN_NORMAL / 2), fp.mul(bits(Double.MIN_NORMAL), bits(0.5), 64)); // exact denormal: no UFC
        assertEquals(0, fp.fpsr);
        fp.mul(bits(Double.MIN_NORMAL), bits(1.0 / 3), 64); // inexact denormal: UFC and IXC
        assertEquals(FpArithmetic.UFC | FpArithmetic.IXC, fp.fpsr);
    }

    @Test
    void conversionsToIntegersSaturateAndRoundAsAsked() {
        FpArithmetic fp = new FpArithmetic();
        assertEquals(Long.MAX_VALUE, fp.toFixed(bits(1e30), 64, 0, false, FpArithmetic.RZ, 64));
        assertEquals(FpArithmetic.IOC, fp.fpsr);
        fp.fpsr = 0;
        assertEquals(0, fp.toFixed(bits(-2.5), 64, 0, true, FpArithmetic.RZ, 32)); // unsigned: negative saturates to 0
        assertEquals(-3L, fp.toFixed(bits(-2.5), 64, 0, false, FpArithmetic.TIEAWAY, 64));
        assertEquals(-2L, fp.toFixed(bits(-2.5), 64, 0, false, FpArithmetic.RN, 64));
        assertEquals(0x28000L, fp.toFixed(bits(2.5), 64, 16, false, FpArithmetic.RZ, 64)); // fixed point, 16 fraction bits
        assertEquals(0L, fp.toFixed(QNAN_A, 64, 0, false, FpArithmetic.RZ, 64));
        assertEquals(bits(0x1p64), fp.fromFixed(-1L, 64, true, 0, 64, FpArithmetic.RN)); // UCVTF of 2^64-1 rounds up to 2^64
        assertEquals(0x3c00L, fp.convert(bits(1.0), 64, 16, FpArithmetic.RN));
        fp.fpcr = FpArithmetic.AHP;
        assertEquals(0x7fffL, fp.convert(bits(Double.POSITIVE_INFINITY), 64, 16, FpArithmetic.RN)); // AHP has no infinity
    }

    /** The fast paths (default FPCR, tame operands) give the exact path's result and FPSR bits. */
    @Test
    void fastPathsAgreeWithTheExactPathIncludingFlags() {
        Random r = new Random(7);
        FpArithmetic fast = new FpArithmetic(), exact = new FpArithmetic();
        exact.fastPath = false;
        for (int k = 0; k < 50000; k++) {
            long x, y;
            if (r.nextBoolean()) {
                x = r.nextLong();
                y = r.nextLong();
            } else { // near each other and in the fast range, with short mantissas (often exact)
                x = (r.nextLong() & 0x800fff0000000000L) | ((long) (1000 + r.nextInt(40)) << 52);
                y = (r.nextLong() & 0x800fff0000000000L) | ((long) (1000 + r.nextInt(40)) << 52);
            }
            long xs = x >>> 32, ys = y >>> 32;
            for (int op = 0; op < 8; op++) {
                fast.fpsr = exact.fpsr = 0;
                long a, b;
                switch (op) {
                    case 0 -> { a = fast.add(x, y, 64); b = exact.add(x, y, 64); }
                    case 1 -> { a = fast.sub(x, y, 64); b = exact.sub(x, y, 64); }
                    case 2 -> { a = fast.mul(x, y, 64); b = exact.mul(x, y, 64); }
                    case 3 -> { a = fast.div(x, y, 64); b = exact.div(x, y, 64); }
                    case 4 -> { a = fast.sqrt(x & Long.MAX_VALUE, 64); b = exact.sqrt(x & Long.MAX_VALUE, 64); }
                    case 5 -> { a = fast.add(xs, ys, 32); b = exact.add(xs, ys, 32); }
                    case 6 -> { a = fast.mul(xs, ys, 32); b = exact.mul(xs, ys, 32); }
                    default -> { a = fast.div(xs, ys, 32); b = exact.div(xs, ys, 32); }
                }
                String ctx = "op " + op + " " + Long.toHexString(x) + " " + Long.toHexString(y);
                assertEquals(b, a, ctx);
                assertEquals(exact.fpsr, fast.fpsr, ctx);
            }
        }
    }
}
