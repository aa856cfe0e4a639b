package org.multios.isa.x86.gdb;

import org.multios.core.debug.DebugCpu;
import org.multios.core.debug.DebugHooks;
import org.multios.core.debug.TargetDescription;
import org.multios.core.machine.Cpu;
import org.multios.isa.x86.Msrs;
import org.multios.isa.x86.Segment;
import org.multios.isa.x86.X86Cpu;

/**
 * One x86-64 logical processor as GDB sees it ({@link X86TargetDescription}), over
 * {@link X86Cpu}'s public state. The view is always the 64-bit one (as QEMU's for
 * qemu-system-x86_64): in real and protected mode the upper halves read as zero.
 * <p>
 * GDB's pc is RIP, and breakpoint and step addresses are linear addresses (CS base + RIP):
 * the same thing in 64-bit code and with flat segments, which is what compilers produce.
 * <p>
 * x87: {@code stN} is ST(N), the physical register R((TOP + N) mod 8), as 80-bit extended
 * (64-bit significand, then sign and exponent); {@code ftag} is the full two-bit-per-register
 * tag word (what GDB keeps after converting an FXSAVE image); {@code fioff}/{@code fooff} are
 * the last instruction and operand pointers, {@code fop} the last opcode.
 */
public final class X86DebugCpu implements DebugCpu {
    private final X86Cpu cpu;

    public X86DebugCpu(X86Cpu cpu) { this.cpu = cpu; }

    @Override public Cpu cpu() { return cpu; }
    @Override public TargetDescription description() { return X86TargetDescription.X86_64; }
    @Override public long pc() { return cpu.linearPc(); }

    @Override
    public void setPc(long pc) {
        cpu.rip = cpu.codeBits == 64 ? pc : (pc - cpu.seg[Segment.CS].base) & 0xffff_ffffL;
        cpu.halted = false;
    }

    @Override
    public byte[] readRegister(int regnum) {
        var r = description().register(regnum);
        if (r == null) return null;
        if (regnum >= X86TargetDescription.ST0 && regnum < X86TargetDescription.FCTRL) {
            int phys = (top() + regnum - X86TargetDescription.ST0) & 7;
            byte[] out = new byte[10];
            put(out, 0, cpu.fpuSig[phys], 8);
            put(out, 8, cpu.fpuExp[phys], 2);
            return out;
        }
        if (regnum >= X86TargetDescription.XMM0 && regnum < X86TargetDescription.MXCSR) {
            int x = regnum - X86TargetDescription.XMM0;
            byte[] out = new byte[16];
            put(out, 0, cpu.xmm[2 * x], 8);
            put(out, 8, cpu.xmm[2 * x + 1], 8);
            return out;
        }
        Long v = value(regnum);
        if (v == null) return null;
        byte[] out = new byte[r.byteSize()];
        put(out, 0, v, out.length);
        return out;
    }

    /** The register's value, or null where the CPU keeps no such state. */
    private Long value(int regnum) {
        if (regnum < 16) return cpu.gpr[X86TargetDescription.GPR_ENCODING[regnum]];
        return switch (regnum) {
            case X86TargetDescription.RIP -> cpu.rip;
            case X86TargetDescription.EFLAGS -> cpu.flags.get();
            case 18, 19, 20, 21, 22, 23 -> (long) cpu.seg[segIndex(regnum)].selector;
            case X86TargetDescription.FCTRL -> (long) cpu.fpuControl;
            case X86TargetDescription.FSTAT -> (long) cpu.fpuStatus;
            case X86TargetDescription.FTAG -> (long) cpu.fpuTag;
            case X86TargetDescription.FTAG + 1 -> 0L; // fiseg: 64-bit FXSAVE keeps no selectors
            case X86TargetDescription.FTAG + 2 -> cpu.fpuIp & 0xffff_ffffL; // fioff
            case X86TargetDescription.FTAG + 3 -> 0L; // foseg
            case X86TargetDescription.FTAG + 4 -> cpu.fpuDp & 0xffff_ffffL; // fooff
            case X86TargetDescription.FOP -> (long) cpu.fpuOpcode;
            case X86TargetDescription.MXCSR -> (long) cpu.mxcsr;
            case X86TargetDescription.FS_BASE -> cpu.seg[Segment.FS].base;
            case X86TargetDescription.GS_BASE -> cpu.seg[Segment.GS].base;
            case X86TargetDescription.K_GS_BASE -> cpu.msrs.read(Msrs.KERNEL_GS_BASE);
            case X86TargetDescription.CR0 -> cpu.cr0;
            case X86TargetDescription.CR2 -> cpu.cr2;
            case X86TargetDescription.CR3 -> cpu.cr3;
            case X86TargetDescription.CR4 -> cpu.cr4;
            case X86TargetDescription.CR8 -> cpu.cr8;
            case X86TargetDescription.EFER -> cpu.efer;
            case X86TargetDescription.GDTR_BASE -> cpu.gdtBase;
            case X86TargetDescription.GDTR_LIMIT -> (long) cpu.gdtLimit;
            case X86TargetDescription.IDTR_BASE -> cpu.idtBase;
            case X86TargetDescription.IDTR_LIMIT -> (long) cpu.idtLimit;
            case X86TargetDescription.LDTR -> (long) cpu.ldtr.selector;
            case X86TargetDescription.TR -> (long) cpu.tr.selector;
            default -> null;
        };
    }

    /** TOP, the physical register that is ST(0) (status word bits 13:11). */
    private int top() { return (cpu.fpuStatus >>> 11) & 7; }

    /** GDB's cs ss ds es fs gs as indexes into the CPU's ES CS SS DS FS GS. */
    private static int segIndex(int regnum) {
        return switch (regnum - X86TargetDescription.CS) {
            case 0 -> Segment.CS;
            case 1 -> Segment.SS;
            case 2 -> Segment.DS;
            case 3 -> Segment.ES;
            case 4 -> Segment.FS;
            default -> Segment.GS;
        };
    }

    /**
     * Writes the general registers, RIP, RFLAGS, XMM, MXCSR and the FS/GS bases. Segment
     * selectors, control registers and descriptor tables are refused: changing them means
     * loading descriptors or switching modes, which the guest must do itself.
     */
    @Override
    public boolean writeRegister(int regnum, byte[] value) {
        var r = description().register(regnum);
        if (r == null || value.length != r.byteSize()) return false;
        if (regnum >= X86TargetDescription.ST0 && regnum < X86TargetDescription.FCTRL) {
            int phys = (top() + regnum - X86TargetDescription.ST0) & 7;
            cpu.fpuSig[phys] = get(value, 0, 8);
            cpu.fpuExp[phys] = (int) get(value, 8, 2);
            return true;
        }
        if (regnum >= X86TargetDescription.XMM0 && regnum < X86TargetDescription.MXCSR) {
            int x = regnum - X86TargetDescription.XMM0;
            cpu.xmm[2 * x] = get(value, 0, 8);
            cpu.xmm[2 * x + 1] = get(value, 8, 8);
            return true;
        }
        long v = get(value, 0, value.length);
        if (regnum < 16) {
            cpu.gpr[X86TargetDescription.GPR_ENCODING[regnum]] = v;
            return true;
        }
        switch (regnum) {
            case X86TargetDescription.RIP -> { cpu.rip = v; cpu.halted = false; }
            case X86TargetDescription.EFLAGS -> cpu.flags.set(v);
            case X86TargetDescription.MXCSR -> cpu.mxcsr = (int) v & 0xffff;
            case X86TargetDescription.FCTRL -> cpu.fpuControl = (int) v & 0xffff;
            case X86TargetDescription.FSTAT -> cpu.fpuStatus = (int) v & 0xffff;
            case X86TargetDescription.FTAG -> cpu.fpuTag = (int) v & 0xffff;
            case X86TargetDescription.FS_BASE -> cpu.seg[Segment.FS].base = v;
            case X86TargetDescription.GS_BASE -> cpu.seg[Segment.GS].base = v;
            default -> {
                // Segment selectors are accepted unchanged (GDB writes back every register of
                // the g packet it read); anything else is refused.
                if (regnum >= X86TargetDescription.CS && regnum < X86TargetDescription.ST0) {
                    return cpu.seg[segIndex(regnum)].selector == (int) v;
                }
                return false;
            }
        }
        return true;
    }

    @Override
    public long translate(long vaddr, boolean write) {
        long pa = X86PageTableView.translate(cpu, vaddr);
        return pa == X86PageTableView.NONE ? NO_TRANSLATION : pa;
    }

    @Override public boolean translating() { return (cpu.cr0 & X86Cpu.CR0_PG) != 0; }

    @Override public void setDebugHooks(DebugHooks hooks) { cpu.setDebugHooks(hooks); }

    @Override public void flushTlb() { cpu.flushTlb(); }

    @Override
    public String threadInfo() {
        String mode = !cpu.protectedMode() ? "real mode" : cpu.longMode() ? (cpu.codeBits == 64 ? "long mode" : "compatibility mode")
                : "protected mode";
        return "CPU " + cpu.index() + ", " + mode + ", CPL" + cpu.cpl + (cpu.halted ? ", hlt" : "");
    }

    @Override
    public String infoRegisters() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            sb.append(String.format("%-3s %016x%s", X86TargetDescription.GPR_NAMES[i], cpu.gpr[X86TargetDescription.GPR_ENCODING[i]],
                    i % 4 == 3 ? "\n" : "  "));
        }
        sb.append(String.format("rip %016x  rflags %08x  %s%n", cpu.rip, cpu.flags.get(), threadInfo()));
        for (int s : new int[] {Segment.ES, Segment.CS, Segment.SS, Segment.DS, Segment.FS, Segment.GS}) {
            Segment g = cpu.seg[s];
            sb.append(String.format("%s  %04x base %016x limit %08x attr %04x%n", Segment.NAMES[s], g.selector, g.base, g.limit, g.attributes));
        }
        sb.append(String.format("ldtr %04x  tr %04x  gdt %016x/%04x  idt %016x/%04x%n",
                cpu.ldtr.selector, cpu.tr.selector, cpu.gdtBase, cpu.gdtLimit, cpu.idtBase, cpu.idtLimit));
        sb.append(String.format("cr0 %016x  cr2 %016x  cr3 %016x  cr4 %016x  cr8 %016x%n", cpu.cr0, cpu.cr2, cpu.cr3, cpu.cr4, cpu.cr8));
        sb.append(String.format("efer %016x  kernel_gs_base %016x  fcw %04x  fsw %04x  ftw %04x  mxcsr %08x%n",
                cpu.efer, cpu.msrs.read(Msrs.KERNEL_GS_BASE), cpu.fpuControl, cpu.fpuStatus, cpu.fpuTag, cpu.mxcsr));
        for (int i = 0; i < 8; i++) {
            int phys = (top() + i) & 7;
            sb.append(String.format("st%d %04x %016x%s", i, cpu.fpuExp[phys] & 0xffff, cpu.fpuSig[phys], i % 4 == 3 ? "\n" : "  "));
        }
        for (int i = 0; i < 16; i++) {
            sb.append(String.format("xmm%-2d %016x%016x%s", i, cpu.xmm[2 * i + 1], cpu.xmm[2 * i], i % 2 == 1 ? "\n" : "  "));
        }
        return sb.toString();
    }

    @Override
    public String infoMem() {
        if ((cpu.cr0 & X86Cpu.CR0_PG) == 0) return "paging off: linear addresses are physical\n";
        String mode = cpu.longMode() ? "4-level" : (cpu.cr4 & X86Cpu.CR4_PAE) != 0 ? "PAE" : "32-bit";
        StringBuilder sb = new StringBuilder(String.format("%s paging, CR3 %016x%n", mode, cpu.cr3));
        sb.append("linear range                      physical\n");
        for (X86PageTableView.Mapping m : X86PageTableView.mappings(cpu)) sb.append(m.format());
        return sb.toString();
    }

    private static void put(byte[] out, int at, long v, int n) {
        for (int i = 0; i < n; i++) out[at + i] = (byte) (v >>> (8 * i));
    }

    private static long get(byte[] b, int at, int n) {
        long v = 0;
        for (int i = n - 1; i >= 0; i--) v = v << 8 | (b[at + i] & 0xff);
        return v;
    }
}
