package org.multios.isa.riscv.csr;

import org.multios.core.time.TimerEvent;
import org.multios.core.time.VirtualClock;
import org.multios.isa.riscv.RvCpu;
import org.multios.isa.riscv.trap.RvTrap;

/**
 * The hart's control and status registers: their state and the one CSR table
 * ({@link RvCsrTable}: number, name, access rule, read/write behaviour).
 * <p>
 * Generic access rules come from the CSR number (privileged spec, "CSR Address Mapping
 * Conventions"): bits 9:8 give the lowest privilege that may access it, bits 11:10 = 3
 * mark it read-only. Per-register rules (counter enables, TVM, FS) live in the table.
 */
public final class RvCsrFile {
    final RvCpu cpu;

    // Machine level
    public long mstatus;
    public long medeleg, mideleg, mie;
    /** Software-writable pending bits (SSIP, STIP, SEIP); lines drive {@link #mipLines}. */
    public long mipSoftware;
    /** Pending bits driven by interrupt lines (CLINT, PLIC, ...). */
    public volatile long mipLines;
    public long mtvec, mscratch, mepc, mcause, mtval;
    public long mcounteren, mcountinhibit, menvcfg;
    // Supervisor level
    public long stvec, sscratch, sepc, scause, stval, satp, scounteren, senvcfg;
    /** Sstc: the supervisor timer compare value (reset to all-ones: no interrupt). */
    public long stimecmp;
    /** STIP as the Sstc comparator drives it while menvcfg.STCE is set: 0 or {@link #STIP}. */
    long sstcLevel;
    private TimerEvent sstcEvent;
    // Floating point
    public int fflags, frm;
    // Counters: value = retired + offset while counting, frozen value while inhibited.
    long cycleOffset, instretOffset, cycleFrozen, instretFrozen;

    /** misa: MXL = 2 (RV64), extensions I M A F D C S U. */
    public static final long MISA = (2L << 62) | ext('I') | ext('M') | ext('A') | ext('F') | ext('D') | ext('C') | ext('S') | ext('U');

    /** Interrupts S-mode may see and that mideleg can delegate. */
    public static final long S_INTERRUPTS = (1L << RvTrap.IRQ_SSI) | (1L << RvTrap.IRQ_STI) | (1L << RvTrap.IRQ_SEI);
    public static final long ALL_INTERRUPTS = S_INTERRUPTS | (1L << RvTrap.IRQ_MSI) | (1L << RvTrap.IRQ_MTI) | (1L << RvTrap.IRQ_MEI);
    /** Exceptions medeleg can delegate (not ecall from M; reserved causes stay zero). */
    public static final long DELEGABLE_EXCEPTIONS = 0xb3ffL & ~(1L << RvTrap.ECALL_FROM_M);

    /** menvcfg.STCE (Sstc): stimecmp is enabled and drives mip.STIP. */
    public static final long MENVCFG_STCE = 1L << 63;
    public static final long STIP = 1L << RvTrap.IRQ_STI;

    private static long ext(char c) { return 1L << (c - 'A'); }

    public RvCsrFile(RvCpu cpu) {
        this.cpu = cpu;
    }

    public void reset() {
        mstatus = Mstatus.UXL_SXL_64;
        medeleg = mideleg = mie = mipSoftware = 0;
        mtvec = mscratch = mepc = mcause = mtval = 0;
        mcounteren = mcountinhibit = menvcfg = 0;
        stvec = sscratch = sepc = scause = stval = satp = scounteren = senvcfg = 0;
        stimecmp = -1L;
        updateSstc();
        fflags = frm = 0;
        cycleOffset = instretOffset = cycleFrozen = instretFrozen = 0;
    }

    /** With STCE set, STIP is the comparator's alone (software cannot write it in mip). */
    public long mip() { return (menvcfg < 0 ? mipSoftware & ~STIP : mipSoftware) | mipLines | sstcLevel; }

    /**
     * Sstc: re-evaluates STIP = (time >= stimecmp) while menvcfg.STCE is set, and schedules a
     * virtual-clock event for the moment {@code time} reaches stimecmp (called on writes to
     * stimecmp and menvcfg, and by that event).
     */
    public void updateSstc() {
        VirtualClock clock = cpu.clock();
        clock.cancel(sstcEvent);
        sstcEvent = null;
        if (menvcfg >= 0) {
            sstcLevel = 0;
            return;
        }
        long now = cpu.time();
        if (Long.compareUnsigned(now, stimecmp) >= 0) {
            sstcLevel = STIP;
            return;
        }
        sstcLevel = 0;
        // time = virtual ns / NANOS_PER_TIME_TICK (+ a constant): the comparator trips after
        // this many ticks. Far-future values (all-ones) need no event.
        long ticks = stimecmp - now;
        if (ticks < 0 || ticks > Long.MAX_VALUE / RvCpu.NANOS_PER_TIME_TICK / 4) return;
        sstcEvent = clock.schedule(clock.preciseNanos() + ticks * RvCpu.NANOS_PER_TIME_TICK, () -> {
            sstcEvent = null;
            updateSstc();
        });
    }

    /** mstatus as software reads it: SD summarises FS. */
    public long readMstatus() {
        long s = mstatus;
        if ((s & Mstatus.FS) == Mstatus.FS_DIRTY) s |= Mstatus.SD;
        return s;
    }

    public void writeMstatus(long v) {
        long old = mstatus;
        long n = (old & ~Mstatus.WRITABLE) | (v & Mstatus.WRITABLE);
        if (Mstatus.mpp(n) == 2) n = (n & ~Mstatus.MPP) | (old & Mstatus.MPP); // WARL: 2 is reserved
        n = (n & ~(Mstatus.UXL_SXL_64 | (3L << 34) | Mstatus.UXL | Mstatus.SD)) | Mstatus.UXL_SXL_64;
        mstatus = n;
        cpu.statusChanged();
    }

    // ---- counters ----

    long retired() { return cpu.retiredForCounters(); }

    public long mcycle() { return (mcountinhibit & 1) != 0 ? cycleFrozen : retired() + cycleOffset; }

    public long minstret() { return (mcountinhibit & 4) != 0 ? instretFrozen : retired() + instretOffset; }

    /** Counter writes suppress the writing instruction's own increment: the next read sees {@code v}. */
    void writeMcycle(long v) {
        if ((mcountinhibit & 1) != 0) cycleFrozen = v;
        else cycleOffset = v - retired() - 1;
    }

    void writeMinstret(long v) {
        if ((mcountinhibit & 4) != 0) instretFrozen = v;
        else instretOffset = v - retired() - 1;
    }

    void writeMcountinhibit(long v) {
        long cy = mcycle(), ir = minstret();
        mcountinhibit = v & 5;
        // Re-base both counters so they continue from where they stood (+1 for this instruction).
        if ((mcountinhibit & 1) != 0) cycleFrozen = cy; else cycleOffset = cy - retired() - 1;
        if ((mcountinhibit & 4) != 0) instretFrozen = ir; else instretOffset = ir - retired() - 1;
    }

    // ---- access ----

    /**
     * Executes the read/write part of a Zicsr instruction with all access checks.
     *
     * @param write whether the instruction writes (CSRRW always; CSRRS/C only with rs1 != x0 / uimm != 0)
     * @param read whether the instruction reads (CSRRW/CSRRWI with rd = x0 do not)
     * @param kind 0 = write {@code operand}, 1 = set bits, 2 = clear bits
     * @return the old value (0 when not read)
     */
    public long access(int number, boolean read, boolean write, int kind, long operand, int rawInsn) {
        RvCsrTable.Csr c = RvCsrTable.get(number);
        int priv = cpu.privilege();
        if (c == null || ((number >>> 8) & 3) > priv || (write && (number >>> 10) == 3)) throw RvTrap.illegal(rawInsn);
        if (c.guard() != null && !c.guard().allowed(this, priv, number)) throw RvTrap.illegal(rawInsn);
        long old = (read || kind != 0) ? c.reader().read(this) : 0;
        if (write) {
            // For mip/sip, read-modify-write works on the software-writable bits only (SEIP: the
            // external level is ORed into reads but never latched by a csrs/csrc).
            long base = number == RvCsrTable.MIP || number == RvCsrTable.SIP ? mipSoftware : old;
            long v = switch (kind) {
                case 0 -> operand;
                case 1 -> base | operand;
                default -> base & ~operand;
            };
            if (c.writer() == null) throw RvTrap.illegal(rawInsn);
            c.writer().write(this, v);
        }
        return old;
    }

    /** Reads without access checks or side effects (debuggers, tests); -1 for unknown CSRs. */
    public long debugRead(int number) {
        RvCsrTable.Csr c = RvCsrTable.get(number);
        return c == null ? -1 : c.reader().read(this);
    }

    /** Writes without access checks (native-call handlers act as privileged software). */
    public void debugWrite(int number, long value) {
        RvCsrTable.Csr c = RvCsrTable.get(number);
        if (c == null || c.writer() == null) throw new IllegalArgumentException(String.format("CSR 0x%03x is not writable", number));
        c.writer().write(this, value);
    }
}
