package org.multios.isa.x86;

/**
 * RFLAGS with lazily computed arithmetic flags: arithmetic instructions record their kind,
 * operands, result and size; CF, PF, AF, ZF, SF and OF are derived only when something reads
 * them (a Jcc, PUSHF, an interrupt). The other bits (IF, DF, TF, IOPL, ...) live in
 * {@link #bits} directly.
 */
public final class LazyFlags {
    public static final long CF = 1, PF = 4, AF = 0x10, ZF = 0x40, SF = 0x80, TF = 0x100, IF = 0x200, DF = 0x400,
            OF = 0x800, IOPL = 0x3000, NT = 0x4000, RF = 0x10000, VM = 0x20000, AC = 0x40000, ID = 0x200000;
    public static final long ARITH = CF | PF | AF | ZF | SF | OF;

    /** How the arithmetic flags were last produced. */
    public static final int NONE = 0, ADD = 1, ADC = 2, SUB = 3, SBB = 4, LOGIC = 5, INC = 6, DEC = 7;

    public long bits = 2;
    private int op = NONE;
    private int size = 4;
    private long a, b, res;

    public static long mask(int size) { return size == 8 ? -1L : (1L << (size * 8)) - 1; }

    static long sign(int size) { return 1L << (size * 8 - 1); }

    public void setArith(int kind, int size, long a, long b, long result) {
        if (kind == INC || kind == DEC) {
            // INC and DEC keep CF: capture it before the lazy state is replaced.
            bits = (bits & ~CF) | (cf() ? CF : 0);
        }
        this.op = kind;
        this.size = size;
        this.a = a;
        this.b = b;
        this.res = result;
    }

    /** Sets all six arithmetic flags explicitly (shifts, multiplies, bit tests, ...). */
    public void setExplicit(long arithFlags) {
        bits = (bits & ~ARITH) | (arithFlags & ARITH);
        op = NONE;
    }

    /** Replaces one arithmetic flag, keeping the others as they currently are. */
    public void setFlag(long flag, boolean value) {
        long all = arith();
        setExplicit(value ? all | flag : all & ~flag);
    }

    public boolean cf() {
        long m = mask(size);
        return switch (op) {
            case NONE, INC, DEC -> (bits & CF) != 0;
            case ADD -> Long.compareUnsigned(res & m, a & m) < 0;
            case ADC -> Long.compareUnsigned(res & m, a & m) < 0 || adcCarry();
            case SUB -> Long.compareUnsigned(a & m, b & m) < 0;
            case SBB -> Long.compareUnsigned(a & m, b & m) < 0 || sbbBorrowEqual();
            default -> false;
        };
    }

    // ADC/SBB record the incoming carry in the low bit of a separate field.
    private boolean carryIn;

    public void setArithWithCarry(int kind, int size, long a, long b, long result, boolean carry) {
        setArith(kind, size, a, b, result);
        carryIn = carry;
    }

    private boolean adcCarry() {
        long m = mask(size);
        return carryIn && (res & m) == (a & m);
    }

    private boolean sbbBorrowEqual() {
        long m = mask(size);
        return carryIn && (a & m) == (b & m);
    }

    public boolean zf() { return op == NONE ? (bits & ZF) != 0 : (res & mask(size)) == 0; }

    public boolean sf() { return op == NONE ? (bits & SF) != 0 : (res & sign(size)) != 0; }

    public boolean of() {
        long s = sign(size);
        return switch (op) {
            case NONE -> (bits & OF) != 0;
            case ADD, ADC -> ((a ^ res) & (b ^ res) & s) != 0;
            case SUB, SBB -> ((a ^ b) & (a ^ res) & s) != 0;
            case INC -> (res & mask(size)) == s;
            case DEC -> (res & mask(size)) == s - 1;
            default -> false;
        };
    }

    public boolean pf() { return op == NONE ? (bits & PF) != 0 : (Long.bitCount(res & 0xff) & 1) == 0; }

    public boolean af() {
        return switch (op) {
            case NONE -> (bits & AF) != 0;
            case LOGIC -> false;
            case INC -> (res & 0xf) == 0;
            case DEC -> (res & 0xf) == 0xf;
            default -> ((a ^ b ^ res) & 0x10) != 0;
        };
    }

    /** The six arithmetic flags as RFLAGS bits. */
    public long arith() {
        if (op == NONE) return bits & ARITH;
        return (cf() ? CF : 0) | (pf() ? PF : 0) | (af() ? AF : 0) | (zf() ? ZF : 0) | (sf() ? SF : 0) | (of() ? OF : 0);
    }

    /** The whole RFLAGS value. */
    public long get() { return (bits & ~ARITH) | arith() | 2; }

    /** Loads RFLAGS (POPF, IRET, SYSRET); the caller masks what may not change. */
    public void set(long value) {
        bits = (value & 0x3f_7fd5L) | 2;
        op = NONE;
    }

    /** Condition codes 0-15 as in Jcc/SETcc/CMOVcc (SDM Appendix B.1). */
    public boolean condition(int cc) {
        boolean r = switch (cc >> 1) {
            case 0 -> of();
            case 1 -> cf();
            case 2 -> zf();
            case 3 -> cf() || zf();
            case 4 -> sf();
            case 5 -> pf();
            case 6 -> sf() != of();
            default -> zf() || sf() != of();
        };
        return (cc & 1) != 0 ? !r : r;
    }
}
