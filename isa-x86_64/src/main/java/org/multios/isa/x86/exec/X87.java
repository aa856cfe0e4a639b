package org.multios.isa.x86.exec;

import java.math.BigInteger;
import org.multios.isa.x86.LazyFlags;
import org.multios.isa.x86.X86Cpu;
import org.multios.isa.x86.X86Fault;
import org.multios.isa.x86.decode.X86Insn;
import org.multios.isa.x86.fp.Extended;
import org.multios.isa.x86.fp.SoftFloat;

/**
 * The x87 FPU (SDM Vol. 1 chapter 8, Vol. 2 per instruction) with real 80-bit registers.
 * Escapes D8-DF dispatch on opcode, ModRM.reg and ModRM.rm (the opcode map holds the names
 * the disassembler prints). Arithmetic rounds to the precision control (24/53/64 bits) and
 * rounding control of the control word; exceptions set the status word's flags, a stack
 * fault sets SF with C1 telling overflow from underflow, masked responses produce the
 * QNaN indefinite, and an unmasked one sets ES/B, leaves the destination alone and raises
 * #MF at the next waiting x87 instruction when CR0.NE is set.
 * <p>
 * FSIN, FCOS, FSINCOS, FPTAN, FPATAN, F2XM1, FYL2X and FYL2XP1 are computed through
 * StrictMath in double precision: correct to about 53 bits, not bit-identical to hardware.
 */
final class X87 {
    static final int IE = 1, DE = 2, ZE = 4, OE = 8, UE = 16, PE = 32, SF = 64, ES = 0x80, C0 = 0x100, C1 = 0x200,
            C2 = 0x400, C3 = 0x4000, B = 0x8000;

    private final Executor x;
    private final X86Cpu cpu;
    private X86Insn in;
    /** Exception flags of the current instruction. */
    private int fl;
    /** An operand register was empty (stack underflow): results become the QNaN indefinite. */
    private boolean underflow;
    /** The memory operand was a single or double denormal (reported as DE only if no NaN is involved). */
    private boolean memDenormal;

    X87(Executor x) {
        this.x = x;
        this.cpu = x.cpu;
    }

    // ------------------------------------------------------------------ registers

    int top() { return (cpu.fpuStatus >> 11) & 7; }

    private void setTop(int t) { cpu.fpuStatus = (cpu.fpuStatus & ~0x3800) | ((t & 7) << 11); }

    private int phys(int i) { return (top() + i) & 7; }

    private boolean empty(int i) { return ((cpu.fpuTag >> (2 * phys(i))) & 3) == 3; }

    Extended st(int i) { int p = phys(i); return new Extended(cpu.fpuExp[p], cpu.fpuSig[p]); }

    private void setPhys(int p, Extended v) {
        cpu.fpuExp[p] = v.se();
        cpu.fpuSig[p] = v.sig();
        cpu.fpuTag = (cpu.fpuTag & ~(3 << (2 * p))) | (tagOf(v) << (2 * p));
    }

    static int tagOf(Extended v) {
        if (v.isZero()) return 1;
        if (v.exp() == 0x7fff || v.exp() == 0 || v.isUnsupported()) return 2;
        return 0;
    }

    private void setSt(int i, Extended v) { setPhys(phys(i), v); }

    private void push(Extended v) {
        int t = (top() - 1) & 7;
        if (((cpu.fpuTag >> (2 * t)) & 3) != 3) { // stack overflow
            fl |= IE | SF;
            cpu.fpuStatus |= C1;
            if ((cpu.fpuControl & IE) == 0) return;
            v = Extended.INDEFINITE;
        }
        setTop(t);
        setPhys(t, v);
    }

    private void pop() {
        cpu.fpuTag |= 3 << (2 * top());
        setTop(top() + 1);
    }

    /** Reads ST(i); an empty register is a stack underflow (null when unmasked, the indefinite when masked). */
    private Extended read(int i) {
        if (empty(i)) {
            fl |= IE | SF;
            cpu.fpuStatus &= ~C1;
            underflow = true;
            return Extended.INDEFINITE;
        }
        return st(i);
    }

    /** Writes a result to ST(i) unless a pre-computation exception is unmasked; after an underflow the indefinite. */
    private void store(int i, Extended v) {
        if (blocked()) return;
        setSt(i, underflow ? Extended.INDEFINITE : v);
    }

    private int pc() {
        return switch ((cpu.fpuControl >> 8) & 3) { case 0 -> 24; case 2 -> 53; default -> 64; };
    }

    private int rc() { return (cpu.fpuControl >> 10) & 3; }

    /** The result format: precision control, and the x87 response to unmasked overflow/underflow. */
    private SoftFloat.Format fmt() { return SoftFloat.F80.withPrecision(pc()).withUnmasked(~cpu.fpuControl, true); }

    private Extended rounded(SoftFloat.Packed p) {
        fl |= p.flags;
        if (p.up) cpu.fpuStatus |= C1;
        return Extended.of(p);
    }

    /**
     * True when a pre-computation exception (invalid, denormal, zero divide) of this
     * instruction is unmasked: the destination is then not written. Unmasked overflow,
     * underflow and precision still deliver a result.
     */
    private boolean blocked() { return (fl & ~cpu.fpuControl & (IE | DE | ZE)) != 0; }

    
    private void finish() {
        cpu.fpuStatus |= fl & 0x7f;
        if ((cpu.fpuStatus & ~cpu.fpuControl & 0x3f) != 0) cpu.fpuStatus |= ES | B;
    }

    // ------------------------------------------------------------------ entry

    void fwait() {
        if ((cpu.cr0 & (X86Cpu.CR0_MP | X86Cpu.CR0_TS)) == (X86Cpu.CR0_MP | X86Cpu.CR0_TS)) {
            throw new X86Fault(X86Fault.NM, 0, false, "FWAIT with CR0.MP and TS");
        }
        pendingCheck();
    }

    private void pendingCheck() {
        if ((cpu.fpuStatus & ES) != 0 && (cpu.cr0 & X86Cpu.CR0_NE) != 0) throw new X86Fault(X86Fault.MF, 0, false, "x87 exception pending");
    }

    void execute(X86Insn insn) {
        in = insn;
        if ((cpu.cr0 & (X86Cpu.CR0_EM | X86Cpu.CR0_TS)) != 0) throw new X86Fault(X86Fault.NM, 0, false, "x87 unavailable (CR0.EM/TS)");
        int op = in.opcode, reg = (in.modrm >> 3) & 7, rm = in.modrm & 7;
        boolean mem = in.mod != 3;
        fl = 0;
        // control instructions that do not wait for pending exceptions (the "FN" forms)
        if (!mem && op == 0xdb && reg == 4 && (rm == 2 || rm == 3)) {
            if (rm == 2) cpu.fpuStatus &= 0x7f00; else init();
            return;
        }
        if (!mem && op == 0xdf && reg == 4 && rm == 0) { cpu.setReg(X86Cpu.RAX, 2, true, cpu.fpuStatus); return; }
        if (mem && op == 0xdd && reg == 7) { cpu.write(x.eaSeg, x.ea, 2, cpu.fpuStatus); return; }
        if (mem && op == 0xd9 && reg == 7) { cpu.write(x.eaSeg, x.ea, 2, cpu.fpuControl); return; }
        if (mem && op == 0xd9 && reg == 6) { storeEnv(); cpu.fpuControl |= 0x3f; return; }
        if (mem && op == 0xdd && reg == 6) { storeEnv(); storeRegs(envSize()); init(); return; }
        if (mem && op == 0xd9 && reg == 5) { pendingCheck(); cpu.fpuControl = (int) cpu.read(x.eaSeg, x.ea, 2) & 0x1f7f | 0x40; updateEs(); return; }
        if (mem && op == 0xd9 && reg == 4) { loadEnv(); return; }
        if (mem && op == 0xdd && reg == 4) { loadEnv(); loadRegs(envSize()); return; }
        pendingCheck();
        underflow = false;
        memDenormal = false;
        cpu.fpuOpcode = ((op & 7) << 8) | in.modrm;
        cpu.fpuIp = cpu.instructionStart;
        if (mem) cpu.fpuDp = x.ea;
        // C1 is defined (cleared unless rounding up or a stack overflow sets it) by all but
        // FNOP, FCMOVcc and F(U)COMI(P), which leave it as it was (as the host CPU does; the
        // SDM says FCOMI clears it)
        boolean keepsC1 = !mem && (op == 0xd9 && reg == 2 || (op == 0xda || op == 0xdb) && reg < 4
                || (op == 0xdb || op == 0xdf) && (reg == 5 || reg == 6));
        if (!keepsC1) cpu.fpuStatus &= ~C1;
        if (mem) memoryForm(op, reg); else registerForm(op, reg, rm);
        if (underflow) cpu.fpuStatus &= ~C1; // an underflow reports C1 = 0 even if a push then overflowed
        finish();
    }

    private void init() {
        cpu.fpuControl = 0x37f;
        cpu.fpuStatus = 0;
        cpu.fpuTag = 0xffff;
        cpu.fpuOpcode = 0;
        cpu.fpuIp = cpu.fpuDp = 0;
    }

    private void updateEs() {
        if ((cpu.fpuStatus & ~cpu.fpuControl & 0x3f) != 0) cpu.fpuStatus |= ES | B;
        else cpu.fpuStatus &= ~(ES | B);
    }

    // ------------------------------------------------------------------ memory operands

    private Extended loadMem(int kind) {
        int[] f = {0};
        Extended v = switch (kind) {
            case 0 -> Extended.fromFloat((int) cpu.read(x.eaSeg, x.ea, 4), f);
            case 1 -> Extended.fromLong((int) cpu.read(x.eaSeg, x.ea, 4));
            case 2 -> Extended.fromDouble(cpu.read(x.eaSeg, x.ea, 8), f);
            case 4 -> Extended.rawFromFloat((int) cpu.read(x.eaSeg, x.ea, 4), f);
            case 5 -> Extended.rawFromDouble(cpu.read(x.eaSeg, x.ea, 8), f);
            default -> Extended.fromLong((short) cpu.read(x.eaSeg, x.ea, 2));
        };
        fl |= f[0] & ~DE;
        memDenormal = (f[0] & DE) != 0;
        return v;
    }

    private void memoryForm(int op, int reg) {
        switch (op) {
            case 0xd8 -> arith(reg, 0, loadMem(4), false); // NaNs stay signalling until the operation
            case 0xda -> arith(reg, 0, loadMem(1), false);
            case 0xdc -> arith(reg, 0, loadMem(5), false);
            case 0xde -> arith(reg, 0, loadMem(3), false);
            case 0xd9 -> {
                switch (reg) {
                    case 0 -> load(loadMemChecked(0));
                    case 2, 3 -> storeBinary(false, reg == 3);
                    default -> throw X86Fault.ud("x87 d9 /" + reg);
                }
            }
            case 0xdd -> {
                switch (reg) {
                    case 0 -> load(loadMemChecked(2));
                    case 1 -> storeInt(8, true, true);
                    case 2, 3 -> storeBinary(true, reg == 3);
                    default -> throw X86Fault.ud("x87 dd /" + reg);
                }
            }
            case 0xdb -> {
                switch (reg) {
                    case 0 -> push(loadMem(1));
                    case 1 -> storeInt(4, true, true);
                    case 2, 3 -> storeInt(4, reg == 3, false);
                    case 5 -> push(new Extended((int) cpu.read(x.eaSeg, x.ea + 8, 2), cpu.read(x.eaSeg, x.ea, 8)));
                    case 7 -> {
                        Extended v = read(0);
                        if (blocked()) return;
                        cpu.write(x.eaSeg, x.ea, 8, v.sig());
                        cpu.write(x.eaSeg, x.ea + 8, 2, v.se());
                        pop();
                    }
                    default -> throw X86Fault.ud("x87 db /" + reg);
                }
            }
            default -> { // DF
                switch (reg) {
                    case 0 -> push(loadMem(3));
                    case 1 -> storeInt(2, true, true);
                    case 2, 3 -> storeInt(2, reg == 3, false);
                    case 4 -> push(loadBcd());
                    case 5 -> push(Extended.fromLong(cpu.read(x.eaSeg, x.ea, 8)));
                    case 6 -> storeBcd();
                    default -> storeInt(8, true, false);
                }
            }
        }
    }

    /** A memory operand for FLD: DE for a denormal unless the stack is full (overflow wins). */
    private Extended loadMemChecked(int kind) {
        Extended v = loadMem(kind);
        if (memDenormal && !stackFull()) fl |= DE;
        return v;
    }

    private boolean stackFull() { return ((cpu.fpuTag >> (2 * ((top() - 1) & 7))) & 3) != 3; }

    /** Pushes a loaded value; a full stack is an overflow, whose masked response pushes the indefinite. */
    private void load(Extended v) {
        if (stackFull()) {
            fl = IE | SF;
            push(v); // push() reports the overflow and substitutes the indefinite
            return;
        }
        if ((fl & ~cpu.fpuControl & IE) == 0) push(v); // an unmasked DE still loads (as the host does)
    }

    private void storeBinary(boolean dbl, boolean popAfter) {
        Extended v = read(0);
        int[] f = {0};
        long bits = v.toBinary(dbl, rc(), f);
        fl |= f[0] & 0xffff;
        if (blocked()) return;
        if ((fl & OE) != 0 && (cpu.fpuControl & OE) == 0 || (fl & UE) != 0 && (cpu.fpuControl & UE) == 0) {
            fl &= ~PE; // unmasked overflow/underflow on a store to memory: memory untouched, no PE
            return;
        }
        if ((f[0] & Extended.C1_UP) != 0) cpu.fpuStatus |= C1;
        cpu.write(x.eaSeg, x.ea, dbl ? 8 : 4, bits);
        if (popAfter) pop();
    }

    /** FIST/FISTP (rounding control) and FISTTP (truncation); out of range is IE, masked: the integer indefinite. */
    private void storeInt(int size, boolean popAfter, boolean truncate) {
        Extended v = read(0);
        long indefinite = size == 8 ? Long.MIN_VALUE : size == 4 ? 0x80000000L : 0x8000;
        long r;
        if (v.isNaN() || v.isInf() || v.isUnsupported()) {
            fl |= IE;
            r = indefinite;
        } else {
            int[] f = {0};
            Long q = SoftFloat.toInt(v.unpack(), size * 8, truncate ? SoftFloat.RZ : rc(), f);
            if (q == null) { fl |= IE; r = indefinite; } else { fl |= f[0] & 0x3f; r = q; }
            if (q != null && (f[0] & SoftFloat.ROUNDED_UP) != 0) cpu.fpuStatus |= C1;
        }
        if (blocked()) return;
        cpu.write(x.eaSeg, x.ea, size, r);
        if (popAfter) pop();
    }

    private Extended loadBcd() {
        long v = 0;
        for (int i = 8; i >= 0; i--) {
            int b = (int) cpu.read(x.eaSeg, x.ea + i, 1);
            v = v * 100 + (b >> 4) * 10 + (b & 15);
        }
        boolean neg = (cpu.read(x.eaSeg, x.ea + 9, 1) & 0x80) != 0;
        Extended e = Extended.fromLong(v);
        return neg ? e.negate() : e;
    }

    private void storeBcd() {
        Extended v = read(0);
        int[] f = {0};
        Long q = v.isNaN() || v.isInf() || v.isUnsupported() ? null : SoftFloat.toInt(v.unpack(), 64, rc(), f);
        if (q == null || Math.abs(q) > 999_999_999_999_999_999L) {
            fl |= IE;
            if (blocked()) return;
            cpu.write(x.eaSeg, x.ea, 8, 0xc000000000000000L >>> 0); // BCD indefinite: FFFF C000 0000 0000 0000
            cpu.write(x.eaSeg, x.ea, 8, 0);
            cpu.write(x.eaSeg, x.ea + 7, 1, 0xc0);
            cpu.write(x.eaSeg, x.ea + 8, 2, 0xffff);
        } else {
            fl |= f[0] & 0x3f;
            if ((f[0] & SoftFloat.ROUNDED_UP) != 0) cpu.fpuStatus |= C1; // only for a value that was stored
            long a = Math.abs(q);
            for (int i = 0; i < 9; i++) {
                int lo = (int) (a % 10); a /= 10;
                int hi = (int) (a % 10); a /= 10;
                cpu.write(x.eaSeg, x.ea + i, 1, hi << 4 | lo);
            }
            cpu.write(x.eaSeg, x.ea + 9, 1, q < 0 || v.sign() ? 0x80 : 0);
        }
        pop();
    }

    // ------------------------------------------------------------------ arithmetic

    /**
     * FADD..FDIVR and FCOM/FCOMP: ST(dst) = ST(dst) op src, where the register forms of DC and
     * DE (destination ST(i)) exchange the direct and reversed forms of SUB and DIV.
     */
    private void arith(int reg, int dstIndex, Extended src, boolean reversedEncoding) {
        if (reg == 2 || reg == 3) {
            Extended a = read(0);
            compare(a, src, false);
            if (reg == 3 && !blocked()) pop();
            return;
        }
        Extended d = read(dstIndex);
        if (underflow) fl &= IE | SF; // a stack fault hides the operands' other exceptions
        int opk = reg;
        if (reversedEncoding && opk >= 4) opk ^= 1;
        Extended r = underflow ? Extended.INDEFINITE : operate(opk, d, src);
        store(dstIndex, r);
    }

    /** dst op src for op 0 add, 1 mul, 4 sub, 5 subr, 6 div, 7 divr. */
    private Extended operate(int op, Extended a, Extended b) {
        if (op == 5) { Extended t = a; a = b; b = t; op = 4; }
        if (op == 7) { Extended t = a; a = b; b = t; op = 6; }
        Extended nan = nanOperands(a, b);
        if (nan != null) return nan;
        boolean zeroDivide = op == 6 && b.isZero() && !a.isZero() && !a.isInf();
        if ((a.isDenormal() || b.isDenormal() || memDenormal) && !zeroDivide) fl |= DE; // the host reports ZE alone
        if (blocked()) return Extended.INDEFINITE; // unmasked pre-computation exception: nothing computed
        boolean ia = a.isInf(), ib = b.isInf();
        switch (op) {
            case 0, 4 -> {
                boolean sb = op == 4 ? !b.sign() : b.sign();
                if (ia && ib && a.sign() != sb) return invalid();
                if (ia) return a;
                if (ib) return Extended.inf(sb);
                SoftFloat.Value y = b.unpack();
                if (op == 4) y.sign = !y.sign;
                return rounded(SoftFloat.add(a.unpack(), y, fmt(), rc(), false));
            }
            case 1 -> {
                if (ia && b.isZero() || ib && a.isZero()) return invalid();
                if (ia || ib) return Extended.inf(a.sign() ^ b.sign());
                return rounded(SoftFloat.mul(a.unpack(), b.unpack(), fmt(), rc(), false));
            }
            default -> {
                if (ia && ib || a.isZero() && b.isZero()) return invalid();
                if (ia) return Extended.inf(a.sign() ^ b.sign());
                if (ib) return Extended.zero(a.sign() ^ b.sign());
                if (b.isZero()) { fl |= ZE; return Extended.inf(a.sign() ^ b.sign()); }
                return rounded(SoftFloat.div(a.unpack(), b.unpack(), fmt(), rc(), false));
            }
        }
    }

    private Extended invalid() { fl |= IE; return Extended.INDEFINITE; }

    /** x87 NaN rules: SNaN or unsupported → IE; of two NaNs the larger significand wins; the result is quiet. */
    private Extended nanOperands(Extended a, Extended b) {
        if (a.isUnsupported() || b.isUnsupported()) return invalid();
        if (!a.isNaN() && !b.isNaN()) return null;
        if (a.isSNaN() || b.isSNaN()) fl |= IE;
        if (a.isNaN() && b.isNaN() && a.isSNaN() != b.isSNaN()) return a.isSNaN() ? b : a; // the QNaN wins
        if (a.isNaN() && b.isNaN()) {
            int c = Long.compareUnsigned(a.sig() | (1L << 62), b.sig() | (1L << 62));
            if (c == 0) return (a.sign() ? b : a).quiet();
            return (c > 0 ? a : b).quiet();
        }
        return (a.isNaN() ? a : b).quiet();
    }

    /** FCOM/FUCOM condition codes C3 C2 C0; FCOM (signalling) raises IE on any NaN. */
    /** FCOM & co.: C3 C2 C0 are written even when the exception is unmasked (as the host does). */
    private void compare(Extended a, Extended b, boolean quiet) {
        if (underflow) fl &= IE | SF;
        cpu.fpuStatus &= ~(C0 | C2 | C3);
        int c = underflow ? 2 : cmp(a, b, quiet);
        cpu.fpuStatus |= switch (c) { case 2 -> C0 | C2 | C3; case 0 -> C3; case -1 -> C0; default -> 0; };
    }

    /** -1, 0, 1, or 2 for unordered. */
    private int cmp(Extended a, Extended b, boolean quiet) {
        if (a.isUnsupported() || b.isUnsupported()) { fl |= IE; return 2; }
        if (a.isNaN() || b.isNaN()) {
            if (!quiet || a.isSNaN() || b.isSNaN()) fl |= IE;
            return 2;
        }
        if (a.isDenormal() || b.isDenormal() || memDenormal) fl |= DE;
        if (a.isInf() || b.isInf()) {
            double da = a.isInf() ? (a.sign() ? -1 : 1) * Double.POSITIVE_INFINITY : 0;
            double db = b.isInf() ? (b.sign() ? -1 : 1) * Double.POSITIVE_INFINITY : 0;
            if (!a.isInf()) da = a.sign() ? -1 : 1;
            if (!b.isInf()) db = b.sign() ? -1 : 1;
            if (a.isInf() && b.isInf()) return Double.compare(da, db) == 0 ? 0 : da < db ? -1 : 1;
            if (a.isInf()) return a.sign() ? -1 : 1;
            return b.sign() ? 1 : -1;
        }
        return SoftFloat.compare(a.unpack(), b.unpack());
    }

    private void comi(int i, boolean quiet, boolean popAfter) {
        Extended a = read(0), b = read(i);
        int c = underflow ? 2 : cmp(a, b, quiet);
        x.flags.setExplicit(switch (c) { case 2 -> LazyFlags.ZF | LazyFlags.PF | LazyFlags.CF; case 0 -> LazyFlags.ZF; case -1 -> LazyFlags.CF; default -> 0; });
        if (popAfter && !blocked()) pop();
    }

    // ------------------------------------------------------------------ register forms

    private void registerForm(int op, int reg, int rm) {
        switch (op) {
            case 0xd8 -> arith(reg, 0, read(rm), false);
            case 0xdc -> arith(reg, rm, read(0), true);
            case 0xde -> {
                if (reg == 3) { // FCOMPP
                    compare(read(0), read(1), false);
                    if (!blocked()) { pop(); pop(); }
                    return;
                }
                arith(reg, rm, read(0), true);
                if (!blocked()) pop();
            }
            case 0xd9 -> d9(reg, rm);
            case 0xda -> {
                if (reg == 5) { // FUCOMPP
                    compare(read(0), read(1), true);
                    if (!blocked()) { pop(); pop(); }
                    return;
                }
                fcmov(reg, rm, false);
            }
            case 0xdb -> {
                if (reg < 4) fcmov(reg, rm, true);
                else comi(rm, reg == 5, false);
            }
            case 0xdd -> {
                switch (reg) {
                    case 0 -> cpu.fpuTag |= 3 << (2 * phys(rm)); // FFREE
                    case 2, 3 -> { // FST, FSTP ST(i)
                        Extended v = read(0);
                        store(rm, v);
                        if (reg == 3 && !blocked()) pop();
                    }
                    default -> { // FUCOM, FUCOMP
                        compare(read(0), read(rm), true);
                        if (reg == 5 && !blocked()) pop();
                    }
                }
            }
            default -> { // DF
                switch (reg) {
                    case 0 -> { cpu.fpuTag |= 3 << (2 * phys(rm)); pop(); } // FFREEP
                    case 5, 6 -> comi(rm, reg == 5, true);
                    default -> throw X86Fault.ud("x87 df reg form /" + reg);
                }
            }
        }
    }

    /** FCMOVcc: an empty operand is a stack underflow whatever the condition. */
    private void fcmov(int cc, int rm, boolean negate) {
        LazyFlags f = x.flags;
        boolean c = switch (cc) { case 0 -> f.cf(); case 1 -> f.zf(); case 2 -> f.cf() || f.zf(); default -> f.pf(); };
        Extended v = read(rm);
        read(0);
        if (underflow) store(0, Extended.INDEFINITE);
        else if (c != negate) setSt(0, v);
    }

    private void d9(int reg, int rm) {
        switch (reg) {
            case 0 -> { // FLD ST(i)
                Extended v = read(rm);
                if (!blocked()) push(underflow ? Extended.INDEFINITE : v);
            }
            case 1 -> { // FXCH: an empty register takes part as the indefinite
                Extended a = read(0), b = read(rm);
                if (blocked()) return;
                setSt(0, b);
                setSt(rm, a);
            }
            case 2 -> { } // FNOP
            case 4 -> {
                if (rm == 5) { fxam(); return; }
                Extended a = read(0);
                switch (rm) {
                    case 0 -> store(0, a.negate());
                    case 1 -> store(0, a.abs());
                    default -> compare(a, Extended.ZERO, false); // FTST
                }
            }
            case 5 -> push(constant(rm));
            case 6 -> d9f0(rm);
            default -> d9f8(rm);
        }
    }

    private void fxam() {
        cpu.fpuStatus &= ~(C0 | C1 | C2 | C3);
        Extended a = st(0);
        if (a.sign()) cpu.fpuStatus |= C1;
        int cls;
        if (empty(0)) cls = C3 | C0;
        else if (a.isUnsupported()) cls = 0;
        else if (a.isNaN()) cls = C0;
        else if (a.isInf()) cls = C2 | C0;
        else if (a.isZero()) cls = C3;
        else if (a.isDenormal()) cls = C3 | C2;
        else cls = C2;
        cpu.fpuStatus |= cls;
    }

    /**
     * FLD1, FLDL2T, FLDL2E, FLDPI, FLDLG2, FLDLN2, FLDZ: the 64-bit significands rounded to
     * nearest, one lower when rounding down or toward zero cuts below the true value (SDM 8.3.8).
     */
    private Extended constant(int rm) {
        boolean down = rc() == SoftFloat.RD || rc() == SoftFloat.RZ, upMode = rc() == SoftFloat.RU;
        return switch (rm) {
            case 0 -> Extended.ONE;
            case 1 -> new Extended(0x4000, 0xd49a784bcd1b8afeL + (upMode ? 1 : 0)); // log2(10), true value just above
            case 2 -> new Extended(0x3fff, 0xb8aa3b295c17f0bcL - (down ? 1 : 0)); // log2(e), rounded up to nearest
            case 3 -> new Extended(0x4000, 0xc90fdaa22168c235L - (down ? 1 : 0)); // pi
            case 4 -> new Extended(0x3ffd, 0x9a209a84fbcff799L - (down ? 1 : 0)); // log10(2)
            case 5 -> new Extended(0x3ffe, 0xb17217f7d1cf79acL - (down ? 1 : 0)); // ln(2)
            case 6 -> Extended.ZERO;
            default -> throw X86Fault.ud("x87 d9 ef");
        };
    }

    private void d9f0(int rm) {
        switch (rm) {
            case 4 -> fxtract();
            case 5 -> fprem(true);
            case 6 -> setTop(top() - 1); // FDECSTP (C1 cleared above)
            case 7 -> setTop(top() + 1); // FINCSTP
            default -> transcendental(rm);
        }
    }

    private void d9f8(int rm) {
        switch (rm) {
            case 0 -> fprem(false);
            case 2 -> { // FSQRT
                Extended a = read(0);
                if (underflow) { store(0, Extended.INDEFINITE); return; }
                Extended r;
                if (a.isNaN() || a.isUnsupported()) r = nanOperands(a, a);
                else if (a.isZero()) r = a;
                else if (a.sign()) r = invalid();
                else if (a.isInf()) r = a;
                else {
                    if (a.isDenormal()) fl |= DE;
                    if (blocked()) return;
                    r = rounded(SoftFloat.sqrt(a.unpack(), fmt(), rc(), false));
                }
                store(0, r);
            }
            case 4 -> { // FRNDINT
                Extended a = read(0);
                if (underflow) { store(0, Extended.INDEFINITE); return; }
                Extended r;
                if (a.isNaN() || a.isUnsupported()) r = nanOperands(a, a);
                else if (a.isZero() || a.isInf()) r = a;
                else {
                    if (a.isDenormal()) fl |= DE;
                    if (blocked()) return;
                    SoftFloat.Packed p = SoftFloat.roundToIntegral(a.unpack(), SoftFloat.F80, rc(), true);
                    if (p.exp == 0 && p.sig == 0) p.sign = a.sign();
                    r = rounded(p);
                }
                store(0, r);
            }
            case 5 -> fscale();
            default -> transcendental(8 + rm);
        }
    }

    private void fscale() {
        Extended a = read(0), b = read(1);
        if (underflow) { store(0, Extended.INDEFINITE); return; }
        Extended r;
        Extended nan = nanOperands(a, b);
        if (nan == null && (a.isDenormal() || b.isDenormal())) fl |= DE;
        if (nan != null) r = nan;
        else if (b.isInf()) {
            boolean neg = b.sign();
            if (a.isZero() && !neg || a.isInf() && neg) r = invalid();
            else if (a.isZero() || a.isInf()) r = a;
            else r = neg ? Extended.zero(a.sign()) : Extended.inf(a.sign());
        } else if (a.isZero() || a.isInf()) {
            r = a;
        } else {
            int[] f = {0};
            Long n = SoftFloat.toInt(b.unpack(), 64, SoftFloat.RZ, f);
            long k = n == null ? (b.sign() ? -1L << 20 : 1L << 20) : Math.max(-(1L << 20), Math.min(1L << 20, n));
            SoftFloat.Value v = a.unpack();
            r = rounded(SoftFloat.round(v.sign, v.m, (int) (v.e + k), false, SoftFloat.F80, rc(), false));
        }
        store(0, r);
    }

    private void fxtract() {
        Extended a = read(0);
        if (!underflow && stackFull()) { // the push would overflow: both results are the indefinite
            fl = IE | SF;
            cpu.fpuStatus |= C1;
            if (blocked()) return;
            setSt(0, Extended.INDEFINITE);
            setTop(top() - 1);
            setSt(0, Extended.INDEFINITE);
            return;
        }
        if (underflow) {
            store(0, Extended.INDEFINITE);
            if (!blocked()) push(Extended.INDEFINITE);
            return;
        }
        if (a.isNaN() || a.isUnsupported()) {
            Extended n = nanOperands(a, a);
            if (blocked()) return;
            setSt(0, n);
            push(n);
            return;
        }
        if (a.isZero()) {
            fl |= ZE;
            if (blocked()) return;
            setSt(0, Extended.inf(true));
            push(a);
            return;
        }
        if (a.isInf()) {
            setSt(0, Extended.inf(false));
            push(a);
            return;
        }
        if (a.isDenormal()) fl |= DE;
        if (blocked()) return;
        SoftFloat.Value v = a.unpack();
        int e = v.e + v.m.bitLength() - 1; // unbiased exponent of the leading bit
        Extended sig = Extended.of(SoftFloat.round(v.sign, v.m, -(v.m.bitLength() - 1), false, SoftFloat.F80, 0, false));
        setSt(0, Extended.fromLong(e));
        push(sig);
    }

    /** FPREM (truncating quotient) and FPREM1 (IEEE, nearest): partial when exponents differ by 64 or more. */
    private void fprem(boolean ieee) {
        Extended a = read(0), b = read(1);
        if (underflow) {
            cpu.fpuStatus &= ~C2;
            store(0, Extended.INDEFINITE);
            return;
        }
        Extended nan = nanOperands(a, b);
        Extended r;
        // C0, C2, C3 stay as they were for invalid operands; a remainder defines them
        if (nan != null || a.isInf() || b.isZero()) {
            r = nan != null ? nan : invalid();
            cpu.fpuStatus &= ~C2;
        } else if ((a.isDenormal() || b.isDenormal()) && ((fl |= DE) & ~cpu.fpuControl & DE) != 0) {
            cpu.fpuStatus &= ~C2; // unmasked denormal: nothing computed
            return;
        } else if (b.isInf() || a.isZero()) { r = a; cpu.fpuStatus &= ~(C0 | C2 | C3); }
        else {
            if (a.isDenormal() || b.isDenormal()) fl |= DE;
            SoftFloat.Value va = a.unpack(), vb = b.unpack();
            int ea = va.e + va.m.bitLength(), eb = vb.e + vb.m.bitLength();
            int d = ea - eb;
            cpu.fpuStatus &= ~(C0 | C2 | C3);
            if (d >= 64) {
                // partial: reduce by b * 2^(d - n) with n between 32 and 63 (SDM: N is implementation specific)
                int n = 32 + (d - 32) % 32;
                int shift = d - n;
                BigInteger[] qr = exactDivide(va, vb, shift, false);
                SoftFloat.Value rem = remainder(va, vb, qr[0], shift);
                r = Extended.of(SoftFloat.round(rem.sign, rem.m, rem.e, false, SoftFloat.F80, 0, false));
                if (rem.m.signum() == 0) r = Extended.zero(a.sign());
                cpu.fpuStatus |= C2;
            } else {
                BigInteger q = exactDivide(va, vb, 0, ieee)[0];
                SoftFloat.Value rem = remainder(va, vb, q, 0);
                r = rem.m.signum() == 0 ? Extended.zero(a.sign())
                        : Extended.of(SoftFloat.round(rem.sign, rem.m, rem.e, false, SoftFloat.F80, 0, false));
                long ql = q.abs().longValue();
                if ((ql & 1) != 0) cpu.fpuStatus |= C1;
                if ((ql & 2) != 0) cpu.fpuStatus |= C3;
                if ((ql & 4) != 0) cpu.fpuStatus |= C0;
            }
        }
        store(0, r);
    }

    /** The integer quotient |a| / (|b| * 2^shift), truncated or rounded to nearest-even. */
    private static BigInteger[] exactDivide(SoftFloat.Value a, SoftFloat.Value b, int shift, boolean nearest) {
        int e = Math.min(a.e, b.e + shift);
        BigInteger x = a.m.shiftLeft(a.e - e), y = b.m.shiftLeft(b.e + shift - e);
        BigInteger[] qr = x.divideAndRemainder(y);
        if (nearest) {
            int c = qr[1].shiftLeft(1).compareTo(y);
            if (c > 0 || c == 0 && qr[0].testBit(0)) qr[0] = qr[0].add(BigInteger.ONE);
        }
        return qr;
    }

    /** a - sign(a/b) * q * |b| * 2^shift, exactly. */
    private static SoftFloat.Value remainder(SoftFloat.Value a, SoftFloat.Value b, BigInteger q, int shift) {
        int e = Math.min(a.e, b.e + shift);
        BigInteger x = a.m.shiftLeft(a.e - e), y = b.m.shiftLeft(b.e + shift - e).multiply(q);
        BigInteger r = x.subtract(y);
        boolean sign = a.sign ^ (r.signum() < 0);
        return new SoftFloat.Value(sign, r.abs(), e);
    }

    private static final double LN2 = 0.6931471805599453;

    /** The transcendental instructions, in double precision (documented as approximate). */
    private void transcendental(int which) {
        Extended a = read(0);
        if (underflow) { store(0, Extended.INDEFINITE); return; }
        cpu.fpuStatus &= ~C2;
        double va = toDouble(a);
        switch (which) {
            // F2XM1 and FYL2XP1 exist for their small-argument accuracy (expm1l, log1pl build on them):
            // computed as pow(2, x) - 1 or log(1 + x) they would lose every digit the 1 cancels
            case 0 -> setSt(0, fromDouble(StrictMath.expm1(va * LN2))); // F2XM1
            case 1, 9 -> { // FYL2X, FYL2XP1
                Extended b = read(1);
                if (underflow) { store(0, Extended.INDEFINITE); return; }
                double r = toDouble(b) * ((which == 1 ? StrictMath.log(va) : StrictMath.log1p(va)) / LN2);
                if (which == 1 && a.isZero() && !b.isZero()) fl |= ZE;
                if (which == 1 && va < 0) { r = Double.NaN; fl |= IE; }
                pop();
                setSt(0, Double.isNaN(r) ? Extended.INDEFINITE : fromDouble(r));
            }
            case 2 -> { setSt(0, fromDouble(StrictMath.tan(va))); push(Extended.ONE); } // FPTAN
            case 3 -> { // FPATAN
                Extended b = read(1);
                if (underflow) { store(0, Extended.INDEFINITE); return; }
                double r = StrictMath.atan2(toDouble(b), va);
                pop();
                setSt(0, fromDouble(r));
            }
            case 11 -> { setSt(0, fromDouble(StrictMath.sin(va))); push(fromDouble(StrictMath.cos(va))); } // FSINCOS
            case 14 -> setSt(0, fromDouble(StrictMath.sin(va)));
            case 15 -> setSt(0, fromDouble(StrictMath.cos(va)));
            default -> throw X86Fault.ud("x87 transcendental " + which);
        }
        fl |= PE;
    }

    private double toDouble(Extended e) {
        int[] f = {0};
        return Double.longBitsToDouble(e.toBinary(true, SoftFloat.RN, f));
    }

    private Extended fromDouble(double d) {
        int[] f = {0};
        return Extended.fromDouble(Double.doubleToRawLongBits(d), f);
    }

    // ------------------------------------------------------------------ environment

    /** 14 bytes with a 16-bit operand size, else 28 (protected-mode layout; real mode uses the same here). */
    private int envSize() { return in.osize == 2 ? 14 : 28; }

    /** The full tag word, each non-empty register classified from its contents. */
    int fullTag() {
        int t = 0;
        for (int p = 0; p < 8; p++) {
            int tag = ((cpu.fpuTag >> (2 * p)) & 3) == 3 ? 3 : tagOf(new Extended(cpu.fpuExp[p], cpu.fpuSig[p]));
            t |= tag << (2 * p);
        }
        return t;
    }

    private void storeEnv() {
        long a = x.ea;
        int s = in.osize == 2 ? 2 : 4;
        cpu.write(x.eaSeg, a, s, cpu.fpuControl | (s == 4 ? 0xffff0000L : 0));
        cpu.write(x.eaSeg, a + s, s, cpu.fpuStatus | (s == 4 ? 0xffff0000L : 0));
        cpu.write(x.eaSeg, a + 2L * s, s, fullTag() | (s == 4 ? 0xffff0000L : 0));
        cpu.write(x.eaSeg, a + 3L * s, s, cpu.fpuIp & (s == 4 ? 0xffffffffL : 0xffff));
        cpu.write(x.eaSeg, a + 4L * s, s, s == 4 ? (long) (cpu.fpuOpcode & 0x7ff) << 16 | cpu.seg[1].selector : cpu.seg[1].selector);
        cpu.write(x.eaSeg, a + 5L * s, s, cpu.fpuDp & (s == 4 ? 0xffffffffL : 0xffff));
        cpu.write(x.eaSeg, a + 6L * s, s, s == 4 ? 0xffff0000L | cpu.seg[3].selector : cpu.seg[3].selector);
    }

    private void loadEnv() {
        long a = x.ea;
        int s = in.osize == 2 ? 2 : 4;
        cpu.fpuControl = (int) cpu.read(x.eaSeg, a, 2) & 0x1f7f | 0x40;
        cpu.fpuStatus = (int) cpu.read(x.eaSeg, a + s, 2);
        int tag = (int) cpu.read(x.eaSeg, a + 2L * s, 2);
        // only "empty" is taken from the image; the others are recomputed from the registers
        int t = 0;
        for (int p = 0; p < 8; p++) t |= (((tag >> (2 * p)) & 3) == 3 ? 3 : 0) << (2 * p);
        cpu.fpuTag = t;
        for (int p = 0; p < 8; p++) if (((t >> (2 * p)) & 3) != 3) setPhys(p, new Extended(cpu.fpuExp[p], cpu.fpuSig[p]));
        cpu.fpuIp = cpu.read(x.eaSeg, a + 3L * s, s);
        cpu.fpuOpcode = s == 4 ? (int) (cpu.read(x.eaSeg, a + 4L * s, 4) >>> 16) & 0x7ff : 0;
        cpu.fpuDp = cpu.read(x.eaSeg, a + 5L * s, s);
        updateEs();
    }

    private void storeRegs(int offset) {
        for (int i = 0; i < 8; i++) {
            int p = phys(i);
            cpu.write(x.eaSeg, x.ea + offset + 10L * i, 8, cpu.fpuSig[p]);
            cpu.write(x.eaSeg, x.ea + offset + 10L * i + 8, 2, cpu.fpuExp[p]);
        }
    }

    private void loadRegs(int offset) {
        int tags = cpu.fpuTag;
        for (int i = 0; i < 8; i++) {
            int p = phys(i);
            Extended v = new Extended((int) cpu.read(x.eaSeg, x.ea + offset + 10L * i + 8, 2), cpu.read(x.eaSeg, x.ea + offset + 10L * i, 8));
            setPhys(p, v);
        }
        for (int p = 0; p < 8; p++) if (((tags >> (2 * p)) & 3) == 3) cpu.fpuTag |= 3 << (2 * p);
    }
}
