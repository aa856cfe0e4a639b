package org.multios.isa.arm64.exec;

import org.multios.isa.arm64.A64Cpu;
import org.multios.isa.arm64.decode.A64DecodeTable;
import org.multios.isa.arm64.decode.A64Op;

/**
 * Executes one A64 instruction: the table gives its encoding class, the class methods read
 * the operand fields as the manual's decode pseudocode does. Data-processing classes are
 * here; loads/stores in {@link A64LoadStore}, branches and system instructions in
 * {@link A64System}.
 */
public final class A64Executor {
    private final A64Cpu cpu;
    private final long[] x;
    private final A64DecodeTable table = A64DecodeTable.standard();
    private final A64LoadStore ldst;
    private final A64System sys;
    private final A64FloatingPoint fpu;
    private final A64SimdArithmetic simd;
    private final A64SimdPermute permute;
    private final A64SimdLoadStore simdLdst;
    private final A64Crypto crypto;
    /** Direct-mapped cache of decoded encoding classes: words repeat (loops), the table scan need not. */
    private static final int CACHE_BITS = 14;
    private final int[] cachedWord = new int[1 << CACHE_BITS];
    private final A64Op[] cachedOp = new A64Op[1 << CACHE_BITS];

    public A64Executor(A64Cpu cpu) {
        this.cpu = cpu;
        this.x = cpu.x;
        this.ldst = new A64LoadStore(cpu, this);
        this.sys = new A64System(cpu, this);
        this.fpu = new A64FloatingPoint(cpu, this);
        this.simd = new A64SimdArithmetic(cpu, this);
        this.permute = new A64SimdPermute(cpu, this);
        this.simdLdst = new A64SimdLoadStore(cpu, this);
        this.crypto = new A64Crypto(cpu);
    }

    public void execute(int insn) {
        int slot = (insn ^ (insn >>> CACHE_BITS) ^ (insn >>> 28)) & ((1 << CACHE_BITS) - 1);
        A64Op op = cachedOp[slot];
        if (op == null || cachedWord[slot] != insn) {
            op = table.decode(insn);
            cachedWord[slot] = insn;
            cachedOp[slot] = op;
        }
        execute(op, insn);
    }

    /** Executes an instruction already decoded to its encoding class (from a decoded block). */
    public void execute(A64Op op, int insn) {
        switch (op) {
            case ADR -> adr(insn, false);
            case ADRP -> adr(insn, true);
            case ADDSUB_IMM -> addSubImmediate(insn);
            case LOGIC_IMM -> logicalImmediate(insn);
            case MOVE_WIDE -> moveWide(insn);
            case BITFIELD -> bitfield(insn);
            case EXTR -> extract(insn);
            case B, BL, CBZ, TBZ, B_COND, EXCEPTION, SYSTEM, BRANCH_REG -> sys.execute(op, insn);
            case LDST_EXCL, LDR_LIT, LDST_PAIR, LDST_IMM9, LDST_REGOFF, ATOMIC, LDST_UIMM -> ldst.execute(op, insn);
            case LOGIC_REG -> logicalShifted(insn);
            case ADDSUB_SHIFT -> addSubShifted(insn);
            case ADDSUB_EXT -> addSubExtended(insn);
            case ADC -> addSubCarry(insn);
            case COND_CMP -> conditionalCompare(insn);
            case COND_SEL -> conditionalSelect(insn);
            case DP_2SRC -> dataProcessing2(insn);
            case DP_1SRC -> dataProcessing1(insn);
            case DP_3SRC -> dataProcessing3(insn);
            case SIMD_LDST_MULT, SIMD_LDST_SINGLE -> simdLdst.execute(op, insn);
            case SIMD_AES, SIMD_SHA3, SIMD_SHA2 -> crypto.execute(op, insn);
            case FP_FIXED, FP_INT, FP_DP1, FP_CMP, FP_IMM, FP_CCMP, FP_DP2, FP_CSEL, FP_DP3 -> fpu.execute(op, insn);
            case SIMD_TBL, SIMD_PERMUTE, SIMD_EXT, SIMD_COPY, SIMD_MODIMM, SIMD_S_COPY -> permute.execute(op, insn);
            case SIMD_3SAME, SIMD_3DIFF, SIMD_2MISC, SIMD_ACROSS, SIMD_SHIFT_IMM, SIMD_INDEXED,
                 SIMD_S_3SAME, SIMD_S_3DIFF, SIMD_S_2MISC, SIMD_S_PAIRWISE, SIMD_S_SHIFT_IMM, SIMD_S_INDEXED -> simd.execute(op, insn);
            case UNDEFINED -> throw cpu.undefined();
        }
    }

    // ---- register access (31 is XZR or SP depending on the operand) ----

    long xr(int r) { return r == 31 ? 0 : x[r]; }

    long xsp(int r) { return r == 31 ? cpu.sp() : x[r]; }

    void setX(int r, long v) { if (r != 31) x[r] = v; }

    void setXsp(int r, long v) { if (r == 31) cpu.setSp(v); else x[r] = v; }

    static int rd(int i) { return i & 31; }
    static int rn(int i) { return (i >>> 5) & 31; }
    static int rm(int i) { return (i >>> 16) & 31; }

    private static long sized(long v, boolean sf) { return sf ? v : v & 0xffffffffL; }

    // ---- flags ----

    /** AddWithCarry: returns the result, setting NZCV when {@code setFlags}. */
    long addWithCarry(long a, long b, boolean carry, boolean sf, boolean setFlags) {
        long r;
        if (sf) {
            r = a + b + (carry ? 1 : 0);
            if (setFlags) {
                cpu.n = r < 0;
                cpu.z = r == 0;
                boolean c1 = Long.compareUnsigned(r, a) < 0 || (carry && r == a);
                cpu.c = c1;
                cpu.v = ((a ^ r) & (b ^ r)) < 0;
            }
            return r;
        }
        long ua = a & 0xffffffffL, ub = b & 0xffffffffL;
        long full = ua + ub + (carry ? 1 : 0);
        r = full & 0xffffffffL;
        if (setFlags) {
            int ri = (int) r;
            cpu.n = ri < 0;
            cpu.z = ri == 0;
            cpu.c = (full >>> 32) != 0;
            cpu.v = (((int) a ^ ri) & ((int) b ^ ri)) < 0;
        }
        return r;
    }

    private void setLogicFlags(long r, boolean sf) {
        cpu.n = sf ? r < 0 : (int) r < 0;
        cpu.z = sized(r, sf) == 0;
        cpu.c = false;
        cpu.v = false;
    }

    boolean conditionHolds(int cond) {
        boolean r = switch (cond >> 1) {
            case 0 -> cpu.z;
            case 1 -> cpu.c;
            case 2 -> cpu.n;
            case 3 -> cpu.v;
            case 4 -> cpu.c && !cpu.z;
            case 5 -> cpu.n == cpu.v;
            case 6 -> cpu.n == cpu.v && !cpu.z;
            default -> true;
        };
        return (cond & 1) != 0 && cond != 15 ? !r : r;
    }

    // ---- data processing, immediate ----

    private void adr(int i, boolean page) {
        long imm = ((long) ((i >> 5) & 0x7ffff) << 2 | ((i >>> 29) & 3));
        imm = (imm << 43) >> 43; // sign-extend 21 bits
        if (page) setX(rd(i), (cpu.pc & ~0xfffL) + (imm << 12));
        else setX(rd(i), cpu.pc + imm);
    }

    private void addSubImmediate(int i) {
        boolean sf = i < 0, sub = (i & (1 << 30)) != 0, s = (i & (1 << 29)) != 0;
        if ((i & (1 << 23)) != 0) throw cpu.undefined(); // ADDG/SUBG (MTE): not implemented
        long imm = (i >>> 10) & 0xfff;
        if ((i & (1 << 22)) != 0) imm <<= 12;
        long a = xsp(rn(i));
        long r = sub ? addWithCarry(a, ~imm, true, sf, s) : addWithCarry(a, imm, false, sf, s);
        r = sized(r, sf);
        if (s) setX(rd(i), r); else setXsp(rd(i), r);
    }

    private void logicalImmediate(int i) {
        boolean sf = i < 0;
        int opc = (i >>> 29) & 3, nbit = (i >>> 22) & 1;
        if (!sf && nbit == 1) throw cpu.undefined();
        long imm = Bits.logicalImmediate(nbit, (i >>> 16) & 0x3f, (i >>> 10) & 0x3f, sf ? 64 : 32);
        if (imm == Bits.RESERVED) throw cpu.undefined();
        long a = xr(rn(i));
        long r = switch (opc) {
            case 0, 3 -> a & imm;
            case 1 -> a | imm;
            default -> a ^ imm;
        };
        r = sized(r, sf);
        if (opc == 3) {
            setLogicFlags(r, sf);
            setX(rd(i), r);
        } else {
            setXsp(rd(i), r);
        }
    }

    private void moveWide(int i) {
        boolean sf = i < 0;
        int opc = (i >>> 29) & 3, hw = (i >>> 21) & 3;
        if (opc == 1 || (!sf && hw >= 2)) throw cpu.undefined();
        int shift = hw * 16;
        long imm = (long) ((i >>> 5) & 0xffff) << shift;
        long r = switch (opc) {
            case 0 -> ~imm;
            case 2 -> imm;
            default -> (xr(rd(i)) & ~(0xffffL << shift)) | imm;
        };
        setX(rd(i), sized(r, sf));
    }

    private void bitfield(int i) {
        boolean sf = i < 0;
        int opc = (i >>> 29) & 3, nbit = (i >>> 22) & 1;
        int immr = (i >>> 16) & 0x3f, imms = (i >>> 10) & 0x3f;
        int size = sf ? 64 : 32;
        if (opc == 3 || (sf ? nbit != 1 : nbit != 0) || (!sf && (immr >= 32 || imms >= 32))) throw cpu.undefined();
        long[] m = Bits.decodeBitMasks(nbit, imms, immr, false, size);
        if (m == null) throw cpu.undefined();
        long wmask = m[0], tmask = m[1];
        long src = xr(rn(i));
        long bot = Bits.ror(src, immr, size) & wmask;
        long r;
        switch (opc) {
            case 0 -> { // SBFM
                long top = ((src >>> imms) & 1) != 0 ? Bits.ones(size) : 0;
                r = (top & ~tmask) | (bot & tmask);
            }
            case 1 -> { // BFM
                long dst = xr(rd(i));
                bot = (dst & ~wmask) | (Bits.ror(src, immr, size) & wmask);
                r = (dst & ~tmask) | (bot & tmask);
            }
            default -> r = bot & tmask; // UBFM
        }
        setX(rd(i), sized(r, sf));
    }

    private void extract(int i) {
        boolean sf = i < 0;
        int nbit = (i >>> 22) & 1, lsb = (i >>> 10) & 0x3f;
        if ((sf ? 1 : 0) != nbit || (!sf && lsb >= 32)) throw cpu.undefined();
        long hi = xr(rn(i)), lo = xr(rm(i));
        long r;
        if (sf) r = lsb == 0 ? lo : (lo >>> lsb) | (hi << (64 - lsb));
        else {
            long cat = ((hi & 0xffffffffL) << 32) | (lo & 0xffffffffL);
            r = (cat >>> lsb) & 0xffffffffL;
        }
        setX(rd(i), r);
    }

    // ---- data processing, register ----

    private long shiftReg(long v, int type, int amount, boolean sf) {
        int size = sf ? 64 : 32;
        v = sized(v, sf);
        return switch (type) {
            case 0 -> sized(v << amount, sf);
            case 1 -> v >>> amount;
            case 2 -> sf ? v >> amount : sized((long) ((int) v >> amount), sf);
            default -> Bits.ror(v, amount, size);
        };
    }

    private void logicalShifted(int i) {
        boolean sf = i < 0;
        int opc = (i >>> 29) & 3, shift = (i >>> 22) & 3, amount = (i >>> 10) & 0x3f;
        if (!sf && amount >= 32) throw cpu.undefined();
        long b = shiftReg(xr(rm(i)), shift, amount, sf);
        if ((i & (1 << 21)) != 0) b = ~b;
        long a = xr(rn(i));
        long r = switch (opc) {
            case 0, 3 -> a & b;
            case 1 -> a | b;
            default -> a ^ b;
        };
        r = sized(r, sf);
        if (opc == 3) setLogicFlags(r, sf);
        setX(rd(i), r);
    }

    private void addSubShifted(int i) {
        boolean sf = i < 0, sub = (i & (1 << 30)) != 0, s = (i & (1 << 29)) != 0;
        int shift = (i >>> 22) & 3, amount = (i >>> 10) & 0x3f;
        if (shift == 3 || (!sf && amount >= 32)) throw cpu.undefined();
        long b = shiftReg(xr(rm(i)), shift, amount, sf);
        long a = xr(rn(i));
        long r = sub ? addWithCarry(a, ~b, true, sf, s) : addWithCarry(a, b, false, sf, s);
        setX(rd(i), sized(r, sf));
    }

    static long extendReg(long v, int option, int shift) {
        long e = switch (option) {
            case 0 -> v & 0xff;
            case 1 -> v & 0xffff;
            case 2 -> v & 0xffffffffL;
            case 3 -> v;
            case 4 -> (byte) v;
            case 5 -> (short) v;
            case 6 -> (int) v;
            default -> v;
        };
        return e << shift;
    }

    private void addSubExtended(int i) {
        boolean sf = i < 0, sub = (i & (1 << 30)) != 0, s = (i & (1 << 29)) != 0;
        int opt = (i >>> 22) & 3, option = (i >>> 13) & 7, imm3 = (i >>> 10) & 7;
        if (opt != 0 || imm3 > 4) throw cpu.undefined();
        long b = extendReg(xr(rm(i)), option, imm3);
        long a = xsp(rn(i));
        long r = sub ? addWithCarry(a, ~b, true, sf, s) : addWithCarry(a, b, false, sf, s);
        r = sized(r, sf);
        if (s) setX(rd(i), r); else setXsp(rd(i), r);
    }

    private void addSubCarry(int i) {
        boolean sf = i < 0, sub = (i & (1 << 30)) != 0, s = (i & (1 << 29)) != 0;
        long a = xr(rn(i)), b = xr(rm(i));
        if (sub) b = ~b;
        setX(rd(i), sized(addWithCarry(a, b, cpu.c, sf, s), sf));
    }

    private void conditionalCompare(int i) {
        boolean sf = i < 0, sub = (i & (1 << 30)) != 0;
        if ((i & (1 << 29)) == 0) throw cpu.undefined();
        int cond = (i >>> 12) & 15;
        if (conditionHolds(cond)) {
            long a = xr(rn(i));
            long b = (i & (1 << 11)) != 0 ? (i >>> 16) & 31 : xr(rm(i));
            if (sub) addWithCarry(a, ~b, true, sf, true);
            else addWithCarry(a, b, false, sf, true);
        } else {
            cpu.setNzcv(i & 15);
        }
    }

    private void conditionalSelect(int i) {
        boolean sf = i < 0, op = (i & (1 << 30)) != 0;
        int op2 = (i >>> 10) & 3;
        if (op2 > 1) throw cpu.undefined();
        int cond = (i >>> 12) & 15;
        long r;
        if (conditionHolds(cond)) r = xr(rn(i));
        else {
            r = xr(rm(i));
            if (op) r = ~r;
            if (op2 == 1) r++;
        }
        setX(rd(i), sized(r, sf));
    }

    private void dataProcessing2(int i) {
        boolean sf = i < 0;
        if ((i & (1 << 29)) != 0) throw cpu.undefined();
        int opcode = (i >>> 10) & 0x3f;
        long a = xr(rn(i)), b = xr(rm(i));
        long r;
        switch (opcode) {
            case 2 -> { // UDIV
                if (sf) r = b == 0 ? 0 : Long.divideUnsigned(a, b);
                else r = (b & 0xffffffffL) == 0 ? 0 : Long.divideUnsigned(a & 0xffffffffL, b & 0xffffffffL);
            }
            case 3 -> { // SDIV
                if (sf) r = b == 0 ? 0 : (a == Long.MIN_VALUE && b == -1 ? a : a / b);
                else {
                    int ai = (int) a, bi = (int) b;
                    r = bi == 0 ? 0 : (ai == Integer.MIN_VALUE && bi == -1 ? ai : ai / bi);
                }
            }
            case 8, 9, 10, 11 -> r = shiftReg(a, opcode - 8, (int) (b & (sf ? 63 : 31)), sf);
            case 16, 17, 18, 19, 20, 21, 22, 23 -> {
                int sz = opcode & 3;
                boolean castagnoli = (opcode & 4) != 0;
                if (sz == 3 && !sf || sz != 3 && sf) throw cpu.undefined();
                r = Crc32.update((int) a, b, 8 << sz, castagnoli) & 0xffffffffL;
            }
            default -> throw cpu.undefined();
        }
        setX(rd(i), sized(r, sf));
    }

    private void dataProcessing1(int i) {
        boolean sf = i < 0;
        if ((i & (1 << 29)) != 0 || ((i >>> 16) & 31) != 0) throw cpu.undefined();
        int opcode = (i >>> 10) & 0x3f;
        long a = xr(rn(i));
        long r;
        switch (opcode) {
            case 0 -> r = sf ? Long.reverse(a) : Integer.reverse((int) a) & 0xffffffffL;
            case 1 -> { // REV16: bytes swapped in each halfword
                long t = ((a & 0x00ff00ff00ff00ffL) << 8) | ((a >>> 8) & 0x00ff00ff00ff00ffL);
                r = t;
            }
            case 2 -> r = sf ? (Integer.reverseBytes((int) a) & 0xffffffffL) | ((long) Integer.reverseBytes((int) (a >>> 32)) << 32)
                    : Integer.reverseBytes((int) a) & 0xffffffffL;
            case 3 -> {
                if (!sf) throw cpu.undefined();
                r = Long.reverseBytes(a);
            }
            case 4 -> r = sf ? Long.numberOfLeadingZeros(a) : Integer.numberOfLeadingZeros((int) a);
            case 5 -> r = sf ? Long.numberOfLeadingZeros((a ^ (a << 1)) >>> 1) - 1
                    : Integer.numberOfLeadingZeros(((int) a ^ ((int) a << 1)) >>> 1) - 1;
            default -> throw cpu.undefined();
        }
        setX(rd(i), sized(r, sf));
    }

    private void dataProcessing3(int i) {
        boolean sf = i < 0;
        int op54 = (i >>> 29) & 3, op31 = (i >>> 21) & 7;
        boolean o0 = (i & (1 << 15)) != 0;
        if (op54 != 0) throw cpu.undefined();
        long a = xr((i >>> 10) & 31), n = xr(rn(i)), m = xr(rm(i));
        long r;
        switch (op31) {
            case 0 -> r = o0 ? a - n * m : a + n * m;
            case 1 -> {
                if (!sf) throw cpu.undefined();
                long p = (long) (int) n * (int) m;
                r = o0 ? a - p : a + p;
            }
            case 2 -> {
                if (!sf || o0) throw cpu.undefined();
                r = Math.multiplyHigh(n, m);
            }
            case 5 -> {
                if (!sf) throw cpu.undefined();
                long p = (n & 0xffffffffL) * (m & 0xffffffffL);
                r = o0 ? a - p : a + p;
            }
            case 6 -> {
                if (!sf || o0) throw cpu.undefined();
                r = Math.unsignedMultiplyHigh(n, m);
            }
            default -> throw cpu.undefined();
        }
        setX(rd(i), sized(r, sf));
    }
}
