package org.multios.isa.x86.block;

import org.multios.isa.x86.LazyFlags;
import org.multios.isa.x86.X86Cpu;
import org.multios.isa.x86.decode.X86Insn;

/**
 * One operand of a pre-resolved instruction ({@link X86Uop}): the opcode map's notation
 * ({@code Ev}, {@code Gb}, {@code Iz}, {@code rAX}, ...) turned once, when the instruction is
 * first compiled, into "register r at size s", "the memory operand at size s" or "this
 * constant", so executing it no longer looks at the notation.
 */
abstract sealed class Operand permits Operand.Reg, Operand.HighByte, Operand.Mem, Operand.Imm {
    final int size;

    Operand(int size) { this.size = size; }

    abstract long get(X86Cpu cpu);

    abstract void set(X86Cpu cpu, long v);

    /** A general register at 1, 2, 4 or 8 bytes (AL..R15B, not AH-BH); 32-bit writes zero the upper half. */
    static final class Reg extends Operand {
        final int r;
        private final long mask;

        Reg(int r, int size) {
            super(size);
            this.r = r;
            this.mask = LazyFlags.mask(size);
        }

        @Override long get(X86Cpu cpu) { return cpu.gpr[r] & mask; }

        @Override void set(X86Cpu cpu, long v) {
            long[] g = cpu.gpr;
            switch (size) {
                case 8 -> g[r] = v;
                case 4 -> g[r] = v & 0xffffffffL;
                default -> g[r] = (g[r] & ~mask) | (v & mask);
            }
        }
    }

    /** AH, CH, DH, BH: bits 15:8 of registers 0-3 (byte registers 4-7 without a REX prefix). */
    static final class HighByte extends Operand {
        final int r;

        HighByte(int r) {
            super(1);
            this.r = r;
        }

        @Override long get(X86Cpu cpu) { return (cpu.gpr[r] >>> 8) & 0xff; }

        @Override void set(X86Cpu cpu, long v) { cpu.gpr[r] = (cpu.gpr[r] & ~0xff00L) | ((v & 0xff) << 8); }
    }

    /**
     * The ModRM memory operand: base + index * scale + displacement truncated to the address
     * size, in the default segment (SS for RSP/RBP bases) unless overridden. {@link #resolve}
     * computes the offset once per execution (after RIP has moved past the instruction, for
     * RIP-relative forms); get/set then use it, so a read-modify-write computes it once.
     */
    static final class Mem extends Operand {
        final int base, index, scale, segment;
        final long disp, addressMask;
        long ea;

        Mem(X86Insn in, int size) {
            super(size);
            this.base = in.base;
            this.index = in.index;
            this.scale = in.scale;
            this.disp = in.disp;
            this.addressMask = LazyFlags.mask(in.asize);
            int seg = org.multios.isa.x86.Segment.DS;
            if (in.base >= 0 && in.base != X86Insn.RIP) {
                if ((in.base & 7) == X86Cpu.RSP || (in.base & 7) == X86Cpu.RBP && in.base < 8) seg = org.multios.isa.x86.Segment.SS;
                if (in.asize == 2 && in.base == X86Cpu.RBP) seg = org.multios.isa.x86.Segment.SS;
                if (in.asize == 2 && in.base == X86Cpu.RSP) seg = org.multios.isa.x86.Segment.DS;
            }
            this.segment = in.segment >= 0 ? in.segment : seg;
        }

        void resolve(X86Cpu cpu) {
            long a = disp;
            if (base == X86Insn.RIP) a += cpu.rip;
            else if (base >= 0) a += cpu.gpr[base];
            if (index >= 0) a += cpu.gpr[index] << scale;
            ea = a & addressMask;
        }

        @Override long get(X86Cpu cpu) { return cpu.read(segment, ea, size); }

        @Override void set(X86Cpu cpu, long v) { cpu.write(segment, ea, size, v); }
    }

    /** An immediate (already sign-extended by the decoder and masked to the operation's size). */
    static final class Imm extends Operand {
        final long value;

        Imm(long value, int size) {
            super(size);
            this.value = value;
        }

        @Override long get(X86Cpu cpu) { return value; }

        @Override void set(X86Cpu cpu, long v) { throw new IllegalStateException("write to an immediate"); }
    }
}
