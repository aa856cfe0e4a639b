package org.multios.isa.riscv.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.multios.isa.riscv.exec.RvFloatArith.Fmt;

/** The Java-arithmetic fast paths must give the exact path's results and flags. */
class RvFloatFastPathTest {
    interface Op { long apply(RvFloatArith fp, Fmt f, long a, long b); }

    static long randomBits(Random r, Fmt f) {
        return switch (r.nextInt(5)) {
            case 0 -> f == RvFloatArith.DOUBLE ? Double.doubleToRawLongBits(r.nextInt(1000) / 8.0 * (r.nextBoolean() ? 1 : -1))
                    : Float.floatToRawIntBits(r.nextInt(1000) / 8f) & 0xffff_ffffL;
            case 1 -> f == RvFloatArith.DOUBLE ? Double.doubleToRawLongBits(r.nextGaussian() * Math.pow(2, r.nextInt(2100) - 1050))
                    : Float.floatToRawIntBits((float) (r.nextGaussian() * Math.pow(2, r.nextInt(280) - 140))) & 0xffff_ffffL;
            default -> f == RvFloatArith.DOUBLE ? r.nextLong() : r.nextLong() & 0xffff_ffffL;
        };
    }

    void check(Fmt f, String name, Op op) {
        Random r = new Random(7);
        RvFloatArith fast = new RvFloatArith(), slow = new RvFloatArith();
        slow.fastEnabled = false;
        for (int i = 0; i < 20000; i++) {
            long a = randomBits(r, f), b = randomBits(r, f);
            fast.flags = slow.flags = 0;
            long x = op.apply(fast, f, a, b), y = op.apply(slow, f, a, b);
            String what = String.format("%s %x %x", name, a, b);
            assertEquals(y, x, what);
            assertEquals(slow.flags, fast.flags, what + " flags");
        }
    }

    @Test
    void doubleOps() {
        Fmt d = RvFloatArith.DOUBLE;
        check(d, "add", (fp, f, a, b) -> fp.add(f, a, b, RvFloatArith.RNE));
        check(d, "mul", (fp, f, a, b) -> fp.mul(f, a, b, RvFloatArith.RNE));
        check(d, "div", (fp, f, a, b) -> fp.div(f, a, b, RvFloatArith.RNE));
        check(d, "sqrt", (fp, f, a, b) -> fp.sqrt(f, a & Long.MAX_VALUE, RvFloatArith.RNE));
    }

    @Test
    void singleOps() {
        Fmt s = RvFloatArith.SINGLE;
        check(s, "add", (fp, f, a, b) -> fp.add(f, a, b, RvFloatArith.RNE));
        check(s, "mul", (fp, f, a, b) -> fp.mul(f, a, b, RvFloatArith.RNE));
        check(s, "div", (fp, f, a, b) -> fp.div(f, a, b, RvFloatArith.RNE));
        check(s, "sqrt", (fp, f, a, b) -> fp.sqrt(f, a & 0x7fff_ffffL, RvFloatArith.RNE));
    }
}
