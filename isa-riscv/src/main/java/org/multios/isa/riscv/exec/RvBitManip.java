package org.multios.isa.riscv.exec;

import org.multios.isa.riscv.decode.RvOp;

/** Zba, Zbb and Zbs semantics (the "B" chapter of the unprivileged spec). */
public final class RvBitManip {
    private RvBitManip() {}

    /**
     * Result of a bit-manipulation op on {@code a} (rs1) and {@code b} (rs2, or the
     * immediate for the *I forms).
     */
    public static long exec(RvOp op, long a, long b) {
        return switch (op) {
            // Zba
            case ADD_UW -> b + (a & 0xffff_ffffL);
            case SH1ADD -> b + (a << 1);
            case SH2ADD -> b + (a << 2);
            case SH3ADD -> b + (a << 3);
            case SH1ADD_UW -> b + ((a & 0xffff_ffffL) << 1);
            case SH2ADD_UW -> b + ((a & 0xffff_ffffL) << 2);
            case SH3ADD_UW -> b + ((a & 0xffff_ffffL) << 3);
            case SLLI_UW -> (a & 0xffff_ffffL) << (b & 63);
            // Zbb
            case ANDN -> a & ~b;
            case ORN -> a | ~b;
            case XNOR -> ~(a ^ b);
            case CLZ -> Long.numberOfLeadingZeros(a);
            case CLZW -> Integer.numberOfLeadingZeros((int) a);
            case CTZ -> Long.numberOfTrailingZeros(a);
            case CTZW -> Integer.numberOfTrailingZeros((int) a);
            case CPOP -> Long.bitCount(a);
            case CPOPW -> Integer.bitCount((int) a);
            case MAX -> Math.max(a, b);
            case MAXU -> Long.compareUnsigned(a, b) >= 0 ? a : b;
            case MIN -> Math.min(a, b);
            case MINU -> Long.compareUnsigned(a, b) <= 0 ? a : b;
            case SEXT_B -> (byte) a;
            case SEXT_H -> (short) a;
            case ZEXT_H -> a & 0xffff;
            case ROL -> Long.rotateLeft(a, (int) (b & 63));
            case ROLW -> Integer.rotateLeft((int) a, (int) (b & 31));
            case ROR, RORI -> Long.rotateRight(a, (int) (b & 63));
            case RORW, RORIW -> Integer.rotateRight((int) a, (int) (b & 31));
            case ORC_B -> orcb(a);
            case REV8 -> Long.reverseBytes(a);
            // Zbs
            case BCLR, BCLRI -> a & ~(1L << (b & 63));
            case BEXT, BEXTI -> (a >>> (b & 63)) & 1;
            case BINV, BINVI -> a ^ (1L << (b & 63));
            case BSET, BSETI -> a | (1L << (b & 63));
            default -> throw new IllegalArgumentException("not a bit-manipulation op: " + op);
        };
    }

    /** Each byte becomes 0xff if any of its bits is set, else 0x00. */
    static long orcb(long a) {
        long r = 0;
        for (int i = 0; i < 64; i += 8) if (((a >>> i) & 0xff) != 0) r |= 0xffL << i;
        return r;
    }

    /** True for the ops whose second operand is the immediate. */
    public static boolean usesImmediate(RvOp op) {
        return switch (op) {
            case SLLI_UW, RORI, RORIW, BCLRI, BEXTI, BINVI, BSETI -> true;
            default -> false;
        };
    }
}
