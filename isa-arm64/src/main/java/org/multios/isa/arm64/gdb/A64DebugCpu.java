package org.multios.isa.arm64.gdb;

import org.multios.core.debug.DebugCpu;
import org.multios.core.debug.DebugHooks;
import org.multios.core.debug.TargetDescription;
import org.multios.core.machine.Cpu;
import org.multios.isa.arm64.A64Cpu;
import org.multios.isa.arm64.sysreg.SysRegInfo;

/** One AArch64 PE as GDB sees it, over {@link A64Cpu}'s public state. */
public final class A64DebugCpu implements DebugCpu {
    private final A64Cpu cpu;

    public A64DebugCpu(A64Cpu cpu) { this.cpu = cpu; }

    @Override public Cpu cpu() { return cpu; }
    @Override public TargetDescription description() { return A64TargetDescription.AARCH64_FPU; }
    @Override public long pc() { return cpu.pc; }
    @Override public void setPc(long pc) { cpu.pc = pc; }

    @Override
    public byte[] readRegister(int regnum) {
        var r = description().register(regnum);
        if (r == null) return null;
        SysRegInfo sys = A64TargetDescription.SYSREGS.get(regnum);
        if (sys != null) return sysreg(sys, r.byteSize());
        if (regnum >= A64TargetDescription.V0 && regnum < A64TargetDescription.FPSR) {
            int n = regnum - A64TargetDescription.V0;
            byte[] out = new byte[16];
            for (int i = 0; i < 8; i++) {
                out[i] = (byte) (cpu.vreg[2 * n] >>> (8 * i));
                out[8 + i] = (byte) (cpu.vreg[2 * n + 1] >>> (8 * i));
            }
            return out;
        }
        long v = switch (regnum) {
            case A64TargetDescription.SP -> cpu.sp();
            case A64TargetDescription.PC -> cpu.pc;
            case A64TargetDescription.CPSR -> cpu.spsrValue();
            case A64TargetDescription.FPSR -> cpu.fp.fpsr & 0xffff_ffffL; // the debugger reads FP state even while CPACR traps it
            case A64TargetDescription.FPCR -> cpu.fp.fpcr & 0xffff_ffffL;
            default -> cpu.x[regnum];
        };
        byte[] out = new byte[r.byteSize()];
        for (int i = 0; i < out.length; i++) out[i] = (byte) (v >>> (8 * i));
        return out;
    }

    /** A system register as MRS reads it, or null (unavailable) if reading it would trap now. */
    private byte[] sysreg(SysRegInfo sys, int bytes) {
        long v;
        try {
            v = cpu.sysregs.read(sys);
        } catch (RuntimeException e) {
            return null;
        }
        byte[] out = new byte[bytes];
        for (int i = 0; i < out.length; i++) out[i] = (byte) (v >>> (8 * i));
        return out;
    }

    @Override
    public boolean writeRegister(int regnum, byte[] value) {
        var r = description().register(regnum);
        if (r == null || value.length != r.byteSize()) return false;
        if (regnum >= A64TargetDescription.V0 && regnum < A64TargetDescription.FPSR) {
            int n = regnum - A64TargetDescription.V0;
            long lo = 0, hi = 0;
            for (int i = 7; i >= 0; i--) {
                lo = lo << 8 | (value[i] & 0xff);
                hi = hi << 8 | (value[8 + i] & 0xff);
            }
            cpu.vreg[2 * n] = lo;
            cpu.vreg[2 * n + 1] = hi;
            return true;
        }
        long v = 0;
        for (int i = value.length - 1; i >= 0; i--) v = v << 8 | (value[i] & 0xff);
        SysRegInfo sys = A64TargetDescription.SYSREGS.get(regnum);
        if (sys != null) {
            if (sys.kind() != SysRegInfo.Kind.RW && sys.kind() != SysRegInfo.Kind.FN) return false; // constants
            try {
                cpu.sysregs.write(sys, v); // as MSR would: SCTLR/TTBR/TCR writes flush the TLB
            } catch (RuntimeException e) {
                return false; // the register traps in the PE's current state
            }
            return true;
        }
        switch (regnum) {
            case A64TargetDescription.SP -> cpu.setSp(v);
            case A64TargetDescription.PC -> cpu.pc = v;
            case A64TargetDescription.CPSR -> cpu.setNzcv((int) (v >>> 28) & 0xf); // flags only: EL/SP/DAIF stay
            case A64TargetDescription.FPSR -> cpu.fp.fpsr = (int) v & org.multios.isa.arm64.fp.FpArithmetic.FPSR_MASK;
            case A64TargetDescription.FPCR -> cpu.fp.fpcr = (int) v & org.multios.isa.arm64.fp.FpArithmetic.FPCR_MASK;
            default -> cpu.x[regnum] = v;
        }
        return true;
    }

    @Override
    public long translate(long vaddr, boolean write) {
        long pa = cpu.debugTranslate(vaddr);
        return pa == -1 ? NO_TRANSLATION : pa;
    }

    @Override public boolean translating() { return (cpu.sysregs.sctlrEl1 & 1) != 0; }

    @Override public void setDebugHooks(DebugHooks hooks) { cpu.setDebugHooks(hooks); }

    @Override public void flushTlb() { cpu.tlb.flush(); }

    @Override public String threadInfo() { return "PE " + cpu.index() + ", EL" + cpu.el + (cpu.el > 0 && cpu.spsel ? "h" : "t"); }

    @Override
    public String infoRegisters() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 31; i++) sb.append(String.format("x%-2d  0x%016x%s", i, cpu.x[i], i % 4 == 3 ? "\n" : "  "));
        sb.append(String.format("\nsp   0x%016x  pc   0x%016x  pstate 0x%08x EL%d%n", cpu.sp(), cpu.pc, cpu.spsrValue(), cpu.el));
        var s = cpu.sysregs;
        sb.append(String.format("SCTLR_EL1 0x%016x  TCR_EL1 0x%016x  MAIR_EL1 0x%016x%n", s.sctlrEl1, s.tcrEl1, s.mairEl1));
        sb.append(String.format("TTBR0_EL1 0x%016x  TTBR1_EL1 0x%016x  VBAR_EL1 0x%016x%n", s.ttbr0El1, s.ttbr1El1, s.vbarEl1));
        sb.append(String.format("ESR_EL1 0x%016x  FAR_EL1 0x%016x  ELR_EL1 0x%016x  SPSR_EL1 0x%016x%n",
                s.esrEl1, s.farEl1, s.elrEl1, s.spsrEl1));
        sb.append(String.format("SP_EL0 0x%016x  SP_EL1 0x%016x%n", cpu.spEl0, cpu.spEl1));
        return sb.toString();
    }
}
