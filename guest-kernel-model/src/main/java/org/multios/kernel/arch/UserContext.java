package org.multios.kernel.arch;

/**
 * A user thread's saved machine state while it is not on a CPU: integer and floating-point
 * registers, pc and FP status, laid out as the port numbers them. The kernel reads syscall
 * arguments and writes results here through the port's {@link SyscallAbi}.
 */
public final class UserContext {
    public final long[] gpr;
    public final long[] fpr;
    public long pc;
    public long fpStatus;
    private final SyscallAbi abi;

    public UserContext(SyscallAbi abi, int gprs, int fprs) {
        this.abi = abi;
        this.gpr = new long[gprs];
        this.fpr = new long[fprs];
    }

    public long syscallNumber() { return gpr[abi.numberReg()]; }
    public long arg(int i) { return gpr[abi.argRegs()[i]]; }
    public void setReturn(long v) { gpr[abi.returnReg()] = v; }
    public long sp() { return gpr[abi.spReg()]; }
    public void setSp(long v) { gpr[abi.spReg()] = v; }
    public void setTls(long v) { gpr[abi.tpReg()] = v; }

    public void copyFrom(UserContext o) {
        System.arraycopy(o.gpr, 0, gpr, 0, gpr.length);
        System.arraycopy(o.fpr, 0, fpr, 0, fpr.length);
        pc = o.pc;
        fpStatus = o.fpStatus;
    }
}
