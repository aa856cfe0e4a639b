package org.multios.isa.riscv.gdb;

import java.util.ArrayList;
import java.util.List;
import org.multios.core.debug.RegisterInfo;
import org.multios.core.debug.TargetDescription;
import org.multios.core.debug.TargetFeature;
import org.multios.isa.riscv.csr.RvCsrTable;

/**
 * The RV64GC register set as GDB numbers it (the numbering of GDB's riscv-tdep, which QEMU
 * uses too): x0-x31 = 0-31, pc = 32, f0-f31 = 33-64, CSR n = 65 + n (so fflags/frm/fcsr =
 * 66-68), and the virtual {@code priv} register = 65 + 4096. The {@code g} packet holds
 * x0-x31 and pc; everything else goes by {@code p}/{@code P}.
 */
public final class RvTargetDescription {
    public static final int PC = 32, FIRST_FPR = 33, FIRST_CSR = 65, PRIV = FIRST_CSR + 4096;

    /** ABI names, which GDB's RISC-V target accepts alongside x0..x31 and prefers. */
    static final String[] XNAMES = {
        "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "fp", "s1", "a0", "a1", "a2", "a3", "a4", "a5",
        "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6"};
    static final String[] FNAMES = {
        "ft0", "ft1", "ft2", "ft3", "ft4", "ft5", "ft6", "ft7", "fs0", "fs1", "fa0", "fa1", "fa2", "fa3", "fa4", "fa5",
        "fa6", "fa7", "fs2", "fs3", "fs4", "fs5", "fs6", "fs7", "fs8", "fs9", "fs10", "fs11", "ft8", "ft9", "ft10", "ft11"};

    /** A 64-bit FP register holds a double, or a NaN-boxed single. */
    private static final String FPU_TYPES = """
              <union id="riscv_double">
                <field name="float" type="ieee_single"/>
                <field name="double" type="ieee_double"/>
              </union>""";

    public static final TargetDescription RV64 = build();

    private RvTargetDescription() {}

    private static TargetDescription build() {
        List<RegisterInfo> cpu = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            String type = i == 1 ? "code_ptr" : i == 2 || i == 8 ? "data_ptr" : "int";
            cpu.add(new RegisterInfo(i, XNAMES[i], 64, type, "general"));
        }
        cpu.add(new RegisterInfo(PC, "pc", 64, "code_ptr", "general"));
        List<RegisterInfo> fpu = new ArrayList<>();
        for (int i = 0; i < 32; i++) fpu.add(new RegisterInfo(FIRST_FPR + i, FNAMES[i], 64, "riscv_double", "float"));
        fpu.add(new RegisterInfo(FIRST_CSR + RvCsrTable.FFLAGS, "fflags", 32, "int", "float"));
        fpu.add(new RegisterInfo(FIRST_CSR + RvCsrTable.FRM, "frm", 32, "int", "float"));
        fpu.add(new RegisterInfo(FIRST_CSR + RvCsrTable.FCSR, "fcsr", 32, "int", "float"));
        List<RegisterInfo> csrs = new ArrayList<>();
        for (int n = 0; n < 4096; n++) {
            RvCsrTable.Csr c = RvCsrTable.get(n);
            if (c == null || c.number() != n || n == RvCsrTable.FFLAGS || n == RvCsrTable.FRM || n == RvCsrTable.FCSR) continue;
            csrs.add(new RegisterInfo(FIRST_CSR + n, c.name(), 64, "int", null));
        }
        List<RegisterInfo> virt = List.of(new RegisterInfo(PRIV, "priv", 64, "int", "system"));
        return new TargetDescription("riscv:rv64", List.of(
                new TargetFeature("org.gnu.gdb.riscv.cpu", "riscv-64bit-cpu.xml", "", cpu),
                new TargetFeature("org.gnu.gdb.riscv.fpu", "riscv-64bit-fpu.xml", FPU_TYPES, fpu),
                new TargetFeature("org.gnu.gdb.riscv.virtual", "riscv-64bit-virtual.xml", "", virt),
                new TargetFeature("org.gnu.gdb.riscv.csr", "riscv-64bit-csr.xml", "", csrs)), 33);
    }
}
