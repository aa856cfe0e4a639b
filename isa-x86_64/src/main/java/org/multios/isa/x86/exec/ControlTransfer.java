package org.multios.isa.x86.exec;

import org.multios.isa.x86.Segment;
import org.multios.isa.x86.X86Cpu;
import org.multios.isa.x86.X86Fault;
import org.multios.isa.x86.decode.X86Insn;

/** Jumps, calls, returns, loops, software interrupts, ENTER/LEAVE (SDM Vol. 1 6.3, 6.4). */
final class ControlTransfer {
    private final Executor x;

    ControlTransfer(Executor x) { this.x = x; }

    /** Returns false when {@code m} is not a control transfer. */
    boolean execute(String m) {
        X86Cpu cpu = x.cpu;
        X86Insn in = x.in;
        switch (m) {
            case "jmp" -> cpu.rip = target(x.operands().get(0).method() == 'J' ? cpu.rip + in.imm : x.get(0));
            case "call" -> {
                long t = target(x.operands().get(0).method() == 'J' ? cpu.rip + in.imm : x.get(0));
                cpu.push(cpu.rip, in.osize);
                cpu.rip = t;
            }
            case "ret" -> {
                long t = cpu.pop(in.osize);
                if (!x.operands().isEmpty()) releaseStack(in.imm & 0xffff);
                cpu.rip = target(t);
            }
            case "loop", "loope", "loopne" -> {
                int as = in.asize;
                long c = (cpu.gpr[X86Cpu.RCX] - 1) & Alu.mask(as);
                cpu.setReg(X86Cpu.RCX, as, true, c);
                boolean go = c != 0 && (m.equals("loop") || m.equals("loope") == cpu.flags.zf());
                if (go) cpu.rip = target(cpu.rip + in.imm);
            }
            case "jcxz" -> {
                if ((cpu.gpr[X86Cpu.RCX] & Alu.mask(in.asize)) == 0) cpu.rip = target(cpu.rip + in.imm);
            }
            case "ljmp" -> farJump(false);
            case "lcall" -> farJump(true);
            case "lret" -> farReturn();
            case "int" -> cpu.interrupts.deliver((int) in.imm & 0xff, true, 0, false, cpu.rip);
            case "int3" -> cpu.interrupts.deliver(X86Fault.BP, true, 0, false, cpu.rip);
            case "int1" -> cpu.interrupts.deliver(X86Fault.DB, false, 0, false, cpu.rip);
            case "into" -> {
                if (cpu.flags.of()) cpu.interrupts.deliver(X86Fault.OF, true, 0, false, cpu.rip);
            }
            case "iret" -> cpu.interrupts.iret(in.osize);
            case "enter" -> enter();
            case "leave" -> {
                cpu.setReg(X86Cpu.RSP, cpu.stackSize, true, cpu.gpr[X86Cpu.RBP]);
                cpu.setReg(X86Cpu.RBP, in.osize, true, cpu.pop(in.osize));
            }
            default -> {
                if (m.length() <= 4 && m.charAt(0) == 'j') {
                    if (cpu.flags.condition(in.opcode & 15)) cpu.rip = target(cpu.rip + in.imm);
                    return true;
                }
                return false;
            }
        }
        return true;
    }

    /** A near branch target truncated to the operand size (16-bit IP, 32-bit EIP). */
    private long target(long t) {
        X86Insn in = x.in;
        if (in.osize == 2) return t & 0xffff;
        if (x.cpu.codeBits != 64) return t & 0xffffffffL;
        return t;
    }

    private void releaseStack(long bytes) {
        X86Cpu cpu = x.cpu;
        cpu.setReg(X86Cpu.RSP, cpu.stackSize, true, cpu.gpr[X86Cpu.RSP] + bytes);
    }

    private void farJump(boolean call) {
        X86Cpu cpu = x.cpu;
        X86Insn in = x.in;
        long offset;
        int selector;
        if (x.operands().get(0).method() == 'A') {
            offset = in.imm;
            selector = (int) in.imm2;
        } else {
            int size = in.osize;
            offset = cpu.read(x.eaSeg, x.ea, size);
            selector = (int) cpu.read(x.eaSeg, x.ea + size, 2);
        }
        int oldCs = cpu.seg[Segment.CS].selector;
        long oldRip = cpu.rip;
        int size = in.osize;
        if (call) {
            // push the return address before CS changes (the stack size does not depend on CS)
            cpu.push(oldCs, size);
            cpu.push(oldRip, size);
        }
        cpu.loadCs(selector);
        cpu.rip = cpu.codeBits == 64 ? offset : offset & (size == 2 ? 0xffff : 0xffffffffL);
    }

    private void farReturn() {
        X86Cpu cpu = x.cpu;
        X86Insn in = x.in;
        int size = in.osize;
        long ip = cpu.pop(size);
        int cs = (int) cpu.pop(size) & 0xffff;
        long release = x.operands().isEmpty() ? 0 : in.imm & 0xffff;
        if (cpu.protectedMode() && (cs & 3) > cpu.cpl) {
            releaseStack(release);
            long sp = cpu.pop(size);
            int ss = (int) cpu.pop(size) & 0xffff;
            cpu.loadCs(cs);
            cpu.loadSegment(Segment.SS, ss);
            cpu.gpr[X86Cpu.RSP] = sp;
        } else {
            cpu.loadCs(cs);
            releaseStack(release);
        }
        cpu.rip = cpu.codeBits == 64 ? ip : ip & (size == 2 ? 0xffff : 0xffffffffL);
    }

    private void enter() {
        X86Cpu cpu = x.cpu;
        X86Insn in = x.in;
        int size = in.osize;
        long alloc = in.imm & 0xffff;
        int level = (int) in.imm2 & 31;
        cpu.push(cpu.gpr[X86Cpu.RBP], size);
        long frame = cpu.gpr[X86Cpu.RSP] & Alu.mask(cpu.stackSize);
        if (level > 0) {
            long bp = cpu.gpr[X86Cpu.RBP];
            for (int i = 1; i < level; i++) {
                bp = (bp - size) & Alu.mask(cpu.stackSize);
                cpu.push(cpu.read(Segment.SS, bp, size), size);
            }
            cpu.push(frame, size);
        }
        cpu.setReg(X86Cpu.RBP, size, true, frame);
        cpu.setReg(X86Cpu.RSP, cpu.stackSize, true, cpu.gpr[X86Cpu.RSP] - alloc);
    }
}
