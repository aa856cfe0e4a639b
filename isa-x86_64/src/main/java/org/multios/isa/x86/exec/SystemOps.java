package org.multios.isa.x86.exec;

import org.multios.isa.x86.LazyFlags;
import org.multios.isa.x86.Msrs;
import org.multios.isa.x86.Segment;
import org.multios.isa.x86.X86Cpu;
import org.multios.isa.x86.X86Fault;
import org.multios.isa.x86.decode.X86Insn;
import org.multios.isa.x86.mmu.X86PageWalker;

/**
 * System instructions (SDM Vol. 3 2.6-2.8, Vol. 2): descriptor tables, control and debug
 * registers, MSRs, CPUID, time stamp, HLT, interrupt flag, port I/O, SWAPGS, SYSCALL/SYSRET,
 * and the few x87 control instructions firmware uses to probe the FPU.
 */
final class SystemOps {
    private final Executor x;

    SystemOps(Executor x) { this.x = x; }

    private void requireCpl0() {
        if (x.cpu.protectedMode() && x.cpu.cpl != 0) throw X86Fault.gp(0, x.in.mnemonic() + " at CPL " + x.cpu.cpl);
    }

    private int iopl() { return (int) (x.cpu.flags.bits >> 12) & 3; }

    boolean execute(String m) {
        X86Cpu cpu = x.cpu;
        X86Insn in = x.in;
        switch (m) {
            case "hlt" -> {
                requireCpl0();
                cpu.halted = true;
            }
            case "lgdt", "lidt" -> {
                requireCpl0();
                int limit = (int) cpu.read(x.eaSeg, x.ea, 2);
                long base = cpu.read(x.eaSeg, x.ea + 2, cpu.codeBits == 64 ? 8 : 4);
                if (cpu.codeBits != 64 && in.osize == 2) base &= 0xffffff;
                if (m.equals("lgdt")) { cpu.gdtBase = base; cpu.gdtLimit = limit; }
                else { cpu.idtBase = base; cpu.idtLimit = limit; }
            }
            case "sgdt", "sidt" -> {
                boolean g = m.equals("sgdt");
                cpu.write(x.eaSeg, x.ea, 2, g ? cpu.gdtLimit : cpu.idtLimit);
                cpu.write(x.eaSeg, x.ea + 2, cpu.codeBits == 64 ? 8 : 4, g ? cpu.gdtBase : cpu.idtBase);
            }
            case "lldt" -> {
                requireCpl0();
                loadSystemSegment(cpu.ldtr, (int) x.get(0) & 0xffff, 2);
            }
            case "ltr" -> {
                requireCpl0();
                int sel = (int) x.get(0) & 0xffff;
                loadSystemSegment(cpu.tr, sel, 9);
                // mark the TSS busy
                long addr = cpu.gdtBase + (sel & ~7) + 5;
                cpu.writeLinear(addr, 1, cpu.readLinear(addr, 1, X86PageWalker.READ) | 2);
            }
            case "sldt" -> x.set(0, cpu.ldtr.selector);
            case "str" -> x.set(0, cpu.tr.selector);
            case "smsw" -> x.set(0, cpu.cr0 & (in.mod == 3 ? Alu.mask(in.osize) : 0xffff));
            case "lmsw" -> {
                requireCpl0();
                long v = x.get(0) & 0xf;
                // LMSW can set PE but not clear it
                cpu.writeCr0((cpu.cr0 & ~0xeL) | v | (cpu.cr0 & 1));
            }
            case "clts" -> {
                requireCpl0();
                cpu.cr0 &= ~X86Cpu.CR0_TS;
            }
            case "movcr" -> moveControlRegister();
            case "movdr" -> {
                requireCpl0();
                int size = cpu.codeBits == 64 ? 8 : 4;
                if (x.operands().get(0).method() == 'D') cpu.dr[in.reg & 7] = cpu.reg(in.rm, size, true);
                else cpu.setReg(in.rm, size, true, cpu.dr[in.reg & 7]);
            }
            case "invlpg" -> {
                requireCpl0();
                cpu.invalidatePage(cpu.linear(x.eaSeg, x.ea));
            }
            case "wrmsr" -> {
                requireCpl0();
                cpu.msrs.write((int) cpu.gpr[X86Cpu.RCX], (cpu.gpr[X86Cpu.RDX] << 32) | (cpu.gpr[X86Cpu.RAX] & 0xffffffffL));
            }
            case "rdmsr" -> {
                requireCpl0();
                long v = cpu.msrs.read((int) cpu.gpr[X86Cpu.RCX]);
                cpu.gpr[X86Cpu.RAX] = v & 0xffffffffL;
                cpu.gpr[X86Cpu.RDX] = v >>> 32;
            }
            case "rdtsc", "rdtscp" -> {
                if ((cpu.cr4 & 4) != 0 && cpu.cpl != 0) throw X86Fault.gp(0, "RDTSC with CR4.TSD");
                long t = cpu.msrs.tsc();
                cpu.gpr[X86Cpu.RAX] = t & 0xffffffffL;
                cpu.gpr[X86Cpu.RDX] = t >>> 32;
                if (m.equals("rdtscp")) cpu.gpr[X86Cpu.RCX] = cpu.msrs.read(Msrs.TSC_AUX) & 0xffffffffL;
            }
            case "cpuid" -> {
                int[] r = cpu.cpuid.query((int) cpu.gpr[X86Cpu.RAX], (int) cpu.gpr[X86Cpu.RCX], (cpu.cr4 & X86Cpu.CR4_OSXSAVE) != 0);
                cpu.gpr[X86Cpu.RAX] = r[0] & 0xffffffffL;
                cpu.gpr[X86Cpu.RBX] = r[1] & 0xffffffffL;
                cpu.gpr[X86Cpu.RCX] = r[2] & 0xffffffffL;
                cpu.gpr[X86Cpu.RDX] = r[3] & 0xffffffffL;
            }
            case "swapgs" -> {
                requireCpl0();
                long gs = cpu.seg[Segment.GS].base;
                cpu.seg[Segment.GS].base = cpu.msrs.read(Msrs.KERNEL_GS_BASE);
                cpu.msrs.write(Msrs.KERNEL_GS_BASE, gs);
            }
            case "syscall" -> syscall();
            case "sysret" -> sysret();
            case "vmcall" -> {
                if (cpu.vmcallHandler == null) throw X86Fault.ud("vmcall without a native-call handler");
                cpu.vmcallHandler.accept(cpu);
            }
            case "ud2" -> throw X86Fault.ud("ud2");
            default -> { return false; }
        }
        return true;
    }

    private void loadSystemSegment(Segment s, int selector, int type) {
        X86Cpu cpu = x.cpu;
        if ((selector & ~3) == 0) {
            if (type == 9) throw X86Fault.gp(0, "null TSS selector");
            s.selector = 0;
            s.base = 0;
            s.limit = 0;
            return;
        }
        if ((selector & 4) != 0) throw X86Fault.gp(selector & ~3, "system segment in the LDT");
        long d = cpu.descriptor(selector);
        int t = (int) (d >>> 40) & 0x1f;
        if (t != type && !(type == 9 && t == 0xb)) throw X86Fault.gp(selector & ~3, "wrong descriptor type " + t);
        long lo = d & 0xffffffffL, hi = d >>> 32;
        s.selector = selector;
        s.base = ((lo >>> 16) & 0xffff) | ((hi & 0xff) << 16) | (hi & 0xff000000L);
        if (cpu.longMode()) s.base |= cpu.readLinear(cpu.gdtBase + (selector & ~7) + 8, 4, X86PageWalker.READ) << 32;
        long lim = (lo & 0xffff) | (hi & 0xf0000);
        if ((hi & 0x800000) != 0) lim = (lim << 12) | 0xfff;
        s.limit = lim;
        s.attributes = (int) ((hi >>> 8) & 0xf0ff);
    }

    private void moveControlRegister() {
        requireCpl0();
        X86Cpu cpu = x.cpu;
        X86Insn in = x.in;
        int size = cpu.codeBits == 64 ? 8 : 4;
        int cr = in.reg;
        if (x.operands().get(0).method() == 'C') {
            long v = cpu.reg(in.rm, size, true);
            switch (cr) {
                case 0 -> cpu.writeCr0(v);
                case 2 -> cpu.cr2 = v;
                case 3 -> cpu.writeCr3(v);
                case 4 -> cpu.writeCr4(v);
                case 8 -> cpu.cr8 = v & 15;
                default -> throw X86Fault.ud("mov to CR" + cr);
            }
        } else {
            long v = switch (cr) {
                case 0 -> cpu.cr0;
                case 2 -> cpu.cr2;
                case 3 -> cpu.cr3;
                case 4 -> cpu.cr4;
                case 8 -> cpu.cr8;
                default -> throw X86Fault.ud("mov from CR" + cr);
            };
            cpu.setReg(in.rm, size, true, v);
        }
    }

    void cli() {
        X86Cpu cpu = x.cpu;
        if (cpu.protectedMode() && cpu.cpl > iopl()) throw X86Fault.gp(0, "CLI above IOPL");
        cpu.flags.bits &= ~LazyFlags.IF;
    }

    void sti() {
        X86Cpu cpu = x.cpu;
        if (cpu.protectedMode() && cpu.cpl > iopl()) throw X86Fault.gp(0, "STI above IOPL");
        if ((cpu.flags.bits & LazyFlags.IF) == 0) cpu.interruptShadow = true;
        cpu.flags.bits |= LazyFlags.IF;
    }

    void popf() {
        X86Cpu cpu = x.cpu;
        int size = x.in.osize;
        long v = cpu.pop(size);
        long writable = LazyFlags.ARITH | LazyFlags.TF | LazyFlags.DF | LazyFlags.NT | LazyFlags.AC | LazyFlags.ID;
        if (!cpu.protectedMode() || cpu.cpl == 0) writable |= LazyFlags.IOPL;
        if (!cpu.protectedMode() || cpu.cpl <= iopl()) writable |= LazyFlags.IF;
        if (size == 2) writable &= 0xffff;
        cpu.flags.set((cpu.flags.get() & ~writable) | (v & writable));
    }

    void portIo(boolean in) {
        X86Cpu cpu = x.cpu;
        if (cpu.protectedMode() && cpu.cpl > iopl()) throw X86Fault.gp(0, "port I/O above IOPL");
        int portOperand = in ? 1 : 0;
        int dataOperand = in ? 0 : 1;
        int port = (int) x.get(portOperand) & 0xffff;
        int size = x.size(dataOperand);
        cpu.syncClock();
        if (in) x.set(dataOperand, cpu.io.in(port, size));
        else cpu.io.out(port, size, x.get(dataOperand));
    }

    /** SYSCALL (SDM Vol. 2B): RCX = RIP, R11 = RFLAGS, CS/SS from STAR, RIP from LSTAR, RFLAGS masked by FMASK. */
    private void syscall() {
        X86Cpu cpu = x.cpu;
        if ((cpu.efer & X86Cpu.EFER_SCE) == 0 || !cpu.longMode()) throw X86Fault.ud("syscall disabled");
        long star = cpu.msrs.read(Msrs.STAR);
        cpu.gpr[X86Cpu.RCX] = cpu.rip;
        cpu.gpr[11] = cpu.flags.get() & ~LazyFlags.RF;
        int sel = (int) (star >>> 32) & 0xfffc;
        flatSegment(Segment.CS, sel, 0xa09b); // 64-bit code, DPL 0
        flatSegment(Segment.SS, sel + 8, 0xc093);
        cpu.cpl = 0;
        cpu.flags.set(cpu.flags.get() & ~cpu.msrs.read(Msrs.FMASK) & ~LazyFlags.RF);
        cpu.rip = cpu.msrs.read(Msrs.LSTAR);
        cpu.modeChanged();
    }

    private void sysret() {
        X86Cpu cpu = x.cpu;
        if ((cpu.efer & X86Cpu.EFER_SCE) == 0 || !cpu.longMode()) throw X86Fault.ud("sysret disabled");
        requireCpl0();
        long star = cpu.msrs.read(Msrs.STAR);
        int base = (int) (star >>> 48) & 0xffff;
        if (x.in.rexW()) {
            flatSegment(Segment.CS, (base + 16) | 3, 0xa0fb);
            cpu.rip = cpu.gpr[X86Cpu.RCX];
        } else {
            flatSegment(Segment.CS, base | 3, 0xc0fb);
            cpu.rip = cpu.gpr[X86Cpu.RCX] & 0xffffffffL;
        }
        cpu.seg[Segment.SS].selector = (base + 8) | 3;
        cpu.seg[Segment.SS].attributes = 0xc0f3;
        cpu.flags.set((cpu.gpr[11] & 0x3c7fd7L) | 2);
        cpu.cpl = 3;
        cpu.modeChanged();
    }

    private void flatSegment(int s, int selector, int attributes) {
        Segment sg = x.cpu.seg[s];
        sg.selector = selector;
        sg.base = 0;
        sg.limit = 0xffffffffL;
        sg.attributes = attributes;
    }
}
