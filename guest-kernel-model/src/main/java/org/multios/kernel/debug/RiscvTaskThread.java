package org.multios.kernel.debug;

import org.multios.core.debug.DebugCpu;
import org.multios.core.debug.TargetDescription;
import org.multios.core.machine.Cpu;
import org.multios.isa.riscv.RvCpu;
import org.multios.isa.riscv.gdb.RvTargetDescription;
import org.multios.kernel.proc.Task;

/**
 * One MultiOS task as a GDB thread on riscv64: x1-x31, pc, f0-f31 and fflags/frm/fcsr come from
 * the hart while the task's state is there, else from its saved {@link org.multios.kernel.arch.UserContext};
 * {@code priv} reads 0 (user mode); the other CSRs are the hart's. Addresses are the task's
 * process's user addresses, looked up in its page table without faulting; a debugger store
 * goes through the kernel's own user-write path, so a copy-on-write page is copied first
 * (the other process keeps its data), as ptrace does.
 */
final class RiscvTaskThread extends TaskThread {
    private static final int FFLAGS = RvTargetDescription.FIRST_CSR + 1, FRM = RvTargetDescription.FIRST_CSR + 2,
            FCSR = RvTargetDescription.FIRST_CSR + 3, CSR_FCSR = 3, CSR_SEPC = 0x141;

    private final KernelThreads os;

    RiscvTaskThread(KernelThreads os, Task task) {
        super(task);
        this.os = os;
    }

    @Override protected boolean onCpu() { return live(); }
    @Override protected String onCpuWords() { return "on the hart"; }
    @Override protected DebugCpu cpuView() { return os.hartView(); }

    @Override public Cpu cpu() { return os.hart(); }
    @Override public TargetDescription description() { return RvTargetDescription.RV64; }

    /** True while the hart holds this task's registers. */
    private boolean live() { return os.liveTask() == task; }

    /** In U-mode the hart's pc; at the trap vector the task's pc is in sepc. */
    private boolean pcInSepc() { return os.hart().privilege() != 0; }

    @Override
    public long pc() {
        if (!live()) return task.ctx.pc;
        RvCpu h = os.hart();
        return pcInSepc() ? h.readCsr(CSR_SEPC) : h.pc();
    }

    @Override
    public void setPc(long pc) {
        if (!live()) task.ctx.pc = pc;
        else if (pcInSepc()) os.hart().writeCsr(CSR_SEPC, pc);
        else os.hart().setPc(pc);
    }

    @Override
    public byte[] readRegister(int regnum) {
        var r = description().register(regnum);
        if (r == null) return null;
        boolean live = live();
        RvCpu h = os.hart();
        long v;
        if (regnum < 32) v = regnum == 0 ? 0 : live ? h.xreg(regnum) : task.ctx.gpr[regnum];
        else if (regnum == RvTargetDescription.PC) v = pc();
        else if (regnum < RvTargetDescription.FIRST_FPR + 32) v = live ? h.freg(regnum - 33) : task.ctx.fpr[regnum - 33];
        else if (regnum == FFLAGS || regnum == FRM || regnum == FCSR) {
            long fcsr = live ? h.readCsr(CSR_FCSR) : task.ctx.fpStatus;
            v = regnum == FFLAGS ? fcsr & 0x1f : regnum == FRM ? (fcsr >>> 5) & 7 : fcsr & 0xff;
        } else if (regnum == RvTargetDescription.PRIV) v = 0;
        else return os.hartView().readRegister(regnum);
        byte[] out = new byte[r.byteSize()];
        for (int i = 0; i < out.length; i++) out[i] = (byte) (v >>> (8 * i));
        return out;
    }

    /** General and FP registers and pc; CSRs are the hart's and not written through a thread. */
    @Override
    public boolean writeRegister(int regnum, byte[] value) {
        var r = description().register(regnum);
        if (r == null || value.length != r.byteSize()) return false;
        long v = 0;
        for (int i = value.length - 1; i >= 0; i--) v = v << 8 | (value[i] & 0xff);
        boolean live = live();
        RvCpu h = os.hart();
        if (regnum == 0) return true;
        if (regnum < 32) {
            if (live) h.setXreg(regnum, v);
            else task.ctx.gpr[regnum] = v;
        } else if (regnum == RvTargetDescription.PC) {
            setPc(v);
        } else if (regnum < RvTargetDescription.FIRST_FPR + 32) {
            if (live) h.setFreg(regnum - 33, v);
            else task.ctx.fpr[regnum - 33] = v;
        } else {
            return false;
        }
        return true;
    }

    @Override
    public String infoRegisters() {
        StringBuilder sb = new StringBuilder(String.format("%s (%s)%npc  %016x%n", name(), threadInfo(), pc()));
        for (int i = 1; i < 32; i++) {
            sb.append(String.format("x%-2d %016x%s", i, value(readRegister(i)), i % 4 == 3 ? "\n" : "  "));
        }
        return sb.append('\n').toString();
    }
}
