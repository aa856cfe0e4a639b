package org.multios.isa.riscv;

import java.util.function.LongSupplier;
import org.multios.core.bus.PhysicalBus;
import org.multios.core.bus.RamRegion;
import org.multios.core.cache.BlockCache;
import org.multios.core.debug.DebugHooks;
import org.multios.core.irq.InterruptLine;
import org.multios.core.machine.Cpu;
import org.multios.core.mmu.SoftTlb;
import org.multios.core.time.VirtualClock;
import org.multios.core.trace.TraceSink;
import org.multios.isa.riscv.block.RvBlock;
import org.multios.isa.riscv.block.RvBlockBuilder;
import org.multios.isa.riscv.csr.Mstatus;
import org.multios.isa.riscv.csr.RvCsrFile;
import org.multios.isa.riscv.exec.CommitLog;
import org.multios.isa.riscv.exec.RvExecutor;
import org.multios.isa.riscv.exec.RvFloatArith;
import org.multios.isa.riscv.mmu.RvMmu;
import org.multios.isa.riscv.trap.RvTrap;
import org.multios.isa.riscv.trap.RvTrapUnit;

/**
 * One RISC-V hart: RV64IMAFDC + Zicsr + Zifencei + Zba/Zbb/Zbs with M, S and U modes,
 * Sv39/Sv48 and PMP. See {@code docs/riscv-cpu.md} for the design.
 * <p>
 * The run loop finds the decoded block for the pc (chain link, then the per-hart jump
 * cache, then the shared {@link BlockCache} by physical pc and privilege, then decoding),
 * runs it, and between blocks takes pending interrupts, honours {@link #requestExit()} and
 * publishes progress to the virtual clock.
 */
public final class RvCpu implements Cpu {
    // ---- architectural state (public for the executor packages) ----
    /** x0..x31, plus index 32: a write-only sink that stands in for x0 as a destination. */
    public final long[] x = new long[33];
    /** f0..f31 as raw 64-bit patterns (binary32 values NaN-boxed). */
    public final long[] f = new long[32];
    public long pc;
    private int priv = 3;
    public final RvCsrFile csr = new RvCsrFile(this);
    public final RvFloatArith fpu = new RvFloatArith();
    /** LR reservation: virtual address, size (0 = none) and the value LR read. */
    public long reservationAddr, reservationValue;
    /** Index of the instruction a compiled block is executing when it may trap. */
    public int jitIndex;
    /** Instructions retired by earlier iterations of a compiled self-loop. */
    public int jitBase;
    public int reservationSize;

    private final int hartId;
    private final PhysicalBus bus;
    private final VirtualClock clock;
    private final BlockCache<RvBlock> cache;
    private final RvMmu mmu;
    private final RvExecutor executor;

    private LongSupplier timeSource;
    private long resetVector = 0x8000_0000L;
    private final long[] resetRegs = new long[32];
    private final boolean[] resetRegSet = new boolean[32];
    private NativeCallHandler nativeCallHandler;
    private CommitLog commitLog;
    /** Debugger hooks (breakpoints, watchpoints, stepping); null when there is nothing to check. */
    private DebugHooks debugHooks;

    private volatile boolean exitRequested;
    private boolean waiting;
    private boolean trapTaken;
    /** Instructions retired since reset, not counting the running block. */
    private long retired;
    /** Index in the running block of the instruction in the slow path (for counters and time). */
    private int blockIndex;
    private long runStart;

    // Per-hart jump cache in front of the shared block cache: virtual pc → block.
    private static final int JC_BITS = 12, JC_MASK = (1 << JC_BITS) - 1;
    private final RvBlock[] jcBlock = new RvBlock[1 << JC_BITS];
    private final long[] jcPc = new long[1 << JC_BITS];
    private final long[] jcGen = new long[1 << JC_BITS];

    public RvCpu(int hartId, PhysicalBus bus, VirtualClock clock, BlockCache<RvBlock> sharedCache) {
        this.hartId = hartId;
        this.bus = bus;
        this.clock = clock;
        this.cache = sharedCache;
        this.mmu = new RvMmu(bus);
        this.executor = new RvExecutor(this);
        reset();
    }

    /** Convenience for tests and single-hart machines: a hart with its own block cache. */
    public static RvCpu create(PhysicalBus bus, VirtualClock clock) {
        return new RvCpu(0, bus, clock, new BlockCache<>(bus));
    }

    // ---- configuration ----

    /** A level input driving bit {@code mipBit} of mip (1 SSIP, 3 MSIP, 5 STIP, 7 MTIP, 9 SEIP, 11 MEIP). */
    public InterruptLine interruptLine(int mipBit) {
        if (mipBit < 0 || mipBit > 11 || ((RvCsrFile.ALL_INTERRUPTS >>> mipBit) & 1) == 0) {
            throw new IllegalArgumentException("no interrupt at mip bit " + mipBit);
        }
        long bit = 1L << mipBit;
        return level -> setLine(bit, level);
    }

    private synchronized void setLine(long bit, boolean level) {
        csr.mipLines = level ? csr.mipLines | bit : csr.mipLines & ~bit;
    }

    /** The value of the {@code time} CSR (CLINT mtime). Without one, time = virtual ns / 100 (10 MHz). */
    public void setTimeSource(LongSupplier mtime) { this.timeSource = mtime; }

    public void setResetVector(long pc) { this.resetVector = pc; }

    public void setResetRegister(int xreg, long value) {
        if (xreg <= 0 || xreg > 31) throw new IllegalArgumentException("x" + xreg);
        resetRegs[xreg] = value;
        resetRegSet[xreg] = true;
    }

    /** Turns the per-instruction commit log on (a sink) or off (null). */
    public void setTrace(TraceSink sink) {
        commitLog = sink == null ? null : new CommitLog(this, sink);
        mmu.setRecordStores(sink != null);
    }

    public void setNativeCallHandler(NativeCallHandler h) { this.nativeCallHandler = h; }

    public NativeCallHandler nativeCallHandler() { return nativeCallHandler; }

    /**
     * Installs debugger hooks (null removes them). With hooks the hart runs one instruction
     * per step and asks {@link DebugHooks#beforeInstruction} before each; loads and stores to
     * watched pages take the MMU slow path and are reported.
     */
    public void setDebugHooks(DebugHooks hooks) {
        this.debugHooks = hooks;
        mmu.setDebugHooks(hooks, hartId);
    }

    /** Drops every TLB entry (a debugger that set a watchpoint, or changed memory mappings). */
    public void flushTlb() { mmu.flushAll(); }

    // ---- state access ----

    public long xreg(int i) { return i == 0 ? 0 : x[i]; }

    public void setXreg(int i, long v) { if (i != 0) x[i] = v; }

    public long freg(int i) { return f[i]; }

    public void setFreg(int i, long v) { f[i] = v; }

    @Override
    public long pc() { return pc; }

    public void setPc(long pc) { this.pc = pc; }

    /** 0 = U, 1 = S, 3 = M. */
    public int privilege() { return priv; }

    /** Debug read of a CSR (no access checks, no side effects); -1 if it does not exist. */
    public long readCsr(int number) { return csr.debugRead(number); }

    /** Privileged write of a CSR (native-call handlers, debuggers): WARL rules apply, access checks do not. */
    public void writeCsr(int number, long value) { csr.debugWrite(number, value); }

    /** Instructions retired since reset. */
    public long instret() { return retired + blockIndex; }

    public RvMmu mmu() { return mmu; }

    public PhysicalBus bus() { return bus; }

    @Override
    public int index() { return hartId; }

    // ---- hooks for the CSR file and executor ----

    /** mstatus, satp or privilege changed: update which translation applies. */
    public void statusChanged() { mmu.configure(priv, csr.mstatus, csr.satp); }

    public void markFpDirty() { csr.mstatus |= Mstatus.FS_DIRTY; }

    /** Retired count as the counters see it before the instruction now executing. */
    public long retiredForCounters() { return retired + blockIndex; }

    /** Virtual nanoseconds per tick of the {@code time} CSR (10 MHz, as the CLINT's mtime). */
    public static final long NANOS_PER_TIME_TICK = 100;

    public VirtualClock clock() { return clock; }

    public long time() {
        return timeSource != null ? timeSource.getAsLong() : clock.preciseNanos() / NANOS_PER_TIME_TICK;
    }

    /** Called before an instruction leaves the fast path: counters and time see its position. */
    public void enterSlowPath(int indexInBlock) {
        blockIndex = indexInBlock;
        clock.setInFlight(retired - runStart + indexInBlock);
    }

    public void setPrivilege(int p) {
        priv = p;
        statusChanged();
    }

    /** Takes a synchronous exception at the current pc. */
    public void takeTrap(RvTrap t) {
        RvTrapUnit.enter(this, t.cause, false, t.tval);
        trapTaken = true;
    }

    /** The same for an exception raised without an RvTrap object (ECALL, EBREAK). */
    public void takeTrap(int cause, long tval) {
        RvTrapUnit.enter(this, cause, false, tval);
        trapTaken = true;
    }

    /** MRET ({@code machine}) or SRET. */
    public void trapReturn(boolean machine) {
        RvTrapUnit.trapReturn(this, machine);
    }

    /** A compiled loop may run another iteration: no exit request, no pending enabled interrupt. */
    public boolean loopMayContinue() {
        return !exitRequested && (csr.mip() & csr.mie) == 0;
    }

    public void waitForInterrupt() {
        if ((csr.mip() & csr.mie) == 0) waiting = true;
    }

    // ---- Cpu ----

    @Override
    public void reset() {
        java.util.Arrays.fill(x, 0);
        java.util.Arrays.fill(f, 0);
        for (int i = 1; i < 32; i++) if (resetRegSet[i]) x[i] = resetRegs[i];
        csr.reset();
        mmu.pmp.reset();
        priv = 3;
        pc = resetVector;
        reservationSize = 0;
        waiting = false;
        retired = 0;
        blockIndex = 0;
        statusChanged();
        mmu.flushAll();
        java.util.Arrays.fill(jcBlock, null);
    }

    @Override
    public boolean isWaiting() { return waiting; }

    /** wfi resumes only for a pending interrupt enabled in mie (whatever mstatus says): none enabled, none comes. */
    @Override
    public boolean canWake() { return !waiting || csr.mie != 0; }

    @Override
    public void requestExit() { exitRequested = true; }

    @Override
    public long run(long maxInstructions) {
        if (waiting) {
            // Any pending-and-enabled-in-mie interrupt wakes the hart, even if globally disabled.
            if ((csr.mip() & csr.mie) == 0) return 0;
            waiting = false;
        }
        exitRequested = false;
        runStart = retired;
        long done = 0;
        // Traps retire nothing but still use up the slice, so a guest stuck in a trap loop
        // (say, mtvec pointing at unmapped memory) cannot keep run() from returning.
        long traps = 0;
        RvBlock prev = null;
        CommitLog log = commitLog;
        DebugHooks hooks = debugHooks;
        boolean stepping = log != null || hooks != null;
        while (done + traps < maxInstructions && !exitRequested) {
            if ((csr.mip() & csr.mie) != 0 && RvTrapUnit.takeInterrupt(this)) prev = null;
            if (hooks != null && hooks.beforeInstruction(hartId, pc)) break;
            trapTaken = false;
            RvBlock b;
            try {
                b = nextBlock(prev);
            } catch (RvTrap t) {
                blockIndex = 0;
                takeTrap(t);
                prev = null;
                traps++;
                continue;
            }
            long remaining = maxInstructions - done - traps;
            int limit = stepping ? 1 : (int) Math.min(b.length(), remaining);
            int n;
            mmu.currentBlock = b;
            if (log != null) {
                n = log.step(executor, b);
            } else {
                n = executor.run(b, limit);
            }
            mmu.currentBlock = null;
            retired += n;
            blockIndex = 0;
            done += n;
            clock.setInFlight(done);
            if (waiting) break;
            if (trapTaken) traps++;
            prev = trapTaken || n < b.length() || b.physPc == -1 ? null : b;
        }
        return done;
    }

    /** The block at pc: chain link of the previous block, jump cache, shared cache, or decode. */
    private RvBlock nextBlock(RvBlock prev) {
        long pc = this.pc;
        long gen = mmu.fetchGeneration();
        if (prev != null) {
            RvBlock c = (RvBlock) prev.chainA;
            if (c != null && prev.chainAPc == pc && prev.chainAGen == gen && prev.chainAHart == hartId && c.mode == priv && c.isValid()) return c;
            c = (RvBlock) prev.chainB;
            if (c != null && prev.chainBPc == pc && prev.chainBGen == gen && prev.chainBHart == hartId && c.mode == priv && c.isValid()) return c;
        }
        int j = jumpSlot(pc, gen);
        RvBlock b = jcBlock[j];
        if (b == null || jcPc[j] != pc || jcGen[j] != gen || b.mode != priv || !b.isValid()) {
            b = lookup(pc);
            gen = mmu.fetchGeneration();
            if (b.physPc != -1) {
                jcBlock[j] = b;
                jcPc[j] = pc;
                jcGen[j] = gen;
            }
        }
        if (prev != null && b.physPc != -1) link(prev, b, pc, gen);
        return b;
    }

    /**
     * The jump-cache slot of pc in the fetch context that {@code gen} carries (bits 52..63, see
     * {@link org.multios.core.mmu.SoftTlb#contextTag}), moved by a multiplicative hash of the
     * context: two processes running the same program at the same addresses (a fork, a pipe
     * ping-pong) then keep their entries side by side instead of evicting each other on every
     * switch. Context 0 (M-mode, Bare) keeps the plain index.
     */
    private static int jumpSlot(long pc, long gen) {
        int salt = ((int) (gen >>> 52) * 0x9E3779B1) >>> (32 - JC_BITS);
        return ((int) (pc >>> 1) ^ salt) & JC_MASK;
    }

    private void link(RvBlock prev, RvBlock next, long pc, long gen) {
        // Taken exit in A, fall-through in B; both are just "recent successors".
        if (prev.chainA == null || prev.chainAHart != hartId || prev.chainAGen != gen) {
            prev.chainA = next; prev.chainAPc = pc; prev.chainAGen = gen; prev.chainAHart = hartId;
        } else if (prev.chainA != next) {
            prev.chainB = next; prev.chainBPc = pc; prev.chainBGen = gen; prev.chainBHart = hartId;
        }
    }

    private RvBlock lookup(long pc) {
        long pa = mmu.fetchPhysical(pc);
        RvBlock b = cache.get(pa, priv);
        if (b != null) return b;
        RamRegion ram = bus.findRam(pa, 2);
        b = RvBlockBuilder.build(pa, pc, priv, ram.segment(), pa - ram.base());
        if (b != null) {
            cache.put(b);
            return b;
        }
        // The instruction's second half is on the next page: translate both halves every time.
        int lo = (int) ram.read(pa - ram.base(), 2);
        long pa2 = mmu.fetchPhysical(pc + 2);
        RamRegion ram2 = bus.findRam(pa2, 2);
        int hi = (int) ram2.read(pa2 - ram2.base(), 2);
        return RvBlockBuilder.single(-1, pc, priv, lo | (hi << 16));
    }

    @Override
    public String toString() {
        return String.format("hart %d pc=0x%016x priv=%d", hartId, pc, priv);
    }
}
