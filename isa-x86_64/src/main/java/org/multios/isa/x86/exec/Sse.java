package org.multios.isa.x86.exec;

import org.multios.isa.x86.X86Cpu;
import org.multios.isa.x86.X86Fault;
import org.multios.isa.x86.decode.X86Insn;

/** The SSE moves and logic that compiled memcpy/memset use (SDM Vol. 1 chapters 10-11). */
final class Sse {
    private Sse() {}

    static void execute(Executor x, String m) {
        X86Cpu cpu = x.cpu;
        X86Insn in = x.in;
        if ((cpu.cr0 & X86Cpu.CR0_EM) != 0 || (cpu.cr4 & X86Cpu.CR4_OSFXSR) == 0) throw X86Fault.ud("SSE disabled");
        if ((cpu.cr0 & X86Cpu.CR0_TS) != 0) throw new X86Fault(X86Fault.NM, 0, false, "SSE with CR0.TS");
        int v = in.reg;
        boolean toRm = x.operands().get(0).method() == 'W' || x.operands().get(0).method() == 'E';
        switch (m) {
            case "movups", "movaps", "movdqa", "movdqu" -> {
                boolean aligned = m.equals("movaps") || m.equals("movdqa");
                if (toRm) storeW(x, aligned, cpu.xmm[2 * v], cpu.xmm[2 * v + 1]);
                else {
                    long[] w = loadW(x, aligned);
                    cpu.xmm[2 * v] = w[0];
                    cpu.xmm[2 * v + 1] = w[1];
                }
            }
            case "xorps", "pxor" -> {
                long[] w = loadW(x, m.equals("pxor") || m.equals("xorps"));
                cpu.xmm[2 * v] ^= w[0];
                cpu.xmm[2 * v + 1] ^= w[1];
            }
            case "movd" -> {
                int size = in.rexW() ? 8 : 4;
                if (toRm) x.set(0, cpu.xmm[2 * v] & Alu.mask(size));
                else {
                    cpu.xmm[2 * v] = x.get(1) & Alu.mask(size);
                    cpu.xmm[2 * v + 1] = 0;
                }
            }
            default -> { // movq Wq,Vx (66 0F D6)
                if (in.mod == 3) {
                    cpu.xmm[2 * in.rm] = cpu.xmm[2 * v];
                    cpu.xmm[2 * in.rm + 1] = 0;
                } else {
                    cpu.write(x.eaSeg, x.ea, 8, cpu.xmm[2 * v]);
                }
            }
        }
    }

    private static long[] loadW(Executor x, boolean aligned) {
        X86Cpu cpu = x.cpu;
        X86Insn in = x.in;
        if (in.mod == 3) return new long[] {cpu.xmm[2 * in.rm], cpu.xmm[2 * in.rm + 1]};
        if (aligned && (cpu.linear(x.eaSeg, x.ea) & 15) != 0) throw X86Fault.gp(0, "unaligned 16-byte access");
        return new long[] {cpu.read(x.eaSeg, x.ea, 8), cpu.read(x.eaSeg, x.ea + 8, 8)};
    }

    private static void storeW(Executor x, boolean aligned, long lo, long hi) {
        X86Cpu cpu = x.cpu;
        X86Insn in = x.in;
        if (in.mod == 3) {
            cpu.xmm[2 * in.rm] = lo;
            cpu.xmm[2 * in.rm + 1] = hi;
            return;
        }
        if (aligned && (cpu.linear(x.eaSeg, x.ea) & 15) != 0) throw X86Fault.gp(0, "unaligned 16-byte access");
        cpu.write(x.eaSeg, x.ea, 8, lo);
        cpu.write(x.eaSeg, x.ea + 8, 8, hi);
    }
}
