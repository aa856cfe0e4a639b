package org.multios.isa.riscv.trap;

import org.multios.isa.riscv.RvCpu;
import org.multios.isa.riscv.csr.Mstatus;
import org.multios.isa.riscv.csr.RvCsrFile;

/**
 * Trap entry, interrupt selection and trap return (privileged spec: "Machine Trap
 * Delegation Registers", "Machine Interrupt Registers", "Trap-Return Instructions").
 */
public final class RvTrapUnit {
    private RvTrapUnit() {}

    /** Interrupts in the order the spec gives priority to them. */
    private static final int[] PRIORITY = {RvTrap.IRQ_MEI, RvTrap.IRQ_MSI, RvTrap.IRQ_MTI, RvTrap.IRQ_SEI, RvTrap.IRQ_SSI, RvTrap.IRQ_STI};

    /**
     * Enters the trap handler for {@code code} (exception cause or interrupt number) with
     * epc = the cpu's pc. Delegated traps (medeleg/mideleg) taken in S or U go to S-mode.
     */
    public static void enter(RvCpu cpu, int code, boolean interrupt, long tval) {
        RvCsrFile c = cpu.csr;
        int priv = cpu.privilege();
        long bit = 1L << code;
        boolean toS = priv <= 1 && ((interrupt ? c.mideleg : c.medeleg) & bit) != 0;
        long cause = (interrupt ? RvTrap.INTERRUPT_FLAG : 0) | code;
        long epc = cpu.pc;
        cpu.reservationSize = 0;
        long s = c.mstatus;
        if (toS) {
            c.scause = cause;
            c.sepc = epc;
            c.stval = tval;
            s = (s & ~Mstatus.SPIE) | ((s & Mstatus.SIE) != 0 ? Mstatus.SPIE : 0);
            s &= ~Mstatus.SIE;
            s = (s & ~Mstatus.SPP) | (priv == 1 ? Mstatus.SPP : 0);
            c.mstatus = s;
            cpu.pc = vector(c.stvec, code, interrupt);
            cpu.setPrivilege(1);
        } else {
            c.mcause = cause;
            c.mepc = epc;
            c.mtval = tval;
            s = (s & ~Mstatus.MPIE) | ((s & Mstatus.MIE) != 0 ? Mstatus.MPIE : 0);
            s &= ~Mstatus.MIE;
            s = (s & ~Mstatus.MPP) | ((long) priv << Mstatus.MPP_SHIFT);
            c.mstatus = s;
            cpu.pc = vector(c.mtvec, code, interrupt);
            cpu.setPrivilege(3);
        }
    }

    private static long vector(long tvec, int code, boolean interrupt) {
        long base = tvec & ~3L;
        return (tvec & 3) == 1 && interrupt ? base + 4L * code : base;
    }

    /**
     * Takes the highest-priority pending and enabled interrupt, if any. M-level (not
     * delegated) interrupts are enabled below M or with mstatus.MIE; S-level ones below S
     * or in S with mstatus.SIE, never in M.
     */
    public static boolean takeInterrupt(RvCpu cpu) {
        RvCsrFile c = cpu.csr;
        long pending = c.mip() & c.mie;
        if (pending == 0) return false;
        int priv = cpu.privilege();
        long mLevel = pending & ~c.mideleg, sLevel = pending & c.mideleg;
        boolean mEnabled = priv < 3 || (c.mstatus & Mstatus.MIE) != 0;
        boolean sEnabled = priv < 1 || (priv == 1 && (c.mstatus & Mstatus.SIE) != 0);
        long take = mEnabled ? mLevel : 0;
        if (take == 0 && sEnabled) take = sLevel;
        if (take == 0) return false;
        for (int irq : PRIORITY) {
            if ((take & (1L << irq)) != 0) {
                enter(cpu, irq, true, 0);
                return true;
            }
        }
        return false;
    }

    /** MRET or SRET: restore the interrupt enable and privilege, jump to xepc. */
    public static void trapReturn(RvCpu cpu, boolean machine) {
        RvCsrFile c = cpu.csr;
        long s = c.mstatus;
        int target;
        cpu.reservationSize = 0;
        if (machine) {
            target = Mstatus.mpp(s);
            s = (s & ~Mstatus.MIE) | ((s & Mstatus.MPIE) != 0 ? Mstatus.MIE : 0);
            s |= Mstatus.MPIE;
            s &= ~Mstatus.MPP; // least-privileged mode: U
            cpu.pc = c.mepc;
        } else {
            target = (s & Mstatus.SPP) != 0 ? 1 : 0;
            s = (s & ~Mstatus.SIE) | ((s & Mstatus.SPIE) != 0 ? Mstatus.SIE : 0);
            s |= Mstatus.SPIE;
            s &= ~Mstatus.SPP;
            cpu.pc = c.sepc;
        }
        if (target != 3) s &= ~Mstatus.MPRV; // returning below M clears MPRV
        c.mstatus = s;
        cpu.setPrivilege(target);
    }
}
