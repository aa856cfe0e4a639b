package org.multios.kernel.arch.riscv;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.multios.core.elf.ElfFile;
import org.multios.core.irq.InterruptLine;
import org.multios.isa.riscv.RvCpu;
import org.multios.kernel.arch.ArchPort;
import org.multios.kernel.arch.PageTable;
import org.multios.kernel.arch.SyscallAbi;
import org.multios.kernel.arch.Trap;
import org.multios.kernel.arch.UserContext;
import org.multios.kernel.mm.AddressSpace;
import org.multios.kernel.mm.PageFrameAllocator;
import org.multios.kernel.mm.PhysicalMemory;

/**
 * The RISC-V (RV64GC, Sv39, S-mode kernel) port. The kernel's trap vector is one page of
 * real machine code, mapped supervisor-only at {@link #VECTOR_VA} in every address space:
 * <pre>
 *   +0x00  native-call 0   ; stvec: every S-mode trap (ecall from U, faults, interrupts)
 *   +0x04  sret
 *   +0x10  wfi             ; the idle loop (S-mode, interrupts on)
 *   +0x14  j .-4
 *   +0x20  native-call 1   ; mtvec: a trap reaching M-mode is a kernel bug
 * </pre>
 * So traps arrive by the architectural path and leave by a real {@code sret}; the Java
 * kernel only reads and writes the trapped state in between.
 */
public final class RiscvPort implements ArchPort {
    public static final long VECTOR_VA = 0xffff_ffff_ffff_f000L;
    public static final int CALL_TRAP = 0, CALL_MACHINE_TRAP = 1;
    public static final int MCAUSE = 0x342, MEPC = 0x341;
    static final int SSTATUS = 0x100, SIE = 0x104, STVEC = 0x105, SCOUNTEREN = 0x106, SEPC = 0x141, SCAUSE = 0x142,
            STVAL = 0x143, SATP = 0x180, MSTATUS = 0x300, MEDELEG = 0x302, MIDELEG = 0x303, MIE = 0x304, MTVEC = 0x305,
            MCOUNTEREN = 0x306, PMPCFG0 = 0x3a0, PMPADDR0 = 0x3b0, FCSR = 0x003;
    static final long SPP = 1L << 8, SPIE = 1L << 5, SIE_BIT = 1L << 1, FS_DIRTY = 3L << 13, FS_CLEAN = 2L << 13;
    /** User exceptions handled in S: misaligned/access/page faults, illegal, breakpoint, ecall from U. */
    static final long DELEGATED_EXCEPTIONS = (1 << 0) | (1 << 1) | (1 << 2) | (1 << 3) | (1 << 4) | (1 << 5) | (1 << 6) | (1 << 7)
            | (1 << 8) | (1 << 12) | (1 << 13) | (1 << 15);
    static final long S_INTERRUPTS = (1 << 1) | (1 << 5) | (1 << 9);
    static final long SYSCALL_RT_SIGRETURN = 139;

    private static final SyscallAbi ABI = new SyscallAbi(17, new int[] {10, 11, 12, 13, 14, 15}, 10, 2, 4, 1, 4);

    private final RvCpu cpu;
    private final PhysicalMemory mem;
    private final PageFrameAllocator frames;
    private final Sv39PageTable kernelTemplate;
    private final long vectorPa;
    private final InterruptLine stip;

    /** Sets up the vector page in a frame from frames and the kernel half of every page table. */
    public RiscvPort(RvCpu cpu, PhysicalMemory mem, PageFrameAllocator frames) {
        this.cpu = cpu;
        this.mem = mem;
        this.frames = frames;
        this.vectorPa = frames.allocate();
        mem.zeroPage(vectorPa);
        int[] code = new int[16];
        code[0] = nativeCall(CALL_TRAP);
        code[1] = 0x10200073; // sret
        code[4] = 0x10500073; // wfi
        code[5] = 0xffdff06f; // j .-4
        code[8] = nativeCall(CALL_MACHINE_TRAP);
        ByteBuffer b = ByteBuffer.allocate(code.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int c : code) b.putInt(c);
        mem.write(vectorPa, b.array(), 0, b.capacity());
        this.kernelTemplate = new Sv39PageTable(mem, frames, 0);
        kernelTemplate.map(VECTOR_VA, vectorPa, PageTable.PROT_READ | PageTable.PROT_EXEC);
        this.stip = cpu.interruptLine(5);
    }

    static int nativeCall(int n) { return (n << 20) | 0b0001011; }

    /**
     * What firmware would do before entering an S-mode kernel: PMP open to S/U, exceptions and
     * S interrupts delegated, counters readable, FP on, the S timer interrupt enabled, and the
     * trap vectors pointing at the vector page.
     */
    public void initHart() {
        cpu.writeCsr(PMPADDR0, -1L >>> 10);
        cpu.writeCsr(PMPCFG0, 0x1f); // NAPOT, R/W/X: all of physical memory for S and U
        cpu.writeCsr(MEDELEG, DELEGATED_EXCEPTIONS);
        cpu.writeCsr(MIDELEG, S_INTERRUPTS);
        cpu.writeCsr(MIE, 1L << 5);
        cpu.writeCsr(MCOUNTEREN, 7);
        cpu.writeCsr(SCOUNTEREN, 7);
        cpu.writeCsr(MTVEC, vectorPa + 0x20);
        cpu.writeCsr(STVEC, VECTOR_VA);
        cpu.writeCsr(SATP, kernelTemplate.satp());
        cpu.setPrivilege(1);
    }

    /**
     * A booted kernel's hart set-up: firmware already did the M-mode part (PMP, delegation,
     * menvcfg.STCE, counters), so only S-mode state is written: the trap vector, the kernel
     * page table, the S timer and external interrupt enables, and U's counter access.
     */
    public void initSupervisor() {
        cpu.writeCsr(STVEC, VECTOR_VA);
        cpu.writeCsr(SATP, kernelTemplate.satp());
        cpu.writeCsr(SIE, (1L << 5) | (1L << 9));
        cpu.writeCsr(SCOUNTEREN, 7);
    }

    /** Starts the hart in the idle loop: the kernel's first scheduling decision comes with the first trap. */
    public void enterIdleNow() {
        cpu.setPc(VECTOR_VA + 0x10);
        cpu.writeCsr(SSTATUS, (cpu.readCsr(SSTATUS) | SIE_BIT | FS_DIRTY) & ~SPP);
    }

    public RvCpu cpu() { return cpu; }

    @Override public String name() { return "riscv64"; }
    @Override public int elfMachine() { return ElfFile.EM_RISCV; }
    @Override public SyscallAbi abi() { return ABI; }
    @Override public UserContext newContext() { return new UserContext(ABI, 32, 32); }
    /**
     * Each address space gets its own ASID (1..65535, then around again; the kernel's template
     * keeps 0), so the hart's TLB keeps every process's entries across switches; a reused ASID is
     * invalidated first (SFENCE.VMA x0, asid).
     */
    @Override
    public PageTable newPageTable() {
        int asid = nextAsid;
        nextAsid = nextAsid == 0xffff ? 1 : nextAsid + 1;
        cpu.mmu().sfenceVma(false, 0, true, asid);
        return new Sv39PageTable(mem, frames, kernelTemplate.root(), asid);
    }

    private int nextAsid = 1;
    /** Sv39's lower half. */
    @Override public long userTop() { return 1L << 38; }

    @Override
    public long hwcap() {
        long h = 0;
        for (char c : "imafdc".toCharArray()) h |= 1L << (c - 'a');
        return h;
    }

    @Override
    public byte[] sigreturnTrampoline() {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt((int) ((SYSCALL_RT_SIGRETURN << 20) | (17 << 7) | 0x13)); // li a7, 139
        b.putInt(0x00000073); // ecall
        return b.array();
    }

    @Override
    public Trap trap() {
        long cause = cpu.csr.scause, tval = cpu.csr.stval;
        if (cause < 0) {
            return switch ((int) (cause & 63)) {
                case 5 -> new Trap(Trap.Kind.TIMER, 0, cause);
                case 9 -> new Trap(Trap.Kind.EXTERNAL, 0, cause);
                default -> new Trap(Trap.Kind.OTHER, 0, cause);
            };
        }
        Trap.Kind k = switch ((int) cause) {
            case 8 -> Trap.Kind.SYSCALL;
            case 1, 12 -> Trap.Kind.EXEC_FAULT;
            case 5, 13 -> Trap.Kind.READ_FAULT;
            case 7, 15 -> Trap.Kind.WRITE_FAULT;
            case 2 -> Trap.Kind.ILLEGAL_INSTRUCTION;
            case 3 -> Trap.Kind.BREAKPOINT;
            case 0, 4, 6 -> Trap.Kind.MISALIGNED;
            default -> Trap.Kind.OTHER;
        };
        return new Trap(k, tval, cause);
    }

    @Override
    public boolean trappedFromUser() { return (cpu.csr.mstatus & SPP) == 0; }

    // The trap gate's register traffic goes straight to the hart's register arrays and CSR fields
    // (what a kernel's trap entry does with loads and stores): these are the CSRs' own storage,
    // and every write below keeps the value its CSR's write rule would (sepc bit 0 clear, fcsr's
    // two fields, a legal Sv39 satp, sstatus through writeMstatus). Going through readCsr/writeCsr
    // by number cost a table lookup and an indirect call each, ten per syscall.

    /**
     * FP state is saved lazily: {@link #resumeUser} leaves sstatus.FS Clean, every instruction
     * that writes an f register or fcsr makes it Dirty, so a trap with FS still Clean means the
     * hart's FP registers are exactly what the context already holds.
     */
    @Override
    public void saveUserState(UserContext ctx) {
        System.arraycopy(cpu.x, 1, ctx.gpr, 1, 31);
        if ((cpu.csr.mstatus & FS_DIRTY) == FS_DIRTY) {
            System.arraycopy(cpu.f, 0, ctx.fpr, 0, 32);
            ctx.fpStatus = ((long) cpu.csr.frm << 5) | cpu.csr.fflags;
        }
        ctx.pc = cpu.csr.sepc;
    }

    @Override
    public void resumeUser(UserContext ctx, PageTable pt) {
        System.arraycopy(ctx.gpr, 1, cpu.x, 1, 31);
        System.arraycopy(ctx.fpr, 0, cpu.f, 0, 32);
        cpu.csr.fflags = (int) ctx.fpStatus & 0x1f;
        cpu.csr.frm = (int) (ctx.fpStatus >>> 5) & 7;
        cpu.csr.sepc = ctx.pc & ~1L;
        cpu.csr.satp = ((Sv39PageTable) pt).satp();
        // SPP = U, SPIE so sret enables interrupts, FS = Clean (see saveUserState); writeMstatus
        // reconfigures the MMU once for the new satp and status.
        cpu.csr.writeMstatus((cpu.csr.mstatus & ~(SPP | FS_DIRTY)) | SPIE | FS_CLEAN);
    }

    @Override
    public void resumeIdle() {
        cpu.writeCsr(SEPC, VECTOR_VA + 0x10);
        cpu.writeCsr(SSTATUS, cpu.readCsr(SSTATUS) | SPP | SPIE);
    }

    @Override public void flushTlb() { cpu.mmu().flushAll(); }

    /** SFENCE.VMA x0, asid for the table's ASID: other processes keep their entries. */
    @Override public void flushTlb(PageTable pt) { cpu.mmu().sfenceVma(false, 0, true, ((Sv39PageTable) pt).asid()); }

    @Override public void setTimerPending(boolean pending) { stip.set(pending); }

    // ---- signal frames (Linux arch/riscv: struct rt_sigframe { siginfo; ucontext }) ----
    static final int SIGINFO = 128, UC_SIGMASK = 40, UC_MCONTEXT = 176, FP_STATE = 256, FRAME = SIGINFO + UC_MCONTEXT + 256 + 528;

    @Override
    public boolean pushSignalFrame(UserContext ctx, AddressSpace as, long sp, int sig, long handler, long restorer,
                                   long blockedMask, int code, long faultAddr, int senderPid, long altSp, long altSize) {
        long frame = (sp - FRAME) & ~15L;
        ByteBuffer b = ByteBuffer.allocate(FRAME).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, sig);
        b.putInt(8, code);
        if (faultAddr != 0) b.putLong(16, faultAddr); else b.putInt(16, senderPid);
        int uc = SIGINFO;
        b.putLong(uc + 16, altSp);
        b.putInt(uc + 24, altSize != 0 ? 0 : 2); // SS_DISABLE when no alternate stack
        b.putLong(uc + 32, altSize);
        b.putLong(uc + UC_SIGMASK, blockedMask);
        int mc = uc + UC_MCONTEXT;
        b.putLong(mc, ctx.pc);
        for (int i = 1; i < 32; i++) b.putLong(mc + 8 * i, ctx.gpr[i]);
        for (int i = 0; i < 32; i++) b.putLong(mc + FP_STATE + 8 * i, ctx.fpr[i]);
        b.putInt(mc + FP_STATE + 256, (int) ctx.fpStatus);
        if (!as.write(frame, b.array(), 0, FRAME)) return false;
        ctx.gpr[10] = sig;
        ctx.gpr[11] = frame;
        ctx.gpr[12] = frame + uc;
        ctx.gpr[1] = restorer;
        ctx.gpr[2] = frame;
        ctx.pc = handler;
        return true;
    }

    @Override
    public long popSignalFrame(UserContext ctx, AddressSpace as) {
        long frame = ctx.gpr[2];
        byte[] raw = new byte[FRAME];
        if (!as.read(frame, raw, 0, FRAME)) return -1;
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        int mc = SIGINFO + UC_MCONTEXT;
        ctx.pc = b.getLong(mc);
        for (int i = 1; i < 32; i++) ctx.gpr[i] = b.getLong(mc + 8 * i);
        for (int i = 0; i < 32; i++) ctx.fpr[i] = b.getLong(mc + FP_STATE + 8 * i);
        ctx.fpStatus = b.getInt(mc + FP_STATE + 256) & 0xffL;
        return b.getLong(SIGINFO + UC_SIGMASK);
    }
}
