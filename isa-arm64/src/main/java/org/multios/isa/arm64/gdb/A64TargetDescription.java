package org.multios.isa.arm64.gdb;

import java.util.ArrayList;
import java.util.List;
import org.multios.core.debug.RegisterInfo;
import org.multios.core.debug.TargetDescription;
import org.multios.core.debug.TargetFeature;

/**
 * The AArch64 registers as GDB numbers them (gdb/features/aarch64-core.xml, which QEMU
 * serves too): x0-x30 = 0-30, sp = 31, pc = 32, cpsr = 33; all in the {@code g} packet.
 * No FP/SIMD feature: this CPU does not implement FP/AdvSIMD yet.
 */
public final class A64TargetDescription {
    public static final int SP = 31, PC = 32, CPSR = 33;

    public static final TargetDescription AARCH64 = build();

    private A64TargetDescription() {}

    private static TargetDescription build() {
        List<RegisterInfo> core = new ArrayList<>();
        for (int i = 0; i < 31; i++) core.add(new RegisterInfo(i, "x" + i, 64, "int", "general"));
        core.add(new RegisterInfo(SP, "sp", 64, "data_ptr", "general"));
        core.add(new RegisterInfo(PC, "pc", 64, "code_ptr", "general"));
        core.add(new RegisterInfo(CPSR, "cpsr", 32, "int", "general"));
        return new TargetDescription("aarch64", List.of(
                new TargetFeature("org.gnu.gdb.aarch64.core", "aarch64-core.xml", "", core)), 34);
    }
}
