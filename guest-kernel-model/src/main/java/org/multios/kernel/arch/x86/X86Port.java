package org.multios.kernel.arch.x86;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.multios.core.elf.ElfFile;
import org.multios.isa.x86.InterruptSource;
import org.multios.isa.x86.LazyFlags;
import org.multios.isa.x86.Msrs;
import org.multios.isa.x86.Segment;
import org.multios.isa.x86.X86Cpu;
import org.multios.isa.x86.X86Fault;
import org.multios.isa.x86.mmu.X86PageWalker;
import org.multios.kernel.arch.ArchPort;
import org.multios.kernel.arch.PageTable;
import org.multios.kernel.arch.SyscallAbi;
import org.multios.kernel.arch.Trap;
import org.multios.kernel.arch.UserContext;
import org.multios.kernel.mm.AddressSpace;
import org.multios.kernel.mm.PageFrameAllocator;
import org.multios.kernel.mm.PhysicalMemory;

/**
 * The x86_64 (long mode, 4-level paging, CPL 0 kernel) port. The kernel half holds four
 * supervisor pages shared by every address space:
 * <pre>
 *   VECTOR_VA          code: +0x000 vmcall          ; LSTAR: SYSCALL from CPL 3
 *                            +0x010 iretq           ; exit for any resumed state
 *                            +0x018 sysretq         ; exit after a syscall when RCX/R11 still hold RIP/RFLAGS
 *                            +0x020 hlt; jmp .-1    ; the idle loop (CPL 0, IF = 1)
 *                            +0x100 + 8v  vmcall; iretq  ; IDT gate v (every vector is an interrupt gate)
 *   VECTOR_VA - 0x1000 IDT (256 16-byte gates)
 *   VECTOR_VA - 0x2000 GDT (+0x000) and the 64-bit TSS (+0x100, RSP0 = the kernel stack top)
 *   VECTOR_VA - 0x4000 kernel stack (two pages; the CPU pushes interrupt frames there)
 * </pre>
 * {@code vmcall} is the native call (DESIGN: CPUID reports no VMX, so nothing else can use
 * it); which entry was taken is told by the address of the vmcall. The Java kernel reads the
 * trapped state (GPRs, the interrupt frame, CR2) and leaves through a real {@code iretq} or
 * {@code sysretq}.
 */
public final class X86Port implements ArchPort {
    public static final long VECTOR_VA = 0xffff_ffff_ffff_f000L;
    static final long IDT_VA = VECTOR_VA - 0x1000, GDT_VA = VECTOR_VA - 0x2000, TSS_VA = GDT_VA + 0x100,
            STACK_TOP = VECTOR_VA - 0x2000, STACK_PAGES = 2;
    static final long EXIT_IRET = VECTOR_VA + 0x10, EXIT_SYSRET = VECTOR_VA + 0x18, IDLE = VECTOR_VA + 0x20,
            GATES = VECTOR_VA + 0x100;
    static final int KERNEL_CS = 0x08, KERNEL_SS = 0x10, USER_SS = 0x1b, USER_CS = 0x23, TSS_SEL = 0x28;
    public static final int TIMER_VECTOR = 32;
    /** Exceptions that push an error code (SDM Vol. 3 Table 6-1). */
    static final long ERROR_CODE_VECTORS = (1L << 8) | (1L << 10) | (1L << 11) | (1L << 12) | (1L << 13) | (1L << 14)
            | (1L << 17) | (1L << 21) | (1L << 29) | (1L << 30);
    /** RFLAGS bits a user program may hold (arithmetic, TF, DF, AC, ID); IF and bit 1 always on. */
    private static final long USER_FLAGS = LazyFlags.ARITH | LazyFlags.TF | LazyFlags.DF | LazyFlags.AC | LazyFlags.ID;
    private static final long RFLAGS_INIT = 0x202;

    /** UserContext slots: 0-15 GPRs (SDM numbering), then these. */
    static final int RFLAGS = 16, FS_BASE = 17, GS_BASE = 18, SYS_NR = 19, SYS_ARGS = 20, GPRS = 26;
    /** fpr slots: 0-31 XMM0-15 (two quadwords each), 32-39 x87 significands, 40-47 exponents, then control words. */
    static final int F_SIG = 32, F_EXP = 40, F_FCW = 48, F_FSW = 49, F_FTW = 50, F_FOP = 51, FPRS = 52;
    /**
     * Registers whose Linux initial value is not 0 are kept XORed with it (RFLAGS 0x202, FCW
     * 0x37f, tag word 0xffff, MXCSR 0x1f80 in fpStatus), so the all-zero context execve
     * leaves is exactly the state x86_64 Linux starts a program in.
     */
    private static final long FCW_INIT = 0x37f, FTW_INIT = 0xffff, MXCSR_INIT = 0x1f80;

    private static final SyscallAbi ABI = new SyscallAbi(SYS_NR, new int[] {20, 21, 22, 23, 24, 25}, X86Cpu.RAX,
            X86Cpu.RSP, FS_BASE, X86Cpu.RSP, 2);

    private final X86Cpu cpu;
    private final PhysicalMemory mem;
    private final PageFrameAllocator frames;
    private final X86PageTable kernelTemplate;
    private volatile boolean timerPending;

    /**
     * A booted kernel (X86KernelBoot) keeps the board's interrupt controller (the 8259s) as the
     * CPU's INTR source: the timer and devices interrupt through it, vectors 32-47.
     */
    public boolean boardInterrupts;

    /** How the CPU entered the kernel last: -1 SYSCALL, else the IDT vector. */
    private int entryVector;
    private long entryRip, entryRflags, entryRsp, entryCs, entryError;

    /** Sets up the vector, IDT, GDT/TSS and stack pages in frames from frames and the kernel half of every page table. */
    public X86Port(X86Cpu cpu, PhysicalMemory mem, PageFrameAllocator frames) {
        this.cpu = cpu;
        this.mem = mem;
        this.frames = frames;
        this.kernelTemplate = new X86PageTable(mem, frames, 0);
        long code = page(VECTOR_VA, PageTable.PROT_READ | PageTable.PROT_EXEC);
        long idt = page(IDT_VA, PageTable.PROT_READ);
        long gdt = page(GDT_VA, PageTable.PROT_READ | PageTable.PROT_WRITE);
        for (int i = 1; i <= STACK_PAGES; i++) page(STACK_TOP - 0x1000L * i, PageTable.PROT_READ | PageTable.PROT_WRITE);

        byte[] vmcall = {0x0f, 0x01, (byte) 0xc1}, iretq = {0x48, (byte) 0xcf}, sysretq = {0x48, 0x0f, 0x07};
        put(code, vmcall);
        put(code + 0x10, iretq);
        put(code + 0x18, sysretq);
        put(code + 0x20, new byte[] {(byte) 0xf4, (byte) 0xeb, (byte) 0xfd}); // hlt; jmp .-3 (back to hlt)
        for (int v = 0; v < 256; v++) {
            long stub = code + 0x100 + 8L * v;
            put(stub, vmcall);
            put(stub + 3, iretq);
            long target = GATES + 8L * v;
            // interrupt gate (type 0xE), present; DPL 3 only for INT3 so user breakpoints reach the kernel as #BP
            int dpl = v == 3 ? 3 : 0;
            long lo = (target & 0xffff) | ((long) KERNEL_CS << 16) | ((0x8EL | (dpl << 5)) << 40) | ((target & 0xffff0000L) << 32);
            mem.write64(idt + 16L * v, lo);
            mem.write64(idt + 16L * v + 8, target >>> 32);
        }
        long[] gdtEntries = {0, 0x00af9b000000ffffL, 0x00cf93000000ffffL, 0x00cff3000000ffffL, 0x00affb000000ffffL};
        for (int i = 0; i < gdtEntries.length; i++) mem.write64(gdt + 8L * i, gdtEntries[i]);
        long tssLimit = 0x67;
        mem.write64(gdt + TSS_SEL, tssLimit | ((TSS_VA & 0xffffffL) << 16) | (0x89L << 40) | (((TSS_VA >>> 24) & 0xff) << 56));
        mem.write64(gdt + TSS_SEL + 8, TSS_VA >>> 32);
        mem.write64(gdt + 0x100 + 4, STACK_TOP); // TSS.RSP0
    }

    private long page(long va, int prot) {
        long pa = frames.allocate();
        if (pa < 0) throw new OutOfMemoryError("no frame for the kernel's x86 pages");
        mem.zeroPage(pa);
        kernelTemplate.map(va, pa, prot);
        return pa;
    }

    private void put(long pa, byte[] b) { mem.write(pa, b, 0, b.length); }

    /**
     * What a boot loader and early kernel would have done by now: long mode with 4-level
     * paging, NX and SYSCALL enabled, SSE on (CR4.OSFXSR/OSXMMEXCPT), the GDT, IDT and TSS
     * loaded, STAR/LSTAR/FMASK programmed, CPL 0 on the kernel's page table.
     */
    public void initCpu() {
        cpu.efer = X86Cpu.EFER_SCE | X86Cpu.EFER_LME | X86Cpu.EFER_LMA | X86Cpu.EFER_NXE;
        cpu.cr4 = X86Cpu.CR4_PAE | X86Cpu.CR4_PGE | X86Cpu.CR4_OSFXSR | 0x400; // 0x400 = OSXMMEXCPT
        cpu.cr3 = kernelTemplate.root();
        cpu.cr0 = X86Cpu.CR0_PE | X86Cpu.CR0_MP | X86Cpu.CR0_NE | (1L << 16) | (1L << 31); // WP, PG
        cpu.gdtBase = GDT_VA;
        cpu.gdtLimit = 0x37;
        cpu.idtBase = IDT_VA;
        cpu.idtLimit = 0xfff;
        cpu.tr.selector = TSS_SEL;
        cpu.tr.base = TSS_VA;
        cpu.tr.limit = 0x67;
        cpu.tr.attributes = 0x8b;
        flat(Segment.CS, KERNEL_CS, 0xa09b);
        flat(Segment.SS, KERNEL_SS, 0xc093);
        for (int s : new int[] {Segment.DS, Segment.ES, Segment.FS, Segment.GS}) flat(s, 0, 0);
        cpu.cpl = 0;
        cpu.msrs.write(Msrs.STAR, ((long) KERNEL_SS << 48) | ((long) KERNEL_CS << 32));
        cpu.msrs.write(Msrs.LSTAR, VECTOR_VA);
        cpu.msrs.write(Msrs.FMASK, LazyFlags.IF | LazyFlags.TF | LazyFlags.DF | LazyFlags.AC);
        if (!boardInterrupts) cpu.intr = new InterruptSource() {
            @Override public boolean pending() { return timerPending; }
            @Override public int acknowledge() { return timerPending ? TIMER_VECTOR : -1; }
        };
        cpu.modeChanged();
        cpu.flushTlb();
    }

    private void flat(int s, int selector, int attributes) {
        Segment g = cpu.seg[s];
        g.selector = selector;
        g.base = 0;
        g.limit = 0xffffffffL;
        g.attributes = attributes;
    }

    /** Starts the CPU in the idle loop: the kernel's first scheduling decision comes with the first interrupt. */
    public void enterIdleNow() {
        cpu.gpr[X86Cpu.RSP] = STACK_TOP;
        cpu.rip = IDLE;
        cpu.flags.set(RFLAGS_INIT);
    }

    /**
     * The vmcall handler: records which entry was taken and what the CPU saved, or raises #UD
     * when the vmcall is not one of the kernel's (user code, or anywhere else).
     */
    public void enter() {
        long at = cpu.instructionStart - VECTOR_VA;
        if (cpu.cpl != 0 || at < 0 || (at != 0 && (at < 0x100 || at >= 0x900 || (at & 7) != 0))) {
            throw X86Fault.ud("vmcall outside the kernel's entry points");
        }
        if (at == 0) {
            entryVector = -1;
            entryRip = cpu.gpr[X86Cpu.RCX];
            entryRflags = cpu.gpr[11];
            entryRsp = cpu.gpr[X86Cpu.RSP];
            entryCs = USER_CS;
            return;
        }
        int v = (int) (at - 0x100) >>> 3;
        long sp = cpu.gpr[X86Cpu.RSP];
        entryError = 0;
        if (v < 64 && (ERROR_CODE_VECTORS & (1L << v)) != 0) {
            entryError = read(sp);
            sp += 8;
        }
        entryVector = v;
        entryRip = read(sp);
        entryCs = read(sp + 8);
        entryRflags = read(sp + 16);
        entryRsp = read(sp + 24);
    }

    /** The last entry was an exception (not an interrupt) taken at CPL 0: a kernel bug. */
    public boolean kernelException() { return entryVector >= 0 && entryVector < 32 && (entryCs & 3) == 0; }

    public int entryVector() { return entryVector; }
    public long entryRip() { return entryRip; }
    public long entryError() { return entryError; }

    private long read(long va) { return cpu.readLinear(va, 8, X86PageWalker.READ); }

    private void write(long va, long v) { cpu.writeLinear(va, 8, v); }

    public X86Cpu cpu() { return cpu; }

    @Override public String name() { return "x86_64"; }
    @Override public int elfMachine() { return ElfFile.EM_X86_64; }
    @Override public SyscallAbi abi() { return ABI; }
    @Override public UserContext newContext() { return new UserContext(ABI, GPRS, FPRS); }
    @Override public PageTable newPageTable() { return new X86PageTable(mem, frames, kernelTemplate.root()); }
    /** The lower canonical half of a 48-bit address space, less the guard page below the hole. */
    @Override public long userTop() { return (1L << 47) - 0x1000; }

    /** AT_HWCAP on x86_64 is CPUID.1:EDX, as the CPU reports it. */
    @Override
    public long hwcap() { return cpu.cpuid.query(1, 0)[3] & 0xffffffffL; }

    /** ELF_PLATFORM of arch/x86 (64-bit). */
    @Override public String platform() { return "x86_64"; }

    @Override public boolean sigactionHasRestorer() { return true; }

    /** x86_64 signal handlers return through sa_restorer (glibc always sets it); this page is the fallback. */
    @Override
    public byte[] sigreturnTrampoline() {
        return new byte[] {(byte) 0xb8, 15, 0, 0, 0, 0x0f, 0x05}; // mov $15, %eax; syscall
    }

    @Override
    public Trap trap() {
        if (entryVector < 0) return new Trap(Trap.Kind.SYSCALL, 0, -1);
        int v = entryVector;
        return switch (v) {
            case 14 -> new Trap((entryError & 0x10) != 0 ? Trap.Kind.EXEC_FAULT
                    : (entryError & 2) != 0 ? Trap.Kind.WRITE_FAULT : Trap.Kind.READ_FAULT, cpu.cr2, v);
            // the signals of arch/x86/kernel/traps.c: si_code and si_addr as Linux fills them
            case 0 -> Trap.signal(SIGFPE, FPE_INTDIV, entryRip);                      // #DE
            case 6 -> Trap.signal(SIGILL, ILL_ILLOPN, entryRip);                      // #UD
            case 3 -> Trap.signal(SIGTRAP, SI_KERNEL, 0);                             // int3
            case 1 -> Trap.signal(SIGTRAP, TRAP_TRACE, entryRip);                     // #DB (single step)
            case 13 -> Trap.signal(SIGSEGV, SI_KERNEL, 0);                            // #GP
            case 12 -> Trap.signal(SIGBUS, SI_KERNEL, 0);                             // #SS
            case 17 -> Trap.signal(SIGBUS, BUS_ADRALN, 0);                            // #AC
            case 16 -> Trap.signal(SIGFPE, fpeCode(cpu.fpuStatus & ~cpu.fpuControl), entryRip);          // #MF
            case 19 -> Trap.signal(SIGFPE, fpeCode(cpu.mxcsr & ~(cpu.mxcsr >>> 7)), entryRip);           // #XM
            case TIMER_VECTOR -> new Trap(Trap.Kind.TIMER, 0, v);
            case 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47 ->
                    boardInterrupts ? new Trap(Trap.Kind.EXTERNAL, 0, v) : new Trap(Trap.Kind.OTHER, 0, v);
            default -> new Trap(Trap.Kind.OTHER, 0, v);
        };
    }

    private static final int SIGILL = 4, SIGTRAP = 5, SIGBUS = 7, SIGFPE = 8, SIGSEGV = 11;
    private static final int SI_KERNEL = 0x80, FPE_INTDIV = 1, FPE_FLTDIV = 3, FPE_FLTOVF = 4, FPE_FLTUND = 5,
            FPE_FLTRES = 6, FPE_FLTINV = 7, ILL_ILLOPN = 2, TRAP_TRACE = 2, BUS_ADRALN = 1;

    /**
     * The si_code of an x87 or SIMD floating-point exception from its unmasked raised flags (IE,
     * DE, ZE, OE, UE, PE in bits 0-5 of both the x87 status word and MXCSR), in the priority
     * order of Linux's fpu__exception_code: invalid, divide, overflow, underflow/denormal, inexact.
     */
    static int fpeCode(int unmaskedRaised) {
        if ((unmaskedRaised & 0x01) != 0) return FPE_FLTINV;
        if ((unmaskedRaised & 0x04) != 0) return FPE_FLTDIV;
        if ((unmaskedRaised & 0x08) != 0) return FPE_FLTOVF;
        if ((unmaskedRaised & 0x12) != 0) return FPE_FLTUND;
        if ((unmaskedRaised & 0x20) != 0) return FPE_FLTRES;
        return 0;
    }

    @Override
    public boolean trappedFromUser() { return (entryCs & 3) == 3; }

    @Override
    public void saveUserState(UserContext ctx) {
        System.arraycopy(cpu.gpr, 0, ctx.gpr, 0, 16);
        ctx.gpr[X86Cpu.RSP] = entryRsp;
        ctx.gpr[RFLAGS] = entryRflags ^ RFLAGS_INIT;
        ctx.gpr[FS_BASE] = cpu.seg[Segment.FS].base;
        ctx.gpr[GS_BASE] = cpu.seg[Segment.GS].base;
        System.arraycopy(cpu.xmm, 0, ctx.fpr, 0, 32);
        for (int i = 0; i < 8; i++) {
            ctx.fpr[F_SIG + i] = cpu.fpuSig[i];
            ctx.fpr[F_EXP + i] = cpu.fpuExp[i];
        }
        ctx.fpr[F_FCW] = cpu.fpuControl ^ FCW_INIT;
        ctx.fpr[F_FSW] = cpu.fpuStatus;
        ctx.fpr[F_FTW] = cpu.fpuTag ^ FTW_INIT;
        ctx.fpr[F_FOP] = cpu.fpuOpcode;
        ctx.fpStatus = cpu.mxcsr ^ MXCSR_INIT;
        if (entryVector < 0) {
            // SYSCALL saved the next RIP in RCX; the kernel's pc is the syscall instruction (it adds the length)
            ctx.pc = entryRip - 2;
            long[] args = new long[6], out = new long[7];
            args[0] = ctx.gpr[X86Cpu.RDI];
            args[1] = ctx.gpr[X86Cpu.RSI];
            args[2] = ctx.gpr[X86Cpu.RDX];
            args[3] = ctx.gpr[10];
            args[4] = ctx.gpr[8];
            args[5] = ctx.gpr[9];
            X86SyscallTable.translate(ctx.gpr[X86Cpu.RAX], args, out);
            ctx.gpr[SYS_NR] = out[0];
            System.arraycopy(out, 1, ctx.gpr, SYS_ARGS, 6);
        } else {
            ctx.pc = entryRip;
        }
    }

    @Override
    public void resumeUser(UserContext ctx, PageTable pt) {
        System.arraycopy(ctx.gpr, 0, cpu.gpr, 0, 16);
        cpu.seg[Segment.FS].base = ctx.gpr[FS_BASE];
        cpu.seg[Segment.GS].base = ctx.gpr[GS_BASE];
        System.arraycopy(ctx.fpr, 0, cpu.xmm, 0, 32);
        for (int i = 0; i < 8; i++) {
            cpu.fpuSig[i] = ctx.fpr[F_SIG + i];
            cpu.fpuExp[i] = (int) ctx.fpr[F_EXP + i];
        }
        cpu.fpuControl = (int) (ctx.fpr[F_FCW] ^ FCW_INIT);
        cpu.fpuStatus = (int) ctx.fpr[F_FSW];
        cpu.fpuTag = (int) (ctx.fpr[F_FTW] ^ FTW_INIT);
        cpu.fpuOpcode = (int) ctx.fpr[F_FOP];
        cpu.mxcsr = (int) (ctx.fpStatus ^ MXCSR_INIT);
        long rflags = ((ctx.gpr[RFLAGS] ^ RFLAGS_INIT) & USER_FLAGS) | RFLAGS_INIT;
        long root = pt.root();
        if (cpu.cr3 != root) {
            cpu.cr3 = root;
            cpu.flushTlb();
        }
        if (ctx.gpr[X86Cpu.RCX] == ctx.pc && (ctx.gpr[11] & 0x3c7fd7L | 2) == rflags && ctx.pc >= 0 && ctx.pc < userTop()) {
            // the state SYSRET produces (RIP from RCX, RFLAGS from R11): the fast architectural exit
            cpu.rip = EXIT_SYSRET;
            return;
        }
        long frame = STACK_TOP - 40;
        write(frame, ctx.pc);
        write(frame + 8, USER_CS);
        write(frame + 16, rflags);
        write(frame + 24, ctx.gpr[X86Cpu.RSP]);
        write(frame + 32, USER_SS);
        cpu.gpr[X86Cpu.RSP] = frame;
        cpu.rip = EXIT_IRET;
    }

    @Override
    public void resumeIdle() {
        long frame = STACK_TOP - 40;
        write(frame, IDLE);
        write(frame + 8, KERNEL_CS);
        write(frame + 16, RFLAGS_INIT);
        write(frame + 24, STACK_TOP);
        write(frame + 32, KERNEL_SS);
        cpu.gpr[X86Cpu.RSP] = frame;
        cpu.rip = EXIT_IRET;
    }

    @Override public void flushTlb() { cpu.flushTlb(); }

    @Override public void setTimerPending(boolean pending) { timerPending = pending; }

    /** arch_prctl(2): the FS/GS bases for TLS. Returns the result, or {@code Long.MIN_VALUE} for any other call. */
    @Override
    public long archSyscall(UserContext ctx, AddressSpace as) {
        if (entryVector >= 0 || ctx.gpr[X86Cpu.RAX] != X86SyscallTable.ARCH_PRCTL) return Long.MIN_VALUE;
        long code = ctx.gpr[X86Cpu.RDI], addr = ctx.gpr[X86Cpu.RSI];
        final int EFAULT = 14, EINVAL = 22, EPERM = 1;
        switch ((int) code) {
            case 0x1001, 0x1002 -> { // ARCH_SET_GS, ARCH_SET_FS
                if (addr < 0 || addr >= userTop()) return -EPERM;
                ctx.gpr[code == 0x1002 ? FS_BASE : GS_BASE] = addr;
                return 0;
            }
            case 0x1003, 0x1004 -> { // ARCH_GET_FS, ARCH_GET_GS
                long v = ctx.gpr[code == 0x1003 ? FS_BASE : GS_BASE];
                byte[] b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
                return as.write(addr, b, 0, 8) ? 0 : -EFAULT;
            }
            default -> { return -EINVAL; }
        }
    }

    // ---- signal frames (Linux arch/x86: struct rt_sigframe { pretcode; ucontext; siginfo }, FXSAVE area apart) ----
    static final int UC = 8, UC_STACK = 16, UC_MCONTEXT = 40, UC_SIGMASK = 296, UC_SIZE = 304, SIGINFO = UC + UC_SIZE,
            FRAME = SIGINFO + 128, FXSAVE = 512, REDZONE = 128;
    /** struct sigcontext_64 register order: r8-r15, rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp. */
    private static final int[] SIGCONTEXT_ORDER = {8, 9, 10, 11, 12, 13, 14, 15, 7, 6, 5, 3, 2, 0, 1, 4};

    @Override
    public boolean pushSignalFrame(UserContext ctx, AddressSpace as, long sp, int sig, long handler, long restorer,
                                   long blockedMask, int code, long faultAddr, int senderPid, long altSp, long altSize) {
        long fp = (sp - REDZONE - FXSAVE) & ~63L;
        long frame = ((fp - FRAME) & ~15L) - 8; // as after a call: (rsp + 8) 16-byte aligned
        if (!as.write(fp, fxsave(ctx), 0, FXSAVE)) return false;
        ByteBuffer b = ByteBuffer.allocate(FRAME).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(0, restorer);
        b.putLong(UC + UC_STACK, altSp);
        b.putInt(UC + UC_STACK + 8, altSize != 0 ? 0 : 2); // SS_DISABLE when no alternate stack
        b.putLong(UC + UC_STACK + 16, altSize);
        int mc = UC + UC_MCONTEXT;
        for (int i = 0; i < 16; i++) b.putLong(mc + 8 * i, ctx.gpr[SIGCONTEXT_ORDER[i]]);
        b.putLong(mc + 128, ctx.pc);
        b.putLong(mc + 136, ((ctx.gpr[RFLAGS] ^ RFLAGS_INIT) & USER_FLAGS) | RFLAGS_INIT);
        b.putShort(mc + 144, (short) USER_CS);
        b.putShort(mc + 150, (short) USER_SS);
        b.putLong(mc + 160, trapNumber());
        b.putLong(mc + 152, entryVector == 14 ? entryError : 0);
        b.putLong(mc + 168, blockedMask);
        b.putLong(mc + 176, faultAddr);
        b.putLong(mc + 184, fp);
        b.putLong(UC + UC_SIGMASK, blockedMask);
        b.putInt(SIGINFO, sig);
        b.putInt(SIGINFO + 8, code);
        if (faultAddr != 0) b.putLong(SIGINFO + 16, faultAddr); else b.putInt(SIGINFO + 16, senderPid);
        if (!as.write(frame, b.array(), 0, FRAME)) return false;
        ctx.gpr[X86Cpu.RDI] = sig;
        ctx.gpr[X86Cpu.RSI] = frame + SIGINFO;
        ctx.gpr[X86Cpu.RDX] = frame + UC;
        ctx.gpr[X86Cpu.RAX] = 0;
        ctx.gpr[X86Cpu.RSP] = frame;
        // the handler starts with DF clear (SysV ABI) and no single-step
        ctx.gpr[RFLAGS] = ((ctx.gpr[RFLAGS] ^ RFLAGS_INIT) & ~(LazyFlags.DF | LazyFlags.TF)) ^ RFLAGS_INIT;
        ctx.pc = handler;
        return true;
    }

    private long trapNumber() { return entryVector < 0 ? 0 : entryVector; }

    @Override
    public long popSignalFrame(UserContext ctx, AddressSpace as) {
        long frame = ctx.gpr[X86Cpu.RSP] - 8; // the handler's ret popped pretcode
        byte[] raw = new byte[FRAME];
        if (!as.read(frame, raw, 0, FRAME)) return -1;
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        int mc = UC + UC_MCONTEXT;
        for (int i = 0; i < 16; i++) ctx.gpr[SIGCONTEXT_ORDER[i]] = b.getLong(mc + 8 * i);
        ctx.pc = b.getLong(mc + 128);
        ctx.gpr[RFLAGS] = ((b.getLong(mc + 136) & USER_FLAGS) | RFLAGS_INIT) ^ RFLAGS_INIT;
        long fp = b.getLong(mc + 184);
        if (fp != 0) {
            byte[] fx = new byte[FXSAVE];
            if (!as.read(fp, fx, 0, FXSAVE)) return -1;
            fxrstor(ctx, fx);
        }
        return b.getLong(UC + UC_SIGMASK);
    }

    /** The 64-bit FXSAVE image (SDM Vol. 2 Table 3-53) of ctx's x87/SSE state. */
    static byte[] fxsave(UserContext ctx) {
        ByteBuffer b = ByteBuffer.allocate(FXSAVE).order(ByteOrder.LITTLE_ENDIAN);
        int fsw = (int) ctx.fpr[F_FSW], ftw = (int) (ctx.fpr[F_FTW] ^ FTW_INIT), top = (fsw >> 11) & 7;
        b.putShort(0, (short) (ctx.fpr[F_FCW] ^ FCW_INIT));
        b.putShort(2, (short) fsw);
        int abridged = 0;
        for (int i = 0; i < 8; i++) if (((ftw >> (2 * i)) & 3) != 3) abridged |= 1 << i;
        b.put(4, (byte) abridged);
        b.putShort(6, (short) ctx.fpr[F_FOP]);
        b.putInt(24, (int) (ctx.fpStatus ^ MXCSR_INIT));
        b.putInt(28, 0xffff);
        for (int i = 0; i < 8; i++) {
            int phys = (top + i) & 7;
            b.putLong(32 + 16 * i, ctx.fpr[F_SIG + phys]);
            b.putShort(40 + 16 * i, (short) ctx.fpr[F_EXP + phys]);
        }
        for (int i = 0; i < 32; i++) b.putLong(160 + 8 * i, ctx.fpr[i]);
        return b.array();
    }

    /** Loads an FXSAVE image into ctx (the full tag word is rebuilt: valid/zero/special from the register's bits). */
    static void fxrstor(UserContext ctx, byte[] fx) {
        ByteBuffer b = ByteBuffer.wrap(fx).order(ByteOrder.LITTLE_ENDIAN);
        int fsw = b.getShort(2) & 0xffff, top = (fsw >> 11) & 7, abridged = b.get(4) & 0xff;
        ctx.fpr[F_FCW] = (b.getShort(0) & 0xffff) ^ FCW_INIT;
        ctx.fpr[F_FSW] = fsw;
        ctx.fpr[F_FOP] = b.getShort(6) & 0x7ff;
        ctx.fpStatus = (b.getInt(24) & 0xffff) ^ MXCSR_INIT;
        int ftw = 0;
        for (int i = 0; i < 8; i++) {
            int phys = (top + i) & 7;
            long sig = b.getLong(32 + 16 * i);
            int exp = b.getShort(40 + 16 * i) & 0xffff;
            ctx.fpr[F_SIG + phys] = sig;
            ctx.fpr[F_EXP + phys] = exp;
            int tag;
            if ((abridged & (1 << phys)) == 0) tag = 3;
            else if ((exp & 0x7fff) == 0x7fff || (exp & 0x7fff) == 0 && sig != 0 || (exp & 0x7fff) != 0 && sig >= 0) tag = 2;
            else if ((exp & 0x7fff) == 0 && sig == 0) tag = 1;
            else tag = 0;
            ftw |= tag << (2 * phys);
        }
        ctx.fpr[F_FTW] = ftw ^ FTW_INIT;
        for (int i = 0; i < 32; i++) ctx.fpr[i] = b.getLong(160 + 8 * i);
    }
}
