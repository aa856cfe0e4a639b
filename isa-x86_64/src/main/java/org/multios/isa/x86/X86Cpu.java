package org.multios.isa.x86;

import org.multios.core.bus.BusErrorException;
import org.multios.core.bus.MemoryRegion;
import org.multios.core.bus.PhysicalBus;
import org.multios.core.bus.RamRegion;
import org.multios.core.machine.Cpu;
import org.multios.core.time.VirtualClock;
import org.multios.isa.x86.decode.ByteSource;
import org.multios.isa.x86.decode.DecodeException;
import org.multios.isa.x86.decode.X86Decoder;
import org.multios.isa.x86.decode.X86Insn;
import org.multios.isa.x86.block.X86Uop;
import org.multios.isa.x86.block.X86UopCache;
import org.multios.isa.x86.block.X86UopCompiler;
import org.multios.isa.x86.exec.Executor;
import org.multios.isa.x86.mmu.X86PageWalker;

/**
 * One x86-64 logical processor: the architectural state (general registers, RIP, RFLAGS,
 * segment registers with their descriptor caches, control registers, descriptor-table
 * registers, MSRs), memory access through segmentation and paging, and the interpreter
 * loop (fetch, decode with {@link X86Decoder}, execute with {@link Executor}, deliver
 * exceptions and interrupts with {@link InterruptDelivery}).
 */
public final class X86Cpu implements Cpu {
    public static final int RAX = 0, RCX = 1, RDX = 2, RBX = 3, RSP = 4, RBP = 5, RSI = 6, RDI = 7;
    public static final long CR0_PE = 1, CR0_MP = 2, CR0_EM = 4, CR0_TS = 8, CR0_ET = 0x10, CR0_NE = 0x20,
            CR0_WP = 1L << 16, CR0_AM = 1L << 18, CR0_NW = 1L << 29, CR0_CD = 1L << 30, CR0_PG = 1L << 31;
    public static final long CR4_PSE = 0x10, CR4_PAE = 0x20, CR4_PGE = 0x80, CR4_OSFXSR = 0x200,
            CR4_OSXMMEXCPT = 0x400, CR4_OSXSAVE = 0x40000;
    public static final long EFER_SCE = 1, EFER_LME = 0x100, EFER_LMA = 0x400, EFER_NXE = 0x800;

    private final int index;
    public final PhysicalBus bus;
    public final VirtualClock clock;
    public final X86PageWalker walker;
    public final Msrs msrs = new Msrs(this);
    public final Cpuid cpuid = new Cpuid();
    public final InterruptDelivery interrupts = new InterruptDelivery(this);
    private X86Insn insn = new X86Insn();
    private final org.multios.isa.x86.decode.DecodedPageCache decoded;
    private final Executor executor;
    private final X86UopCache uops;

    public final long[] gpr = new long[16];
    public long rip;
    public final LazyFlags flags = new LazyFlags();
    public final Segment[] seg = new Segment[6];
    public final Segment ldtr = new Segment(), tr = new Segment();
    public long gdtBase, idtBase;
    public int gdtLimit, idtLimit;
    public long cr0, cr2, cr3, cr4, cr8, efer;
    public final long[] dr = new long[8];
    public int cpl;
    /** Current code size (16, 32, 64) and stack address size in bytes, from CS/SS and the mode. */
    public int codeBits = 16, stackSize = 2;
    /**
     * x87 state (SDM Vol. 1 chapter 8): control word, status word (TOP in bits 13:11), the
     * tag word in its full two-bit form, the last instruction/operand pointers and opcode,
     * and the eight physical registers R0-R7 as sign+exponent (16 bits) and 64-bit
     * significand. ST(i) is R((TOP + i) mod 8). MXCSR for SSE.
     */
    public int fpuControl = 0x37f, fpuStatus, fpuTag = 0xffff, mxcsr = 0x1f80;
    public int fpuOpcode;
    public long fpuIp, fpuDp;
    public final int[] fpuExp = new int[8];
    public final long[] fpuSig = new long[8];
    /**
     * The source of RDRAND/RDSEED: a fixed seed by default, so that runs are repeatable;
     * a board may replace it (for example with a SecureRandom).
     */
    public java.util.random.RandomGenerator random = new java.util.SplittableRandom(0x5eed_0f_7a_d0_aL);
    /** XCR0 (XSETBV/XGETBV): x87 always, SSE state when software enables it. */
    public long xcr0 = 1;
    /** XMM0-15 as pairs of longs (low, high). */
    public final long[] xmm = new long[32];

    public IoPorts io = new IoPorts() {
        @Override public long in(int port, int size) { return -1L; }
        @Override public void out(int port, int size, long value) {}
    };
    public InterruptSource intr = InterruptSource.NONE;
    /** Called on the native-call instruction (VMCALL) when set; see DESIGN "MultiOS". */
    public java.util.function.Consumer<X86Cpu> vmcallHandler;
    /** Host hook for a triple fault or a reset request (the board resets the machine). */
    public Runnable resetRequest = () -> {};

    /** Diagnostics: told about every exception an instruction raises (vector, address, reason). */
    public java.util.function.Consumer<String> faultTrace;

    public boolean halted;
    /** The debugger's hooks, or null (always, without breakpoints, watchpoints or a step to watch for). */
    private org.multios.core.debug.DebugHooks debugHooks;
    /** Interrupts stay blocked for one instruction after STI and MOV SS/POP SS. */
    public boolean interruptShadow;
    private volatile boolean exitRequested;
    private long retiredInRun;
    public long instructionStart;
    /** Instructions retired since reset (for RDTSC when no clock advances). */
    public long retired;

    // Small direct-mapped TLB: linear page -> physical page, with permission bits.
    private static final int TLB_SIZE = 512;
    private final long[] tlbTag = new long[TLB_SIZE];
    private final long[] tlbPhys = new long[TLB_SIZE];
    private final byte[] tlbPerm = new byte[TLB_SIZE];
    private static final byte PERM_WRITE = 1, PERM_USER = 2, PERM_EXEC = 4;
    private RamRegion lastRam;

    private final ByteSource fetcher = this::fetchByte;

    public X86Cpu(int index, PhysicalBus bus, VirtualClock clock) {
        this.index = index;
        this.bus = bus;
        this.clock = clock;
        this.walker = new X86PageWalker(bus);
        this.decoded = new org.multios.isa.x86.decode.DecodedPageCache(bus);
        this.uops = new X86UopCache(bus);
        for (int i = 0; i < 6; i++) seg[i] = new Segment();
        this.executor = new Executor(this);
        reset();
    }

    @Override public int index() { return index; }

    /** Power-on state (SDM Vol. 3 Table 9-1): real mode, CS = F000 with base FFFF0000, IP = FFF0. */
    @Override
    public void reset() {
        java.util.Arrays.fill(gpr, 0);
        gpr[RDX] = 0x600; // family/model/stepping of the processor (CPUID.1:EAX)
        rip = 0xfff0;
        flags.set(2);
        for (Segment s : seg) {
            s.selector = 0;
            s.base = 0;
            s.limit = 0xffff;
            s.attributes = 0x93;
        }
        seg[Segment.CS].selector = 0xf000;
        seg[Segment.CS].base = 0xffff0000L;
        seg[Segment.CS].attributes = 0x9b;
        ldtr.selector = 0; ldtr.base = 0; ldtr.limit = 0xffff; ldtr.attributes = 0x82;
        tr.selector = 0; tr.base = 0; tr.limit = 0xffff; tr.attributes = 0x8b;
        gdtBase = idtBase = 0;
        gdtLimit = idtLimit = 0xffff;
        cr0 = CR0_ET | CR0_CD | CR0_NW;
        cr2 = cr3 = cr4 = cr8 = efer = 0;
        java.util.Arrays.fill(dr, 0);
        dr[6] = 0xffff0ff0L;
        dr[7] = 0x400;
        cpl = 0;
        fpuControl = 0x40; // power-on (SDM Table 9-1); FNINIT gives 0x37f
        fpuStatus = 0;
        fpuTag = 0x5555; // registers valid (all zero) after reset
        fpuOpcode = 0;
        fpuIp = fpuDp = 0;
        java.util.Arrays.fill(fpuExp, 0);
        java.util.Arrays.fill(fpuSig, 0);
        mxcsr = 0x1f80;
        xcr0 = 1;
        java.util.Arrays.fill(xmm, 0);
        msrs.reset();
        halted = false;
        interruptShadow = false;
        retired = 0;
        modeChanged();
    }

    // ---------------------------------------------------------------- run loop

    @Override
    public long run(long maxInstructions) {
        exitRequested = false;
        long n = 0;
        retiredInRun = 0;
        while (n < maxInstructions && !exitRequested) {
            if (!interruptShadow && (flags.bits & LazyFlags.IF) != 0 && intr.pending()) {
                halted = false;
                int vector = intr.acknowledge();
                if (vector >= 0) interrupts.deliver(vector, false, 0, false, rip);
            }
            if (halted) break;
            org.multios.core.debug.DebugHooks hooks = debugHooks;
            if (hooks != null && hooks.beforeInstruction(index, linearPc())) break;
            interruptShadow = false;
            instructionStart = rip;
            try {
                step();
            } catch (X86Fault f) {
                rip = instructionStart;
                if (faultTrace != null) faultTrace.accept(String.format("#%d at %x:%x (%s)", f.vector, seg[Segment.CS].selector, rip, f.getMessage()));
                interrupts.deliverException(f.vector, f.hasErrorCode, f.errorCode);
            } catch (X86PageWalker.PageFault pf) {
                rip = instructionStart;
                cr2 = pf.linear;
                interrupts.deliverException(X86Fault.PF, true, pf.errorCode);
            }
            n++;
            retiredInRun = n;
        }
        retired += n;
        return n;
    }

    /** Instructions retired so far in the current {@link #run} (devices read time through it). */
    public void syncClock() { clock.setInFlight(retiredInRun); }

    @Override public boolean isWaiting() { return halted; }

    /** HLT with IF = 0 waits for nothing this CPU models (no NMI, no SMI, no INIT): firmware parked for good. */
    @Override public boolean canWake() { return (flags.get() & LazyFlags.IF) != 0; }

    /** Installs (or with null removes) the GDB stub's hooks; see {@link org.multios.core.debug.DebugHooks}. */
    public void setDebugHooks(org.multios.core.debug.DebugHooks hooks) { this.debugHooks = hooks; }

    /** The linear address of the next instruction (CS base + RIP; RIP itself in 64-bit code). */
    public long linearPc() { return codeBits == 64 ? rip : (seg[Segment.CS].base + rip) & 0xffffffffL; }

    @Override public long pc() { return seg[Segment.CS].base + rip; }

    @Override public void requestExit() { exitRequested = true; }

    // ---------------------------------------------------------------- modes

    /** Recomputes the derived mode state after CR0/CR4/EFER/CS/SS change. */
    public void modeChanged() {
        boolean lma = (efer & EFER_LMA) != 0;
        Segment cs = seg[Segment.CS];
        if ((cr0 & CR0_PE) == 0) {
            codeBits = 16;
            stackSize = 2;
        } else if (lma && cs.longMode()) {
            codeBits = 64;
            stackSize = 8;
        } else {
            codeBits = cs.big() ? 32 : 16;
            stackSize = seg[Segment.SS].big() ? 4 : 2;
        }
        walker.cr3 = cr3;
        walker.pae = (cr4 & CR4_PAE) != 0;
        walker.pse = (cr4 & CR4_PSE) != 0;
        walker.wp = (cr0 & CR0_WP) != 0;
        walker.nxe = (efer & EFER_NXE) != 0;
        walker.longMode = lma;
        flushTlb();
    }

    public boolean longMode() { return (efer & EFER_LMA) != 0; }

    public boolean protectedMode() { return (cr0 & CR0_PE) != 0; }

    public void writeCr0(long v) {
        v |= CR0_ET;
        if ((v & CR0_PG) != 0 && (v & CR0_PE) == 0) throw X86Fault.gp(0, "CR0.PG without PE");
        if ((v & CR0_PG) != 0 && (cr0 & CR0_PG) == 0 && (efer & EFER_LME) != 0) {
            if ((cr4 & CR4_PAE) == 0) throw X86Fault.gp(0, "long mode needs CR4.PAE");
            efer |= EFER_LMA;
        } else if ((v & CR0_PG) == 0) {
            efer &= ~EFER_LMA;
        }
        cr0 = v;
        modeChanged();
    }

    public void writeCr4(long v) { cr4 = v; modeChanged(); }

    public void writeCr3(long v) { cr3 = v; modeChanged(); }

    public void writeEfer(long v) {
        long keep = efer & EFER_LMA;
        efer = (v & (EFER_SCE | EFER_LME | EFER_NXE)) | keep;
        modeChanged();
    }

    // ---------------------------------------------------------------- registers

    /** Register {@code r} at {@code size} bytes; byte registers 4-7 are AH-BH unless a REX prefix is present. */
    public long reg(int r, int size, boolean rex) {
        long v = gpr[r & 15];
        return switch (size) {
            case 1 -> (!rex && r >= 4 && r < 8) ? (gpr[r - 4] >>> 8) & 0xff : v & 0xff;
            case 2 -> v & 0xffff;
            case 4 -> v & 0xffffffffL;
            default -> v;
        };
    }

    /** Writes a register; 32-bit writes zero the upper half, 8- and 16-bit writes merge. */
    public void setReg(int r, int size, boolean rex, long v) {
        switch (size) {
            case 1 -> {
                if (!rex && r >= 4 && r < 8) gpr[r - 4] = (gpr[r - 4] & ~0xff00L) | ((v & 0xff) << 8);
                else gpr[r] = (gpr[r] & ~0xffL) | (v & 0xff);
            }
            case 2 -> gpr[r] = (gpr[r] & ~0xffffL) | (v & 0xffff);
            case 4 -> gpr[r] = v & 0xffffffffL;
            default -> gpr[r] = v;
        }
    }

    // ---------------------------------------------------------------- memory

    public void flushTlb() {
        codeLinearPage = -1;
        java.util.Arrays.fill(tlbTag, -1L);
    }

    public void invalidatePage(long linear) {
        int i = (int) ((linear >>> 12) & (TLB_SIZE - 1));
        tlbTag[i] = -1L;
        codeLinearPage = -1;
    }

    /** In long mode bits 63:47 of a linear address must all equal bit 47, else #GP(0) (SDM Vol. 1 3.3.7.1). */
    private void checkCanonical(long linear) {
        if ((efer & EFER_LMA) != 0 && (linear << 16 >> 16) != linear) throw X86Fault.gp(0, "non-canonical address");
    }

    /** Linear to physical through paging (when enabled), with the TLB. */
    public long translate(long linear, int access) {
        if ((cr0 & CR0_PG) == 0) {
            checkCanonical(linear);
            return linear & 0xffffffffL;
        }
        long page = linear >>> 12;
        int i = (int) (page & (TLB_SIZE - 1));
        boolean user = cpl == 3;
        if (tlbTag[i] == page) {
            byte p = tlbPerm[i];
            boolean ok = switch (access) {
                case X86PageWalker.WRITE -> (p & PERM_WRITE) != 0 || (!user && (cr0 & CR0_WP) == 0);
                case X86PageWalker.EXECUTE -> (p & PERM_EXEC) != 0;
                default -> true;
            };
            if (ok && (!user || (p & PERM_USER) != 0)) {
                if (access != X86PageWalker.WRITE || (p & 8) != 0) return tlbPhys[i] | (linear & 0xfff);
            }
        }
        // long mode: bits 63:47 must all equal bit 47, or the access is #GP(0) before any walk (SDM Vol. 1
        // 3.3.7.1); a non-canonical page never enters the TLB, so the hit path above needs no check
        checkCanonical(linear);
        long pa = walker.translate(linear, access, user);
        tlbTag[i] = page;
        tlbPhys[i] = pa & ~0xfffL;
        // bit 3: the dirty bit is known set (this walk was a write), so later writes skip the walk
        tlbPerm[i] = (byte) ((walker.lastWritable ? PERM_WRITE : 0) | (walker.lastUser ? PERM_USER : 0)
                | (walker.lastExecutable ? PERM_EXEC : 0) | (access == X86PageWalker.WRITE ? 8 : 0));
        return pa;
    }

    public long readPhys(long pa, int size) {
        RamRegion r = lastRam;
        if (r != null && Long.compareUnsigned(pa - r.base(), r.size() - size) <= 0) return r.read(pa - r.base(), size);
        MemoryRegion m = bus.find(pa);
        if (m instanceof RamRegion ram) lastRam = ram;
        try {
            return bus.read(pa, size);
        } catch (BusErrorException e) {
            return -1L; // nothing decodes the address: the bus floats high
        }
    }

    public void writePhys(long pa, int size, long v) {
        try {
            bus.write(pa, size, v);
        } catch (BusErrorException e) {
            // writes to ROM or to nothing are dropped, as on a PC
        }
    }

    /** Reads {@code size} bytes at a linear address (page-crossing accesses split per byte). */
    public long readLinear(long linear, int size, int access) {
        org.multios.core.debug.DebugHooks hooks = debugHooks;
        if (hooks != null && access != X86PageWalker.EXECUTE) watch(hooks, linear, size, false);
        if (((linear & 0xfff) + size) > 0x1000) {
            long v = 0;
            for (int i = 0; i < size; i++) v |= (readPhys(translate(linear + i, access), 1) & 0xff) << (8 * i);
            return v;
        }
        long v = readPhys(translate(linear, access), size);
        return size == 8 ? v : v & LazyFlags.mask(size);
    }

    public void writeLinear(long linear, int size, long v) {
        org.multios.core.debug.DebugHooks hooks = debugHooks;
        if (hooks != null) watch(hooks, linear, size, true);
        if (((linear & 0xfff) + size) > 0x1000) {
            long[] pas = new long[size];
            for (int i = 0; i < size; i++) pas[i] = translate(linear + i, X86PageWalker.WRITE);
            for (int i = 0; i < size; i++) writePhys(pas[i], 1, v >>> (8 * i));
            return;
        }
        writePhys(translate(linear, X86PageWalker.WRITE), size, v);
    }

    /** Reports a data access on a watched page to the debugger, once it is known not to fault. */
    private void watch(org.multios.core.debug.DebugHooks hooks, long linear, int size, boolean write) {
        if (!hooks.watchesPage(linear) && !hooks.watchesPage(linear + size - 1)) return;
        translate(linear, write ? X86PageWalker.WRITE : X86PageWalker.READ); // a fault is raised before the stop is recorded
        hooks.dataAccess(index, linear, size, write);
    }

    /** Segment base plus offset (the offset already truncated to the address size). */
    public long linear(int segment, long offset) {
        if (codeBits == 64 && segment < Segment.FS) return offset;
        long lin = seg[segment].base + offset;
        return codeBits == 64 ? lin : lin & 0xffffffffL;
    }

    public long read(int segment, long offset, int size) {
        return readLinear(linear(segment, offset), size, X86PageWalker.READ);
    }

    public void write(int segment, long offset, int size, long v) {
        writeLinear(linear(segment, offset), size, v);
    }

    /**
     * The last code page step() translated (linear page, physical page, the CPL it was checked
     * for): straight-line code stays on one page, so most instructions skip the TLB. Dropped
     * with the TLB (flushTlb, invalidatePage: paging or mode changes, INVLPG, CR3 writes).
     */
    private long codeLinearPage = -1, codePhysPage;
    private int codePageCpl = -1;

    /**
     * Executes the instruction at RIP: its pre-resolved form ({@link X86UopCache}) when it has
     * one, else the Executor over its decoding (which is then compiled for the next time).
     */
    private void step() {
        long ip = rip;
        long lin = codeBits == 64 ? ip : (seg[Segment.CS].base + ip) & 0xffffffffL;
        long pa;
        if ((lin >>> 12) == codeLinearPage && cpl == codePageCpl) {
            pa = codePhysPage | (lin & 0xfff);
        } else {
            pa = translate(lin, X86PageWalker.EXECUTE);
            codeLinearPage = lin >>> 12;
            codePhysPage = pa & ~0xfffL;
            codePageCpl = cpl;
        }
        X86Uop u = uops.lookup(pa, codeBits);
        if (u != null) {
            insn = u.insn;
            if (!u.execute(this)) executor.execute(u.insn);
            return;
        }
        X86Insn i = fetchDecoded();
        insn = i;
        // compiled only when the decoding was cached (within one page, no 16-bit IP wrap)
        if (decoded.lookup(pa, codeBits) == i) uops.store(pa, X86UopCompiler.compile(i, codeBits));
        executor.execute(i);
    }

    /** The instruction at RIP, from the decoded-page cache or freshly decoded. */
    private X86Insn fetchDecoded() {
        long ip = rip;
        long lin = codeBits == 64 ? ip : (seg[Segment.CS].base + ip) & 0xffffffffL;
        long pa = translate(lin, X86PageWalker.EXECUTE);
        X86Insn i = decoded.lookup(pa, codeBits);
        if (i != null) return i;
        i = new X86Insn();
        try {
            prefetch();
            X86Decoder.decode(fetcher, codeBits, i);
        } catch (DecodeException e) {
            throw X86Fault.ud(e.getMessage());
        }
        // 16-bit code wraps IP at 64 KiB: such instructions are not cached (rare)
        if (codeBits != 16 || ip + i.length <= 0x10000) decoded.store(pa, i);
        return i;
    }

    private final byte[] fetchBuffer = new byte[16];
    private int fetchValid;

    /**
     * Copies the next 16 code bytes in one go when they lie in one RAM/ROM page, so the
     * length decoder does not translate each byte; otherwise bytes are fetched one by one.
     */
    private void prefetch() {
        fetchValid = 0;
        long ip = rip;
        if (codeBits == 16 && ip > 0xfff0) return;
        long lin = codeBits == 64 ? ip : (seg[Segment.CS].base + ip) & 0xffffffffL;
        if ((lin & 0xfff) > 0x1000 - 16) return;
        long pa = translate(lin, X86PageWalker.EXECUTE);
        RamRegion r = lastRam;
        if (r == null || Long.compareUnsigned(pa - r.base(), r.size() - 16) > 0) {
            if (!(bus.find(pa) instanceof RamRegion ram)) return;
            r = lastRam = ram;
            if (Long.compareUnsigned(pa - r.base(), r.size() - 16) > 0) return;
        }
        java.lang.foreign.MemorySegment.copy(r.segment(), RamRegion.BYTE, pa - r.base(), fetchBuffer, 0, 16);
        fetchValid = 16;
    }

    private int fetchByte(int offset) {
        if (offset < fetchValid) return fetchBuffer[offset] & 0xff;
        if (offset >= X86Decoder.MAX_LENGTH) throw X86Fault.gp(0, "instruction too long");
        long ip = rip + offset;
        if (codeBits != 64) ip &= codeBits == 16 ? 0xffff : 0xffffffffL;
        long lin = codeBits == 64 ? ip : (seg[Segment.CS].base + ip) & 0xffffffffL;
        return (int) readLinear(lin, 1, X86PageWalker.EXECUTE) & 0xff;
    }

    // ---------------------------------------------------------------- stack

    public void push(long v, int size) {
        long sp = (gpr[RSP] - size) & LazyFlags.mask(stackSize);
        write(Segment.SS, sp, size, v);
        setReg(RSP, stackSize, true, sp);
    }

    public long pop(int size) {
        long sp = gpr[RSP] & LazyFlags.mask(stackSize);
        long v = read(Segment.SS, sp, size);
        setReg(RSP, stackSize, true, sp + size);
        return v;
    }

    // ---------------------------------------------------------------- segments

    /** Reads the 8-byte descriptor a selector names in the GDT or LDT; #GP(selector) past the limit. */
    public long descriptor(int selector) {
        boolean ldt = (selector & 4) != 0;
        long base = ldt ? ldtr.base : gdtBase;
        long limit = ldt ? ldtr.limit : gdtLimit;
        int off = selector & ~7;
        if (off + 7 > limit) throw X86Fault.gp(selector & ~3, "selector beyond table limit");
        return systemRead(base + off);
    }

    /**
     * An implicit supervisor-mode access (SDM Vol. 3 4.6: GDT/LDT/IDT/TSS accesses are
     * supervisor accesses whatever the CPL): reads 8 bytes as if CPL were 0.
     */
    public long systemRead(long linear) {
        int saved = cpl;
        cpl = 0;
        try {
            return readLinear(linear, 8, X86PageWalker.READ);
        } finally {
            cpl = saved;
        }
    }

    /** MOV/POP to a segment register, LDS & co., far transfers: loads selector and descriptor cache. */
    public void loadSegment(int s, int selector) {
        Segment sg = seg[s];
        if (!protectedMode() || (flags.bits & LazyFlags.VM) != 0) {
            sg.loadReal(selector);
            if (s == Segment.CS) modeChanged();
            return;
        }
        if ((selector & ~3) == 0) {
            if (s == Segment.CS || (s == Segment.SS && !(codeBits == 64 && cpl < 3))) throw X86Fault.gp(0, "null selector");
            sg.selector = selector;
            sg.base = 0;
            sg.limit = 0;
            sg.attributes = 0;
            return;
        }
        long d = descriptor(selector);
        if ((d & (1L << 47)) == 0) {
            throw new X86Fault(s == Segment.SS ? X86Fault.SS : X86Fault.NP, selector & ~3, true, "segment not present");
        }
        sg.loadDescriptor(selector, d);
        // set the accessed bit as the processor does
        if ((d & (1L << 40)) == 0) {
            long addr = ((selector & 4) != 0 ? ldtr.base : gdtBase) + (selector & ~7) + 5;
            writeLinear(addr, 1, (d >>> 40) | 1);
        }
        if (s == Segment.CS) {
            cpl = selector & 3;
            modeChanged();
        } else if (s == Segment.SS) {
            modeChanged();
        }
    }

    /** Loads CS for a far transfer in protected/long mode, honouring the target's size bits. */
    public void loadCs(int selector) {
        loadSegment(Segment.CS, selector);
    }

    public X86Insn currentInsn() { return insn; }

    /** Marks every x87 register empty (EMMS, FNINIT, FFREE of all). */
    public void fpuTagsEmpty() { fpuTag = 0xffff; }
}
