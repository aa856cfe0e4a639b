package org.multios.isa.x86;

import org.multios.isa.x86.mmu.X86PageWalker;

/**
 * Delivery of exceptions and interrupts (SDM Vol. 3 chapter 6) through the real-mode IVT,
 * the protected-mode IDT (32-bit interrupt and trap gates) or the long-mode IDT (16-byte
 * gates, IST, 16-byte stack alignment); and IRET back. A fault while delivering becomes
 * #DF, and a fault while delivering #DF a triple fault, which resets the machine.
 */
public final class InterruptDelivery {
    private final X86Cpu cpu;
    private int depth;

    InterruptDelivery(X86Cpu cpu) { this.cpu = cpu; }

    /** Delivers a fault or trap raised by an instruction (RIP already points where it should return). */
    public void deliverException(int vector, boolean hasError, int errorCode) {
        if (depth >= 2) {
            depth = 0;
            cpu.halted = false;
            cpu.resetRequest.run();
            cpu.reset();
            return;
        }
        depth++;
        try {
            deliver(vector, false, errorCode, hasError, cpu.rip);
        } catch (X86Fault f) {
            if (depth == 1) deliverException(X86Fault.DF, true, 0);
            else deliverException(f.vector, f.hasErrorCode, f.errorCode);
        } catch (X86PageWalker.PageFault pf) {
            cpu.cr2 = pf.linear;
            if (depth == 1) deliverException(X86Fault.DF, true, 0);
            else deliverException(X86Fault.PF, true, pf.errorCode);
        } finally {
            depth = 0;
        }
    }

    /**
     * Transfers control to the handler of {@code vector}, saving {@code returnRip}.
     * {@code software} marks INT n (gate DPL is checked against CPL).
     */
    public void deliver(int vector, boolean software, int errorCode, boolean hasError, long returnRip) {
        cpu.halted = false;
        if (!cpu.protectedMode()) {
            realMode(vector, returnRip);
        } else if (cpu.longMode()) {
            longMode(vector, software, errorCode, hasError, returnRip);
        } else {
            protectedMode(vector, software, errorCode, hasError, returnRip);
        }
    }

    private void realMode(int vector, long returnRip) {
        if (vector * 4 + 3 > cpu.idtLimit) throw X86Fault.gp(0, "vector beyond IVT limit");
        long entry = cpu.readLinear(cpu.idtBase + vector * 4L, 4, X86PageWalker.READ);
        cpu.push(cpu.flags.get() & 0xffff, 2);
        cpu.push(cpu.seg[Segment.CS].selector, 2);
        cpu.push(returnRip & 0xffff, 2);
        cpu.flags.bits &= ~(LazyFlags.IF | LazyFlags.TF | LazyFlags.AC);
        cpu.loadSegment(Segment.CS, (int) (entry >>> 16) & 0xffff);
        cpu.rip = entry & 0xffff;
    }

    private void protectedMode(int vector, boolean software, int errorCode, boolean hasError, long returnRip) {
        if (vector * 8 + 7 > cpu.idtLimit) throw X86Fault.gp(vector * 8 + 2, "vector beyond IDT limit");
        long gate = cpu.readLinear(cpu.idtBase + vector * 8L, 8, X86PageWalker.READ);
        int type = (int) (gate >>> 40) & 0x1f;
        int dpl = (int) (gate >>> 45) & 3;
        if ((gate & (1L << 47)) == 0) throw new X86Fault(X86Fault.NP, vector * 8 + 2, true, "gate not present");
        if (software && dpl < cpu.cpl) throw X86Fault.gp(vector * 8 + 2, "gate DPL");
        boolean gate32 = (type & 8) != 0;
        int kind = type & 7;
        if (kind != 6 && kind != 7) throw X86Fault.gp(vector * 8 + 2, "unsupported gate type " + type);
        int selector = (int) (gate >>> 16) & 0xffff;
        long offset = (gate & 0xffff) | ((gate >>> 32) & 0xffff0000L);
        long target = cpu.descriptor(selector);
        int targetDpl = (int) (target >>> 45) & 3;
        long oldFlags = cpu.flags.get();
        int oldCs = cpu.seg[Segment.CS].selector;
        int size = gate32 ? 4 : 2;
        if (targetDpl < cpu.cpl) {
            // inner-privilege handler: stack from the TSS (32-bit TSS: ESPn at 4+8n, SSn at 8+8n)
            int oldSs = cpu.seg[Segment.SS].selector;
            long oldSp = cpu.gpr[X86Cpu.RSP];
            long esp = cpu.readLinear(cpu.tr.base + 4 + 8L * targetDpl, 4, X86PageWalker.READ);
            int ss = (int) cpu.readLinear(cpu.tr.base + 8 + 8L * targetDpl, 2, X86PageWalker.READ);
            cpu.cpl = targetDpl;
            cpu.loadSegment(Segment.SS, ss);
            cpu.setReg(X86Cpu.RSP, 4, true, esp);
            cpu.push(oldSs, size);
            cpu.push(oldSp, size);
        }
        cpu.push(oldFlags, size);
        cpu.push(oldCs, size);
        cpu.push(returnRip, size);
        if (hasError) cpu.push(errorCode, size);
        cpu.flags.bits &= ~(LazyFlags.TF | LazyFlags.NT | LazyFlags.VM | LazyFlags.RF);
        if (kind == 6) cpu.flags.bits &= ~LazyFlags.IF;
        cpu.loadSegment(Segment.CS, (selector & ~3) | targetDpl);
        cpu.rip = offset;
    }

    private void longMode(int vector, boolean software, int errorCode, boolean hasError, long returnRip) {
        if (vector * 16 + 15 > cpu.idtLimit) throw X86Fault.gp(vector * 8 + 2, "vector beyond IDT limit");
        long lo = cpu.systemRead(cpu.idtBase + vector * 16L);
        long hi = cpu.systemRead(cpu.idtBase + vector * 16L + 8);
        int type = (int) (lo >>> 40) & 0x1f;
        int dpl = (int) (lo >>> 45) & 3;
        if ((lo & (1L << 47)) == 0) throw new X86Fault(X86Fault.NP, vector * 8 + 2, true, "gate not present");
        if (software && dpl < cpu.cpl) throw X86Fault.gp(vector * 8 + 2, "gate DPL");
        if (type != 0xe && type != 0xf) throw X86Fault.gp(vector * 8 + 2, "not a 64-bit gate: type " + type);
        int selector = (int) (lo >>> 16) & 0xffff;
        long offset = (lo & 0xffff) | ((lo >>> 32) & 0xffff0000L) | (hi << 32);
        int ist = (int) (lo >>> 32) & 7;
        long target = cpu.descriptor(selector);
        int targetDpl = (int) (target >>> 45) & 3;
        long oldFlags = cpu.flags.get();
        int oldCs = cpu.seg[Segment.CS].selector;
        int oldSs = cpu.seg[Segment.SS].selector;
        long oldSp = cpu.gpr[X86Cpu.RSP];
        long rsp = oldSp;
        if (ist != 0) {
            rsp = cpu.systemRead(cpu.tr.base + 0x24 + 8L * (ist - 1));
        } else if (targetDpl < cpu.cpl) {
            rsp = cpu.systemRead(cpu.tr.base + 4 + 8L * targetDpl);
        }
        if (targetDpl < cpu.cpl) {
            cpu.seg[Segment.SS].selector = targetDpl;
            cpu.seg[Segment.SS].attributes = 0;
        }
        rsp &= ~0xfL;
        cpu.cpl = targetDpl;
        long[] frame = {oldSs, oldSp, oldFlags, oldCs, returnRip};
        for (long v : frame) {
            rsp -= 8;
            cpu.writeLinear(rsp, 8, v);
        }
        if (hasError) {
            rsp -= 8;
            cpu.writeLinear(rsp, 8, errorCode & 0xffffffffL);
        }
        cpu.gpr[X86Cpu.RSP] = rsp;
        cpu.flags.bits &= ~(LazyFlags.TF | LazyFlags.NT | LazyFlags.VM | LazyFlags.RF);
        if (type == 0xe) cpu.flags.bits &= ~LazyFlags.IF;
        cpu.loadSegment(Segment.CS, (selector & ~3) | targetDpl);
        cpu.rip = offset;
    }

    /** IRET/IRETD/IRETQ with operand size {@code size}. */
    public void iret(int size) {
        if (!cpu.protectedMode()) {
            long ip = cpu.pop(size), cs = cpu.pop(size), fl = cpu.pop(size);
            cpu.loadSegment(Segment.CS, (int) cs & 0xffff);
            cpu.rip = ip & (size == 2 ? 0xffff : 0xffffffffL);
            setFlags(fl, size);
            return;
        }
        if (cpu.longMode() && size == 8 || cpu.codeBits == 64) {
            long ip = cpu.pop(size), cs = cpu.pop(size), fl = cpu.pop(size), sp = cpu.pop(size), ss = cpu.pop(size);
            int newCpl = (int) cs & 3;
            int oldCpl = cpu.cpl;
            cpu.loadSegment(Segment.CS, (int) cs & 0xffff);
            setFlags(fl, size);
            cpu.cpl = newCpl;
            if (((int) ss & ~3) == 0 && newCpl < 3) {
                cpu.seg[Segment.SS].selector = (int) ss & 0xffff;
                cpu.seg[Segment.SS].attributes = 0;
            } else {
                cpu.loadSegment(Segment.SS, (int) ss & 0xffff);
            }
            cpu.gpr[X86Cpu.RSP] = size == 8 ? sp : sp & LazyFlags.mask(size);
            cpu.rip = cpu.codeBits == 64 ? ip : ip & 0xffffffffL;
            cpu.modeChanged();
            if (oldCpl != newCpl) cpu.flushTlb();
            return;
        }
        long ip = cpu.pop(size), cs = cpu.pop(size), fl = cpu.pop(size);
        int newCpl = (int) cs & 3;
        if (newCpl > cpu.cpl) {
            long sp = cpu.pop(size), ss = cpu.pop(size);
            cpu.loadSegment(Segment.CS, (int) cs & 0xffff);
            cpu.loadSegment(Segment.SS, (int) ss & 0xffff);
            cpu.gpr[X86Cpu.RSP] = sp & LazyFlags.mask(size);
        } else {
            cpu.loadSegment(Segment.CS, (int) cs & 0xffff);
        }
        setFlags(fl, size);
        cpu.rip = ip & LazyFlags.mask(size);
    }

    private void setFlags(long fl, int size) {
        long cur = cpu.flags.get();
        long writable = LazyFlags.ARITH | LazyFlags.TF | LazyFlags.DF | LazyFlags.NT | LazyFlags.AC | LazyFlags.ID | LazyFlags.RF;
        if (cpu.cpl == 0) writable |= LazyFlags.IOPL | LazyFlags.IF;
        if (size == 2) writable &= 0xffff;
        cpu.flags.set((cur & ~writable) | (fl & writable));
    }
}
