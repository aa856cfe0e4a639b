package org.multios.isa.x86.block;

import org.multios.isa.x86.LazyFlags;
import org.multios.isa.x86.X86Cpu;
import org.multios.isa.x86.decode.X86Insn;

/**
 * A decoded instruction in pre-resolved form: the operation picked once (no mnemonic switch)
 * and its operands as {@link Operand} accessors (no opcode-map notation at run time). Made
 * by {@link X86UopCompiler} for the common integer instructions; everything else is a
 * {@link Fallback} that tells the CPU to run the general {@code Executor} on {@link #insn}.
 * The semantics are those of the Executor's own paths (same flags, same write order), only
 * with the decisions taken ahead of time.
 */
public abstract class X86Uop {
    /** The decoding this was made from (the CPU's current instruction while it runs). */
    public final X86Insn insn;
    final int codeBits;
    private final int length;
    private final long ipMask;
    /** The memory operand, or null; resolved once per execution before the operation. */
    final Operand.Mem mem;

    X86Uop(X86Insn insn, int codeBits, Operand.Mem mem) {
        this.insn = insn;
        this.codeBits = codeBits;
        this.length = insn.length;
        this.ipMask = codeBits == 64 ? -1L : codeBits == 16 ? 0xffffL : 0xffffffffL;
        this.mem = mem;
    }

    /**
     * Executes the instruction (RIP moved past it first, as the Executor does; a fault leaves
     * the CPU to restore RIP). Returns false when the general Executor must run it instead.
     */
    public final boolean execute(X86Cpu cpu) {
        if (this instanceof Fallback) return false;
        cpu.rip = (cpu.rip + length) & ipMask;
        if (mem != null) mem.resolve(cpu);
        run(cpu);
        return true;
    }

    abstract void run(X86Cpu cpu);

    /** A near branch target truncated to the operand size (16-bit IP, 32-bit EIP), as ControlTransfer does. */
    final long target(long t) {
        if (insn.osize == 2) return t & 0xffff;
        if (codeBits != 64) return t & 0xffffffffL;
        return t;
    }

    static long signExtend(long v, int size) {
        int s = 64 - size * 8;
        return size == 8 ? v : (v << s) >> s;
    }

    static long szp(long r, int size) {
        long m = LazyFlags.mask(size);
        return ((r & m) == 0 ? LazyFlags.ZF : 0) | ((r & (1L << (size * 8 - 1))) != 0 ? LazyFlags.SF : 0)
                | ((Long.bitCount(r & 0xff) & 1) == 0 ? LazyFlags.PF : 0);
    }

    /** Not pre-resolved: the Executor runs it. */
    static final class Fallback extends X86Uop {
        Fallback(X86Insn insn, int codeBits) { super(insn, codeBits, null); }

        @Override void run(X86Cpu cpu) { throw new IllegalStateException("fallback"); }
    }

    /** ADD OR ADC SBB AND SUB XOR CMP by their /r number (0-7), TEST as 8. */
    static final class Alu extends X86Uop {
        private final int op, size;
        private final long m;
        private final Operand dst, src;

        Alu(X86Insn in, int cb, Operand.Mem mem, int op, Operand dst, Operand src) {
            super(in, cb, mem);
            this.op = op;
            this.dst = dst;
            this.src = src;
            this.size = dst.size;
            this.m = LazyFlags.mask(size);
        }

        @Override void run(X86Cpu cpu) {
            LazyFlags f = cpu.flags;
            long a = dst.get(cpu) & m, b = src.get(cpu) & m;
            long r;
            switch (op) {
                case 0 -> { r = (a + b) & m; f.setArith(LazyFlags.ADD, size, a, b, r); }
                case 1 -> { r = a | b; f.setArith(LazyFlags.LOGIC, size, a, b, r); }
                case 2 -> {
                    boolean c = f.cf();
                    r = (a + b + (c ? 1 : 0)) & m;
                    f.setArithWithCarry(LazyFlags.ADC, size, a, b, r, c);
                }
                case 3 -> {
                    boolean c = f.cf();
                    r = (a - b - (c ? 1 : 0)) & m;
                    f.setArithWithCarry(LazyFlags.SBB, size, a, b, r, c);
                }
                case 4, 8 -> { r = a & b; f.setArith(LazyFlags.LOGIC, size, a, b, r); }
                case 5, 7 -> { r = (a - b) & m; f.setArith(LazyFlags.SUB, size, a, b, r); }
                default -> { r = a ^ b; f.setArith(LazyFlags.LOGIC, size, a, b, r); }
            }
            if (op != 7 && op != 8) dst.set(cpu, r);
        }
    }

    /** MOV, MOVZX (the source accessor already zero-extends), MOVSX/MOVSXD (sign-extends from the source size). */
    static final class Mov extends X86Uop {
        private final Operand dst, src;
        private final boolean signed;

        Mov(X86Insn in, int cb, Operand.Mem mem, Operand dst, Operand src, boolean signed) {
            super(in, cb, mem);
            this.dst = dst;
            this.src = src;
            this.signed = signed;
        }

        @Override void run(X86Cpu cpu) {
            long v = src.get(cpu);
            dst.set(cpu, signed ? signExtend(v, src.size) : v);
        }
    }

    /** LEA: the memory operand's offset (already truncated to the address size) into a register. */
    static final class Lea extends X86Uop {
        private final Operand dst;

        Lea(X86Insn in, int cb, Operand.Mem mem, Operand dst) {
            super(in, cb, mem);
            this.dst = dst;
        }

        @Override void run(X86Cpu cpu) { dst.set(cpu, mem.ea); }
    }

    /** INC DEC NOT NEG. */
    static final class Unary extends X86Uop {
        static final int INC = 0, DEC = 1, NOT = 2, NEG = 3;
        private final int op;
        private final Operand dst;

        Unary(X86Insn in, int cb, Operand.Mem mem, int op, Operand dst) {
            super(in, cb, mem);
            this.op = op;
            this.dst = dst;
        }

        @Override void run(X86Cpu cpu) {
            int size = dst.size;
            long m = LazyFlags.mask(size);
            long a = dst.get(cpu);
            long r;
            switch (op) {
                case INC -> { r = (a + 1) & m; cpu.flags.setArith(LazyFlags.INC, size, a, 1, r); }
                case DEC -> { r = (a - 1) & m; cpu.flags.setArith(LazyFlags.DEC, size, a, 1, r); }
                case NOT -> r = ~a;
                default -> { r = (-a) & m; cpu.flags.setArith(LazyFlags.SUB, size, 0, a & m, r); }
            }
            dst.set(cpu, r);
        }
    }

    /** SHL/SAL (4), SHR (5), SAR (7); a zero count changes nothing, flags included; AF keeps its value. */
    static final class Shift extends X86Uop {
        private final int op;
        private final Operand dst, count;

        Shift(X86Insn in, int cb, Operand.Mem mem, int op, Operand dst, Operand count) {
            super(in, cb, mem);
            this.op = op;
            this.dst = dst;
            this.count = count;
        }

        @Override void run(X86Cpu cpu) {
            int size = dst.size;
            long a0 = dst.get(cpu);
            int c = (int) count.get(cpu) & (size == 8 ? 0x3f : 0x1f);
            long m = LazyFlags.mask(size);
            long a = a0 & m;
            if (c == 0) {
                dst.set(cpu, a);
                return;
            }
            LazyFlags f = cpu.flags;
            long old = f.arith();
            int bits = size * 8;
            long sb = 1L << (bits - 1);
            long r;
            boolean cf, of;
            switch (op) {
                case 4, 6 -> {
                    r = (a << c) & m;
                    cf = c <= bits && ((a >>> (bits - c)) & 1) != 0;
                    of = ((r & sb) != 0) ^ cf;
                }
                case 5 -> {
                    r = a >>> c;
                    cf = ((a >>> (c - 1)) & 1) != 0;
                    of = (a & sb) != 0;
                }
                default -> {
                    long s = signExtend(a, size);
                    r = (s >> c) & m;
                    cf = ((s >> (c - 1)) & 1) != 0;
                    of = false;
                }
            }
            f.setExplicit(szp(r, size) | (cf ? LazyFlags.CF : 0) | (of ? LazyFlags.OF : 0) | (old & LazyFlags.AF));
            dst.set(cpu, r);
        }
    }

    /** Two- and three-operand IMUL: truncated product; CF = OF = the product did not fit. */
    static final class Imul extends X86Uop {
        private final Operand dst, a, b;

        Imul(X86Insn in, int cb, Operand.Mem mem, Operand dst, Operand a, Operand b) {
            super(in, cb, mem);
            this.dst = dst;
            this.a = a;
            this.b = b;
        }

        @Override void run(X86Cpu cpu) {
            int size = dst.size;
            long sa = signExtend(a.get(cpu), size), sb = signExtend(b.get(cpu), size);
            long lo = sa * sb;
            boolean overflow = size == 8 ? Math.multiplyHigh(sa, sb) != (lo >> 63) : signExtend(lo, size) != lo;
            long r = lo & LazyFlags.mask(size);
            cpu.flags.setExplicit(szp(r, size) | (overflow ? LazyFlags.CF | LazyFlags.OF : 0));
            dst.set(cpu, r);
        }
    }

    /** SETcc and CMOVcc (a 32-bit CMOV zero-extends its destination even when the condition is false). */
    static final class Conditional extends X86Uop {
        private final int cc;
        private final boolean move;
        private final Operand dst, src;

        Conditional(X86Insn in, int cb, Operand.Mem mem, int cc, boolean move, Operand dst, Operand src) {
            super(in, cb, mem);
            this.cc = cc;
            this.move = move;
            this.dst = dst;
            this.src = src;
        }

        @Override void run(X86Cpu cpu) {
            if (!move) {
                dst.set(cpu, cpu.flags.condition(cc) ? 1 : 0);
                return;
            }
            long v = src.get(cpu);
            if (cpu.flags.condition(cc)) dst.set(cpu, v);
            else if (dst.size == 4) dst.set(cpu, dst.get(cpu));
        }
    }

    /** Jcc, JMP rel, CALL rel, RET (near, without an immediate). */
    static final class Branch extends X86Uop {
        static final int JCC = 0, JMP = 1, CALL = 2, RET = 3;
        private final int kind, cc;

        Branch(X86Insn in, int cb, int kind, int cc) {
            super(in, cb, null);
            this.kind = kind;
            this.cc = cc;
        }

        @Override void run(X86Cpu cpu) {
            switch (kind) {
                case JCC -> { if (cpu.flags.condition(cc)) cpu.rip = target(cpu.rip + insn.imm); }
                case JMP -> cpu.rip = target(cpu.rip + insn.imm);
                case CALL -> {
                    long t = target(cpu.rip + insn.imm);
                    cpu.push(cpu.rip, insn.osize);
                    cpu.rip = t;
                }
                default -> cpu.rip = target(cpu.pop(insn.osize));
            }
        }
    }

    /** PUSH of a register, memory operand or immediate; POP to a register. */
    static final class Stack extends X86Uop {
        private final Operand operand;
        private final boolean push;
        private final int size;

        Stack(X86Insn in, int cb, Operand.Mem mem, Operand operand, boolean push, int size) {
            super(in, cb, mem);
            this.operand = operand;
            this.push = push;
            this.size = size;
        }

        @Override void run(X86Cpu cpu) {
            if (push) cpu.push(operand.get(cpu), size);
            else operand.set(cpu, cpu.pop(size));
        }
    }

    /** CBW/CWDE/CDQE (widen) and CWD/CDQ/CQO (sign into rDX). */
    static final class Widen extends X86Uop {
        private final boolean intoRdx;

        Widen(X86Insn in, int cb, boolean intoRdx) {
            super(in, cb, null);
            this.intoRdx = intoRdx;
        }

        @Override void run(X86Cpu cpu) {
            int s = insn.osize;
            if (intoRdx) {
                long a = cpu.reg(X86Cpu.RAX, s, true);
                cpu.setReg(X86Cpu.RDX, s, true, (a & (1L << (s * 8 - 1))) != 0 ? -1L : 0);
            } else {
                cpu.setReg(X86Cpu.RAX, s, true, signExtend(cpu.reg(X86Cpu.RAX, s / 2, true), s / 2));
            }
        }
    }

    /** NOP (any form; a memory operand is not accessed). */
    static final class Nop extends X86Uop {
        Nop(X86Insn in, int cb) { super(in, cb, null); }

        @Override void run(X86Cpu cpu) {}
    }
}
