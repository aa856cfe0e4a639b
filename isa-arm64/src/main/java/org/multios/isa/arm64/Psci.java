package org.multios.isa.arm64;

import java.util.List;

/**
 * PSCI 1.0 (Arm DEN 0022) as QEMU provides it to guests of a machine without EL2/EL3
 * firmware, answering HVC (or SMC) calls: PSCI_VERSION, CPU_ON/OFF, AFFINITY_INFO,
 * MIGRATE_INFO_TYPE, SYSTEM_OFF/RESET and PSCI_FEATURES. Function IDs follow the SMC
 * calling convention (32- and 64-bit forms).
 */
public final class Psci implements A64Cpu.HypercallHandler {
    public static final int VERSION = 0x8400_0000, CPU_SUSPEND = 0x8400_0001, CPU_OFF = 0x8400_0002,
            CPU_ON = 0x8400_0003, AFFINITY_INFO = 0x8400_0004, MIGRATE = 0x8400_0005,
            MIGRATE_INFO_TYPE = 0x8400_0006, SYSTEM_OFF = 0x8400_0008, SYSTEM_RESET = 0x8400_0009,
            FEATURES = 0x8400_000a;
    static final long SUCCESS = 0, NOT_SUPPORTED = -1, INVALID_PARAMETERS = -2, ALREADY_ON = -4;

    /** What the board does for SYSTEM_OFF and SYSTEM_RESET. */
    public interface SystemControl {
        void systemOff();

        void systemReset();
    }

    private final List<A64Cpu> cpus;
    private final SystemControl system;

    public Psci(List<A64Cpu> cpus, SystemControl system) {
        this.cpus = cpus;
        this.system = system;
    }

    @Override
    public boolean call(A64Cpu cpu, int imm16, boolean smc) {
        if (smc) return false; // the conduit is HVC on this machine; SMC without EL3 is UNDEFINED
        long fn = cpu.x[0] & 0xffffffffL;
        int f = (int) fn & ~0x4000_0000; // fold the SMC64 function IDs onto the SMC32 ones
        long result = switch (f) {
            case VERSION -> 0x0001_0000L; // 1.0
            case CPU_OFF -> {
                cpu.setPoweredOn(false);
                cpu.requestExit();
                yield SUCCESS;
            }
            case CPU_ON -> cpuOn(cpu.x[1], cpu.x[2], cpu.x[3], (fn & 0x4000_0000) != 0);
            case AFFINITY_INFO -> {
                A64Cpu t = byMpidr(cpu.x[1]);
                yield t == null ? INVALID_PARAMETERS : (t.poweredOn() ? 0 : 1);
            }
            case MIGRATE_INFO_TYPE -> 2; // trusted OS not present
            case SYSTEM_OFF -> { system.systemOff(); yield SUCCESS; }
            case SYSTEM_RESET -> { system.systemReset(); yield SUCCESS; }
            case FEATURES -> {
                int q = (int) cpu.x[1] & ~0x4000_0000;
                yield switch (q) {
                    case VERSION, CPU_OFF, CPU_ON, AFFINITY_INFO, MIGRATE_INFO_TYPE, SYSTEM_OFF, SYSTEM_RESET, FEATURES -> 0;
                    default -> NOT_SUPPORTED;
                };
            }
            default -> NOT_SUPPORTED;
        };
        // SMC64 function ids return in X0; SMC32 ones in W0 (the upper half reads as zero)
        cpu.x[0] = (fn & 0x4000_0000) != 0 ? result : result & 0xffffffffL;
        return true;
    }

    private A64Cpu byMpidr(long mpidr) {
        int aff0 = (int) (mpidr & 0xff);
        if ((mpidr & 0xff_00ff_ff00L) != 0) return null;
        return aff0 < cpus.size() ? cpus.get(aff0) : null;
    }

    private long cpuOn(long mpidr, long entry, long context, boolean sixtyFour) {
        A64Cpu t = byMpidr(mpidr);
        if (t == null) return INVALID_PARAMETERS;
        if (t.poweredOn()) return ALREADY_ON;
        t.reset();
        t.pc = entry;
        t.x[0] = context;
        t.setPoweredOn(true);
        return SUCCESS;
    }
}
