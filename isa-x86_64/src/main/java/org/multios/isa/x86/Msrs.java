package org.multios.isa.x86;

import java.util.HashMap;
import java.util.Map;

/**
 * The model-specific registers this CPU implements (SDM Vol. 4), one table: number, name,
 * and whether the register is plain storage or has an effect. RDMSR/WRMSR of a number not
 * in the table raise #GP(0), as on hardware.
 */
public final class Msrs {
    /** IA32_TSC_DEADLINE: only with a local APIC that offers the TSC-deadline timer ({@link #tscDeadline}). */
    public static final int TSC_DEADLINE = 0x6e0;
    public static final int TSC = 0x10, APIC_BASE = 0x1b, FEATURE_CONTROL = 0x3a, BIOS_SIGN_ID = 0x8b, MTRRCAP = 0xfe,
            SYSENTER_CS = 0x174, SYSENTER_ESP = 0x175, SYSENTER_EIP = 0x176, MCG_CAP = 0x179, MCG_STATUS = 0x17a,
            MISC_ENABLE = 0x1a0, PAT = 0x277, MTRR_DEF_TYPE = 0x2ff;
    public static final int EFER = 0xc000_0080, STAR = 0xc000_0081, LSTAR = 0xc000_0082, CSTAR = 0xc000_0083,
            FMASK = 0xc000_0084, FS_BASE = 0xc000_0100, GS_BASE = 0xc000_0101, KERNEL_GS_BASE = 0xc000_0102,
            TSC_AUX = 0xc000_0103;
    /** Variable-range MTRRs we report in MTRRCAP. */
    public static final int VARIABLE_MTRRS = 8;

    private static final Map<Integer, String> NAMES = new HashMap<>();

    static {
        NAMES.put(TSC, "IA32_TIME_STAMP_COUNTER");
        NAMES.put(APIC_BASE, "IA32_APIC_BASE");
        NAMES.put(TSC_DEADLINE, "IA32_TSC_DEADLINE");
        NAMES.put(FEATURE_CONTROL, "IA32_FEATURE_CONTROL");
        NAMES.put(BIOS_SIGN_ID, "IA32_BIOS_SIGN_ID");
        NAMES.put(MTRRCAP, "IA32_MTRRCAP");
        NAMES.put(SYSENTER_CS, "IA32_SYSENTER_CS");
        NAMES.put(SYSENTER_ESP, "IA32_SYSENTER_ESP");
        NAMES.put(SYSENTER_EIP, "IA32_SYSENTER_EIP");
        NAMES.put(MCG_CAP, "IA32_MCG_CAP");
        NAMES.put(MCG_STATUS, "IA32_MCG_STATUS");
        NAMES.put(MISC_ENABLE, "IA32_MISC_ENABLE");
        NAMES.put(PAT, "IA32_PAT");
        NAMES.put(MTRR_DEF_TYPE, "IA32_MTRR_DEF_TYPE");
        for (int i = 0; i < VARIABLE_MTRRS; i++) {
            NAMES.put(0x200 + 2 * i, "IA32_MTRR_PHYSBASE" + i);
            NAMES.put(0x201 + 2 * i, "IA32_MTRR_PHYSMASK" + i);
        }
        NAMES.put(0x250, "IA32_MTRR_FIX64K_00000");
        NAMES.put(0x258, "IA32_MTRR_FIX16K_80000");
        NAMES.put(0x259, "IA32_MTRR_FIX16K_A0000");
        for (int i = 0; i < 8; i++) NAMES.put(0x268 + i, "IA32_MTRR_FIX4K_" + Integer.toHexString(0xc0000 + i * 0x8000).toUpperCase());
        NAMES.put(EFER, "IA32_EFER");
        NAMES.put(STAR, "IA32_STAR");
        NAMES.put(LSTAR, "IA32_LSTAR");
        NAMES.put(CSTAR, "IA32_CSTAR");
        NAMES.put(FMASK, "IA32_FMASK");
        NAMES.put(FS_BASE, "IA32_FS_BASE");
        NAMES.put(GS_BASE, "IA32_GS_BASE");
        NAMES.put(KERNEL_GS_BASE, "IA32_KERNEL_GS_BASE");
        NAMES.put(TSC_AUX, "IA32_TSC_AUX");
    }

    private final X86Cpu cpu;
    private final Map<Integer, Long> storage = new HashMap<>();
    /** Told of every WRMSR to IA32_APIC_BASE: a board's local APIC follows its global enable bit (11). */
    public java.util.function.LongConsumer apicBaseWritten = v -> {};

    /** The local APIC's TSC-deadline timer, in virtual nanoseconds (0 = disarmed); null: the MSR does not exist. */
    public interface TscDeadline {
        long deadlineNanos();
        void arm(long nanos);
    }

    public TscDeadline tscDeadline;
    private long tscOffset;

    Msrs(X86Cpu cpu) { this.cpu = cpu; }

    public static String name(int msr) { return NAMES.get(msr); }

    void reset() {
        storage.clear();
        storage.put(APIC_BASE, 0xfee0_0000L | 0x800 | (cpu.index() == 0 ? 0x100 : 0));
        storage.put(PAT, 0x0007_0406_0007_0406L);
        storage.put(MTRRCAP, (long) VARIABLE_MTRRS | 0x100 | 0x400); // VCNT, fixed MTRRs, write-combining
        storage.put(MCG_CAP, 0L);
        tscOffset = 0;
    }

    /** The time-stamp counter: virtual time at 1 GHz, plus what software wrote. */
    public long tsc() {
        cpu.syncClock();
        return cpu.clock.preciseNanos() + tscOffset;
    }

    public long read(int msr) {
        if (!NAMES.containsKey(msr)) throw X86Fault.gp(0, String.format("rdmsr of unknown MSR 0x%x", msr));
        return switch (msr) {
            case TSC -> tsc();
            case TSC_DEADLINE -> {
                if (tscDeadline == null) throw X86Fault.gp(0, "rdmsr of IA32_TSC_DEADLINE without a local APIC");
                long n = tscDeadline.deadlineNanos();
                yield n == 0 ? 0 : n + tscOffset;
            }
            case EFER -> cpu.efer;
            case FS_BASE -> cpu.seg[Segment.FS].base;
            case GS_BASE -> cpu.seg[Segment.GS].base;
            default -> storage.getOrDefault(msr, 0L);
        };
    }

    public void write(int msr, long v) {
        if (!NAMES.containsKey(msr)) throw X86Fault.gp(0, String.format("wrmsr of unknown MSR 0x%x", msr));
        switch (msr) {
            case TSC -> tscOffset = v - tsc();
            case TSC_DEADLINE -> { // TSC = virtual nanoseconds + what software wrote to IA32_TSC
                if (tscDeadline == null) throw X86Fault.gp(0, "wrmsr of IA32_TSC_DEADLINE without a local APIC");
                cpu.syncClock();
                tscDeadline.arm(v == 0 ? 0 : Math.max(1, v - tscOffset));
            }
            case EFER -> cpu.writeEfer(v);
            case FS_BASE -> cpu.seg[Segment.FS].base = v;
            case GS_BASE -> cpu.seg[Segment.GS].base = v;
            case MTRRCAP, BIOS_SIGN_ID -> { /* read-only */ }
            case APIC_BASE -> {
                storage.put(msr, v);
                apicBaseWritten.accept(v);
            }
            default -> storage.put(msr, v);
        }
    }
}
