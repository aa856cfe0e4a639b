package org.multios.kernel.arch.arm64;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.multios.core.elf.ElfFile;
import org.multios.isa.arm64.A64Cpu;
import org.multios.isa.arm64.ExceptionClass;
import org.multios.isa.arm64.irq.GenericTimer;
import org.multios.isa.arm64.sysreg.SysRegInfo;
import org.multios.kernel.arch.ArchPort;
import org.multios.kernel.arch.PageTable;
import org.multios.kernel.arch.SyscallAbi;
import org.multios.kernel.arch.Trap;
import org.multios.kernel.arch.UserContext;
import org.multios.kernel.mm.AddressSpace;
import org.multios.kernel.mm.PageFrameAllocator;
import org.multios.kernel.mm.PhysicalMemory;

/**
 * The AArch64 port (EL1 kernel, EL0 user, VMSAv8-64 4 KiB granule, 48-bit VA). VBAR_EL1
 * points at one page of real A64 code mapped kernel-only through TTBR1_EL1 at
 * {@link #VECTOR_VA}: each of the 16 vector entries is
 * <pre>
 *   hvc #(0x4d40 + n)   ; native call n: the Java kernel handles the exception
 *   eret                ; back to whatever ELR_EL1/SPSR_EL1 now say
 * </pre>
 * and {@code +0x800} is the idle loop ({@code wfi; b .-4} at EL1 with IRQs unmasked). So
 * exceptions enter by the architectural path (ESR/FAR/ELR/SPSR written by the CPU) and leave
 * by a real {@code eret}.
 * <p>
 * A {@link UserContext} holds X0..X30 in gpr[0..30], SP_EL0 in gpr[31], TPIDR_EL0 (the
 * thread pointer) in gpr[32] and the user PSTATE (NZCV) in gpr[33]; fpr holds V0..V31 as
 * 64 longs (low, high) and fpStatus FPCR in the high and FPSR in the low 32 bits.
 */
public final class Arm64Port implements ArchPort {
    public static final long VECTOR_VA = 0xffff_ffff_ffff_f000L;
    public static final int IDLE_OFFSET = 0x800;
    /** Vector numbers (VBAR offset / 0x80): current EL with SP_ELx, and lower EL AArch64. */
    public static final int V_CUR_SYNC = 4, V_CUR_IRQ = 5, V_LOWER_SYNC = 8, V_LOWER_IRQ = 9;
    public static final int GPR_SP = 31, GPR_TPIDR = 32, GPR_PSTATE = 33, GPRS = 34;
    static final long SYSCALL_RT_SIGRETURN = 139;
    /** SCTLR_EL1: M, C, I, and EL0 access to DC ZVA (DZE), CTR_EL0 (UCT) and cache maintenance (UCI), as Linux sets it. */
    static final long SCTLR_BITS = 1L | (1L << 2) | (1L << 12) | (1L << 14) | (1L << 15) | (1L << 26);
    /** TCR_EL1: T0SZ = T1SZ = 16, 4 KiB granules (TG0 = 0, TG1 = 2), inner-shareable WB walks, 48-bit IPS, 16-bit ASIDs. */
    static final long TCR = 16L | (1L << 8) | (1L << 10) | (3L << 12) | (16L << 16) | (1L << 24) | (1L << 26)
            | (3L << 28) | (2L << 30) | (5L << 32) | (1L << 36);

    private static final SyscallAbi ABI = new SyscallAbi(8, new int[] {0, 1, 2, 3, 4, 5}, 0, GPR_SP, GPR_TPIDR, 30, 4);

    private final A64Cpu cpu;
    private final PhysicalMemory mem;
    private final PageFrameAllocator frames;
    private final Vmsa4kPageTable kernelTable;
    private final SysRegInfo tpidrEl0, cntkctlEl1;
    private int nextAsid = 1;
    private int vector = -1;
    private boolean softTimer, timerLine;

    /**
     * How a booted kernel takes IRQs (boot on arm64-virt): through the interrupt controller,
     * which acknowledges the interrupt the IRQ vector was taken for and says whether it was
     * the timer's. Without one ({@code run}), the timer drives the CPU's IRQ line directly.
     */
    public interface IrqSource {
        /** Acknowledges the highest-priority pending interrupt; true when it is the kernel timer's. */
        boolean acknowledgeIsTimer();
    }

    private final IrqSource irqSource;

    /** Builds the vector page in a frame from frames and the kernel's TTBR1 table mapping it. */
    public Arm64Port(A64Cpu cpu, PhysicalMemory mem, PageFrameAllocator frames) {
        this(cpu, mem, frames, null);
    }

    /**
     * As above; with irqSource non-null the timer's output stays wired as the board wired it
     * (a GIC PPI) and IRQ traps ask irqSource what they were for.
     */
    public Arm64Port(A64Cpu cpu, PhysicalMemory mem, PageFrameAllocator frames, IrqSource irqSource) {
        this.irqSource = irqSource;
        this.cpu = cpu;
        this.mem = mem;
        this.frames = frames;
        long vectorPa = frames.allocate();
        mem.zeroPage(vectorPa);
        ByteBuffer b = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
        for (int n = 0; n < 16; n++) {
            b.putInt(n * 0x80, hvc(A64Cpu.NATIVE_CALL_BASE + n));
            b.putInt(n * 0x80 + 4, 0xd69f03e0); // eret
        }
        b.putInt(IDLE_OFFSET, 0xd503207f); // wfi
        b.putInt(IDLE_OFFSET + 4, 0x17ffffff); // b .-4
        mem.write(vectorPa, b.array(), 0, 4096);
        kernelTable = new Vmsa4kPageTable(mem, frames, 0);
        kernelTable.map(VECTOR_VA, vectorPa, PageTable.PROT_READ | PageTable.PROT_EXEC);
        tpidrEl0 = sysreg("TPIDR_EL0");
        cntkctlEl1 = sysreg("CNTKCTL_EL1");
        if (irqSource == null) cpu.timer.connect(GenericTimer.VIRT, level -> { timerLine = level; updateIrq(); });
    }

    static int hvc(int imm16) { return 0xd4000002 | (imm16 << 5); }

    private SysRegInfo sysreg(String name) {
        for (SysRegInfo r : cpu.sysregs.table().rows()) if (r.name().equals(name)) return r;
        throw new IllegalStateException("A64 system register " + name + " is not implemented");
    }

    private long idReg(String name) { return cpu.sysregs.read(sysreg(name)); }

    /**
     * The EL1 set-up a kernel does before its first eret: MMU on with the kernel table in
     * TTBR1, Normal write-back memory as MAIR attribute 0, FP/SIMD enabled for EL0 and EL1,
     * the virtual counter readable at EL0 (glibc's clock_gettime fast path), vectors at the
     * vector page.
     */
    public void initCpu() {
        var s = cpu.sysregs;
        s.mairEl1 = 0xff;
        s.tcrEl1 = TCR;
        s.ttbr1El1 = kernelTable.ttbr();
        s.ttbr0El1 = 0;
        s.sctlrEl1 |= SCTLR_BITS;
        s.cpacrEl1 = 3L << 20;
        s.vbarEl1 = VECTOR_VA;
        cpu.sysregs.write(cntkctlEl1, 2); // EL0VCTEN
        cpu.el = 1;
        cpu.spsel = true;
        cpu.tlbInvalidateAll();
        cpu.translationContextChanged(); // the fields were written directly
    }

    /** Starts the CPU in the idle loop: the kernel's first decision comes with the first interrupt. */
    public void enterIdleNow() {
        cpu.pc = VECTOR_VA + IDLE_OFFSET;
        cpu.nextPc = cpu.pc;
        cpu.daif = 0;
    }

    /** Called by the native-call handler with the vector entry that ran it; returns false for a kernel-mode exception (a bug). */
    public boolean enter(int n) {
        vector = n;
        return n == V_LOWER_SYNC || n == V_LOWER_IRQ || n == V_CUR_IRQ;
    }

    public A64Cpu cpu() { return cpu; }

    /** The machine name uname(2) reports, as Linux on arm64 does. */
    @Override public String name() { return "aarch64"; }
    @Override public int elfMachine() { return ElfFile.EM_AARCH64; }
    @Override public SyscallAbi abi() { return ABI; }
    @Override public UserContext newContext() { return new UserContext(ABI, GPRS, 64); }

    @Override
    public PageTable newPageTable() {
        int asid = nextAsid;
        nextAsid = nextAsid == 0xffff ? 1 : nextAsid + 1;
        cpu.tlbInvalidateAsid(asid); // a reused ASID must not find its previous owner's entries
        return new Vmsa4kPageTable(mem, frames, asid);
    }

    /** TTBR0's 48-bit range. */
    @Override public long userTop() { return 1L << 47; }

    /**
     * AT_HWCAP (Linux arch/arm64 hwcap bits) derived from the ID registers the CPU reports, so
     * it claims exactly what is implemented: FP, ASIMD, AES, PMULL, SHA1, SHA2, CRC32, ATOMICS.
     */
    @Override
    public long hwcap() {
        long pfr0 = idReg("ID_AA64PFR0_EL1"), isar0 = idReg("ID_AA64ISAR0_EL1");
        long h = 0;
        if (((pfr0 >>> 16) & 0xf) != 0xf) h |= 1L;        // HWCAP_FP
        if (((pfr0 >>> 20) & 0xf) != 0xf) h |= 1L << 1;   // HWCAP_ASIMD
        long aes = (isar0 >>> 4) & 0xf;
        if (aes >= 1) h |= 1L << 3;                       // HWCAP_AES
        if (aes >= 2) h |= 1L << 4;                       // HWCAP_PMULL
        if (((isar0 >>> 8) & 0xf) >= 1) h |= 1L << 5;     // HWCAP_SHA1
        if (((isar0 >>> 12) & 0xf) >= 1) h |= 1L << 6;    // HWCAP_SHA2
        if (((isar0 >>> 16) & 0xf) >= 1) h |= 1L << 7;    // HWCAP_CRC32
        if (((isar0 >>> 20) & 0xf) >= 2) h |= 1L << 8;    // HWCAP_ATOMICS
        return h;
    }

    @Override public boolean sigactionHasRestorer() { return true; }

    @Override
    public byte[] sigreturnTrampoline() {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt((int) (0xd2800008L | (SYSCALL_RT_SIGRETURN << 5))); // mov x8, #139
        b.putInt(0xd4000001); // svc #0
        return b.array();
    }

    @Override
    public Trap trap() {
        if (vector == V_LOWER_IRQ || vector == V_CUR_IRQ) {
            if (irqSource != null) return new Trap(irqSource.acknowledgeIsTimer() ? Trap.Kind.TIMER : Trap.Kind.EXTERNAL, 0, vector);
            boolean timer = softTimer || (cpu.timer.ctl(GenericTimer.VIRT) & 7) == 5;
            return new Trap(timer ? Trap.Kind.TIMER : Trap.Kind.EXTERNAL, 0, vector);
        }
        long esr = cpu.sysregs.esrEl1, far = cpu.sysregs.farEl1;
        int ec = (int) (esr >>> 26) & 0x3f;
        int fsc = (int) esr & 0x3f;
        Trap.Kind k = switch (ec) {
            case ExceptionClass.SVC64 -> Trap.Kind.SYSCALL;
            case 0x20 -> fsc == 0x21 ? Trap.Kind.MISALIGNED : Trap.Kind.EXEC_FAULT; // instruction abort, lower EL
            case 0x24 -> fsc == 0x21 ? Trap.Kind.MISALIGNED // data abort, lower EL; ISS.WnR says which
                    : (esr & (1 << 6)) != 0 ? Trap.Kind.WRITE_FAULT : Trap.Kind.READ_FAULT;
            case 0x22, 0x26 -> Trap.Kind.MISALIGNED; // PC / SP alignment
            case 0x00, 0x0e, 0x18 -> Trap.Kind.ILLEGAL_INSTRUCTION; // unknown, illegal state, trapped MSR/MRS
            case ExceptionClass.BRK64 -> Trap.Kind.BREAKPOINT;
            default -> Trap.Kind.OTHER;
        };
        if (k == Trap.Kind.MISALIGNED && ec == 0x22) far = cpu.sysregs.elrEl1;
        return new Trap(k, far, esr);
    }

    @Override public boolean trappedFromUser() { return ((cpu.sysregs.spsrEl1 >>> 2) & 3) == 0; }

    @Override
    public void saveUserState(UserContext ctx) {
        System.arraycopy(cpu.x, 0, ctx.gpr, 0, 31);
        ctx.gpr[GPR_SP] = cpu.spEl0;
        ctx.gpr[GPR_TPIDR] = cpu.sysregs.read(tpidrEl0);
        ctx.gpr[GPR_PSTATE] = cpu.sysregs.spsrEl1 & 0xf000_0000L;
        System.arraycopy(cpu.vreg, 0, ctx.fpr, 0, 64);
        ctx.fpStatus = ((long) cpu.fp.fpcr << 32) | (cpu.fp.fpsr & 0xffffffffL);
        long elr = cpu.sysregs.elrEl1;
        // the kernel's convention is pc = the syscall instruction; ELR_EL1 is past SVC
        boolean svc = vector == V_LOWER_SYNC && ((cpu.sysregs.esrEl1 >>> 26) & 0x3f) == ExceptionClass.SVC64;
        ctx.pc = svc ? elr - 4 : elr;
    }

    @Override
    public void resumeUser(UserContext ctx, PageTable pt) {
        System.arraycopy(ctx.gpr, 0, cpu.x, 0, 31);
        cpu.spEl0 = ctx.gpr[GPR_SP];
        cpu.sysregs.write(tpidrEl0, ctx.gpr[GPR_TPIDR]);
        System.arraycopy(ctx.fpr, 0, cpu.vreg, 0, 64);
        cpu.fp.fpcr = (int) (ctx.fpStatus >>> 32);
        cpu.fp.fpsr = (int) ctx.fpStatus;
        cpu.sysregs.elrEl1 = ctx.pc;
        cpu.sysregs.spsrEl1 = ctx.gpr[GPR_PSTATE] & 0xf000_0000L; // EL0t, DAIF clear
        long ttbr = ((Vmsa4kPageTable) pt).ttbr();
        if (cpu.sysregs.ttbr0El1 != ttbr) {
            cpu.sysregs.ttbr0El1 = ttbr;
            cpu.translationContextChanged(); // ASID-tagged TLB: switch to this ASID's entries, no flush
        }
    }

    @Override
    public void resumeIdle() {
        cpu.sysregs.elrEl1 = VECTOR_VA + IDLE_OFFSET;
        cpu.sysregs.spsrEl1 = 0b0101; // EL1h, DAIF clear
    }

    @Override public void flushTlb() { cpu.tlbInvalidateAll(); }

    /** TLBI ASIDE1 for the table's ASID: the other processes keep their entries. */
    @Override public void flushTlb(PageTable pt) { cpu.tlbInvalidateAsid(((Vmsa4kPageTable) pt).asid()); }

    /** The software timer request of {@code run}'s EventTimer, ORed with the generic timer's line into the CPU's IRQ. */
    @Override
    public void setTimerPending(boolean pending) {
        softTimer = pending;
        updateIrq();
    }

    private void updateIrq() { cpu.setIrq(softTimer || timerLine); }

    // ---- signal frames (Linux arch/arm64/kernel/signal.c: struct rt_sigframe { siginfo; ucontext }) ----
    static final int SIGINFO = 128, UC_SIGMASK = 40, UC_MCONTEXT = 176;
    /** struct sigcontext: fault_address, regs[31], sp, pc, pstate, then __reserved[4096] at +288. */
    static final int SC_REGS = 8, SC_SP = 256, SC_PC = 264, SC_PSTATE = 272, SC_RESERVED = 288, SC_SIZE = 288 + 4096;
    static final int FPSIMD_MAGIC = 0x46508001, FPSIMD_SIZE = 528, ESR_MAGIC = 0x45535201, ESR_SIZE = 16;
    static final int FRAME = SIGINFO + UC_MCONTEXT + SC_SIZE, RECORD = 16;

    @Override
    public boolean pushSignalFrame(UserContext ctx, AddressSpace as, long sp, int sig, long handler, long restorer,
                                   long blockedMask, int code, long faultAddr, int senderPid, long altSp, long altSize) {
        long frame = (sp - FRAME - RECORD) & ~15L;
        ByteBuffer b = ByteBuffer.allocate(FRAME + RECORD).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, sig);
        b.putInt(8, code);
        if (faultAddr != 0) b.putLong(16, faultAddr); else b.putInt(16, senderPid);
        int uc = SIGINFO;
        b.putLong(uc + 16, altSp);
        b.putInt(uc + 24, altSize != 0 ? 0 : 2); // SS_DISABLE when no alternate stack
        b.putLong(uc + 32, altSize);
        b.putLong(uc + UC_SIGMASK, blockedMask);
        int sc = uc + UC_MCONTEXT;
        b.putLong(sc, faultAddr);
        for (int i = 0; i < 31; i++) b.putLong(sc + SC_REGS + 8 * i, ctx.gpr[i]);
        b.putLong(sc + SC_SP, ctx.gpr[GPR_SP]);
        b.putLong(sc + SC_PC, ctx.pc);
        b.putLong(sc + SC_PSTATE, ctx.gpr[GPR_PSTATE]);
        int rec = sc + SC_RESERVED; // records: fpsimd_context, then (faults) esr_context, then the terminator
        b.putInt(rec, FPSIMD_MAGIC);
        b.putInt(rec + 4, FPSIMD_SIZE);
        b.putInt(rec + 8, (int) ctx.fpStatus);
        b.putInt(rec + 12, (int) (ctx.fpStatus >>> 32));
        for (int i = 0; i < 64; i++) b.putLong(rec + 16 + 8 * i, ctx.fpr[i]);
        rec += FPSIMD_SIZE;
        if (faultAddr != 0) {
            b.putInt(rec, ESR_MAGIC);
            b.putInt(rec + 4, ESR_SIZE);
            b.putLong(rec + 8, cpu.sysregs.esrEl1);
            rec += ESR_SIZE;
        }
        b.putLong(FRAME, ctx.gpr[29]); // frame record {fp, lr} for unwinders
        b.putLong(FRAME + 8, ctx.gpr[30]);
        if (!as.write(frame, b.array(), 0, FRAME + RECORD)) return false;
        ctx.gpr[0] = sig;
        ctx.gpr[1] = frame;
        ctx.gpr[2] = frame + uc;
        ctx.gpr[29] = frame + FRAME;
        ctx.gpr[30] = restorer;
        ctx.gpr[GPR_SP] = frame;
        ctx.gpr[GPR_PSTATE] = 0;
        ctx.pc = handler;
        return true;
    }

    @Override
    public long popSignalFrame(UserContext ctx, AddressSpace as) {
        long frame = ctx.gpr[GPR_SP];
        byte[] raw = new byte[FRAME];
        if ((frame & 15) != 0 || !as.read(frame, raw, 0, FRAME)) return -1;
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        int sc = SIGINFO + UC_MCONTEXT;
        for (int i = 0; i < 31; i++) ctx.gpr[i] = b.getLong(sc + SC_REGS + 8 * i);
        ctx.gpr[GPR_SP] = b.getLong(sc + SC_SP);
        ctx.pc = b.getLong(sc + SC_PC);
        ctx.gpr[GPR_PSTATE] = b.getLong(sc + SC_PSTATE) & 0xf000_0000L; // a handler cannot raise its EL or mask IRQs
        int rec = sc + SC_RESERVED;
        if (b.getInt(rec) == FPSIMD_MAGIC && b.getInt(rec + 4) == FPSIMD_SIZE) {
            ctx.fpStatus = ((long) b.getInt(rec + 12) << 32) | (b.getInt(rec + 8) & 0xffffffffL);
            for (int i = 0; i < 64; i++) ctx.fpr[i] = b.getLong(rec + 16 + 8 * i);
        }
        return b.getLong(SIGINFO + UC_SIGMASK);
    }
}
