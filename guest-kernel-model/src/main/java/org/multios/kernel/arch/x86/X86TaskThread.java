package org.multios.kernel.arch.x86;

import org.multios.core.debug.DebugCpu;
import org.multios.core.debug.TargetDescription;
import org.multios.core.machine.Cpu;
import org.multios.isa.x86.X86Cpu;
import org.multios.isa.x86.gdb.X86TargetDescription;
import org.multios.kernel.debug.TaskThread;
import org.multios.kernel.proc.Task;

/**
 * One MultiOS task as a GDB thread on x86-64 (GDB's amd64 numbering, {@link X86TargetDescription}):
 * while the task is on the CPU at CPL 3 everything is the CPU's; at a kernel entry or exit the
 * GPRs are the CPU's and RIP/EFLAGS/RSP come from where the entry or exit keeps them; otherwise
 * all of it is the task's saved {@link org.multios.kernel.arch.UserContext} (GPRs, RIP, RFLAGS,
 * FS/GS base, XMM, MXCSR, the x87 stack and control words). Control registers and MSRs are the
 * CPU's. Addresses are the task's process's user addresses, looked up in its page table without
 * faulting; a debugger store goes through the kernel's user-write path (copy-on-write first).
 */
final class X86TaskThread extends TaskThread {
    /** GDB's rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp, r8-r15 as SDM register numbers. */
    private static final int[] GPR = {0, 3, 1, 2, 6, 7, 5, 4, 8, 9, 10, 11, 12, 13, 14, 15};
    private static final int GDB_RSP = 7;

    private final X86KernelThreads os;

    X86TaskThread(X86KernelThreads os, Task task) {
        super(task);
        this.os = os;
    }

    @Override protected boolean onCpu() { return live() != null; }
    @Override protected String onCpuWords() { return "on the CPU"; }
    @Override protected DebugCpu cpuView() { return os.cpuView(); }

    @Override public Cpu cpu() { return os.cpu(); }
    @Override public TargetDescription description() { return X86TargetDescription.X86_64; }

    /** How the CPU holds this task's state now, or null when it is only in the saved context. */
    private X86KernelThreads.Where live() { return os.liveTask() == task ? os.where() : null; }

    @Override
    public long pc() {
        X86KernelThreads.Where w = live();
        if (w == null) return task.ctx.pc;
        return switch (w) {
            case CPU -> os.cpu().rip;
            case SYSCALL_REGS -> os.cpu().gpr[X86Cpu.RCX];
            case FRAME -> os.frameWord(0);
        };
    }

    @Override
    public void setPc(long pc) {
        X86KernelThreads.Where w = live();
        if (w == null) task.ctx.pc = pc;
        else if (w == X86KernelThreads.Where.CPU) os.cpuView().setPc(pc);
        // at a kernel entry or exit the pc is in the entry's own state: left alone
    }

    @Override
    public byte[] readRegister(int regnum) {
        var r = description().register(regnum);
        if (r == null) return null;
        X86KernelThreads.Where w = live();
        if (w == X86KernelThreads.Where.CPU) return os.cpuView().readRegister(regnum);
        if (w != null) {
            if (regnum == X86TargetDescription.RIP) return le(pc(), 8);
            if (regnum == X86TargetDescription.EFLAGS) {
                return le(w == X86KernelThreads.Where.FRAME ? os.frameWord(2) : os.cpu().gpr[11], 4);
            }
            if (regnum == GDB_RSP && w == X86KernelThreads.Where.FRAME) return le(os.frameWord(3), 8);
            if (regnum == X86TargetDescription.CS) return le(X86Port.USER_CS, 4);
            if (regnum == X86TargetDescription.CS + 1) return le(X86Port.USER_SS, 4);
            return os.cpuView().readRegister(regnum);
        }
        return saved(regnum, r.byteSize());
    }

    /** A register from the saved context (stored XORed with the Linux initial values, see X86Port). */
    private byte[] saved(int regnum, int size) {
        var c = task.ctx;
        if (regnum < 16) return le(c.gpr[GPR[regnum]], 8);
        if (regnum >= X86TargetDescription.ST0 && regnum < X86TargetDescription.FCTRL) {
            int top = (int) (c.fpr[X86Port.F_FSW] >>> 11) & 7;
            int phys = (top + regnum - X86TargetDescription.ST0) & 7;
            byte[] out = new byte[10];
            System.arraycopy(le(c.fpr[X86Port.F_SIG + phys], 8), 0, out, 0, 8);
            System.arraycopy(le(c.fpr[X86Port.F_EXP + phys], 2), 0, out, 8, 2);
            return out;
        }
        if (regnum >= X86TargetDescription.XMM0 && regnum < X86TargetDescription.MXCSR) {
            int x = regnum - X86TargetDescription.XMM0;
            byte[] out = new byte[16];
            System.arraycopy(le(c.fpr[2 * x], 8), 0, out, 0, 8);
            System.arraycopy(le(c.fpr[2 * x + 1], 8), 0, out, 8, 8);
            return out;
        }
        Long v = switch (regnum) {
            case X86TargetDescription.RIP -> c.pc;
            case X86TargetDescription.EFLAGS -> c.gpr[X86Port.RFLAGS] ^ 0x202;
            case X86TargetDescription.CS -> (long) X86Port.USER_CS;
            case X86TargetDescription.CS + 1 -> (long) X86Port.USER_SS;
            case X86TargetDescription.CS + 2, X86TargetDescription.CS + 3, X86TargetDescription.CS + 4, X86TargetDescription.CS + 5 -> 0L;
            case X86TargetDescription.FCTRL -> c.fpr[X86Port.F_FCW] ^ 0x37f;
            case X86TargetDescription.FSTAT -> c.fpr[X86Port.F_FSW];
            case X86TargetDescription.FTAG -> c.fpr[X86Port.F_FTW] ^ 0xffff;
            case X86TargetDescription.FOP -> c.fpr[X86Port.F_FOP];
            case X86TargetDescription.MXCSR -> c.fpStatus ^ 0x1f80;
            case X86TargetDescription.FS_BASE -> c.gpr[X86Port.FS_BASE];
            case X86TargetDescription.GS_BASE -> c.gpr[X86Port.GS_BASE];
            default -> null;
        };
        return v == null ? os.cpuView().readRegister(regnum) : le(v, size);
    }

    /** GPRs and RIP of a thread not on the CPU, or anything while it runs at CPL 3; nothing at a kernel entry or exit. */
    @Override
    public boolean writeRegister(int regnum, byte[] value) {
        var r = description().register(regnum);
        if (r == null || value.length != r.byteSize()) return false;
        X86KernelThreads.Where w = live();
        if (w == X86KernelThreads.Where.CPU) return os.cpuView().writeRegister(regnum, value);
        if (w != null) return false;
        long v = 0;
        for (int i = value.length - 1; i >= 0; i--) v = v << 8 | (value[i] & 0xff);
        if (regnum < 16) task.ctx.gpr[GPR[regnum]] = v;
        else if (regnum == X86TargetDescription.RIP) task.ctx.pc = v;
        else return false;
        return true;
    }

    @Override
    public String infoRegisters() {
        String[] names = {"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"};
        StringBuilder sb = new StringBuilder(String.format("%s (%s)%nrip %016x%n", name(), threadInfo(), pc()));
        for (int i = 0; i < 16; i++) sb.append(String.format("%-3s %016x%s", names[i], value(readRegister(i)), i % 4 == 3 ? "\n" : "  "));
        return sb.toString();
    }
}
