package org.multios.isa.x86.exec;

import org.multios.isa.x86.LazyFlags;
import org.multios.isa.x86.Segment;
import org.multios.isa.x86.X86Cpu;
import org.multios.isa.x86.decode.X86Insn;

/**
 * The string instructions MOVS CMPS STOS LODS SCAS INS OUTS (SDM Vol. 1 7.3.9) with REP,
 * REPE and REPNE: source DS:rSI (overridable), destination ES:rDI, count rCX, all at the
 * address size; DF picks the direction.
 */
final class StringOps {
    private final Executor x;

    StringOps(Executor x) { this.x = x; }

    void execute(String m, int size) {
        X86Cpu cpu = x.cpu;
        X86Insn in = x.in;
        int as = in.asize;
        long amask = Alu.mask(as);
        int srcSeg = in.segment >= 0 ? in.segment : Segment.DS;
        long step = (cpu.flags.bits & LazyFlags.DF) != 0 ? -size : size;
        boolean repeat = in.rep || in.repne;
        boolean compares = m.equals("cmps") || m.equals("scas");
        while (true) {
            if (repeat && (cpu.gpr[X86Cpu.RCX] & amask) == 0) return;
            long si = cpu.gpr[X86Cpu.RSI] & amask, di = cpu.gpr[X86Cpu.RDI] & amask;
            switch (m) {
                case "movs" -> {
                    cpu.write(Segment.ES, di, size, cpu.read(srcSeg, si, size));
                    cpu.setReg(X86Cpu.RSI, as, true, si + step);
                    cpu.setReg(X86Cpu.RDI, as, true, di + step);
                }
                case "stos" -> {
                    cpu.write(Segment.ES, di, size, cpu.reg(X86Cpu.RAX, size, true));
                    cpu.setReg(X86Cpu.RDI, as, true, di + step);
                }
                case "lods" -> {
                    cpu.setReg(X86Cpu.RAX, size, true, cpu.read(srcSeg, si, size));
                    cpu.setReg(X86Cpu.RSI, as, true, si + step);
                }
                case "cmps" -> {
                    long a = cpu.read(srcSeg, si, size), b = cpu.read(Segment.ES, di, size);
                    Alu.binary(cpu.flags, 7, size, a, b);
                    cpu.setReg(X86Cpu.RSI, as, true, si + step);
                    cpu.setReg(X86Cpu.RDI, as, true, di + step);
                }
                case "scas" -> {
                    long b = cpu.read(Segment.ES, di, size);
                    Alu.binary(cpu.flags, 7, size, cpu.reg(X86Cpu.RAX, size, true), b);
                    cpu.setReg(X86Cpu.RDI, as, true, di + step);
                }
                case "ins" -> {
                    cpu.syncClock();
                    long v = cpu.io.in((int) cpu.reg(X86Cpu.RDX, 2, true), size);
                    cpu.write(Segment.ES, di, size, v);
                    cpu.setReg(X86Cpu.RDI, as, true, di + step);
                }
                default -> { // outs
                    cpu.syncClock();
                    cpu.io.out((int) cpu.reg(X86Cpu.RDX, 2, true), size, cpu.read(srcSeg, si, size));
                    cpu.setReg(X86Cpu.RSI, as, true, si + step);
                }
            }
            if (!repeat) return;
            cpu.setReg(X86Cpu.RCX, as, true, (cpu.gpr[X86Cpu.RCX] - 1) & amask);
            if (compares) {
                boolean zf = cpu.flags.zf();
                if (in.rep && !zf || in.repne && zf) return;
            }
        }
    }
}
