package org.multios.isa.x86.gdb;

import java.util.ArrayList;
import java.util.List;
import org.multios.core.debug.RegisterInfo;
import org.multios.core.debug.TargetDescription;
import org.multios.core.debug.TargetFeature;

/**
 * The x86-64 registers as GDB numbers them for {@code i386:x86-64} (gdb/features/i386/64bit-core.xml,
 * 64bit-sse.xml, 64bit-segments.xml; QEMU serves the same numbering), without the Linux feature
 * ({@code orig_rax}), which belongs to user-mode debugging:
 * <pre>
 *  0-15  rax rbx rcx rdx rsi rdi rbp rsp r8-r15     (org.gnu.gdb.i386.core)
 *  16    rip      17 eflags     18-23 cs ss ds es fs gs
 *  24-31 st0-st7  32-39 fctrl fstat ftag fiseg fioff foseg fooff fop
 *  40-55 xmm0-xmm15  56 mxcsr                        (org.gnu.gdb.i386.sse)
 *  57-58 fs_base gs_base                             (org.gnu.gdb.i386.segments)
 *  59-    k_gs_base cr0 cr2 cr3 cr4 cr8 efer, descriptor tables   (system, {@code p}/{@code P} only)
 * </pre>
 * The {@code g} packet carries registers 0-56.
 */
public final class X86TargetDescription {
    public static final int RIP = 16, EFLAGS = 17, CS = 18, ST0 = 24, FCTRL = 32, FSTAT = 33, FTAG = 34, FOP = 39;
    public static final int XMM0 = 40, MXCSR = 56, FS_BASE = 57, GS_BASE = 58;
    public static final int K_GS_BASE = 59, CR0 = 60, CR2 = 61, CR3 = 62, CR4 = 63, CR8 = 64, EFER = 65,
            GDTR_BASE = 66, GDTR_LIMIT = 67, IDTR_BASE = 68, IDTR_LIMIT = 69, LDTR = 70, TR = 71;

    /** GDB's order of the general registers (the hardware encoding order is rax rcx rdx rbx ...). */
    static final String[] GPR_NAMES = {"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp",
            "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"};
    /** For each GDB general register, the CPU's register number. */
    static final int[] GPR_ENCODING = {0, 3, 1, 2, 6, 7, 5, 4, 8, 9, 10, 11, 12, 13, 14, 15};
    /** GDB's order of the segment registers, as indexes into the CPU's ES CS SS DS FS GS. */
    static final String[] SEG_NAMES = {"cs", "ss", "ds", "es", "fs", "gs"};
    static final String[] FPU_CONTROL = {"fctrl", "fstat", "ftag", "fiseg", "fioff", "foseg", "fooff", "fop"};
    static final String[] SYSTEM = {"k_gs_base", "cr0", "cr2", "cr3", "cr4", "cr8", "efer",
            "gdtr_base", "gdtr_limit", "idtr_base", "idtr_limit", "ldtr", "tr"};

    public static final TargetDescription X86_64 = build();

    private X86TargetDescription() {}

    private static TargetDescription build() {
        List<RegisterInfo> core = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            String type = i == 6 || i == 7 ? "data_ptr" : "int64";
            core.add(new RegisterInfo(i, GPR_NAMES[i], 64, type, "general"));
        }
        core.add(new RegisterInfo(RIP, "rip", 64, "code_ptr", "general"));
        core.add(new RegisterInfo(EFLAGS, "eflags", 32, "i386_eflags", "general"));
        for (int i = 0; i < 6; i++) core.add(new RegisterInfo(CS + i, SEG_NAMES[i], 32, "int32", "general"));
        for (int i = 0; i < 8; i++) core.add(new RegisterInfo(ST0 + i, "st" + i, 80, "i387_ext", "float"));
        for (int i = 0; i < 8; i++) core.add(new RegisterInfo(FCTRL + i, FPU_CONTROL[i], 32, "int", "float"));
        List<RegisterInfo> sse = new ArrayList<>();
        for (int i = 0; i < 16; i++) sse.add(new RegisterInfo(XMM0 + i, "xmm" + i, 128, "vec128", "vector"));
        sse.add(new RegisterInfo(MXCSR, "mxcsr", 32, "i386_mxcsr", "vector"));
        List<RegisterInfo> segments = List.of(
                new RegisterInfo(FS_BASE, "fs_base", 64, "int", "system"),
                new RegisterInfo(GS_BASE, "gs_base", 64, "int", "system"));
        List<RegisterInfo> system = new ArrayList<>();
        for (int i = 0; i < SYSTEM.length; i++) {
            boolean narrow = SYSTEM[i].endsWith("limit") || SYSTEM[i].equals("ldtr") || SYSTEM[i].equals("tr");
            system.add(new RegisterInfo(K_GS_BASE + i, SYSTEM[i], narrow ? 32 : 64, "int", "system"));
        }
        return new TargetDescription("i386:x86-64", List.of(
                new TargetFeature("org.gnu.gdb.i386.core", "64bit-core.xml", CORE_TYPES, core),
                new TargetFeature("org.gnu.gdb.i386.sse", "64bit-sse.xml", SSE_TYPES, sse),
                new TargetFeature("org.gnu.gdb.i386.segments", "64bit-segments.xml", "", segments),
                new TargetFeature("org.multios.gdb.i386.system", "64bit-system.xml", "", system)), MXCSR + 1);
    }

    /** RFLAGS bits by name, so {@code info registers} prints {@code [ ZF PF ]}. */
    private static final String CORE_TYPES = """
              <flags id="i386_eflags" size="4">
                <field name="" start="22" end="31"/>
                <field name="CF" start="0" end="0"/>
                <field name="" start="1" end="1"/>
                <field name="PF" start="2" end="2"/>
                <field name="AF" start="4" end="4"/>
                <field name="ZF" start="6" end="6"/>
                <field name="SF" start="7" end="7"/>
                <field name="TF" start="8" end="8"/>
                <field name="IF" start="9" end="9"/>
                <field name="DF" start="10" end="10"/>
                <field name="OF" start="11" end="11"/>
                <field name="NT" start="14" end="14"/>
                <field name="RF" start="16" end="16"/>
                <field name="VM" start="17" end="17"/>
                <field name="AC" start="18" end="18"/>
                <field name="VIF" start="19" end="19"/>
                <field name="VIP" start="20" end="20"/>
                <field name="ID" start="21" end="21"/>
              </flags>""";

    /** The XMM union and the MXCSR flags GDB's 64bit-sse.xml declares. */
    private static final String SSE_TYPES = """
              <vector id="v8bf16" type="bfloat16" count="8"/>
              <vector id="v8h" type="ieee_half" count="8"/>
              <vector id="v4f" type="ieee_single" count="4"/>
              <vector id="v2d" type="ieee_double" count="2"/>
              <vector id="v16i8" type="int8" count="16"/>
              <vector id="v8i16" type="int16" count="8"/>
              <vector id="v4i32" type="int32" count="4"/>
              <vector id="v2i64" type="int64" count="2"/>
              <union id="vec128">
                <field name="v8_bfloat16" type="v8bf16"/>
                <field name="v8_half" type="v8h"/>
                <field name="v4_float" type="v4f"/>
                <field name="v2_double" type="v2d"/>
                <field name="v16_int8" type="v16i8"/>
                <field name="v8_int16" type="v8i16"/>
                <field name="v4_int32" type="v4i32"/>
                <field name="v2_int64" type="v2i64"/>
                <field name="uint128" type="uint128"/>
              </union>
              <flags id="i386_mxcsr" size="4">
                <field name="IE" start="0" end="0"/>
                <field name="DE" start="1" end="1"/>
                <field name="ZE" start="2" end="2"/>
                <field name="OE" start="3" end="3"/>
                <field name="UE" start="4" end="4"/>
                <field name="PE" start="5" end="5"/>
                <field name="DAZ" start="6" end="6"/>
                <field name="IM" start="7" end="7"/>
                <field name="DM" start="8" end="8"/>
                <field name="ZM" start="9" end="9"/>
                <field name="OM" start="10" end="10"/>
                <field name="UM" start="11" end="11"/>
                <field name="PM" start="12" end="12"/>
                <field name="FZ" start="15" end="15"/>
              </flags>""";
}
