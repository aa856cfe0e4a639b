package org.multios.isa.arm64;

import java.lang.foreign.MemorySegment;
import org.multios.core.bus.BusErrorException;
import org.multios.core.bus.PhysicalBus;
import org.multios.core.bus.RamRegion;
import org.multios.core.machine.Cpu;
import org.multios.core.mmu.SoftTlb;
import org.multios.core.time.VirtualClock;
import org.multios.isa.arm64.exec.A64Executor;
import org.multios.isa.arm64.irq.GenericTimer;
import org.multios.isa.arm64.irq.GicCpuInterface;
import org.multios.isa.arm64.mmu.TranslationFault;
import org.multios.isa.arm64.mmu.Vmsav8Walker;
import org.multios.isa.arm64.sysreg.A64SystemRegisters;

/**
 * One AArch64 processing element (EL0 and EL1, AArch64 only), as QEMU's virt machine
 * presents a CPU without EL2/EL3: firmware starts at EL1 and HVC/SMC calls go to the
 * board's hypercall handler (PSCI).
 * <p>
 * The run loop fetches through the software TLB, decodes with the table-driven
 * {@link org.multios.isa.arm64.decode.A64DecodeTable} and executes with {@link A64Executor}.
 * Exceptions are entered at once ({@link #takeException}) and the instruction is
 * abandoned with {@link A64Trap}. IRQs are taken between instructions.
 */
public final class A64Cpu implements Cpu {
    /** PSTATE.DAIF bits as they sit in DAIF/SPSR (bits 9:6). */
    public static final int DAIF_D = 1 << 9, DAIF_A = 1 << 8, DAIF_I = 1 << 7, DAIF_F = 1 << 6;

    private final int index;
    public final PhysicalBus bus;
    public final VirtualClock clock;
    public final SoftTlb tlb = new SoftTlb();
    /** TLB context numbers per (ASID, EL); see {@link #translationContextChanged}. */
    public final org.multios.isa.arm64.mmu.TranslationContexts contexts = new org.multios.isa.arm64.mmu.TranslationContexts(tlb);
    /**
     * The TLB context tag for accesses at EL0 and EL1 (index = PSTATE.EL): the current ASID's
     * context for that EL. Indexing by the EL at each access means an exception entry or return
     * switches permission regime without touching the TLB.
     */
    private final long[] ctxTagByEl = new long[4];
    /** {@link SoftTlb#salt} of each EL's context: the slot of va is {@code SoftTlb.index(va) ^ saltByEl[el]}. */
    private final int[] saltByEl = new int[4];
    /** Whether some TLB entry came from a block descriptor (a TLBI by VA must then reach the whole block). */
    private boolean blockEntries;
    public final A64SystemRegisters sysregs;
    public final Vmsav8Walker walker;
    public final GenericTimer timer;
    private final A64Executor executor;
    private final org.multios.core.cache.BlockCache<A64Block> blocks;
    private final org.multios.isa.arm64.decode.A64DecodeTable table = org.multios.isa.arm64.decode.A64DecodeTable.standard();
    /** -Dmultios.arm64.noblocks=true runs one instruction at a time (for A/B measurements and bisecting). */
    private static final boolean BLOCKS = !Boolean.getBoolean("multios.arm64.noblocks");
    // Jump cache in front of the block cache: virtual pc → block, valid for one TLB generation.
    private static final int JC_BITS = 12, JC_MASK = (1 << JC_BITS) - 1;
    private final A64Block[] jcBlock = new A64Block[1 << JC_BITS];
    private final long[] jcPc = new long[1 << JC_BITS], jcGen = new long[1 << JC_BITS], jcCtx = new long[1 << JC_BITS];
    private GicCpuInterface gic;

    // ---- architectural state ----
    /** X0..X30; index 31 is unused (it is SP or XZR depending on the instruction). */
    public final long[] x = new long[32];
    public long pc;
    /** Address of the next instruction; the executor changes it for branches. */
    public long nextPc;
    public boolean n, z, c, v;
    /** Current exception level (0 or 1). */
    public int el;
    /** PSTATE.SP: at EL1, true selects SP_EL1. */
    public boolean spsel;
    /** PSTATE.D/A/I/F in DAIF register layout (bits 9:6). */
    public int daif;
    public long spEl0, spEl1;
    /** V0..V31, 128 bits each: vreg[2n] holds bits 63:0 of Vn, vreg[2n+1] bits 127:64. */
    public final long[] vreg = new long[64];
    /** FPCR and FPSR with the FP arithmetic they control ({@code fp.fpcr}, {@code fp.fpsr}). */
    public final org.multios.isa.arm64.fp.FpArithmetic fp = new org.multios.isa.arm64.fp.FpArithmetic();
    /** Exclusive monitor: physical address and size of the last load-exclusive, or -1. */
    public long exclusiveAddress = -1;
    public int exclusiveSize;

    private long resetVector;
    private boolean waiting;
    private volatile boolean exitRequested;
    private volatile boolean irqLine, fiqLine;
    private boolean poweredOn = true;
    private HypercallHandler hypercalls = (cpu, imm, smc) -> false;
    private org.multios.core.trace.TraceSink trace;
    private org.multios.core.debug.DebugHooks debugHooks;
    private final long[] traceBefore = new long[33];
    private final StringBuilder traceStores = new StringBuilder();

    /** Handles HVC/SMC the way QEMU does for a machine without EL2/EL3 firmware (PSCI). */
    @FunctionalInterface
    public interface HypercallHandler {
        /** Returns true when the call was handled (results in X0..X3); false makes it UNDEFINED. */
        boolean call(A64Cpu cpu, int imm16, boolean smc);
    }

    /**
     * The native-call gate of a Java kernel: {@code HVC #imm16} at EL1 with imm16 in
     * [{@link #NATIVE_CALL_BASE}, +32) hands the CPU to Java (the kernel's vector page holds one
     * per vector entry, 0..15; 16 is the boot chain's kernel entry), before the board's PSCI sees
     * it. Results go into the CPU state.
     */
    @FunctionalInterface
    public interface NativeCallHandler {
        void call(A64Cpu cpu, int n);
    }

    /** HVC immediates 0x4d40..0x4d5f ("M" + 0x40 + n) are native calls 0..31. */
    public static final int NATIVE_CALL_BASE = 0x4d40;
    private NativeCallHandler nativeCalls;

    public void setNativeCallHandler(NativeCallHandler h) { this.nativeCalls = h; }

    /** Runs native call imm16 - NATIVE_CALL_BASE; false when imm16 is not one or no handler is set. */
    public boolean nativeCall(int imm16) {
        if (nativeCalls == null || el == 0 || (imm16 & ~31) != NATIVE_CALL_BASE) return false;
        nativeCalls.call(this, imm16 - NATIVE_CALL_BASE);
        return true;
    }

    public A64Cpu(int index, PhysicalBus bus, VirtualClock clock) {
        this.index = index;
        this.bus = bus;
        this.clock = clock;
        this.sysregs = new A64SystemRegisters(this);
        this.walker = new Vmsav8Walker(this);
        this.timer = new GenericTimer(clock);
        this.executor = new A64Executor(this);
        bus.onCodeMark(page -> tlb.dropStoresTo(page));
        this.blocks = new org.multios.core.cache.BlockCache<>(bus);
        translationContextChanged();
    }

    @Override public int index() { return index; }

    public void setResetVector(long address) { this.resetVector = address; }

    public void setHypercallHandler(HypercallHandler h) { this.hypercalls = h; }

    /** Breakpoints, watchpoints and stepping of an attached debugger (null: none). */
    public void setDebugHooks(org.multios.core.debug.DebugHooks hooks) { this.debugHooks = hooks; }

    /** Writes one commit-log line per retired instruction (docs/trace-format.md), or stops with null. */
    public void setTrace(org.multios.core.trace.TraceSink sink) { this.trace = sink; }

    public HypercallHandler hypercalls() { return hypercalls; }

    public void setGicCpuInterface(GicCpuInterface g) { this.gic = g; }

    public GicCpuInterface gic() { return gic; }

    /** Whether this CPU runs (PSCI CPU_OFF / secondary CPUs before CPU_ON). */
    public void setPoweredOn(boolean on) { this.poweredOn = on; if (on) waiting = false; }

    public boolean poweredOn() { return poweredOn; }

    @Override
    public void reset() {
        java.util.Arrays.fill(x, 0);
        pc = resetVector;
        n = z = c = v = false;
        el = 1;
        spsel = true;
        daif = DAIF_D | DAIF_A | DAIF_I | DAIF_F;
        spEl0 = spEl1 = 0;
        java.util.Arrays.fill(vreg, 0);
        fp.fpcr = fp.fpsr = 0;
        exclusiveAddress = -1;
        waiting = false;
        sysregs.reset();
        timer.reset();
        tlb.flush();
        contexts.reset();
        blockEntries = false;
        translationContextChanged();
        java.util.Arrays.fill(jcBlock, null);
    }

    // ---- interrupt inputs (from the GIC CPU interface) ----

    public void setIrq(boolean level) {
        irqLine = level;
        if (level) { waiting = false; exitRequested = true; }
    }

    public void setFiq(boolean level) {
        fiqLine = level;
        if (level) { waiting = false; exitRequested = true; }
    }

    public boolean irqPending() { return irqLine; }

    public boolean fiqPending() { return fiqLine; }

    // ---- run loop ----

    @Override
    public long run(long maxInstructions) {
        exitRequested = false;
        long n = 0;
        if (!poweredOn) return 0;
        while (n < maxInstructions) {
            if ((irqLine && (daif & DAIF_I) == 0) || (fiqLine && (daif & DAIF_F) == 0)) {
                waiting = false;
                clock.setInFlight(n);
                takeInterrupt(irqLine && (daif & DAIF_I) == 0 ? 0x80 : 0x100);
            }
            if (waiting || !poweredOn) break;
            if (exitRequested) {
                exitRequested = false;
                if (n > 0) break;
            }
            clock.setInFlight(n);
            org.multios.core.debug.DebugHooks hooks = debugHooks;
            if (hooks != null && hooks.beforeInstruction(index, pc)) break;
            if (trace != null) {
                stepTraced();
                n++;
                continue;
            }
            A64Block b;
            try {
                // with a debugger attached every instruction is a stop point: no blocks
                b = hooks == null && BLOCKS ? blockAt(pc) : null;
                if (b == null) { // not in RAM (flash, MMIO), or debugging: one instruction at a time
                    int insn = fetch(pc);
                    nextPc = pc + 4;
                    executor.execute(insn);
                    pc = nextPc;
                    n++;
                    continue;
                }
            } catch (A64Trap t) {
                n++; // exception entered: PC is at the vector
                continue;
            }
            // Run the block. Only its last instruction may branch or change PSTATE/translation;
            // it stops early on an exception, a write to its own page or an interrupt request.
            int limit = (int) Math.min(b.words.length, maxInstructions - n);
            int[] words = b.words;
            org.multios.isa.arm64.decode.A64Op[] ops = b.ops;
            try {
                for (int k = 0; k < limit; k++) {
                    clock.setInFlight(n);
                    nextPc = pc + 4;
                    executor.execute(ops[k], words[k]);
                    pc = nextPc;
                    n++;
                    if (exitRequested || !b.isValid()) break;
                }
            } catch (A64Trap t) {
                n++;
            }
        }
        clock.setInFlight(n);
        return n;
    }

    /** The decoded block at virtual address {@code va}, or null when it is not in RAM. */
    private A64Block blockAt(long va) {
        if ((va & 3) != 0) throw syncException(ExceptionClass.PC_ALIGN, 0, va, true);
        int j = (int) (va >>> 2) & JC_MASK;
        A64Block b = jcBlock[j];
        long gen = tlb.generation();
        long ctx = ctxTagByEl[el];
        if (b != null && jcPc[j] == va && jcGen[j] == gen && jcCtx[j] == ctx && b.mode == el && b.isValid()) return b;
        int i = SoftTlb.index(va) ^ saltByEl[el];
        long pa;
        if (tlb.fetchTag[i] == (SoftTlb.vpn(va) | ctx)) {
            pa = tlb.fetchPhys[i] | (va & SoftTlb.PAGE_MASK);
        } else {
            pa = translate(va, ACCESS_FETCH, 4);
            fillTlb(SoftTlb.FETCH, va, pa);
        }
        b = blocks.get(pa, el);
        if (b == null) {
            RamRegion ram = bus.findRam(pa & ~0xfffL, 4096);
            if (ram == null) return null;
            b = A64Block.build(pa, va, el, ram.segment(), pa - ram.base(), table);
            blocks.put(b);
        }
        jcBlock[j] = b;
        jcPc[j] = va;
        jcGen[j] = tlb.generation();
        jcCtx[j] = ctx;
        return b;
    }

    /** One instruction with its commit-log line: registers that changed and the stores made. */
    private void stepTraced() {
        long at = pc;
        int elBefore = el;
        System.arraycopy(x, 0, traceBefore, 0, 31);
        traceBefore[31] = sp();
        traceStores.setLength(0);
        int insn;
        try {
            insn = fetch(pc);
            nextPc = pc + 4;
            executor.execute(insn);
            pc = nextPc;
        } catch (A64Trap t) {
            return; // a trapping instruction does not retire
        }
        StringBuilder line = new StringBuilder(96);
        line.append(String.format("core %3d: %d 0x%016x (0x%08x)", index, elBefore, at, insn));
        for (int r = 0; r < 31; r++) {
            if (x[r] != traceBefore[r]) line.append(String.format(" x%-2d 0x%016x", r, x[r]));
        }
        if (sp() != traceBefore[31] && el == elBefore) line.append(String.format(" sp  0x%016x", sp()));
        line.append(traceStores);
        trace.line(line);
    }

    @Override public boolean isWaiting() { return waiting || !poweredOn; }

    /**
     * A PE in wfi wakes on a pending interrupt even when PSTATE masks it, so only a GIC CPU
     * interface with both groups disabled (firmware that parks after an error) makes the wait
     * final; without a GIC (run's direct IRQ line) it can always wake. A powered-off PE waits
     * for another's PSCI CPU_ON.
     */
    @Override public boolean canWake() { return poweredOn && (gic == null || gic.canSignal()); }

    @Override public long pc() { return pc; }

    @Override public void requestExit() { exitRequested = true; }

    /** WFI: sleep until an interrupt is pending (masked or not, as the architecture says). */
    public void waitForInterrupt() {
        if (!irqLine && !fiqLine) waiting = true;
    }

    // ---- PSTATE ----

    public long sp() { return el > 0 && spsel ? spEl1 : spEl0; }

    public void setSp(long value) {
        if (el > 0 && spsel) spEl1 = value; else spEl0 = value;
    }

    public int nzcv() { return (n ? 8 : 0) | (z ? 4 : 0) | (c ? 2 : 0) | (v ? 1 : 0); }

    public void setNzcv(int f) { n = (f & 8) != 0; z = (f & 4) != 0; c = (f & 2) != 0; v = (f & 1) != 0; }

    /** The SPSR value describing the current PSTATE (AArch64 format). */
    public long spsrValue() {
        return ((long) nzcv() << 28) | daif | ((long) el << 2) | (spsel ? 1 : 0);
    }

    // ---- exceptions ----

    /** Enters a synchronous exception to EL1 and abandons the instruction. */
    public A64Trap syncException(int ec, int iss, long far, boolean farValid) {
        int target = 1;
        long esr = ((long) ec << 26) | (1L << 25) | (iss & 0x1ffffff);
        sysregs.esrEl1 = esr;
        if (farValid) sysregs.farEl1 = far;
        enter(target, pc, 0x000);
        throw A64Trap.INSTANCE;
    }

    /**
     * CPACR_EL1.FPEN: FP/SIMD instructions and FPCR/FPSR accesses trap with EC 0x07 unless
     * enabled for the current EL (0b11 all, 0b01 EL1 only). The ISS is CV=1, COND=0b1110 as
     * QEMU reports it for A64 (the Arm ARM leaves those bits IMPLEMENTATION DEFINED-looking in
     * AArch64; matching QEMU keeps the bare-metal differential tests byte-exact).
     */
    public void checkFpEnabled() {
        int fpen = (int) (sysregs.cpacrEl1 >>> 20) & 3;
        if (fpen == 3 || (fpen == 1 && el > 0)) return;
        throw syncException(ExceptionClass.FP_ACCESS, (1 << 24) | (0xe << 20), 0, false);
    }

    /** Undefined instruction: EC 0, IL set. */
    public A64Trap undefined() { return syncException(ExceptionClass.UNKNOWN, 0, 0, false); }

    private void takeInterrupt(int offset) {
        enter(1, pc, offset);
    }

    /** Saves PSTATE and the return address into SPSR_EL1/ELR_EL1 and jumps to VBAR_EL1 + vector. */
    private void enter(int target, long returnAddress, int offset) {
        long spsr = spsrValue();
        int vector;
        if (el < target) vector = 0x400;
        else vector = spsel ? 0x200 : 0x000;
        sysregs.spsrEl1 = spsr;
        sysregs.elrEl1 = returnAddress;
        el = target; // the TLB context follows PSTATE.EL (ctxTagByEl): no flush
        spsel = true;
        daif = DAIF_D | DAIF_A | DAIF_I | DAIF_F;
        exclusiveAddress = -1;
        pc = (sysregs.vbarEl1 & ~0x7ffL) + vector + offset;
        nextPc = pc;
    }

    /** ERET: restores PSTATE from SPSR_EL1 and returns to ELR_EL1. */
    public void exceptionReturn() {
        long spsr = sysregs.spsrEl1;
        int m = (int) (spsr & 0x1f);
        int targetEl = (m >> 2) & 3;
        boolean legal = (m & 0x10) == 0 && targetEl <= 1 && (m & 2) == 0 && !(targetEl == 0 && (m & 1) != 0);
        setNzcv((int) (spsr >>> 28) & 0xf);
        daif = (int) spsr & 0x3c0;
        exclusiveAddress = -1;
        if (legal) {
            el = targetEl;
            spsel = (m & 1) != 0;
        }
        // An illegal return keeps the EL and sets PSTATE.IL; the next instruction then traps.
        nextPc = el == 0 ? sysregs.elrEl1 : sysregs.elrEl1;
    }

    // ---- memory ----

    public static final int ACCESS_FETCH = 0, ACCESS_LOAD = 1, ACCESS_STORE = 2;

    private int fetch(long va) {
        if ((va & 3) != 0) throw syncException(ExceptionClass.PC_ALIGN, 0, va, true);
        int i = SoftTlb.index(va) ^ saltByEl[el];
        if (tlb.fetchTag[i] == (SoftTlb.vpn(va) | ctxTagByEl[el])) {
            return tlb.fetchSeg[i].get(RamRegion.INT, tlb.fetchOff[i] + (va & SoftTlb.PAGE_MASK));
        }
        long pa = translate(va, ACCESS_FETCH, 4);
        fillTlb(SoftTlb.FETCH, va, pa);
        try {
            return (int) bus.read(pa, 4);
        } catch (BusErrorException e) {
            throw syncException(el == 0 ? ExceptionClass.IABT_LOWER : ExceptionClass.IABT_SAME, 0x10, va, true);
        }
    }

    /** Reads {@code size} bytes (1, 2, 4, 8) at virtual address {@code va}, zero-extended. */
    public long read(long va, int size) {
        int i = SoftTlb.index(va) ^ saltByEl[el];
        long off = va & SoftTlb.PAGE_MASK;
        if (tlb.loadTag[i] == (SoftTlb.vpn(va) | ctxTagByEl[el]) && off + size <= 4096) {
            MemorySegment s = tlb.loadSeg[i];
            long o = tlb.loadOff[i] + off;
            return switch (size) {
                case 8 -> s.get(RamRegion.LONG, o);
                case 4 -> s.get(RamRegion.INT, o) & 0xffffffffL;
                case 2 -> s.get(RamRegion.SHORT, o) & 0xffffL;
                default -> s.get(RamRegion.BYTE, o) & 0xffL;
            };
        }
        return readSlow(va, size);
    }

    private long readSlow(long va, int size) {
        long off = va & SoftTlb.PAGE_MASK;
        if (off + size > 4096) {
            // crosses a page: byte by byte, each byte translated (either page may fault)
            long r = 0;
            for (int b = 0; b < size; b++) r |= read(va + b, 1) << (8 * b);
            return r;
        }
        long pa = translate(va, ACCESS_LOAD, size);
        org.multios.core.debug.DebugHooks hooks = debugHooks;
        if (hooks != null && hooks.watchesPage(va)) hooks.dataAccess(index, va, size, false);
        else fillTlb(SoftTlb.LOAD, va, pa);
        try {
            return bus.read(pa, size);
        } catch (BusErrorException e) {
            throw externalAbort(va, false);
        }
    }

    /** Writes the low {@code size} bytes of {@code value} at virtual address {@code va}. */
    public void write(long va, int size, long value) {
        if (trace != null) {
            traceStores.append(String.format(" mem 0x%016x 0x", va));
            for (int b = size - 1; b >= 0; b--) traceStores.append(String.format("%02x", (value >>> (8 * b)) & 0xff));
        }
        int i = SoftTlb.index(va) ^ saltByEl[el];
        long off = va & SoftTlb.PAGE_MASK;
        if (tlb.storeTag[i] == (SoftTlb.vpn(va) | ctxTagByEl[el]) && off + size <= 4096) {
            MemorySegment s = tlb.storeSeg[i];
            long o = tlb.storeOff[i] + off;
            switch (size) {
                case 8 -> s.set(RamRegion.LONG, o, value);
                case 4 -> s.set(RamRegion.INT, o, (int) value);
                case 2 -> s.set(RamRegion.SHORT, o, (short) value);
                default -> s.set(RamRegion.BYTE, o, (byte) value);
            }
            return;
        }
        writeSlow(va, size, value);
    }

    private void writeSlow(long va, int size, long value) {
        long off = va & SoftTlb.PAGE_MASK;
        if (off + size > 4096) {
            // check both pages before writing anything, so a fault leaves memory unchanged
            translate(va, ACCESS_STORE, 1);
            translate(va + size - 1, ACCESS_STORE, 1);
            for (int b = 0; b < size; b++) write(va + b, 1, value >>> (8 * b));
            return;
        }
        long pa = translate(va, ACCESS_STORE, size);
        if (exclusiveAddress != -1 && (pa & ~63L) == (exclusiveAddress & ~63L)) exclusiveAddress = -1;
        try {
            bus.write(pa, size, value);
        } catch (BusErrorException e) {
            throw externalAbort(va, true);
        }
        org.multios.core.debug.DebugHooks hooks = debugHooks;
        if (hooks != null && hooks.watchesPage(va)) hooks.dataAccess(index, va, size, true);
        else fillTlb(SoftTlb.STORE, va, pa);
    }

    private A64Trap externalAbort(long va, boolean write) {
        int iss = 0x10 | (write ? 1 << 6 : 0); // synchronous external abort
        return syncException(el == 0 ? ExceptionClass.DABT_LOWER : ExceptionClass.DABT_SAME, iss, va, true);
    }

    /**
     * LDTR/STTR and the other unprivileged forms at EL1 (Arm ARM C6.2 LDTR): the access is made
     * "as if at EL0" (PSTATE.UAO, which would make it EL1's, is not implemented), so EL0's
     * permissions are checked first — every byte's page — and a fault is the data abort an EL1
     * access takes (EC 0x25, the EL0 walk's fault status). At EL0 it is an ordinary access; at
     * EL2/EL3 (no E2H/TGE host regime here) the unprivileged forms use that EL's permissions.
     */
    public void checkUnprivileged(long va, int size, boolean store) {
        if (el != 1) return;
        int access = store ? ACCESS_STORE : ACCESS_LOAD;
        long last = va + size - 1;
        try {
            walker.translate(va, access, 0);
            if ((va ^ last) >>> 12 != 0) walker.translate(last, access, 0);
        } catch (TranslationFault f) {
            throw syncException(ExceptionClass.DABT_SAME, f.faultStatusCode() | (store ? 1 << 6 : 0), va, true);
        }
    }

    /** Translates for an access, raising the architectural abort on a fault. */
    public long translate(long va, int access, int size) {
        try {
            return walker.translate(va, access, el);
        } catch (TranslationFault f) {
            boolean fetch = access == ACCESS_FETCH;
            int ec = fetch ? (el == 0 ? ExceptionClass.IABT_LOWER : ExceptionClass.IABT_SAME)
                    : (el == 0 ? ExceptionClass.DABT_LOWER : ExceptionClass.DABT_SAME);
            int iss = f.faultStatusCode() | (access == ACCESS_STORE ? 1 << 6 : 0);
            throw syncException(ec, iss, va, true);
        }
    }

    private void fillTlb(int kind, long va, long pa) {
        if (!walker.lastCacheable()) return;
        long page = pa & ~SoftTlb.PAGE_MASK;
        RamRegion ram = bus.findRam(page, 4096);
        if (ram == null) return;
        long offset = page - ram.base();
        if (kind == SoftTlb.STORE && (ram.isReadOnly() || ram.isCodePage(offset))) return;
        if (walker.lastBlock()) blockEntries = true;
        tlb.fill(kind, va, ctxTagByEl[el], walker.lastGlobal(), page, ram.segment(), offset);
    }

    // ---- TLB contexts and maintenance ----

    /**
     * The ASID of the EL1&0 regime: TTBR1_EL1's when TCR_EL1.A1 is set, else TTBR0_EL1's, 8 bits
     * unless TCR_EL1.AS selects 16.
     */
    public int currentAsid() {
        long tcr = sysregs.tcrEl1;
        long ttbr = ((tcr >>> 22) & 1) != 0 ? sysregs.ttbr1El1 : sysregs.ttbr0El1;
        int asid = (int) (ttbr >>> 48);
        return ((tcr >>> 36) & 1) != 0 ? asid : asid & 0xff;
    }

    /**
     * Recomputes the TLB contexts after SCTLR/TCR/TTBR changes: a TTBR write that changes the
     * ASID switches to that ASID's entries (kept from its last run) instead of flushing. Code
     * that writes the system register fields directly (a Java kernel) calls this afterwards.
     */
    public void translationContextChanged() {
        int c0, c1;
        long r;
        do { // a roll-over while numbering EL1 would orphan EL0's number: number both again
            r = contexts.rollovers();
            if ((sysregs.sctlrEl1 & 1) == 0) {
                c0 = org.multios.isa.arm64.mmu.TranslationContexts.FLAT_EL0;
                c1 = org.multios.isa.arm64.mmu.TranslationContexts.FLAT_EL1;
            } else {
                int asid = currentAsid();
                c0 = contexts.of(asid, 0);
                c1 = contexts.of(asid, 1);
            }
        } while (r != contexts.rollovers());
        ctxTagByEl[0] = SoftTlb.contextTag(c0);
        ctxTagByEl[1] = SoftTlb.contextTag(c1);
        saltByEl[0] = SoftTlb.salt(ctxTagByEl[0]);
        saltByEl[1] = SoftTlb.salt(ctxTagByEl[1]);
    }

    /** TLBI VMALLE1(IS): every entry of every ASID. */
    public void tlbInvalidateAll() {
        tlb.flush();
        blockEntries = false;
    }

    /** TLBI ASIDE1(IS): the non-global entries of {@code asid} (16 bits; the upper 8 ignored with 8-bit ASIDs). */
    public void tlbInvalidateAsid(int asid) {
        contexts.retire(asidOfOperand(asid));
        translationContextChanged(); // the current ASID may be the one retired
    }

    /**
     * TLBI VAE1/VALE1 ({@code allAsids} false: entries of {@code asid} and global entries for the
     * page) and VAAE1/VAALE1 ({@code allAsids}: the page in every ASID). {@code operand} is the
     * register operand: VA[55:12] in bits 43:0, the ASID in bits 63:48. The last-level forms
     * invalidate the same here (only leaf translations are cached).
     */
    public void tlbInvalidateVa(long operand, boolean allAsids) {
        if (blockEntries) { tlbInvalidateAll(); return; } // a block's other pages sit in other slots
        long va = ((operand & 0xfff_ffff_ffffL) << 20) >> 8; // VA[55:12] back in place, sign-extended from bit 55
        long vpnBits = (1L << 44) - 1; // VA[55:12]: the top byte (TBI) is not part of the comparison
        if (allAsids) {
            tlb.flushPage(va, vpnBits, null);
        } else {
            int asid = asidOfOperand((int) (operand >>> 48));
            tlb.flushPage(va, vpnBits, ctx -> contexts.belongsTo(ctx, asid));
        }
    }

    private int asidOfOperand(int asid) {
        return ((sysregs.tcrEl1 >>> 36) & 1) != 0 ? asid & 0xffff : asid & 0xff;
    }

    /** Reads through the MMU without side effects for debuggers and tests; -1 on a fault. */
    public long debugTranslate(long va) {
        try {
            return walker.translate(va, ACCESS_LOAD, el);
        } catch (TranslationFault f) {
            return -1;
        }
    }
}
