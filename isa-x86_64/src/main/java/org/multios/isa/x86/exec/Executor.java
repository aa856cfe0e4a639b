package org.multios.isa.x86.exec;

import java.util.List;
import org.multios.isa.x86.LazyFlags;
import org.multios.isa.x86.Segment;
import org.multios.isa.x86.X86Cpu;
import org.multios.isa.x86.X86Fault;
import org.multios.isa.x86.decode.OpcodeEntry;
import org.multios.isa.x86.decode.OperandSpec;
import org.multios.isa.x86.decode.X86Insn;

/**
 * Executes one decoded instruction. Operands are resolved generically from the opcode
 * map's notation ({@code Ev}, {@code Gv}, {@code Ib}, ...), so most instructions are a read
 * of their operands, the operation, and a write back; families with more to them live in
 * {@link StringOps}, {@link ControlTransfer} and {@link SystemOps}.
 */
public final class Executor {
    final X86Cpu cpu;
    final LazyFlags flags;
    final StringOps strings;
    final ControlTransfer control;
    final SystemOps system;
    final Sse sse;
    final X87 x87;
    X86Insn in;
    /** Effective address (offset within the segment) and segment of the memory operand. */
    long ea;
    int eaSeg;

    public Executor(X86Cpu cpu) {
        this.cpu = cpu;
        this.flags = cpu.flags;
        this.strings = new StringOps(this);
        this.control = new ControlTransfer(this);
        this.system = new SystemOps(this);
        this.sse = new Sse(this);
        this.x87 = new X87(this);
    }

    public void execute(X86Insn insn) {
        in = insn;
        long next = cpu.rip + insn.length;
        cpu.rip = cpu.codeBits == 64 ? next : next & (cpu.codeBits == 16 ? 0xffffL : 0xffffffffL);
        if (insn.hasMemoryOperand()) computeEa();
        if (insn.lock && (!insn.entry.has(org.multios.isa.x86.decode.OpcodeEntry.LOCK) || !insn.hasMemoryOperand())) {
            throw X86Fault.ud("LOCK prefix on " + insn.mnemonic());
        }
        int attrs = insn.entry.attributes();
        if ((attrs & (OpcodeEntry.SSE | OpcodeEntry.X87)) != 0) {
            if ((attrs & OpcodeEntry.SSE) != 0) sse.execute(insn);
            else x87.execute(insn);
            return;
        }
        String m = insn.mnemonic();
        int opSize = operands().isEmpty() ? insn.osize : size(0);
        switch (m) {
            case "add", "or", "adc", "sbb", "and", "sub", "xor", "cmp" -> {
                int op = aluIndex(m);
                long r = Alu.binary(flags, op, opSize, get(0), get(1));
                if (op != 7) set(0, r);
            }
            case "test" -> Alu.binary(flags, 4, opSize, get(0), get(1));
            case "inc" -> set(0, Alu.inc(flags, opSize, get(0)));
            case "dec" -> set(0, Alu.dec(flags, opSize, get(0)));
            case "not" -> set(0, ~get(0));
            case "neg" -> set(0, Alu.neg(flags, opSize, get(0)));
            case "rol", "ror", "rcl", "rcr", "shl", "shr", "sar" -> {
                int op = switch (m) { case "rol" -> 0; case "ror" -> 1; case "rcl" -> 2; case "rcr" -> 3; case "shl" -> 4; case "shr" -> 5; default -> 7; };
                set(0, Alu.shift(flags, op, opSize, get(0), (int) get(1)));
            }
            case "shld", "shrd" -> set(0, Alu.doubleShift(flags, m.equals("shld"), opSize, get(0), get(1), (int) get(2)));
            case "mov" -> set(0, get(1));
            case "movsxd" -> set(0, Alu.signExtend(get(1), 4));
            case "movzx" -> set(0, get(1));
            case "movsx" -> set(0, Alu.signExtend(get(1), size(1)));
            case "lea" -> set(0, ea);
            case "xchg" -> {
                long a = get(0), b = get(1);
                set(0, b);
                set(1, a);
            }
            case "nop" -> {
                if (in.map == 0 && in.opcode == 0x90 && (in.rex & 1) != 0) { // REX.B 90: XCHG r8, rAX
                    long a = cpu.reg(X86Cpu.RAX, in.osize, true), b = cpu.reg(in.opReg, in.osize, true);
                    cpu.setReg(X86Cpu.RAX, in.osize, true, b);
                    cpu.setReg(in.opReg, in.osize, true, a);
                }
            }
            case "pause", "lfence", "mfence", "sfence", "clflush", "wbinvd", "invd" -> { }
            case "push" -> {
                long v = get(0);
                OperandSpec o = operands().get(0);
                // pushing a segment register writes osize bytes; immediates are sign-extended to osize
                cpu.push(v, o.method() == 'F' || o.method() == 'I' ? in.osize : opSize);
            }
            case "pop" -> {
                OperandSpec o = operands().get(0);
                int size = o.method() == 'F' ? in.osize : opSize;
                if (o.isRm() && in.hasMemoryOperand()) {
                    // the address of POP [mem] is computed after RSP is incremented
                    long v = cpu.pop(size);
                    if (eaSeg == Segment.SS || in.base == X86Cpu.RSP) computeEa();
                    set(0, v);
                } else {
                    set(0, cpu.pop(size));
                }
            }
            case "pusha" -> {
                int s = in.osize;
                long sp = cpu.gpr[X86Cpu.RSP];
                for (int r = 0; r < 8; r++) cpu.push(r == X86Cpu.RSP ? sp : cpu.gpr[r], s);
            }
            case "popa" -> {
                int s = in.osize;
                for (int r = 7; r >= 0; r--) {
                    long v = cpu.pop(s);
                    if (r != X86Cpu.RSP) cpu.setReg(r, s, true, v);
                }
            }
            case "movsr" -> movSegment();
            case "cbw" -> {
                int s = in.osize;
                cpu.setReg(X86Cpu.RAX, s, true, Alu.signExtend(cpu.reg(X86Cpu.RAX, s / 2, true), s / 2));
            }
            case "cwd" -> {
                int s = in.osize;
                long a = cpu.reg(X86Cpu.RAX, s, true);
                cpu.setReg(X86Cpu.RDX, s, true, (a & Alu.signBit(s)) != 0 ? -1L : 0);
            }
            case "sahf" -> {
                long ah = cpu.reg(4, 1, false);
                long keep = flags.arith() & LazyFlags.OF;
                flags.setExplicit(keep | (ah & (LazyFlags.SF | LazyFlags.ZF | LazyFlags.AF | LazyFlags.PF | LazyFlags.CF)));
            }
            case "lahf" -> cpu.setReg(4, 1, false, (flags.get() & 0xd5) | 2);
            case "pushf" -> cpu.push(flags.get() & ~(LazyFlags.VM | LazyFlags.RF), in.osize);
            case "popf" -> system.popf();
            case "clc" -> flags.setFlag(LazyFlags.CF, false);
            case "stc" -> flags.setFlag(LazyFlags.CF, true);
            case "cmc" -> flags.setFlag(LazyFlags.CF, !flags.cf());
            case "cld" -> flags.bits &= ~LazyFlags.DF;
            case "std" -> flags.bits |= LazyFlags.DF;
            case "cli" -> system.cli();
            case "sti" -> system.sti();
            case "imul3" -> set(0, Alu.imul(flags, opSize, get(1), get(2)));
            case "imul2" -> set(0, Alu.imul(flags, opSize, get(0), get(1)));
            case "mul", "imul1" -> mulWide(m.equals("imul1"), opSize);
            case "div", "idiv" -> divWide(m.equals("idiv"), opSize);
            case "bt", "bts", "btr", "btc" -> bitTest(m, opSize);
            case "bsf", "bsr" -> bitScan(m.equals("bsf"), opSize);
            case "tzcnt", "lzcnt", "popcnt" -> bitCount(m, opSize);
            case "bswap" -> {
                long v = get(0);
                set(0, opSize == 8 ? Long.reverseBytes(v) : opSize == 4 ? Integer.reverseBytes((int) v) & 0xffffffffL : 0);
            }
            case "xadd" -> {
                long a = get(0), b = get(1);
                long r = Alu.binary(flags, 0, opSize, a, b);
                set(1, a);
                set(0, r);
            }
            case "cmpxchg" -> {
                long acc = cpu.reg(X86Cpu.RAX, opSize, true);
                long dst = get(0);
                Alu.binary(flags, 7, opSize, acc, dst);
                if (flags.zf()) set(0, get(1));
                else {
                    set(0, dst); // the destination is always written (locked read-modify-write)
                    cpu.setReg(X86Cpu.RAX, opSize, true, dst);
                }
            }
            case "cmpxchg8b" -> cmpxchgDouble();
            case "xlat" -> {
                long addr = (cpu.gpr[X86Cpu.RBX] + cpu.reg(X86Cpu.RAX, 1, true)) & Alu.mask(in.asize);
                cpu.setReg(X86Cpu.RAX, 1, true, cpu.read(in.segment >= 0 ? in.segment : Segment.DS, addr, 1));
            }
            case "movs", "cmps", "stos", "lods", "scas", "ins", "outs" -> strings.execute(m, opSize);
            case "in", "out" -> system.portIo(m.equals("in"));
            case "fwait" -> x87.fwait();
            case "les", "lds", "lss", "lfs", "lgs" -> loadFarPointer(m);
            case "rdrand", "rdseed" -> {
                set(0, cpu.random.nextLong());
                flags.setExplicit(LazyFlags.CF);
            }
            case "ldmxcsr", "stmxcsr", "fxsave", "fxrstor", "xsave", "xrstor", "xgetbv", "xsetbv" -> FpState.execute(this, m);
            default -> {
                if (m.startsWith("set")) set(0, flags.condition(in.opcode & 15) ? 1 : 0);
                else if (m.startsWith("cmov")) {
                    long v = get(1);
                    if (flags.condition(in.opcode & 15)) set(0, v);
                    else if (opSize == 4) set(0, get(0)); // a 32-bit CMOV zero-extends even when false
                } else if (!control.execute(m) && !system.execute(m)) {
                    throw X86Fault.ud("not implemented: " + m);
                }
            }
        }
    }

    private static int aluIndex(String m) {
        return switch (m) {
            case "add" -> 0; case "or" -> 1; case "adc" -> 2; case "sbb" -> 3;
            case "and" -> 4; case "sub" -> 5; case "xor" -> 6; default -> 7;
        };
    }

    // ---------------------------------------------------------------- operands

    List<OperandSpec> operands() { return in.entry.operands(); }

    /** The size in bytes of operand {@code i}. */
    int size(int i) {
        OperandSpec o = operands().get(i);
        return switch (o.size()) {
            case 'b' -> 1;
            case 'w' -> 2;
            case 'd' -> 4;
            case 'q' -> 8;
            case 'z' -> Math.min(in.osize, 4);
            case 'y' -> in.osize == 8 ? 8 : 4;
            case 'x' -> 16;
            case 's' -> i == 0 ? in.osize : size(0);
            case 'v', 'p' -> in.osize;
            default -> switch (o.method()) {
                case 'F' -> fixedSize(o.fixed());
                case '1' -> 1;
                default -> in.osize;
            };
        };
    }

    private int fixedSize(String r) {
        return switch (r) {
            case "AL", "CL" -> 1;
            case "DX" -> 2;
            case "rAX" -> in.osize;
            case "eAX" -> Math.min(in.osize, 4);
            default -> 2;
        };
    }

    boolean rex() { return in.rex != 0; }

    long get(int i) {
        OperandSpec o = operands().get(i);
        int size = size(i);
        return switch (o.method()) {
            case 'E', 'M', 'R', 'W' -> in.mod == 3 ? cpu.reg(in.rm, size, rex()) : cpu.read(eaSeg, ea, size);
            case 'G' -> cpu.reg(in.reg, size, rex());
            case 'Z' -> cpu.reg(in.opReg, size, rex());
            case 'I' -> {
                // the second immediate (ENTER Iw,Ib) follows another immediate operand
                long v = i > 0 && operands().get(i - 1).method() == 'I' ? in.imm2 : in.imm;
                yield i == 0 ? v : v & Alu.mask(size(0));
            }
            case 'J' -> in.imm;
            case '1' -> 1;
            case 'O' -> cpu.read(in.segment >= 0 ? in.segment : Segment.DS, in.imm & Alu.mask(in.asize), size);
            case 'S' -> cpu.seg[in.reg & 7].selector;
            case 'F' -> switch (o.fixed()) {
                case "AL", "rAX", "eAX" -> cpu.reg(X86Cpu.RAX, size, true);
                case "CL" -> cpu.reg(X86Cpu.RCX, 1, true);
                case "DX" -> cpu.reg(X86Cpu.RDX, 2, true);
                default -> cpu.seg[segmentIndex(o.fixed())].selector;
            };
            default -> throw X86Fault.ud("operand " + o);
        };
    }

    void set(int i, long v) {
        OperandSpec o = operands().get(i);
        int size = size(i);
        switch (o.method()) {
            case 'E', 'M', 'R', 'W' -> {
                if (in.mod == 3) cpu.setReg(in.rm, size, rex(), v);
                else cpu.write(eaSeg, ea, size, v);
            }
            case 'G' -> cpu.setReg(in.reg, size, rex(), v);
            case 'Z' -> cpu.setReg(in.opReg, size, rex(), v);
            case 'O' -> cpu.write(in.segment >= 0 ? in.segment : Segment.DS, in.imm & Alu.mask(in.asize), size, v);
            case 'S' -> loadSegmentRegister(in.reg & 7, (int) v);
            case 'F' -> {
                switch (o.fixed()) {
                    case "AL", "rAX", "eAX" -> cpu.setReg(X86Cpu.RAX, size, true, v);
                    case "CL" -> cpu.setReg(X86Cpu.RCX, 1, true, v);
                    case "DX" -> cpu.setReg(X86Cpu.RDX, 2, true, v);
                    default -> loadSegmentRegister(segmentIndex(o.fixed()), (int) v);
                }
            }
            default -> throw X86Fault.ud("operand " + o);
        }
    }

    static int segmentIndex(String name) {
        return switch (name) {
            case "ES" -> Segment.ES; case "CS" -> Segment.CS; case "SS" -> Segment.SS;
            case "DS" -> Segment.DS; case "FS" -> Segment.FS; default -> Segment.GS;
        };
    }

    private void loadSegmentRegister(int s, int selector) {
        if (s == Segment.CS || s > Segment.GS) throw X86Fault.ud("mov to CS");
        cpu.loadSegment(s, selector & 0xffff);
        if (s == Segment.SS) cpu.interruptShadow = true;
    }

    private void movSegment() {
        if (operands().get(0).method() == 'S') {
            set(0, get(1));
        } else {
            int sel = cpu.seg[in.reg & 7].selector;
            // to a register, the selector is zero-extended to the operand size; to memory it is 16 bits
            if (in.mod == 3) cpu.setReg(in.rm, in.osize, rex(), sel);
            else cpu.write(eaSeg, ea, 2, sel);
        }
    }

    /** The memory operand's offset: base + index * scale + displacement, truncated to the address size. */
    void computeEa() {
        long a = in.disp;
        int seg = Segment.DS;
        if (in.base == X86Insn.RIP) {
            a += cpu.rip;
        } else if (in.base >= 0) {
            a += cpu.gpr[in.base];
            if ((in.base & 7) == X86Cpu.RSP || (in.base & 7) == X86Cpu.RBP && in.base < 8) seg = Segment.SS;
            if (in.asize == 2 && in.base == X86Cpu.RBP) seg = Segment.SS;
            if (in.asize == 2 && in.base == X86Cpu.RSP) seg = Segment.DS; // SI is register 6 in 16-bit forms; RSP is never a base there
        }
        if (in.index >= 0) a += cpu.gpr[in.index] << in.scale;
        if (in.asize == 2) {
            a &= 0xffff;
        } else if (in.asize == 4) {
            a &= 0xffffffffL;
        }
        ea = a;
        eaSeg = in.segment >= 0 ? in.segment : seg;
    }

    // ---------------------------------------------------------------- multi-register arithmetic

    private void mulWide(boolean signed, int size) {
        long a = cpu.reg(X86Cpu.RAX, size, true), b = get(0);
        long[] r = Alu.widenMul(flags, signed, size, a, b);
        if (size == 1) {
            cpu.setReg(X86Cpu.RAX, 2, true, r[0] | r[1] << 8);
        } else {
            cpu.setReg(X86Cpu.RAX, size, true, r[0]);
            cpu.setReg(X86Cpu.RDX, size, true, r[1]);
        }
    }

    private void divWide(boolean signed, int size) {
        long d = get(0);
        long hi, lo;
        if (size == 1) {
            long ax = cpu.reg(X86Cpu.RAX, 2, true);
            hi = ax >>> 8;
            lo = ax & 0xff;
        } else {
            hi = cpu.reg(X86Cpu.RDX, size, true);
            lo = cpu.reg(X86Cpu.RAX, size, true);
        }
        long[] qr = Alu.divide(signed, size, hi, lo, d);
        if (size == 1) {
            cpu.setReg(X86Cpu.RAX, 2, true, qr[0] | qr[1] << 8);
        } else {
            cpu.setReg(X86Cpu.RAX, size, true, qr[0]);
            cpu.setReg(X86Cpu.RDX, size, true, qr[1]);
        }
    }

    private void cmpxchgDouble() {
        boolean wide = in.rexW();
        int half = wide ? 8 : 4;
        long lo = cpu.read(eaSeg, ea, half), hi = cpu.read(eaSeg, ea + half, half);
        long eax = cpu.reg(X86Cpu.RAX, half, true), edx = cpu.reg(X86Cpu.RDX, half, true);
        if (lo == eax && hi == edx) {
            cpu.write(eaSeg, ea, half, cpu.reg(X86Cpu.RBX, half, true));
            cpu.write(eaSeg, ea + half, half, cpu.reg(X86Cpu.RCX, half, true));
            flags.setFlag(LazyFlags.ZF, true);
        } else {
            cpu.write(eaSeg, ea, half, lo);
            cpu.write(eaSeg, ea + half, half, hi);
            cpu.setReg(X86Cpu.RAX, half, true, lo);
            cpu.setReg(X86Cpu.RDX, half, true, hi);
            flags.setFlag(LazyFlags.ZF, false);
        }
    }

    // ---------------------------------------------------------------- bits

    private void bitTest(String m, int size) {
        int bits = size * 8;
        long offset = get(1);
        boolean immediate = operands().get(1).method() == 'I';
        long value;
        long addr = ea;
        int bit;
        if (in.mod == 3 || immediate) {
            bit = (int) (offset & (bits - 1));
            value = get(0);
        } else {
            // a register bit offset addresses memory beyond the operand (signed)
            long so = Alu.signExtend(offset, size);
            addr = (ea + (so >> (size == 8 ? 6 : size == 4 ? 5 : 4)) * size) & Alu.mask(in.asize);
            bit = (int) (so & (bits - 1));
            value = cpu.read(eaSeg, addr, size);
        }
        boolean cf = ((value >>> bit) & 1) != 0;
        flags.setFlag(LazyFlags.CF, cf);
        long r = switch (m) {
            case "bts" -> value | (1L << bit);
            case "btr" -> value & ~(1L << bit);
            case "btc" -> value ^ (1L << bit);
            default -> value;
        };
        if (m.equals("bt")) return;
        if (in.mod == 3 || immediate) set(0, r);
        else cpu.write(eaSeg, addr, size, r);
    }

    private void bitScan(boolean forward, int size) {
        long v = get(1) & Alu.mask(size);
        if (v == 0) {
            flags.setFlag(LazyFlags.ZF, true); // destination unchanged (as processors do)
            return;
        }
        flags.setExplicit(flags.arith() & ~LazyFlags.ZF);
        set(0, forward ? Long.numberOfTrailingZeros(v) : 63 - Long.numberOfLeadingZeros(v));
    }

    private void bitCount(String m, int size) {
        long v = get(1) & Alu.mask(size);
        long r;
        switch (m) {
            case "popcnt" -> {
                r = Long.bitCount(v);
                flags.setExplicit(v == 0 ? LazyFlags.ZF : 0);
            }
            case "tzcnt" -> {
                r = v == 0 ? size * 8 : Long.numberOfTrailingZeros(v);
                flags.setExplicit((v == 0 ? LazyFlags.CF : 0) | (r == 0 ? LazyFlags.ZF : 0));
            }
            default -> {
                r = v == 0 ? size * 8 : Long.numberOfLeadingZeros(v) - (64 - size * 8);
                flags.setExplicit((v == 0 ? LazyFlags.CF : 0) | (r == 0 ? LazyFlags.ZF : 0));
            }
        }
        set(0, r);
    }

    private void loadFarPointer(String m) {
        int size = in.osize;
        long off = cpu.read(eaSeg, ea, size);
        int sel = (int) cpu.read(eaSeg, ea + size, 2);
        int s = switch (m) { case "les" -> Segment.ES; case "lds" -> Segment.DS; case "lss" -> Segment.SS; case "lfs" -> Segment.FS; default -> Segment.GS; };
        cpu.loadSegment(s, sel);
        cpu.setReg(in.reg, size, rex(), off);
    }
}
