package org.multios.isa.x86.exec;

import org.multios.isa.x86.X86Cpu;
import org.multios.isa.x86.X86Fault;
import org.multios.isa.x86.decode.X86Insn;
import org.multios.isa.x86.fp.Extended;

/**
 * Saving and restoring floating-point state (SDM Vol. 1 chapter 13, Vol. 2 FXSAVE/XSAVE):
 * LDMXCSR/STMXCSR, the 512-byte FXSAVE image (64-bit layout with REX.W), XSAVE/XRSTOR in the
 * standard (non-compacted) format for the components this CPU has (bit 0 x87, bit 1 SSE),
 * and XCR0 through XGETBV/XSETBV.
 */
final class FpState {
    /** MXCSR bits software may set (DAZ included), also reported as MXCSR_MASK. */
    static final int MXCSR_MASK = 0xffff;
    /** XCR0 bits this CPU supports: x87 and SSE. */
    static final long XCR0_SUPPORTED = 3;

    private FpState() {}

    static void execute(Executor x, String m) {
        X86Cpu cpu = x.cpu;
        X86Insn in = x.in;
        switch (m) {
            case "ldmxcsr", "stmxcsr" -> {
                sseAvailable(cpu);
                if (m.equals("stmxcsr")) cpu.write(x.eaSeg, x.ea, 4, cpu.mxcsr);
                else cpu.mxcsr = checkedMxcsr(cpu.read(x.eaSeg, x.ea, 4));
            }
            case "fxsave", "fxrstor" -> {
                if ((cpu.cr0 & (X86Cpu.CR0_EM | X86Cpu.CR0_TS)) != 0) throw new X86Fault(X86Fault.NM, 0, false, m + " with CR0.EM/TS");
                if ((cpu.linear(x.eaSeg, x.ea) & 15) != 0) throw X86Fault.gp(0, m + " operand not 16-byte aligned");
                if (m.equals("fxsave")) saveLegacy(x, true, true);
                else restoreLegacy(x, true, true, true);
            }
            case "xsave", "xrstor" -> {
                if ((cpu.cr4 & X86Cpu.CR4_OSXSAVE) == 0) throw X86Fault.ud(m + " without CR4.OSXSAVE");
                if ((cpu.cr0 & X86Cpu.CR0_TS) != 0) throw new X86Fault(X86Fault.NM, 0, false, m + " with CR0.TS");
                if ((cpu.linear(x.eaSeg, x.ea) & 63) != 0) throw X86Fault.gp(0, m + " operand not 64-byte aligned");
                long rfbm = cpu.xcr0 & ((cpu.gpr[X86Cpu.RDX] << 32) | (cpu.gpr[X86Cpu.RAX] & 0xffffffffL));
                if (m.equals("xsave")) xsave(x, rfbm);
                else xrstor(x, rfbm);
            }
            case "xgetbv" -> {
                if ((cpu.cr4 & X86Cpu.CR4_OSXSAVE) == 0) throw X86Fault.ud("xgetbv without CR4.OSXSAVE");
                if ((int) cpu.gpr[X86Cpu.RCX] != 0) throw X86Fault.gp(0, "xgetbv: no XCR " + (int) cpu.gpr[X86Cpu.RCX]);
                cpu.gpr[X86Cpu.RAX] = cpu.xcr0 & 0xffffffffL;
                cpu.gpr[X86Cpu.RDX] = cpu.xcr0 >>> 32;
            }
            default -> { // xsetbv
                if ((cpu.cr4 & X86Cpu.CR4_OSXSAVE) == 0) throw X86Fault.ud("xsetbv without CR4.OSXSAVE");
                if (cpu.protectedMode() && cpu.cpl != 0) throw X86Fault.gp(0, "xsetbv at CPL " + cpu.cpl);
                long v = (cpu.gpr[X86Cpu.RDX] << 32) | (cpu.gpr[X86Cpu.RAX] & 0xffffffffL);
                if ((int) cpu.gpr[X86Cpu.RCX] != 0 || (v & 1) == 0 || (v & ~XCR0_SUPPORTED) != 0) {
                    throw X86Fault.gp(0, "xsetbv: invalid XCR0 value " + Long.toHexString(v));
                }
                cpu.xcr0 = v;
            }
        }
    }

    private static void sseAvailable(X86Cpu cpu) {
        if ((cpu.cr0 & X86Cpu.CR0_EM) != 0 || (cpu.cr4 & X86Cpu.CR4_OSFXSR) == 0) throw X86Fault.ud("SSE disabled");
        if ((cpu.cr0 & X86Cpu.CR0_TS) != 0) throw new X86Fault(X86Fault.NM, 0, false, "SSE with CR0.TS");
    }

    private static int checkedMxcsr(long v) {
        if ((v & ~(long) MXCSR_MASK) != 0) throw X86Fault.gp(0, "reserved MXCSR bits " + Long.toHexString(v));
        return (int) v;
    }

    /** The legacy 512-byte region: x87 state (bytes 0-159) and/or SSE state (MXCSR, XMM0-15). */
    private static void saveLegacy(Executor x, boolean fpu, boolean sse) {
        X86Cpu cpu = x.cpu;
        long a = x.ea;
        int s = x.eaSeg;
        boolean w64 = x.in.rexW();
        if (fpu) {
            int abridged = 0;
            for (int p = 0; p < 8; p++) if (((cpu.fpuTag >> (2 * p)) & 3) != 3) abridged |= 1 << p;
            cpu.write(s, a, 2, cpu.fpuControl);
            cpu.write(s, a + 2, 2, cpu.fpuStatus);
            cpu.write(s, a + 4, 2, abridged);
            cpu.write(s, a + 6, 2, cpu.fpuOpcode);
            if (w64) {
                cpu.write(s, a + 8, 8, cpu.fpuIp);
                cpu.write(s, a + 16, 8, cpu.fpuDp);
            } else {
                cpu.write(s, a + 8, 4, cpu.fpuIp);
                cpu.write(s, a + 12, 4, cpu.seg[1].selector);
                cpu.write(s, a + 16, 4, cpu.fpuDp);
                cpu.write(s, a + 20, 4, cpu.seg[3].selector);
            }
            int top = (cpu.fpuStatus >> 11) & 7;
            for (int i = 0; i < 8; i++) {
                int p = (top + i) & 7;
                cpu.write(s, a + 32 + 16L * i, 8, cpu.fpuSig[p]);
                cpu.write(s, a + 40 + 16L * i, 8, cpu.fpuExp[p] & 0xffff);
            }
        }
        if (fpu || sse) {
            cpu.write(s, a + 24, 4, cpu.mxcsr);
            cpu.write(s, a + 28, 4, MXCSR_MASK);
        }
        if (sse && (cpu.cr4 & X86Cpu.CR4_OSFXSR) != 0) {
            for (int r = 0; r < 16; r++) {
                cpu.write(s, a + 160 + 16L * r, 8, cpu.xmm[2 * r]);
                cpu.write(s, a + 168 + 16L * r, 8, cpu.xmm[2 * r + 1]);
            }
        }
    }

    private static void restoreLegacy(Executor x, boolean fpu, boolean sse, boolean mxcsr) {
        X86Cpu cpu = x.cpu;
        long a = x.ea;
        int s = x.eaSeg;
        if (mxcsr) cpu.mxcsr = checkedMxcsr(cpu.read(s, a + 24, 4));
        if (fpu) {
            cpu.fpuControl = (int) cpu.read(s, a, 2) & 0x1f7f | 0x40;
            cpu.fpuStatus = (int) cpu.read(s, a + 2, 2);
            int abridged = (int) cpu.read(s, a + 4, 1);
            cpu.fpuOpcode = (int) cpu.read(s, a + 6, 2) & 0x7ff;
            cpu.fpuIp = cpu.read(s, a + 8, x.in.rexW() ? 8 : 4);
            cpu.fpuDp = cpu.read(s, a + 16, x.in.rexW() ? 8 : 4);
            int top = (cpu.fpuStatus >> 11) & 7;
            int tag = 0;
            for (int i = 0; i < 8; i++) {
                int p = (top + i) & 7;
                cpu.fpuSig[p] = cpu.read(s, a + 32 + 16L * i, 8);
                cpu.fpuExp[p] = (int) cpu.read(s, a + 40 + 16L * i, 2);
            }
            for (int p = 0; p < 8; p++) {
                int t = ((abridged >> p) & 1) == 0 ? 3 : X87.tagOf(new Extended(cpu.fpuExp[p], cpu.fpuSig[p]));
                tag |= t << (2 * p);
            }
            cpu.fpuTag = tag;
        }
        if (sse && (cpu.cr4 & X86Cpu.CR4_OSFXSR) != 0) {
            for (int r = 0; r < 16; r++) {
                cpu.xmm[2 * r] = cpu.read(s, a + 160 + 16L * r, 8);
                cpu.xmm[2 * r + 1] = cpu.read(s, a + 168 + 16L * r, 8);
            }
        }
    }

    private static void xsave(Executor x, long rfbm) {
        X86Cpu cpu = x.cpu;
        boolean fpu = (rfbm & 1) != 0, sse = (rfbm & 2) != 0;
        saveLegacy(x, fpu, sse);
        long bv = cpu.read(x.eaSeg, x.ea + 512, 8);
        // XINUSE is taken as 1 for both components (the SDM allows an implementation to)
        bv = (bv & ~rfbm) | rfbm;
        cpu.write(x.eaSeg, x.ea + 512, 8, bv);
    }

    private static void xrstor(Executor x, long rfbm) {
        X86Cpu cpu = x.cpu;
        long bv = cpu.read(x.eaSeg, x.ea + 512, 8), comp = cpu.read(x.eaSeg, x.ea + 520, 8);
        if ((bv & ~cpu.xcr0) != 0 || comp != 0 || cpu.read(x.eaSeg, x.ea + 528, 8) != 0) {
            throw X86Fault.gp(0, "xrstor: invalid XSAVE header");
        }
        boolean fpu = (rfbm & 1) != 0, sse = (rfbm & 2) != 0;
        restoreLegacy(x, fpu && (bv & 1) != 0, sse && (bv & 2) != 0, sse); // MXCSR goes with RFBM[1]
        if (fpu && (bv & 1) == 0) { // initial x87 state
            cpu.fpuControl = 0x37f;
            cpu.fpuStatus = 0;
            cpu.fpuTag = 0xffff;
            cpu.fpuOpcode = 0;
            cpu.fpuIp = cpu.fpuDp = 0;
            java.util.Arrays.fill(cpu.fpuExp, 0);
            java.util.Arrays.fill(cpu.fpuSig, 0);
        }
        if (sse && (bv & 2) == 0) java.util.Arrays.fill(cpu.xmm, 0);
    }
}
