package org.multios.isa.riscv.exec;

/**
 * "M" extension semantics (unprivileged spec, chapter "M Extension for Integer
 * Multiplication and Division"). Division never traps: by zero gives all ones (quotient)
 * or the dividend (remainder); signed overflow gives the dividend (quotient) or 0.
 */
public final class RvMultiply {
    private RvMultiply() {}

    public static long mulh(long a, long b) { return Math.multiplyHigh(a, b); }

    public static long mulhu(long a, long b) { return Math.unsignedMultiplyHigh(a, b); }

    /** High half of signed a times unsigned b. */
    public static long mulhsu(long a, long b) {
        // unsigned product high minus correction for a's sign: a_signed = a_unsigned - 2^64*[a<0]
        return Math.unsignedMultiplyHigh(a, b) - (a < 0 ? b : 0);
    }

    public static long div(long a, long b) {
        if (b == 0) return -1;
        if (a == Long.MIN_VALUE && b == -1) return a;
        return a / b;
    }

    public static long divu(long a, long b) { return b == 0 ? -1 : Long.divideUnsigned(a, b); }

    public static long rem(long a, long b) {
        if (b == 0) return a;
        if (a == Long.MIN_VALUE && b == -1) return 0;
        return a % b;
    }

    public static long remu(long a, long b) { return b == 0 ? a : Long.remainderUnsigned(a, b); }

    public static long divw(long a, long b) {
        int x = (int) a, y = (int) b;
        if (y == 0) return -1;
        if (x == Integer.MIN_VALUE && y == -1) return x;
        return x / y;
    }

    public static long divuw(long a, long b) {
        int y = (int) b;
        return y == 0 ? -1 : (int) Integer.divideUnsigned((int) a, y);
    }

    public static long remw(long a, long b) {
        int x = (int) a, y = (int) b;
        if (y == 0) return x;
        if (x == Integer.MIN_VALUE && y == -1) return 0;
        return x % y;
    }

    public static long remuw(long a, long b) {
        int y = (int) b;
        return y == 0 ? (int) a : (int) Integer.remainderUnsigned((int) a, y);
    }
}
