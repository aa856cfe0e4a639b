package org.multios.kernel.arch.arm64;

import org.multios.core.debug.DebugCpu;
import org.multios.core.debug.TargetDescription;
import org.multios.core.machine.Cpu;
import org.multios.isa.arm64.gdb.A64TargetDescription;
import org.multios.kernel.debug.TaskThread;
import org.multios.kernel.proc.Task;

/**
 * One MultiOS task as a GDB thread on AArch64 (GDB's aarch64 numbering, {@link A64TargetDescription}):
 * while the task is on the CPU at EL0 everything is the CPU's; at a vector entry or its eret
 * X0..X30 and V0..V31 are the CPU's and PC/CPSR/SP come from ELR_EL1/SPSR_EL1/SP_EL0; otherwise all
 * of it is the task's saved {@link org.multios.kernel.arch.UserContext} (X0..X30, SP_EL0, PC,
 * NZCV, V0..V31, FPSR, FPCR). System registers are the CPU's. Addresses are the task's process's
 * user addresses, looked up in its page table without faulting; a debugger store goes through
 * the kernel's user-write path (copy-on-write first).
 */
final class Arm64TaskThread extends TaskThread {
    private static final int TPIDR_EL0 = tpidrRegnum();

    private final Arm64KernelThreads os;

    Arm64TaskThread(Arm64KernelThreads os, Task task) {
        super(task);
        this.os = os;
    }

    @Override protected boolean onCpu() { return live() != null; }
    @Override protected String onCpuWords() { return "on the CPU"; }
    @Override protected DebugCpu cpuView() { return os.cpuView(); }

    @Override public Cpu cpu() { return os.cpu(); }
    @Override public TargetDescription description() { return A64TargetDescription.AARCH64_FPU; }

    /** How the CPU holds this task's state now, or null when it is only in the saved context. */
    private Arm64KernelThreads.Where live() { return os.liveTask() == task ? os.where() : null; }

    @Override
    public long pc() {
        Arm64KernelThreads.Where w = live();
        if (w == null) return task.ctx.pc;
        return w == Arm64KernelThreads.Where.CPU ? os.cpu().pc : os.cpu().sysregs.elrEl1;
    }

    @Override
    public void setPc(long pc) {
        Arm64KernelThreads.Where w = live();
        if (w == null) task.ctx.pc = pc;
        else if (w == Arm64KernelThreads.Where.CPU) os.cpuView().setPc(pc);
        // at a vector entry or its eret the pc is the exception's own state: left alone
    }

    @Override
    public byte[] readRegister(int regnum) {
        var r = description().register(regnum);
        if (r == null) return null;
        Arm64KernelThreads.Where w = live();
        if (w == Arm64KernelThreads.Where.CPU) return os.cpuView().readRegister(regnum);
        if (w != null) {
            var s = os.cpu().sysregs;
            return switch (regnum) {
                case A64TargetDescription.PC -> le(s.elrEl1, 8);
                case A64TargetDescription.CPSR -> le(s.spsrEl1, 4);
                case A64TargetDescription.SP -> le(os.cpu().spEl0, 8);
                default -> os.cpuView().readRegister(regnum);
            };
        }
        return saved(regnum, r.byteSize());
    }

    /** A register from the saved context (layout in {@link Arm64Port}). */
    private byte[] saved(int regnum, int size) {
        var c = task.ctx;
        if (regnum < 31) return le(c.gpr[regnum], 8);
        if (regnum >= A64TargetDescription.V0 && regnum < A64TargetDescription.FPSR) {
            int v = regnum - A64TargetDescription.V0;
            byte[] out = new byte[16];
            System.arraycopy(le(c.fpr[2 * v], 8), 0, out, 0, 8);
            System.arraycopy(le(c.fpr[2 * v + 1], 8), 0, out, 8, 8);
            return out;
        }
        Long v = switch (regnum) {
            case A64TargetDescription.SP -> c.gpr[Arm64Port.GPR_SP];
            case A64TargetDescription.PC -> c.pc;
            case A64TargetDescription.CPSR -> c.gpr[Arm64Port.GPR_PSTATE]; // NZCV, EL0t
            case A64TargetDescription.FPSR -> c.fpStatus & 0xffff_ffffL;
            case A64TargetDescription.FPCR -> c.fpStatus >>> 32;
            default -> null;
        };
        if (v == null && regnum == TPIDR_EL0) v = c.gpr[Arm64Port.GPR_TPIDR];
        return v == null ? os.cpuView().readRegister(regnum) : le(v, size);
    }

    /** GDB's number of TPIDR_EL0 in the system-register feature (the thread pointer is per task), or -1. */
    private static int tpidrRegnum() {
        var d = A64TargetDescription.AARCH64_FPU;
        for (int n = A64TargetDescription.SYSREG_BASE; d.register(n) != null; n++) {
            if (d.register(n).name().equals("TPIDR_EL0")) return n;
        }
        return -1;
    }

    /** X0..X30, SP and PC of a thread not on the CPU, or anything while it runs at EL0; nothing at a vector entry or eret. */
    @Override
    public boolean writeRegister(int regnum, byte[] value) {
        var r = description().register(regnum);
        if (r == null || value.length != r.byteSize()) return false;
        Arm64KernelThreads.Where w = live();
        if (w == Arm64KernelThreads.Where.CPU) return os.cpuView().writeRegister(regnum, value);
        if (w != null) return false;
        long v = 0;
        for (int i = value.length - 1; i >= 0; i--) v = v << 8 | (value[i] & 0xff);
        if (regnum < 31) task.ctx.gpr[regnum] = v;
        else if (regnum == A64TargetDescription.SP) task.ctx.gpr[Arm64Port.GPR_SP] = v;
        else if (regnum == A64TargetDescription.PC) task.ctx.pc = v;
        else return false;
        return true;
    }

    @Override
    public String infoRegisters() {
        StringBuilder sb = new StringBuilder(String.format("%s (%s)%npc  %016x%n", name(), threadInfo(), pc()));
        for (int i = 0; i < 31; i++) sb.append(String.format("x%-2d %016x%s", i, value(readRegister(i)), i % 4 == 3 ? "\n" : "  "));
        sb.append(String.format("sp  %016x  cpsr %08x%n", value(readRegister(A64TargetDescription.SP)), value(readRegister(A64TargetDescription.CPSR))));
        return sb.toString();
    }
}
