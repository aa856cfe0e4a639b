package org.multios.isa.riscv.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.multios.isa.riscv.exec.RvFloatArith.DOUBLE;
import static org.multios.isa.riscv.exec.RvFloatArith.DZ;
import static org.multios.isa.riscv.exec.RvFloatArith.NV;
import static org.multios.isa.riscv.exec.RvFloatArith.NX;
import static org.multios.isa.riscv.exec.RvFloatArith.OF;
import static org.multios.isa.riscv.exec.RvFloatArith.RDN;
import static org.multios.isa.riscv.exec.RvFloatArith.RMM;
import static org.multios.isa.riscv.exec.RvFloatArith.RNE;
import static org.multios.isa.riscv.exec.RvFloatArith.RTZ;
import static org.multios.isa.riscv.exec.RvFloatArith.RUP;
import static org.multios.isa.riscv.exec.RvFloatArith.SINGLE;
import static org.multios.isa.riscv.exec.RvFloatArith.UF;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RvFloatArithTest {
    RvFloatArith fp;

    @BeforeEach
    void setUp() { fp = new RvFloatArith(); }

    static long d(double v) { return Double.doubleToRawLongBits(v); }
    static long s(float v) { return Float.floatToRawIntBits(v) & 0xffff_ffffL; }

    @Test
    void roundNearestEvenMatchesJava() {
        double[] vals = {1.0 / 3, 1e308, -2.5e-310, 123456.789, -0.0, 7};
        for (double a : vals) for (double b : vals) {
            assertEquals(d(a + b), fp.add(DOUBLE, d(a), d(b), RNE), a + " + " + b);
            assertEquals(d(a * b), fp.mul(DOUBLE, d(a), d(b), RNE), a + " * " + b);
            if (b != 0) assertEquals(d(a / b), fp.div(DOUBLE, d(a), d(b), RNE), a + " / " + b);
            assertEquals(d(Math.fma(a, b, a)), fp.fma(DOUBLE, d(a), d(b), d(a), RNE), "fma");
            float fs = (float) a * (float) b;
            if (!Float.isNaN(fs)) assertEquals(s(fs), fp.mul(SINGLE, s((float) a), s((float) b), RNE));
        }
        assertEquals(d(Math.sqrt(2)), fp.sqrt(DOUBLE, d(2), RNE));
        assertEquals(s((float) Math.sqrt(2f)), fp.sqrt(SINGLE, s(2f), RNE));
    }

    @Test
    void directedRoundingAndInexact() {
        long third = fp.div(DOUBLE, d(1), d(3), RTZ);
        assertEquals(NX, fp.flags);
        assertEquals(d(1.0 / 3), third, "1/3 rounds down to nearest here, so RTZ equals RNE");
        assertEquals(Math.nextUp(1.0 / 3), Double.longBitsToDouble(fp.div(DOUBLE, d(1), d(3), RUP)));
        assertEquals(-Math.nextUp(1.0 / 3), Double.longBitsToDouble(fp.div(DOUBLE, d(-1), d(3), RDN)));
        assertEquals(-1.0 / 3, Double.longBitsToDouble(fp.div(DOUBLE, d(-1), d(3), RUP)));
        fp.flags = 0;
        fp.add(DOUBLE, d(1), d(2), RUP);
        assertEquals(0, fp.flags, "exact results raise nothing");
        // RMM: ties away from zero. 2^53 + 1 is a tie between 2^53 and 2^53 + 2.
        assertEquals(d(9007199254740994.0), fp.fromInteger(DOUBLE, (1L << 53) + 1, false, RMM));
        assertEquals(d(9007199254740992.0), fp.fromInteger(DOUBLE, (1L << 53) + 1, false, RNE));
    }

    @Test
    void overflowDependsOnRoundingMode() {
        long max = d(Double.MAX_VALUE);
        assertEquals(d(Double.POSITIVE_INFINITY), fp.mul(DOUBLE, max, d(2), RNE));
        assertEquals(OF | NX, fp.flags);
        assertEquals(max, fp.mul(DOUBLE, max, d(2), RTZ));
        assertEquals(max, fp.mul(DOUBLE, max, d(2), RDN));
        assertEquals(d(Double.NEGATIVE_INFINITY), fp.mul(DOUBLE, max, d(-2), RDN));
        assertEquals(d(-Double.MAX_VALUE), fp.mul(DOUBLE, max, d(-2), RUP));
    }

    @Test
    void underflowIsDetectedAfterRounding() {
        // nextUp(MIN_NORMAL) * (1 - 2^-52) = 2^-1022 * (1 - 2^-104): below MIN_NORMAL, but it
        // rounds (with unbounded exponent) up to MIN_NORMAL, so it is not tiny after rounding.
        long a = d(Math.nextUp(Double.MIN_NORMAL)), b = d(1 - 0x1p-52);
        assertEquals(d(Double.MIN_NORMAL), fp.mul(DOUBLE, a, b, RNE));
        assertEquals(NX, fp.flags, "not tiny after rounding: no UF");
        fp.flags = 0;
        fp.mul(DOUBLE, d(Double.MIN_NORMAL), d(1 - 0x1p-53), RNE); // exactly representable below MIN_NORMAL: tiny
        assertEquals(UF | NX, fp.flags);
        fp.flags = 0;
        fp.mul(DOUBLE, d(Double.MIN_VALUE), d(0.75), RNE);
        assertEquals(UF | NX, fp.flags);
        fp.flags = 0;
        fp.mul(DOUBLE, d(Double.MIN_NORMAL), d(0.5), RNE); // exact subnormal
        assertEquals(0, fp.flags);
    }

    @Test
    void nanHandling() {
        long snan = 0x7ff0_0000_0000_0001L, qnan = 0x7ff8_0000_0000_0001L;
        assertEquals(DOUBLE.canonicalNaN, fp.add(DOUBLE, qnan, d(1), RNE));
        assertEquals(0, fp.flags);
        assertEquals(DOUBLE.canonicalNaN, fp.add(DOUBLE, snan, d(1), RNE));
        assertEquals(NV, fp.flags);
        fp.flags = 0;
        assertEquals(DOUBLE.canonicalNaN, fp.add(DOUBLE, d(Double.POSITIVE_INFINITY), d(Double.NEGATIVE_INFINITY), RNE));
        assertEquals(NV, fp.flags);
        fp.flags = 0;
        assertEquals(d(Double.NEGATIVE_INFINITY), fp.div(DOUBLE, d(-1), d(0), RNE));
        assertEquals(DZ, fp.flags);
        fp.flags = 0;
        fp.fma(DOUBLE, d(Double.POSITIVE_INFINITY), d(0), qnan, RNE);
        assertEquals(NV, fp.flags, "inf * 0 + qNaN is invalid");
    }

    @Test
    void minMaxAndSignedZeros() {
        long snan = 0x7f80_0001L;
        assertEquals(s(1f), fp.minMax(SINGLE, snan, s(1f), false));
        assertEquals(NV, fp.flags);
        fp.flags = 0;
        assertEquals(SINGLE.canonicalNaN, fp.minMax(SINGLE, 0x7fc0_0001L, 0x7fc0_0002L, true));
        assertEquals(s(-0f), fp.minMax(SINGLE, s(0f), s(-0f), false));
        assertEquals(s(0f), fp.minMax(SINGLE, s(-0f), s(0f), true));
        assertEquals(d(-0.0), fp.add(DOUBLE, d(1), d(-1), RDN), "x - x = -0 when rounding down");
        assertEquals(d(0.0), fp.add(DOUBLE, d(1), d(-1), RNE));
        assertEquals(1, fp.compare(DOUBLE, d(-0.0), d(0.0), 0), "-0 == +0");
        assertEquals(0, fp.compare(DOUBLE, 0x7ff8_0000_0000_0000L, d(0), 0));
        assertEquals(0, fp.flags, "feq is quiet");
        fp.compare(DOUBLE, 0x7ff8_0000_0000_0000L, d(0), 1);
        assertEquals(NV, fp.flags, "flt signals on any NaN");
    }

    @Test
    void conversionsSaturate() {
        assertEquals(Integer.MAX_VALUE, fp.toInteger(DOUBLE, d(3e9), 32, false, RNE));
        assertEquals(NV, fp.flags);
        fp.flags = 0;
        assertEquals(Integer.MAX_VALUE, fp.toInteger(DOUBLE, DOUBLE.canonicalNaN, 32, false, RNE));
        assertEquals(-1L, fp.toInteger(DOUBLE, d(Double.POSITIVE_INFINITY), 64, true, RNE), "LU max");
        assertEquals(0, fp.toInteger(DOUBLE, d(-3), 64, true, RNE));
        fp.flags = 0;
        assertEquals(0, fp.toInteger(DOUBLE, d(-0.4), 64, true, RTZ));
        assertEquals(NX, fp.flags, "-0.4 to unsigned rounds to 0: inexact, not invalid");
        assertEquals(-1L, fp.toInteger(DOUBLE, d(4294967295.0), 32, true, RNE), "WU sign-extends");
        assertEquals(-2, fp.toInteger(DOUBLE, d(-1.5), 64, false, RNE));
        assertEquals(-1, fp.toInteger(DOUBLE, d(-1.5), 64, false, RTZ));
        assertEquals(-2, fp.toInteger(DOUBLE, d(-1.5), 64, false, RDN));
        assertEquals(-2, fp.toInteger(DOUBLE, d(-1.5), 64, false, RMM));
        assertEquals(-1, fp.toInteger(DOUBLE, d(-1.5), 64, false, RUP));
        assertEquals(Long.MIN_VALUE, fp.toInteger(DOUBLE, d(-9.3e18), 64, false, RNE));
    }

    @Test
    void classify() {
        assertEquals(1 << 0, RvFloatArith.classify(DOUBLE, d(Double.NEGATIVE_INFINITY)));
        assertEquals(1 << 3, RvFloatArith.classify(DOUBLE, d(-0.0)));
        assertEquals(1 << 5, RvFloatArith.classify(DOUBLE, d(Double.MIN_VALUE)));
        assertEquals(1 << 6, RvFloatArith.classify(SINGLE, s(1f)));
        assertEquals(1 << 8, RvFloatArith.classify(SINGLE, 0x7f80_0001L));
        assertEquals(1 << 9, RvFloatArith.classify(SINGLE, SINGLE.canonicalNaN));
    }

    @Test
    void nanBoxing() {
        assertEquals(SINGLE.canonicalNaN, RvFloatingPoint.unboxS(0x0000_0000_3f80_0000L), "not boxed: canonical NaN");
        assertEquals(0x3f80_0000L, RvFloatingPoint.unboxS(0xffff_ffff_3f80_0000L));
        assertEquals(0xffff_ffff_3f80_0000L, RvFloatingPoint.boxS(0x3f80_0000L));
    }
}
