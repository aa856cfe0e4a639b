package org.multios.isa.arm64.sysreg;

import org.multios.isa.arm64.A64Cpu;
import org.multios.isa.arm64.irq.GenericTimer;

/**
 * The system registers of one PE: the table ({@link SysRegTable}) says which exist, who
 * may access them and whether they are plain storage, constants or have behaviour; the
 * behaviour lives here. Registers the CPU core reads on every exception or translation
 * are fields.
 */
public final class A64SystemRegisters {
    /** SCTLR_EL1 reset value: the RES1 bits (29:28, 23:22, 20, 11) and nothing enabled. */
    public static final long SCTLR_RESET = 0x30d0_0800L;

    private final A64Cpu cpu;
    private final SysRegTable table = SysRegTable.standard();
    private final long[] storage = new long[1 << 16];

    /** CPACR_EL1: a field because every FP/SIMD instruction checks FPEN. */
    public long cpacrEl1;
    public long sctlrEl1, tcrEl1, ttbr0El1, ttbr1El1, mairEl1, vbarEl1, esrEl1, farEl1, elrEl1, spsrEl1;

    public A64SystemRegisters(A64Cpu cpu) { this.cpu = cpu; }

    public SysRegTable table() { return table; }

    public void reset() {
        for (SysRegInfo r : table.rows()) storage[r.key()] = r.reset();
        sctlrEl1 = SCTLR_RESET;
        cpacrEl1 = 0;
        tcrEl1 = ttbr0El1 = ttbr1El1 = mairEl1 = vbarEl1 = esrEl1 = farEl1 = elrEl1 = spsrEl1 = 0;
    }

    /** The row for an MRS/MSR key if this EL may access it, else null (the instruction is UNDEFINED). */
    public SysRegInfo accessible(int key, int el) {
        SysRegInfo r = table.lookup(key);
        if (r == null || r.kind() == SysRegInfo.Kind.ABSENT) return null;
        if (el < r.minEl()) {
            // EL0 access to the counter, DC ZVA etc. is governed by CNTKCTL_EL1 / SCTLR_EL1
            if (!el0Allowed(r)) return null;
        }
        return r;
    }

    private boolean el0Allowed(SysRegInfo r) {
        long cntkctl = storage[SysRegInfo.key(3, 0, 14, 1, 0)];
        return switch (r.name()) {
            case "CNTFRQ_EL0" -> (cntkctl & 3) != 0;
            case "CNTVCT_EL0" -> (cntkctl & 2) != 0;
            case "CNTPCT_EL0" -> (cntkctl & 1) != 0;
            case "CNTV_TVAL_EL0", "CNTV_CTL_EL0", "CNTV_CVAL_EL0" -> (cntkctl & (1 << 8)) != 0;
            case "CNTP_TVAL_EL0", "CNTP_CTL_EL0", "CNTP_CVAL_EL0" -> (cntkctl & (1 << 9)) != 0;
            case "DAIF" -> (sctlrEl1 & (1 << 9)) != 0;
            case "CTR_EL0" -> (sctlrEl1 & (1 << 15)) != 0;
            default -> r.minEl() == 0;
        };
    }

    /** True when the reserved ID space (op0=3, op1=0, CRn=0, CRm=1..7) reads as zero. */
    public static boolean isReservedIdSpace(int key) {
        return (key >>> 7) == ((3 << 7) | 0) && ((key >>> 3) & 15) >= 1 && ((key >>> 3) & 15) <= 7;
    }

    public long read(SysRegInfo r) {
        return switch (r.kind()) {
            case RO -> r.reset();
            case RW -> storage[r.key()];
            case FN -> readSpecial(r);
            case ABSENT -> 0;
        };
    }

    public void write(SysRegInfo r, long value) {
        switch (r.kind()) {
            case RO -> { } // writes to read-only registers are UNDEFINED; checked by the caller
            case RW -> storage[r.key()] = value;
            case FN -> writeSpecial(r, value);
            case ABSENT -> { }
        }
    }

    private long readSpecial(SysRegInfo r) {
        GenericTimer t = cpu.timer;
        return switch (r.name()) {
            case "MPIDR_EL1" -> (1L << 31) | (cpu.index() & 0xff);
            case "DCZID_EL0" -> 4; // DC ZVA zeroes 2^4 words = 64 bytes
            case "CCSIDR_EL1" -> ccsidr();
            case "SCTLR_EL1" -> sctlrEl1;
            case "CPACR_EL1" -> cpacrEl1;
            case "FPCR" -> { cpu.checkFpEnabled(); yield cpu.fp.fpcr; }
            case "FPSR" -> { cpu.checkFpEnabled(); yield cpu.fp.fpsr; }
            case "TTBR0_EL1" -> ttbr0El1;
            case "TTBR1_EL1" -> ttbr1El1;
            case "TCR_EL1" -> tcrEl1;
            case "MAIR_EL1" -> mairEl1;
            case "SPSR_EL1" -> spsrEl1;
            case "ELR_EL1" -> elrEl1;
            case "ESR_EL1" -> esrEl1;
            case "FAR_EL1" -> farEl1;
            case "VBAR_EL1" -> vbarEl1;
            case "SP_EL0" -> cpu.spEl0;
            case "SPSEL" -> cpu.spsel ? 1 : 0;
            case "CURRENTEL" -> (long) cpu.el << 2;
            case "NZCV" -> (long) cpu.nzcv() << 28;
            case "DAIF" -> cpu.daif;
            case "ISR_EL1" -> (cpu.irqPending() ? 1 << 7 : 0) | (cpu.fiqPending() ? 1 << 6 : 0);
            case "TPIDRRO_EL0" -> storage[r.key()];
            case "CNTFRQ_EL0" -> GenericTimer.FREQUENCY;
            case "CNTPCT_EL0", "CNTVCT_EL0" -> t.counter();
            case "CNTP_TVAL_EL0" -> t.tval(GenericTimer.PHYS);
            case "CNTP_CTL_EL0" -> t.ctl(GenericTimer.PHYS);
            case "CNTP_CVAL_EL0" -> t.cval(GenericTimer.PHYS);
            case "CNTV_TVAL_EL0" -> t.tval(GenericTimer.VIRT);
            case "CNTV_CTL_EL0" -> t.ctl(GenericTimer.VIRT);
            case "CNTV_CVAL_EL0" -> t.cval(GenericTimer.VIRT);
            case "OSLAR_EL1" -> 0;
            case "OSLSR_EL1" -> 0x8; // OSLM = 0b10: the OS lock is implemented, unlocked
            default -> {
                if (r.name().startsWith("ICC_")) {
                    yield cpu.gic() == null ? 0 : cpu.gic().read(r.name());
                }
                yield storage[r.key()];
            }
        };
    }

    private void writeSpecial(SysRegInfo r, long value) {
        GenericTimer t = cpu.timer;
        switch (r.name()) {
            // SCTLR/TCR/MAIR change what cached translations mean: flush (the Arm ARM leaves using
            // entries cached under the old values CONSTRAINED UNPREDICTABLE; flushing is the safe choice)
            case "SCTLR_EL1" -> { sctlrEl1 = value; cpu.tlbInvalidateAll(); cpu.translationContextChanged(); }
            case "CPACR_EL1" -> cpacrEl1 = value & (3L << 20); // FPEN only: no SVE/SME, no trace
            case "FPCR" -> { cpu.checkFpEnabled(); cpu.fp.fpcr = (int) value & org.multios.isa.arm64.fp.FpArithmetic.FPCR_MASK; }
            case "FPSR" -> { cpu.checkFpEnabled(); cpu.fp.fpsr = (int) value & org.multios.isa.arm64.fp.FpArithmetic.FPSR_MASK; }
            // A TTBR write is an address-space switch: entries stay, tagged by ASID (Arm ARM D8.13);
            // software invalidates with TLBI when it reuses an ASID or changes a table in place
            case "TTBR0_EL1" -> { ttbr0El1 = value; cpu.translationContextChanged(); }
            case "TTBR1_EL1" -> { ttbr1El1 = value; cpu.translationContextChanged(); }
            case "TCR_EL1" -> { tcrEl1 = value; cpu.tlbInvalidateAll(); cpu.translationContextChanged(); }
            case "MAIR_EL1" -> { mairEl1 = value; cpu.tlbInvalidateAll(); }
            case "SPSR_EL1" -> spsrEl1 = value;
            case "ELR_EL1" -> elrEl1 = value;
            case "ESR_EL1" -> esrEl1 = value;
            case "FAR_EL1" -> farEl1 = value;
            case "VBAR_EL1" -> vbarEl1 = value;
            case "SP_EL0" -> cpu.spEl0 = value;
            case "SPSEL" -> cpu.spsel = (value & 1) != 0;
            case "NZCV" -> cpu.setNzcv((int) (value >>> 28) & 0xf);
            case "DAIF" -> cpu.daif = (int) value & 0x3c0;
            case "TPIDRRO_EL0" -> storage[r.key()] = value;
            case "CNTFRQ_EL0" -> { } // writable only at the highest EL, which firmware here is not
            case "CNTP_TVAL_EL0" -> t.setTval(GenericTimer.PHYS, value);
            case "CNTP_CTL_EL0" -> t.setCtl(GenericTimer.PHYS, value);
            case "CNTP_CVAL_EL0" -> t.setCval(GenericTimer.PHYS, value);
            case "CNTV_TVAL_EL0" -> t.setTval(GenericTimer.VIRT, value);
            case "CNTV_CTL_EL0" -> t.setCtl(GenericTimer.VIRT, value);
            case "CNTV_CVAL_EL0" -> t.setCval(GenericTimer.VIRT, value);
            case "OSLAR_EL1" -> { }
            default -> {
                if (r.name().startsWith("ICC_")) {
                    if (cpu.gic() != null) cpu.gic().write(r.name(), value);
                } else {
                    storage[r.key()] = value;
                }
            }
        }
    }

    /** CCSIDR for the cache CSSELR_EL1 selects: 32 KiB L1 D/I, 2 MiB L2 (Cortex-A57-like), 64-byte lines. */
    private long ccsidr() {
        long csselr = storage[SysRegInfo.key(3, 2, 0, 0, 0)];
        int level = (int) (csselr >>> 1) & 7;
        boolean instr = (csselr & 1) != 0;
        // fields: NumSets-1 (27:13), Associativity-1 (12:3), log2(line bytes)-4 (2:0)
        if (level == 0) return instr ? ((255L << 13) | (2 << 3) | 2) : ((255L << 13) | (1 << 3) | 2);
        if (level == 1) return (2047L << 13) | (15 << 3) | 2;
        return 0;
    }
}
