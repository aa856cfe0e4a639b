package org.multios.isa.x86.exec;

import org.multios.isa.x86.LazyFlags;
import org.multios.isa.x86.X86Cpu;
import org.multios.isa.x86.X86Fault;
import org.multios.isa.x86.decode.OperandSpec;
import org.multios.isa.x86.decode.X86Insn;
import org.multios.isa.x86.fp.SoftFloat;
import org.multios.isa.x86.fp.SseMath;

/**
 * SSE through SSE4.2 on XMM0-15 (SDM Vol. 1 chapters 10-12, Vol. 2 per instruction). The
 * opcode map marks these entries {@code sse}; operands come from its notation: V is the
 * ModRM.reg XMM register, W an XMM register or memory of the size letter (x = 16 bytes), U an
 * XMM register in ModRM.rm, E/G general registers. Floating point goes through
 * {@link SseMath} lane by lane under MXCSR; an unmasked exception sets its MXCSR flag and
 * raises #XM (#UD when CR4.OSXMMEXCPT is clear) without writing the destination.
 */
final class Sse {
    private final Executor x;
    private final X86Cpu cpu;
    private final SseMath fp = new SseMath();
    private final SseString strings = new SseString();
    private X86Insn in;
    /** The instruction works on MMX registers (operands P, Q, N): 8-byte vectors. */
    private boolean mmx;
    /** Vector bytes: 16 for XMM, 8 for MMX. */
    private int vb = 16;

    Sse(Executor x) {
        this.x = x;
        this.cpu = x.cpu;
    }

    // ------------------------------------------------------------------ operands

    private long[] xmm(int r) { return new long[] {cpu.xmm[2 * r], cpu.xmm[2 * r + 1]}; }

    private void setXmm(int r, long[] v) {
        cpu.xmm[2 * r] = v[0];
        cpu.xmm[2 * r + 1] = v[1];
    }

    private long mm(int r) { return cpu.fpuSig[r & 7]; }

    /** Writing an MMX register sets its x87 exponent field to all ones (SDM Vol. 1 9.5.1). */
    private void setMm(int r, long v) {
        cpu.fpuSig[r & 7] = v;
        cpu.fpuExp[r & 7] = 0xffff;
    }

    /** The destination register (ModRM.reg): XMM, or MMX for MMX forms. */
    private long[] vd() { return mmx ? new long[] {mm(in.reg), 0} : xmm(in.reg); }

    private void setVd(long[] v) {
        if (mmx) setMm(in.reg, v[0]);
        else setXmm(in.reg, v);
    }

    private int memSize(OperandSpec o) {
        return switch (o.size()) {
            case 'b' -> 1;
            case 'w' -> 2;
            case 'd' -> 4;
            case 'q' -> 8;
            case 'y' -> in.osize == 8 ? 8 : 4;
            default -> 16;
        };
    }

    /** Instructions whose 16-byte memory operand need not be aligned. */
    private static boolean unalignedOk(String m) {
        return switch (m) {
            case "movups", "movupd", "movdqu", "lddqu", "pcmpestri", "pcmpestrm", "pcmpistri", "pcmpistrm" -> true;
            default -> false;
        };
    }

    /** Operand i (V, W, U, or a general E/G operand) as 128 bits, memory zero-extended. */
    private long[] src(int i) {
        OperandSpec o = x.operands().get(i);
        switch (o.method()) {
            case 'V' -> { return xmm(in.reg); }
            case 'P' -> { return new long[] {mm(in.reg), 0}; }
            case 'Q', 'N' -> {
                if (in.mod == 3) return new long[] {mm(in.rm), 0};
                return new long[] {cpu.read(x.eaSeg, x.ea, 8), 0};
            }
            case 'W', 'U', 'M' -> {
                if (in.mod == 3) return xmm(in.rm);
                int size = memSize(o);
                if (size == 16) {
                    if (!unalignedOk(in.mnemonic()) && (cpu.linear(x.eaSeg, x.ea) & 15) != 0) {
                        throw X86Fault.gp(0, "unaligned 16-byte operand of " + in.mnemonic());
                    }
                    return new long[] {cpu.read(x.eaSeg, x.ea, 8), cpu.read(x.eaSeg, x.ea + 8, 8)};
                }
                return new long[] {cpu.read(x.eaSeg, x.ea, size), 0};
            }
            default -> { return new long[] {x.get(i), 0}; }
        }
    }

    /** Writes operand i: a whole XMM register, or memory of the operand's size. */
    private void dst(int i, long[] v) {
        OperandSpec o = x.operands().get(i);
        switch (o.method()) {
            case 'V' -> setXmm(in.reg, v);
            case 'P' -> setMm(in.reg, v[0]);
            case 'Q', 'N' -> {
                if (in.mod == 3) setMm(in.rm, v[0]);
                else cpu.write(x.eaSeg, x.ea, 8, v[0]);
            }
            case 'W', 'U', 'M' -> {
                if (in.mod == 3) { setXmm(in.rm, v); return; }
                int size = memSize(o);
                if (size == 16) {
                    if (!unalignedOk(in.mnemonic()) && (cpu.linear(x.eaSeg, x.ea) & 15) != 0) {
                        throw X86Fault.gp(0, "unaligned 16-byte operand of " + in.mnemonic());
                    }
                    // check both halves are writable before writing either
                    cpu.translate(cpu.linear(x.eaSeg, x.ea + 15), org.multios.isa.x86.mmu.X86PageWalker.WRITE);
                    cpu.write(x.eaSeg, x.ea, 8, v[0]);
                    cpu.write(x.eaSeg, x.ea + 8, 8, v[1]);
                } else {
                    cpu.write(x.eaSeg, x.ea, size, v[0]);
                }
            }
            default -> x.set(i, v[0]);
        }
    }

    private boolean storeForm() {
        char m = x.operands().get(0).method();
        return m == 'W' || m == 'M' || m == 'E' || m == 'Q' || m == 'U' && x.operands().get(1).method() == 'V';
    }

    static long lane(long[] v, int i, int w) {
        int bit = i * w * 8;
        long word = v[bit >>> 6];
        return w == 8 ? word : (word >>> (bit & 63)) & ((1L << (w * 8)) - 1);
    }

    static void setLane(long[] v, int i, int w, long val) {
        int bit = i * w * 8;
        if (w == 8) { v[bit >>> 6] = val; return; }
        long mask = ((1L << (w * 8)) - 1) << (bit & 63);
        v[bit >>> 6] = (v[bit >>> 6] & ~mask) | ((val << (bit & 63)) & mask);
    }

    static long sext(long v, int w) { return w == 8 ? v : (v << (64 - 8 * w)) >> (64 - 8 * w); }

    private void commitFp() {
        int f = fp.flags;
        if (f == 0) return;
        // An unmasked pre-computation exception (IE, DE, ZE) in any lane aborts the
        // instruction before results exist: only those flags are reported then.
        int pre = f & (SoftFloat.IE | SoftFloat.DE | SoftFloat.ZE);
        if (SseMath.unmasked(pre, cpu.mxcsr)) f = pre;
        if (SseMath.unmasked(f, cpu.mxcsr)) {
            cpu.mxcsr |= f & 0x3f;
            if ((cpu.cr4 & X86Cpu.CR4_OSXMMEXCPT) == 0) throw X86Fault.ud("unmasked SIMD exception without CR4.OSXMMEXCPT");
            throw new X86Fault(X86Fault.XM, 0, false, "SIMD floating-point exception");
        }
        cpu.mxcsr |= f & 0x3f;
    }

    // ------------------------------------------------------------------ dispatch

    void execute(X86Insn insn) {
        in = insn;
        String m = in.mnemonic();
        mmx = false;
        for (OperandSpec o : x.operands()) mmx |= o.method() == 'P' || o.method() == 'Q' || o.method() == 'N';
        vb = mmx ? 8 : 16;
        if (mmx) {
            // MMX: no OSFXSR needed; x87 rules for EM/TS and pending exceptions; TOP = 0, all tags valid
            if ((cpu.cr0 & X86Cpu.CR0_EM) != 0) throw X86Fault.ud("MMX with CR0.EM");
            if ((cpu.cr0 & X86Cpu.CR0_TS) != 0) throw new X86Fault(X86Fault.NM, 0, false, "MMX with CR0.TS");
            if ((cpu.fpuStatus & 0x80) != 0 && (cpu.cr0 & X86Cpu.CR0_NE) != 0) throw new X86Fault(X86Fault.MF, 0, false, "x87 exception pending");
            cpu.fpuStatus &= ~0x3800;
            cpu.fpuTag = 0;
            if (!integerOp(m) && !mmxMove(m) && !sse4Op(m)) throw X86Fault.ud("not implemented: MMX " + m);
            return;
        }
        boolean generalPurpose = m.equals("crc32") || m.equals("movbe") || m.equals("movnti");
        if (!generalPurpose) {
            if ((cpu.cr0 & X86Cpu.CR0_EM) != 0 || (cpu.cr4 & X86Cpu.CR4_OSFXSR) == 0 && !m.equals("emms")) {
                throw X86Fault.ud("SSE disabled (CR0.EM or !CR4.OSFXSR)");
            }
            if ((cpu.cr0 & X86Cpu.CR0_TS) != 0) throw new X86Fault(X86Fault.NM, 0, false, "SSE with CR0.TS");
        }
        fp.load(cpu.mxcsr);
        if (floatOp(m)) return;
        if (integerOp(m)) return;
        if (moveOp(m)) return;
        if (sse4Op(m)) return;
        throw X86Fault.ud("not implemented: " + m);
    }

    // ------------------------------------------------------------------ floating point

    private boolean floatOp(String m) {
        switch (m) {
            case "addps", "addpd", "addss", "addsd", "subps", "subpd", "subss", "subsd", "mulps", "mulpd", "mulss", "mulsd",
                    "divps", "divpd", "divss", "divsd" -> {
                int op = switch (m.charAt(0)) { case 'a' -> SseMath.ADD; case 's' -> SseMath.SUB; case 'm' -> SseMath.MUL; default -> SseMath.DIV; };
                lanes(m, (a, b, d) -> fp.arith(op, a, b, d));
            }
            case "minps", "minpd", "minss", "minsd", "maxps", "maxpd", "maxss", "maxsd" -> {
                boolean max = m.startsWith("max");
                lanes(m, (a, b, d) -> fp.minMax(max, a, b, d));
            }
            case "sqrtps", "sqrtpd", "sqrtss", "sqrtsd" -> lanes(m, (a, b, d) -> fp.sqrt(b, d));
            case "cmpps", "cmppd", "cmpss", "cmpsd" -> {
                int pred = (int) in.imm & 7;
                lanes(m, (a, b, d) -> fp.compare(pred, a, b, d) ? (d ? -1L : 0xffffffffL) : 0);
            }
            case "roundps", "roundpd", "roundss", "roundsd" -> {
                int imm = (int) in.imm;
                lanes(m, (a, b, d) -> fp.roundIntegral(b, d, imm));
            }
            case "addsubps", "addsubpd" -> {
                boolean d = m.endsWith("d");
                int w = d ? 8 : 4, n = 16 / w;
                long[] a = xmm(in.reg), b = src(1), r = new long[2];
                for (int i = 0; i < n; i++) setLane(r, i, w, fp.arith((i & 1) == 0 ? SseMath.SUB : SseMath.ADD, lane(a, i, w), lane(b, i, w), d));
                commitFp();
                setXmm(in.reg, r);
            }
            case "haddps", "haddpd", "hsubps", "hsubpd" -> {
                boolean d = m.endsWith("d");
                int op = m.startsWith("hadd") ? SseMath.ADD : SseMath.SUB;
                int w = d ? 8 : 4, n = 16 / w;
                long[] a = xmm(in.reg), b = src(1), r = new long[2];
                for (int i = 0; i < n; i++) {
                    long[] s = i < n / 2 ? a : b;
                    int j = (i % (n / 2)) * 2;
                    setLane(r, i, w, fp.arith(op, lane(s, j, w), lane(s, j + 1, w), d));
                }
                commitFp();
                setXmm(in.reg, r);
            }
            case "comiss", "ucomiss", "comisd", "ucomisd" -> {
                boolean d = m.endsWith("d");
                long a = lane(xmm(in.reg), 0, d ? 8 : 4), b = lane(src(1), 0, d ? 8 : 4);
                int zpc = fp.comi(a, b, d, !m.startsWith("u"));
                commitFp();
                x.flags.setExplicit(zpc);
            }
            case "cvtss2sd", "cvtsd2ss" -> {
                boolean fromD = m.equals("cvtsd2ss");
                long v = fp.convert(lane(src(1), 0, fromD ? 8 : 4), fromD);
                commitFp();
                long[] r = xmm(in.reg);
                setLane(r, 0, fromD ? 4 : 8, v);
                setXmm(in.reg, r);
            }
            case "cvtps2pd" -> {
                long[] s = src(1);
                long a = fp.convert(lane(s, 0, 4), false), b = fp.convert(lane(s, 1, 4), false);
                commitFp();
                setXmm(in.reg, new long[] {a, b});
            }
            case "cvtpd2ps" -> {
                long[] s = src(1);
                long a = fp.convert(s[0], true), b = fp.convert(s[1], true);
                commitFp();
                setXmm(in.reg, new long[] {a | b << 32, 0});
            }
            case "cvtsi2ss", "cvtsi2sd" -> {
                boolean d = m.endsWith("d");
                int size = in.rexW() ? 8 : 4;
                long v = x.get(1);
                if (size == 4) v = (int) v;
                long r = fp.fromInt(v, d);
                commitFp();
                long[] t = xmm(in.reg);
                setLane(t, 0, d ? 8 : 4, r);
                setXmm(in.reg, t);
            }
            case "cvtss2si", "cvttss2si", "cvtsd2si", "cvttsd2si" -> {
                boolean d = m.contains("sd");
                int bits = in.rexW() ? 64 : 32;
                long v = fp.toInt(lane(src(1), 0, d ? 8 : 4), d, bits, m.startsWith("cvtt"));
                commitFp();
                cpu.setReg(in.reg, bits / 8, true, v);
            }
            case "cvtdq2ps" -> lanesWith(4, (a, b) -> fp.fromInt((int) b, false));
            case "cvtps2dq", "cvttps2dq" -> {
                boolean t = m.startsWith("cvtt");
                lanesWith(4, (a, b) -> fp.toInt(b, false, 32, t));
            }
            case "cvtdq2pd" -> {
                long[] s = src(1);
                long a = fp.fromInt((int) s[0], true), b = fp.fromInt((int) (s[0] >> 32), true);
                setXmm(in.reg, new long[] {a, b});
            }
            case "cvtpd2dq", "cvttpd2dq" -> {
                boolean t = m.startsWith("cvtt");
                long[] s = src(1);
                long a = fp.toInt(s[0], true, 32, t), b = fp.toInt(s[1], true, 32, t);
                commitFp();
                setXmm(in.reg, new long[] {a | b << 32, 0});
            }
            case "andps", "andpd" -> logic((a, b) -> a & b);
            case "andnps", "andnpd" -> logic((a, b) -> ~a & b);
            case "orps", "orpd" -> logic((a, b) -> a | b);
            case "xorps", "xorpd" -> logic((a, b) -> a ^ b);
            case "shufps" -> {
                long[] a = xmm(in.reg), b = src(1), r = new long[2];
                int imm = (int) in.imm;
                for (int i = 0; i < 4; i++) setLane(r, i, 4, lane(i < 2 ? a : b, (imm >> (2 * i)) & 3, 4));
                setXmm(in.reg, r);
            }
            case "shufpd" -> {
                long[] a = xmm(in.reg), b = src(1);
                int imm = (int) in.imm;
                setXmm(in.reg, new long[] {a[imm & 1], b[(imm >> 1) & 1]});
            }
            case "unpcklps", "unpckhps" -> {
                long[] a = xmm(in.reg), b = src(1), r = new long[2];
                int base = m.equals("unpcklps") ? 0 : 2;
                for (int i = 0; i < 2; i++) {
                    setLane(r, 2 * i, 4, lane(a, base + i, 4));
                    setLane(r, 2 * i + 1, 4, lane(b, base + i, 4));
                }
                setXmm(in.reg, r);
            }
            case "unpcklpd" -> setXmm(in.reg, new long[] {cpu.xmm[2 * in.reg], src(1)[0]});
            case "unpckhpd" -> setXmm(in.reg, new long[] {cpu.xmm[2 * in.reg + 1], src(1)[1]});
            case "movmskps" -> {
                long[] s = xmm(in.rm);
                int r = 0;
                for (int i = 0; i < 4; i++) r |= (int) (lane(s, i, 4) >>> 31) << i;
                cpu.setReg(in.reg, in.osize == 8 ? 8 : 4, true, r);
            }
            case "movmskpd" -> {
                long[] s = xmm(in.rm);
                cpu.setReg(in.reg, in.osize == 8 ? 8 : 4, true, (s[0] >>> 63) | (s[1] >>> 63) << 1);
            }
            case "blendps", "blendpd", "blendvps", "blendvpd" -> {
                int w = m.endsWith("pd") ? 8 : 4;
                long[] a = xmm(in.reg), b = src(1), r = a.clone(), mask = xmm(0);
                for (int i = 0; i < 16 / w; i++) {
                    boolean pick = m.startsWith("blendv") ? lane(mask, i, w) >>> (8 * w - 1) != 0 : ((in.imm >> i) & 1) != 0;
                    if (pick) setLane(r, i, w, lane(b, i, w));
                }
                setXmm(in.reg, r);
            }
            case "insertps" -> {
                int imm = (int) in.imm;
                long v = in.mod == 3 ? lane(xmm(in.rm), (imm >> 6) & 3, 4) : cpu.read(x.eaSeg, x.ea, 4);
                long[] r = xmm(in.reg);
                setLane(r, (imm >> 4) & 3, 4, v);
                for (int i = 0; i < 4; i++) if (((imm >> i) & 1) != 0) setLane(r, i, 4, 0);
                setXmm(in.reg, r);
            }
            case "extractps" -> x.set(0, lane(xmm(in.reg), (int) in.imm & 3, 4));
            default -> { return false; }
        }
        return true;
    }

    interface LaneOp { long apply(long a, long b, boolean d); }

    interface BinOp { long apply(long a, long b); }

    /** Packed (ps/pd: every lane) or scalar (ss/sd: lane 0, the rest of the destination kept). */
    private void lanes(String m, LaneOp op) {
        boolean d = m.endsWith("d");
        boolean scalar = m.endsWith("ss") || m.endsWith("sd");
        int w = d ? 8 : 4;
        long[] a = xmm(in.reg), b = src(1), r = a.clone();
        int n = scalar ? 1 : 16 / w;
        for (int i = 0; i < n; i++) setLane(r, i, w, op.apply(lane(a, i, w), lane(b, i, w), d));
        commitFp();
        setXmm(in.reg, r);
    }

    private void lanesWith(int w, BinOp op) {
        long[] a = xmm(in.reg), b = src(1), r = new long[2];
        for (int i = 0; i < 16 / w; i++) setLane(r, i, w, op.apply(lane(a, i, w), lane(b, i, w)));
        commitFp();
        setXmm(in.reg, r);
    }

    private void logic(BinOp op) {
        long[] a = vd(), b = src(1);
        setVd(new long[] {op.apply(a[0], b[0]), op.apply(a[1], b[1])});
    }

    /** Element-wise integer operation on lanes of w bytes. */
    private void ints(int w, BinOp op) {
        long[] a = vd(), b = src(1), r = new long[2];
        for (int i = 0; i < vb / w; i++) setLane(r, i, w, op.apply(lane(a, i, w), lane(b, i, w)));
        setVd(r);
    }

    private static long satS(long v, int w) {
        long max = (1L << (8 * w - 1)) - 1, min = -max - 1;
        return Math.max(min, Math.min(max, v));
    }

    private static long satU(long v, int w) {
        long max = (1L << (8 * w)) - 1;
        return Math.max(0, Math.min(max, v));
    }

    private static int width(char c) { return switch (c) { case 'b' -> 1; case 'w' -> 2; case 'd' -> 4; default -> 8; }; }

    // ------------------------------------------------------------------ integer SIMD

    private boolean integerOp(String m) {
        switch (m) {
            case "paddb", "paddw", "paddd", "paddq" -> ints(width(m.charAt(4)), Long::sum);
            case "psubb", "psubw", "psubd", "psubq" -> ints(width(m.charAt(4)), (a, b) -> a - b);
            case "paddsb", "paddsw" -> { int w = width(m.charAt(5)); ints(w, (a, b) -> satS(sext(a, w) + sext(b, w), w)); }
            case "psubsb", "psubsw" -> { int w = width(m.charAt(5)); ints(w, (a, b) -> satS(sext(a, w) - sext(b, w), w)); }
            case "paddusb", "paddusw" -> { int w = width(m.charAt(6)); ints(w, (a, b) -> satU(a + b, w)); }
            case "psubusb", "psubusw" -> { int w = width(m.charAt(6)); ints(w, (a, b) -> satU(a - b, w)); }
            case "pmullw" -> ints(2, (a, b) -> a * b);
            case "pmulld" -> ints(4, (a, b) -> a * b);
            case "pmulhw" -> ints(2, (a, b) -> (sext(a, 2) * sext(b, 2)) >> 16);
            case "pmulhuw" -> ints(2, (a, b) -> (a * b) >>> 16);
            case "pmulhrsw" -> ints(2, (a, b) -> (((sext(a, 2) * sext(b, 2)) >> 14) + 1) >> 1);
            case "pmuludq" -> {
                long[] a = vd(), b = src(1);
                setVd(new long[] {(a[0] & 0xffffffffL) * (b[0] & 0xffffffffL), (a[1] & 0xffffffffL) * (b[1] & 0xffffffffL)});
            }
            case "pmuldq" -> {
                long[] a = vd(), b = src(1);
                setVd(new long[] {(long) (int) a[0] * (int) b[0], (long) (int) a[1] * (int) b[1]});
            }
            case "pmaddwd" -> {
                long[] a = vd(), b = src(1), r = new long[2];
                for (int i = 0; i < vb / 4; i++) {
                    long s = sext(lane(a, 2 * i, 2), 2) * sext(lane(b, 2 * i, 2), 2) + sext(lane(a, 2 * i + 1, 2), 2) * sext(lane(b, 2 * i + 1, 2), 2);
                    setLane(r, i, 4, s);
                }
                setVd(r);
            }
            case "pmaddubsw" -> {
                long[] a = vd(), b = src(1), r = new long[2];
                for (int i = 0; i < vb / 2; i++) {
                    long s = lane(a, 2 * i, 1) * sext(lane(b, 2 * i, 1), 1) + lane(a, 2 * i + 1, 1) * sext(lane(b, 2 * i + 1, 1), 1);
                    setLane(r, i, 2, satS(s, 2));
                }
                setVd(r);
            }
            case "psadbw" -> {
                long[] a = vd(), b = src(1), r = new long[2];
                for (int h = 0; h < vb / 8; h++) {
                    long s = 0;
                    for (int i = 0; i < 8; i++) s += Math.abs(lane(a, 8 * h + i, 1) - lane(b, 8 * h + i, 1));
                    r[h] = s;
                }
                setVd(r);
            }
            case "pavgb", "pavgw" -> ints(m.endsWith("b") ? 1 : 2, (a, b) -> (a + b + 1) >>> 1);
            case "pminub", "pminuw", "pminud" -> ints(width(m.charAt(5)), (a, b) -> Long.compareUnsigned(a, b) < 0 ? a : b);
            case "pmaxub", "pmaxuw", "pmaxud" -> ints(width(m.charAt(5)), (a, b) -> Long.compareUnsigned(a, b) > 0 ? a : b);
            case "pminsb", "pminsw", "pminsd" -> { int w = width(m.charAt(5)); ints(w, (a, b) -> sext(a, w) < sext(b, w) ? a : b); }
            case "pmaxsb", "pmaxsw", "pmaxsd" -> { int w = width(m.charAt(5)); ints(w, (a, b) -> sext(a, w) > sext(b, w) ? a : b); }
            case "pcmpeqb", "pcmpeqw", "pcmpeqd", "pcmpeqq" -> ints(width(m.charAt(6)), (a, b) -> a == b ? -1L : 0);
            case "pcmpgtb", "pcmpgtw", "pcmpgtd", "pcmpgtq" -> { int w = width(m.charAt(6)); ints(w, (a, b) -> sext(a, w) > sext(b, w) ? -1L : 0); }
            case "pand" -> logic((a, b) -> a & b);
            case "pandn" -> logic((a, b) -> ~a & b);
            case "por" -> logic((a, b) -> a | b);
            case "pxor" -> logic((a, b) -> a ^ b);
            case "psllw", "pslld", "psllq", "psrlw", "psrld", "psrlq", "psraw", "psrad" -> shift(m);
            case "pslldq", "psrldq" -> {
                int n = (int) Math.min(in.imm & 0xff, 16);
                long[] s = xmm(in.rm), r = new long[2];
                for (int i = 0; i < 16; i++) {
                    int from = m.equals("pslldq") ? i - n : i + n;
                    if (from >= 0 && from < 16) setLane(r, i, 1, lane(s, from, 1));
                }
                setXmm(in.rm, r);
            }
            case "punpcklbw", "punpcklwd", "punpckldq", "punpcklqdq", "punpckhbw", "punpckhwd", "punpckhdq", "punpckhqdq" -> {
                int w = m.endsWith("qdq") ? 8 : width(m.charAt(7));
                boolean high = m.charAt(6) == 'h';
                long[] a = vd(), b = src(1), r = new long[2];
                int n = vb / w, base = high ? n / 2 : 0;
                for (int i = 0; i < n / 2; i++) {
                    setLane(r, 2 * i, w, lane(a, base + i, w));
                    setLane(r, 2 * i + 1, w, lane(b, base + i, w));
                }
                setVd(r);
            }
            case "packsswb", "packssdw", "packuswb", "packusdw" -> {
                int w = m.endsWith("wb") ? 2 : 4;
                boolean unsigned = m.startsWith("packus");
                long[] a = vd(), b = src(1), r = new long[2];
                int n = vb / w;
                for (int i = 0; i < 2 * n; i++) {
                    long v = sext(lane(i < n ? a : b, i % n, w), w);
                    setLane(r, i, w / 2, unsigned ? satU(v, w / 2) : satS(v, w / 2));
                }
                setVd(r);
            }
            case "pshufd" -> {
                long[] s = src(1), r = new long[2];
                for (int i = 0; i < 4; i++) setLane(r, i, 4, lane(s, (int) (in.imm >> (2 * i)) & 3, 4));
                setVd(r);
            }
            case "pshuflw", "pshufhw" -> {
                long[] s = src(1), r = s.clone();
                int base = m.equals("pshufhw") ? 4 : 0;
                for (int i = 0; i < 4; i++) setLane(r, base + i, 2, lane(s, base + ((int) (in.imm >> (2 * i)) & 3), 2));
                setVd(r);
            }
            case "pshufb" -> {
                long[] a = vd(), b = src(1), r = new long[2];
                for (int i = 0; i < vb; i++) {
                    long c = lane(b, i, 1);
                    setLane(r, i, 1, (c & 0x80) != 0 ? 0 : lane(a, (int) c & (vb - 1), 1));
                }
                setVd(r);
            }
            case "palignr" -> {
                long[] a = vd(), b = src(1), r = new long[2];
                int n = (int) (in.imm & 0xff);
                for (int i = 0; i < vb; i++) {
                    int k = i + n; // byte k of the concatenation a:b (b low)
                    setLane(r, i, 1, k < vb ? lane(b, k, 1) : k < 2 * vb ? lane(a, k - vb, 1) : 0);
                }
                setVd(r);
            }
            case "pmovmskb" -> {
                long[] s = src(1);
                int r = 0;
                for (int i = 0; i < vb; i++) r |= (int) (lane(s, i, 1) >>> 7) << i;
                cpu.setReg(in.reg, in.osize == 8 ? 8 : 4, true, r);
            }
            case "psignb", "psignw", "psignd" -> {
                int w = width(m.charAt(5));
                ints(w, (a, b) -> { long s = sext(b, w); return s < 0 ? -a : s == 0 ? 0 : a; });
            }
            case "pabsb", "pabsw", "pabsd" -> {
                int w = width(m.charAt(4));
                long[] s = src(1), r = new long[2];
                for (int i = 0; i < vb / w; i++) setLane(r, i, w, Math.abs(sext(lane(s, i, w), w)));
                setVd(r);
            }
            case "phaddw", "phaddd", "phsubw", "phsubd", "phaddsw", "phsubsw" -> {
                int w = m.charAt(5) == 'w' || m.endsWith("sw") ? 2 : 4;
                boolean sub = m.startsWith("phsub"), sat = m.endsWith("sw");
                long[] a = vd(), b = src(1), r = new long[2];
                int n = vb / w;
                for (int i = 0; i < n; i++) {
                    long[] s = i < n / 2 ? a : b;
                    int j = (i % (n / 2)) * 2;
                    long u = sext(lane(s, j, w), w), v = sext(lane(s, j + 1, w), w);
                    long res = sub ? u - v : u + v;
                    setLane(r, i, w, sat ? satS(res, w) : res);
                }
                setVd(r);
            }
            default -> { return false; }
        }
        return true;
    }

    private void shift(String m) {
        int w = width(m.charAt(4));
        long count;
        if (x.operands().get(1).method() == 'I') {
            count = in.imm & 0xff;
        } else {
            long[] c = src(1);
            count = c[0] < 0 ? Long.MAX_VALUE : c[0]; // the low quadword only
        }
        char tm = x.operands().get(0).method();
        int target = tm == 'U' || tm == 'N' ? in.rm : in.reg;
        long[] s = mmx ? new long[] {mm(target), 0} : xmm(target), r = new long[2];
        int bits = 8 * w;
        char kind = m.charAt(2); // l(eft), r(ight logical), a(rithmetic)
        boolean arith = m.charAt(3) == 'a';
        for (int i = 0; i < vb / w; i++) {
            long v = lane(s, i, w);
            long res;
            if (arith) res = sext(v, w) >> (int) Math.min(count, bits - 1);
            else if (count >= bits) res = 0;
            else res = kind == 'l' ? v << count : v >>> count;
            setLane(r, i, w, res);
        }
        if (mmx) setMm(target, r[0]);
        else setXmm(target, r);
    }

    // ------------------------------------------------------------------ moves

    private boolean mmxMove(String m) {
        switch (m) {
            case "movd" -> {
                int size = in.rexW() ? 8 : 4;
                if (storeForm()) {
                    long v = mm(in.reg) & Alu.mask(size);
                    if (in.mod == 3) cpu.setReg(in.rm, size, true, v);
                    else cpu.write(x.eaSeg, x.ea, size, v);
                } else {
                    setMm(in.reg, in.mod == 3 ? cpu.reg(in.rm, size, true) : cpu.read(x.eaSeg, x.ea, size));
                }
            }
            case "movq", "movntq" -> {
                if (storeForm()) dst(0, vd());
                else setVd(src(1));
            }
            case "pshufw" -> {
                long[] s = src(1), r = new long[2];
                for (int i = 0; i < 4; i++) setLane(r, i, 2, lane(s, (int) (in.imm >> (2 * i)) & 3, 2));
                setVd(r);
            }
            default -> { return false; }
        }
        return true;
    }

    private boolean moveOp(String m) {
        switch (m) {
            case "movups", "movupd", "movaps", "movapd", "movdqa", "movdqu", "lddqu", "movntps", "movntpd", "movntdq", "movntdqa" -> {
                if (storeForm()) dst(0, xmm(in.reg));
                else setXmm(in.reg, src(1));
            }
            case "movss", "movsd" -> {
                int w = m.equals("movss") ? 4 : 8;
                if (storeForm()) {
                    long v = lane(xmm(in.reg), 0, w);
                    if (in.mod == 3) {
                        long[] r = xmm(in.rm);
                        setLane(r, 0, w, v);
                        setXmm(in.rm, r);
                    } else {
                        cpu.write(x.eaSeg, x.ea, w, v);
                    }
                } else if (in.mod == 3) {
                    long[] r = xmm(in.reg);
                    setLane(r, 0, w, lane(xmm(in.rm), 0, w));
                    setXmm(in.reg, r);
                } else {
                    setXmm(in.reg, new long[] {cpu.read(x.eaSeg, x.ea, w), 0});
                }
            }
            case "movlps", "movlpd", "movhps", "movhpd" -> {
                int half = m.charAt(3) == 'h' ? 1 : 0;
                if (storeForm()) cpu.write(x.eaSeg, x.ea, 8, cpu.xmm[2 * in.reg + half]);
                else cpu.xmm[2 * in.reg + half] = cpu.read(x.eaSeg, x.ea, 8);
            }
            case "movhlps" -> cpu.xmm[2 * in.reg] = cpu.xmm[2 * in.rm + 1];
            case "movlhps" -> cpu.xmm[2 * in.reg + 1] = cpu.xmm[2 * in.rm];
            case "movsldup", "movshdup" -> {
                long[] s = src(1), r = new long[2];
                int o = m.equals("movshdup") ? 1 : 0;
                for (int i = 0; i < 4; i += 2) {
                    setLane(r, i, 4, lane(s, i + o, 4));
                    setLane(r, i + 1, 4, lane(s, i + o, 4));
                }
                setXmm(in.reg, r);
            }
            case "movddup" -> {
                long v = src(1)[0];
                setXmm(in.reg, new long[] {v, v});
            }
            case "movd" -> {
                int size = in.rexW() ? 8 : 4;
                if (storeForm()) {
                    long v = cpu.xmm[2 * in.reg] & Alu.mask(size);
                    if (in.mod == 3) cpu.setReg(in.rm, size, true, v);
                    else cpu.write(x.eaSeg, x.ea, size, v);
                } else {
                    long v = in.mod == 3 ? cpu.reg(in.rm, size, true) : cpu.read(x.eaSeg, x.ea, size);
                    setXmm(in.reg, new long[] {v, 0});
                }
            }
            case "movq" -> { // F3 0F 7E load, 66 0F D6 store: both zero the upper half of a register destination
                long v = storeForm() ? cpu.xmm[2 * in.reg] : src(1)[0];
                if (storeForm() && in.mod != 3) cpu.write(x.eaSeg, x.ea, 8, v);
                else setXmm(storeForm() ? in.rm : in.reg, new long[] {v, 0});
            }
            case "movnti" -> x.set(0, x.get(1));
            default -> { return false; }
        }
        return true;
    }

    // ------------------------------------------------------------------ SSE4.1/4.2 extras

    /** PCMPESTRx lengths: |EAX| or |RAX| (REX.W), saturated at 16. */
    private int explicitLength(int r) {
        long v = in.rexW() ? cpu.gpr[r] : (int) cpu.gpr[r];
        if (v == Long.MIN_VALUE) return 16;
        return (int) Math.min(Math.abs(v), 16);
    }

    private boolean sse4Op(String m) {
        switch (m) {
            case "pmovsxbw", "pmovsxbd", "pmovsxbq", "pmovsxwd", "pmovsxwq", "pmovsxdq",
                    "pmovzxbw", "pmovzxbd", "pmovzxbq", "pmovzxwd", "pmovzxwq", "pmovzxdq" -> {
                int from = width(m.charAt(6)), to = width(m.charAt(7));
                boolean signed = m.charAt(4) == 's';
                long[] s = src(1), r = new long[2];
                for (int i = 0; i < 16 / to; i++) {
                    long v = lane(s, i, from);
                    setLane(r, i, to, signed ? sext(v, from) : v);
                }
                setXmm(in.reg, r);
            }
            case "ptest" -> {
                long[] a = xmm(in.reg), b = src(1);
                boolean zf = ((a[0] & b[0]) | (a[1] & b[1])) == 0;
                boolean cf = ((~a[0] & b[0]) | (~a[1] & b[1])) == 0;
                x.flags.setExplicit((zf ? LazyFlags.ZF : 0) | (cf ? LazyFlags.CF : 0));
            }
            case "pblendw" -> {
                long[] a = xmm(in.reg), b = src(1), r = a.clone();
                for (int i = 0; i < 8; i++) if (((in.imm >> i) & 1) != 0) setLane(r, i, 2, lane(b, i, 2));
                setXmm(in.reg, r);
            }
            case "pblendvb" -> {
                long[] a = xmm(in.reg), b = src(1), mask = xmm(0), r = a.clone();
                for (int i = 0; i < 16; i++) if ((lane(mask, i, 1) & 0x80) != 0) setLane(r, i, 1, lane(b, i, 1));
                setXmm(in.reg, r);
            }
            case "pextrb", "pextrw", "pextrd" -> {
                int w = m.equals("pextrb") ? 1 : m.equals("pextrw") ? 2 : in.rexW() ? 8 : 4;
                long v = lane(src(1), (int) in.imm & (vb / w - 1), w);
                if (x.operands().get(0).method() == 'G') cpu.setReg(in.reg, in.osize == 8 ? 8 : 4, true, v);
                else if (in.mod == 3) cpu.setReg(in.rm, w == 8 ? 8 : in.osize == 8 ? 8 : 4, true, v);
                else cpu.write(x.eaSeg, x.ea, w, v);
            }
            case "pinsrb", "pinsrw", "pinsrd" -> {
                int w = m.equals("pinsrb") ? 1 : m.equals("pinsrw") ? 2 : in.rexW() ? 8 : 4;
                long v = in.mod == 3 ? cpu.reg(in.rm, 8, true) : cpu.read(x.eaSeg, x.ea, w);
                long[] r = vd();
                setLane(r, (int) in.imm & (vb / w - 1), w, v);
                setVd(r);
            }
            case "phminposuw" -> {
                long[] s = src(1);
                int best = 0;
                for (int i = 1; i < 8; i++) if (lane(s, i, 2) < lane(s, best, 2)) best = i;
                setXmm(in.reg, new long[] {lane(s, best, 2) | (long) best << 16, 0});
            }
            case "mpsadbw" -> {
                long[] a = xmm(in.reg), b = src(1), r = new long[2];
                int imm = (int) in.imm, ao = ((imm >> 2) & 1) * 4, bo = (imm & 3) * 4;
                for (int i = 0; i < 8; i++) {
                    long s = 0;
                    for (int j = 0; j < 4; j++) s += Math.abs(lane(a, ao + i + j, 1) - lane(b, bo + j, 1));
                    setLane(r, i, 2, s);
                }
                setXmm(in.reg, r);
            }
            case "pcmpestri", "pcmpestrm", "pcmpistri", "pcmpistrm" -> {
                boolean explicit = m.charAt(4) == 'e';
                long[] a = xmm(in.reg), b = src(1);
                int imm = (int) in.imm & 0xff;
                int la = explicit ? explicitLength(X86Cpu.RAX) : SseString.IMPLICIT;
                int lb = explicit ? explicitLength(X86Cpu.RDX) : SseString.IMPLICIT;
                SseString.Result res = strings.compare(a, b, la, lb, imm);
                if (m.endsWith("i")) {
                    cpu.setReg(X86Cpu.RCX, 4, true, res.index());
                } else {
                    setXmm(0, res.mask());
                }
                x.flags.setExplicit(res.flags());
            }
            case "crc32" -> {
                int size = x.size(1);
                long v = x.get(1);
                long crc = cpu.reg(in.reg, 4, true);
                for (int i = 0; i < size; i++) {
                    crc ^= (v >>> (8 * i)) & 0xff;
                    for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0x82f63b78L : crc >>> 1;
                }
                cpu.setReg(in.reg, in.osize == 8 ? 8 : 4, true, crc);
            }
            case "movbe" -> {
                int size = x.size(0);
                long v = x.get(1);
                x.set(0, size == 8 ? Long.reverseBytes(v) : size == 4 ? Integer.reverseBytes((int) v) & 0xffffffffL
                        : Short.reverseBytes((short) v) & 0xffff);
            }
            case "emms" -> {
                if ((cpu.fpuStatus & 0x80) != 0 && (cpu.cr0 & X86Cpu.CR0_NE) != 0) {
                    throw new X86Fault(X86Fault.MF, 0, false, "x87 exception pending at EMMS");
                }
                cpu.fpuTagsEmpty();
                cpu.fpuStatus &= ~0x3800; // TOP = 0 (as the host CPU does; the SDM lists only the tag word)
            }
            default -> { return false; }
        }
        return true;
    }
}
