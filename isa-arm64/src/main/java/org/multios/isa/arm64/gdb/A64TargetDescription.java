package org.multios.isa.arm64.gdb;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.multios.core.debug.RegisterInfo;
import org.multios.core.debug.TargetDescription;
import org.multios.core.debug.TargetFeature;
import org.multios.isa.arm64.sysreg.SysRegInfo;
import org.multios.isa.arm64.sysreg.SysRegTable;

/**
 * The AArch64 registers as GDB numbers them (gdb/features/aarch64-core.xml and aarch64-fpu.xml,
 * which QEMU serves too): x0-x30 = 0-30, sp = 31, pc = 32, cpsr = 33, all in the {@code g}
 * packet; v0-v31 = 34-65, fpsr = 66, fpcr = 67 (org.gnu.gdb.aarch64.fpu: {@code A64Cpu.vreg},
 * {@code fp.fpsr}, {@code fp.fpcr}); then the system registers, one per row of the CPU's system-register table
 * (feature {@code org.qemu.gdb.aarch64.sysregs}, as QEMU names it), from {@link #SYSREG_BASE}.
 */
public final class A64TargetDescription {
    public static final int SP = 31, PC = 32, CPSR = 33;
    public static final int V0 = 34, FPSR = 66, FPCR = 67;
    public static final int SYSREG_BASE = 68;

    /** The system registers GDB sees, by register number. */
    static final Map<Integer, SysRegInfo> SYSREGS = sysregs();

    /** Without the FPU feature (a PE with no FP/SIMD). */
    public static final TargetDescription AARCH64 = build(false);

    /** With the FPU feature: what {@link A64DebugCpu} serves. */
    public static final TargetDescription AARCH64_FPU = build(true);

    private A64TargetDescription() {}

    /**
     * Registers reading which is harmless: every implemented row (but FPCR/FPSR, which GDB
     * expects in the FPU feature) except the GIC CPU-interface
     * registers whose reads or writes are actions (IAR acknowledges an interrupt, EOIR/DIR/SGIR
     * are write-only commands), since GDB reads all registers on its own.
     */
    private static Map<Integer, SysRegInfo> sysregs() {
        Map<Integer, SysRegInfo> m = new LinkedHashMap<>();
        int n = SYSREG_BASE;
        for (SysRegInfo r : SysRegTable.standard().rows()) {
            if (r.kind() == SysRegInfo.Kind.ABSENT) continue;
            String name = r.name();
            if (name.equals("FPCR") || name.equals("FPSR")) continue; // in the FPU feature
            if (name.startsWith("ICC_") && (name.contains("IAR") || name.contains("EOIR") || name.contains("DIR")
                    || name.contains("SGI"))) continue;
            m.put(n++, r);
        }
        return m;
    }

    private static TargetDescription build(boolean fpu) {
        List<RegisterInfo> core = new ArrayList<>();
        for (int i = 0; i < 31; i++) core.add(new RegisterInfo(i, "x" + i, 64, "int", "general"));
        core.add(new RegisterInfo(SP, "sp", 64, "data_ptr", "general"));
        core.add(new RegisterInfo(PC, "pc", 64, "code_ptr", "general"));
        core.add(new RegisterInfo(CPSR, "cpsr", 32, "int", "general"));
        List<TargetFeature> features = new ArrayList<>();
        features.add(new TargetFeature("org.gnu.gdb.aarch64.core", "aarch64-core.xml", "", core));
        if (fpu) {
            List<RegisterInfo> v = new ArrayList<>();
            for (int i = 0; i < 32; i++) v.add(new RegisterInfo(V0 + i, "v" + i, 128, "aarch64v", "vector"));
            v.add(new RegisterInfo(FPSR, "fpsr", 32, "int", "float"));
            v.add(new RegisterInfo(FPCR, "fpcr", 32, "int", "float"));
            features.add(new TargetFeature("org.gnu.gdb.aarch64.fpu", "aarch64-fpu.xml", VECTOR_TYPES, v));
        }
        List<RegisterInfo> sys = new ArrayList<>();
        SYSREGS.forEach((n, r) -> sys.add(new RegisterInfo(n, r.name(), 64, "uint64", "system")));
        features.add(new TargetFeature("org.qemu.gdb.aarch64.sysregs", "system-registers.xml", "", sys));
        return new TargetDescription("aarch64", features, 34);
    }

    /** The {@code aarch64v} union GDB's own aarch64-fpu.xml declares (v0.d[1], v0.s[3], v0.q ...). */
    private static final String VECTOR_TYPES = """
              <vector id="v2d" type="ieee_double" count="2"/>
              <vector id="v2u" type="uint64" count="2"/>
              <vector id="v2i" type="int64" count="2"/>
              <vector id="v4f" type="ieee_single" count="4"/>
              <vector id="v4u" type="uint32" count="4"/>
              <vector id="v4i" type="int32" count="4"/>
              <vector id="v8u" type="uint16" count="8"/>
              <vector id="v8i" type="int16" count="8"/>
              <vector id="v16u" type="uint8" count="16"/>
              <vector id="v16i" type="int8" count="16"/>
              <vector id="v1u" type="uint128" count="1"/>
              <vector id="v1i" type="int128" count="1"/>
              <union id="vnd">
                <field name="f" type="v2d"/>
                <field name="u" type="v2u"/>
                <field name="s" type="v2i"/>
              </union>
              <union id="vns">
                <field name="f" type="v4f"/>
                <field name="u" type="v4u"/>
                <field name="s" type="v4i"/>
              </union>
              <union id="vnh">
                <field name="u" type="v8u"/>
                <field name="s" type="v8i"/>
              </union>
              <union id="vnb">
                <field name="u" type="v16u"/>
                <field name="s" type="v16i"/>
              </union>
              <union id="vnq">
                <field name="u" type="v1u"/>
                <field name="s" type="v1i"/>
              </union>
              <union id="aarch64v">
                <field name="d" type="vnd"/>
                <field name="s" type="vns"/>
                <field name="h" type="vnh"/>
                <field name="b" type="vnb"/>
                <field name="q" type="vnq"/>
              </union>""";
}
