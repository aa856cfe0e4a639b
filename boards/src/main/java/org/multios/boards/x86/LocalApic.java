package org.multios.boards.x86;

import java.util.function.IntConsumer;
import java.util.function.LongSupplier;
import org.multios.core.bus.MmioDevice;
import org.multios.core.time.TimerEvent;
import org.multios.core.time.VirtualClock;
import org.multios.isa.x86.InterruptSource;

/**
 * The CPU's local APIC in xAPIC mode (Intel SDM vol. 3A chapter 11), a 4 KiB MMIO page at
 * 0xFEE00000: ID, version, TPR/PPR, EOI, ISR/TMR/IRR, SVR, the LVT (timer, LINT0, LINT1,
 * error; thermal/performance/CMCI kept as storage), the timer with its divide configuration
 * counting at 1 GHz virtual time as QEMU's does, the ICR for IPIs to itself, the error status
 * register. It is the CPU's {@link InterruptSource}: vectors it holds are taken by priority
 * class against the PPR; the 8259's INTR reaches the CPU through LINT0 in ExtINT mode
 * (virtual wire, set at reset on the BSP as QEMU does so PIC-only software still works) or
 * directly when APIC_BASE's global enable is clear.
 *
 * <p>One CPU: INIT and STARTUP IPIs have no other processor to go to and are dropped (an INIT
 * to itself is ignored as the SDM allows for the BSP); NMI and SMI delivery modes are not
 * modelled (the CPU has no NMI input); x2APIC and the TSC-deadline timer are not offered.
 */
public final class LocalApic implements InterruptSource, MmioDevice, org.multios.isa.x86.Msrs.TscDeadline {
    public static final long BASE = 0xfee0_0000L, SIZE = 0x1000;
    /** Register offsets (SDM table 11-1). */
    static final int ID = 0x20, VERSION = 0x30, TPR = 0x80, APR = 0x90, PPR = 0xa0, EOI = 0xb0, LDR = 0xd0, DFR = 0xe0,
            SVR = 0xf0, ISR = 0x100, TMR = 0x180, IRR = 0x200, ESR = 0x280, LVT_CMCI = 0x2f0, ICR_LO = 0x300, ICR_HI = 0x310,
            LVT_TIMER = 0x320, LVT_THERMAL = 0x330, LVT_PERF = 0x340, LVT_LINT0 = 0x350, LVT_LINT1 = 0x360,
            LVT_ERROR = 0x370, TIMER_INITIAL = 0x380, TIMER_CURRENT = 0x390, TIMER_DIVIDE = 0x3e0;
    /** Version 0x14 (integrated APIC, as QEMU), max LVT entry 5 (six entries: CMCI not counted as QEMU does). */
    static final int VERSION_VALUE = 0x0005_0014;
    static final int MASKED = 1 << 16, SVR_ENABLE = 1 << 8;
    static final int MODE_FIXED = 0, MODE_NMI = 4, MODE_INIT = 5, MODE_STARTUP = 6, MODE_EXTINT = 7;
    /** ESR bits. */
    static final int ESR_SEND_ILLEGAL_VECTOR = 1 << 5, ESR_RECEIVE_ILLEGAL_VECTOR = 1 << 6, ESR_ILLEGAL_REGISTER = 1 << 7;
    private static final int[] LVT_OFFSETS = {LVT_TIMER, LVT_THERMAL, LVT_PERF, LVT_LINT0, LVT_LINT1, LVT_ERROR, LVT_CMCI};
    /** Timer modes (LVT timer bits 18:17). */
    static final int TIMER_ONE_SHOT = 0, TIMER_PERIODIC = 1, TIMER_TSC_DEADLINE = 2;

    private final int apicId;
    private final VirtualClock clock;
    private final LongSupplier now;
    private final InterruptSource pic;
    /** Told the vector of every EOI of a level-triggered interrupt (the IO-APIC clears its remote IRR). */
    private IntConsumer eoiBroadcast = v -> {};

    private final int[] irr = new int[8], isr = new int[8], tmr = new int[8];
    private final int[] lvt = new int[LVT_OFFSETS.length];
    private int tpr, ldr, dfr, svr, esr, pendingEsr, icrLo, icrHi, divideConfig;
    private boolean globallyEnabled = true;
    // timer state: counting since timerStart at timerShift ns per count, from timerInitial
    private long timerInitial, timerStart;
    private int timerShift;
    private TimerEvent timerEvent;
    /** The armed TSC deadline in virtual nanoseconds, 0 when disarmed (TSC-deadline mode). */
    private long deadline;
    /** What {@link #pending()} answers for the APIC's own vectors, recomputed on every change. */
    private volatile boolean vectorPending;
    /** LINT0 passes the 8259's INTR (ExtINT unmasked, or the APIC globally disabled). */
    private volatile boolean picThrough;

    public LocalApic(int apicId, VirtualClock clock, LongSupplier now, InterruptSource pic) {
        this.apicId = apicId;
        this.clock = clock;
        this.now = now;
        this.pic = pic;
        reset();
    }

    public void onEoiBroadcast(IntConsumer listener) { this.eoiBroadcast = listener; }

    public int id() { return apicId; }

    /** The logical destination register's ID (bits 31:24) and the flat (all ones) or cluster model. */
    synchronized boolean matchesLogical(int destination) {
        int logical = ldr >>> 24;
        if ((dfr >>> 28) == 0xf) return (logical & destination) != 0;
        return (logical >>> 4) == (destination >>> 4) && (logical & destination & 0xf) != 0; // cluster model
    }

    /** IA32_APIC_BASE was written: bit 11 switches the whole APIC off (and back on in its reset state). */
    public synchronized void apicBaseWritten(long value) {
        boolean on = (value & 0x800) != 0;
        if (on == globallyEnabled) return;
        if (!on) {
            reset();
            globallyEnabled = false;
        } else {
            globallyEnabled = true;
        }
        update();
    }

    @Override
    public synchronized void reset() {
        java.util.Arrays.fill(irr, 0);
        java.util.Arrays.fill(isr, 0);
        java.util.Arrays.fill(tmr, 0);
        java.util.Arrays.fill(lvt, MASKED);
        // QEMU's apic_reset_common: LINT0 ExtINT on the BSP so the 8259 reaches the CPU before any setup
        if (apicId == 0) lvt[index(LVT_LINT0)] = MODE_EXTINT << 8;
        tpr = ldr = esr = pendingEsr = icrLo = icrHi = divideConfig = 0;
        dfr = 0xffff_ffff;
        svr = 0xff;
        globallyEnabled = true;
        timerInitial = 0;
        deadline = 0;
        timerShift = 1;
        if (timerEvent != null) {
            clock.cancel(timerEvent);
            timerEvent = null;
        }
        update();
    }

    private static int index(int lvtOffset) {
        for (int i = 0; i < LVT_OFFSETS.length; i++) if (LVT_OFFSETS[i] == lvtOffset) return i;
        return -1;
    }

    private boolean softwareEnabled() { return (svr & SVR_ENABLE) != 0; }

    // ---------------------------------------------------------------- interrupt acceptance and priority

    /** An interrupt message for this APIC (IO-APIC, IPI, local source): sets IRR (and TMR for level). */
    public synchronized void accept(int vector, boolean level) {
        if (!globallyEnabled) return;
        if (vector < 16) {
            raiseError(ESR_RECEIVE_ILLEGAL_VECTOR);
            return;
        }
        set(irr, vector, true);
        set(tmr, vector, level);
        update();
    }

    private static boolean test(int[] bits, int v) { return (bits[v >>> 5] & (1 << (v & 31))) != 0; }

    private static void set(int[] bits, int v, boolean on) {
        if (on) bits[v >>> 5] |= 1 << (v & 31);
        else bits[v >>> 5] &= ~(1 << (v & 31));
    }

    private static int highest(int[] bits) {
        for (int i = 7; i >= 0; i--) if (bits[i] != 0) return i * 32 + 31 - Integer.numberOfLeadingZeros(bits[i]);
        return -1;
    }

    /** PPR per SDM 11.8.3.1: the TPR when its class is at least the highest in-service class, else that class. */
    synchronized int ppr() {
        int isrv = Math.max(highest(isr), 0);
        return (tpr & 0xf0) >= (isrv & 0xf0) ? tpr & 0xff : isrv & 0xf0;
    }

    /** The highest requested vector if its priority class is above the PPR's, else -1. */
    private int deliverable() {
        int v = highest(irr);
        if (v < 0 || (v & 0xf0) <= (ppr() & 0xf0)) return -1;
        return v;
    }

    private void update() {
        vectorPending = globallyEnabled && deliverable() >= 0;
        int lint0 = lvt[index(LVT_LINT0)];
        picThrough = !globallyEnabled || (lint0 & MASKED) == 0 && (lint0 >> 8 & 7) == MODE_EXTINT;
    }

    @Override
    public boolean pending() { return vectorPending || picThrough && pic.pending(); }

    @Override
    public synchronized int acknowledge() {
        int v = globallyEnabled ? deliverable() : -1;
        if (v >= 0) {
            set(irr, v, false);
            set(isr, v, true);
            update();
            return v;
        }
        if (picThrough && pic.pending()) return pic.acknowledge(); // ExtINT: the 8259 answers the cycle
        return svr & 0xff; // the request went away: the spurious vector, nothing in service
    }

    /** Ends the highest in-service interrupt; returns its vector if it was level-triggered (to broadcast), else -1. */
    private int eoi() {
        int v = highest(isr);
        if (v < 0) return -1;
        set(isr, v, false);
        update();
        return test(tmr, v) ? v : -1;
    }

    private void raiseError(int bit) {
        pendingEsr |= bit;
        int e = lvt[index(LVT_ERROR)];
        if ((e & MASKED) == 0) localInterrupt(e);
    }

    /** An LVT entry fires: fixed delivery sets its vector (edge); other modes are not wired to the CPU. */
    private void localInterrupt(int entry) {
        if ((entry & MASKED) != 0 || !softwareEnabled()) return;
        if ((entry >> 8 & 7) != MODE_FIXED) return;
        int vector = entry & 0xff;
        if (vector < 16) {
            pendingEsr |= ESR_RECEIVE_ILLEGAL_VECTOR;
            return;
        }
        set(irr, vector, true);
        set(tmr, vector, false);
        update();
    }

    // ---------------------------------------------------------------- timer

    private int timerMode() { return lvt[index(LVT_TIMER)] >> 17 & 3; }

    /** Divide configuration bits 3,1:0 → divide by 2^(n+1), 0b111 → 1 (SDM figure 11-10), as a shift. */
    private static int shiftOf(int config) {
        int n = (config & 3) | (config >> 1 & 4);
        return n == 7 ? 0 : n + 1;
    }

    private long currentCount() {
        if (timerInitial == 0) return 0;
        long elapsed = (now.getAsLong() - timerStart) >> timerShift;
        if (timerMode() == TIMER_PERIODIC) return timerInitial - elapsed % timerInitial;
        return elapsed >= timerInitial ? 0 : timerInitial - elapsed;
    }

    /** IA32_TSC_DEADLINE read: the armed deadline, 0 once it fired or when disarmed. */
    @Override
    public synchronized long deadlineNanos() { return deadline; }

    /** IA32_TSC_DEADLINE write (SDM 11.5.4.1): ignored outside TSC-deadline mode; 0 disarms; a past deadline fires at once. */
    @Override
    public synchronized void arm(long nanos) {
        if (timerMode() != TIMER_TSC_DEADLINE) return;
        cancelTimer();
        deadline = nanos;
        if (nanos == 0) return;
        long at = Math.max(nanos, now.getAsLong());
        timerEvent = clock.schedule(at, this::deadlineReached);
    }

    private synchronized void deadlineReached() {
        timerEvent = null;
        deadline = 0;
        localInterrupt(lvt[index(LVT_TIMER)]);
    }

    private void cancelTimer() {
        if (timerEvent != null) {
            clock.cancel(timerEvent);
            timerEvent = null;
        }
    }

    private void startTimer(long initial) {
        if (timerEvent != null) {
            clock.cancel(timerEvent);
            timerEvent = null;
        }
        timerInitial = initial & 0xffff_ffffL;
        timerStart = now.getAsLong();
        if (timerInitial != 0) scheduleExpiry(timerStart + (timerInitial << timerShift));
    }

    private void scheduleExpiry(long at) {
        timerEvent = clock.schedule(at, () -> timerExpired(at));
    }

    private synchronized void timerExpired(long at) {
        timerEvent = null;
        localInterrupt(lvt[index(LVT_TIMER)]); // a masked timer counts but does not interrupt
        if (timerMode() == TIMER_PERIODIC && timerInitial != 0) {
            timerStart = at;
            scheduleExpiry(at + (timerInitial << timerShift));
        }
    }

    // ---------------------------------------------------------------- ICR

    private void sendIpi() {
        int mode = icrLo >> 8 & 7;
        int vector = icrLo & 0xff;
        int shorthand = icrLo >> 18 & 3;
        int destination = icrHi >>> 24;
        boolean logical = (icrLo & (1 << 11)) != 0;
        boolean toSelf = switch (shorthand) {
            case 1, 2 -> true;                         // self, all including self
            case 3 -> false;                           // all excluding self: nobody else on this board
            default -> destination == 0xff || (logical ? matchesLogical(destination) : destination == apicId);
        };
        if (mode == MODE_FIXED || mode == 1) {        // fixed, lowest priority
            if (vector < 16) {
                raiseError(ESR_SEND_ILLEGAL_VECTOR);
                return;
            }
            if (toSelf) accept(vector, (icrLo & (1 << 15)) != 0);
        }
        // INIT, STARTUP, NMI, SMI: no other CPU to receive them; an INIT to the BSP itself is ignored
    }

    // ---------------------------------------------------------------- registers

    @Override
    public synchronized long read(long offset, int size) {
        int off = (int) offset & 0xff0;
        int word = (int) offset & 0xf;
        if (size > 4 || word + size > 4) return 0; // registers are 32 bits on 16-byte boundaries
        long v = register(off);
        return (v >>> (8 * word)) & (size == 4 ? 0xffff_ffffL : (1L << (8 * size)) - 1);
    }

    private long register(int off) {
        if (off >= ISR && off < ISR + 0x80) return isr[(off - ISR) >> 4] & 0xffff_ffffL;
        if (off >= TMR && off < TMR + 0x80) return tmr[(off - TMR) >> 4] & 0xffff_ffffL;
        if (off >= IRR && off < IRR + 0x80) return irr[(off - IRR) >> 4] & 0xffff_ffffL;
        int l = index(off);
        if (l >= 0) return lvt[l] & 0xffff_ffffL;
        return switch (off) {
            case ID -> (long) apicId << 24;
            case VERSION -> VERSION_VALUE;
            case TPR -> tpr;
            case APR -> 0;
            case PPR -> ppr();
            case LDR -> ldr & 0xffff_ffffL;
            case DFR -> dfr & 0xffff_ffffL;
            case SVR -> svr;
            case ESR -> esr;
            case ICR_LO -> icrLo & ~(1 << 12); // delivery status: always idle, IPIs are immediate
            case ICR_HI -> icrHi & 0xffff_ffffL;
            case TIMER_INITIAL -> timerInitial;
            case TIMER_CURRENT -> currentCount();
            case TIMER_DIVIDE -> divideConfig;
            case EOI -> 0;
            default -> {
                pendingEsr |= ESR_ILLEGAL_REGISTER;
                yield 0;
            }
        };
    }

    @Override
    public void write(long offset, int size, long value) {
        int broadcast;
        synchronized (this) {
            broadcast = writeRegister(offset, size, value);
        }
        // outside the lock: the IO-APIC takes its own and may deliver back to us
        if (broadcast >= 0) eoiBroadcast.accept(broadcast);
    }

    private int writeRegister(long offset, int size, long value) {
        int off = (int) offset & 0xff0;
        if (((int) offset & 0xf) != 0 || size != 4) return -1; // the SDM requires aligned 32-bit accesses
        int v = (int) value;
        int l = index(off);
        if (l >= 0) {
            writeLvt(off, l, v);
            update();
            return -1;
        }
        int broadcast = -1;
        switch (off) {
            case TPR -> tpr = v & 0xff;
            case EOI -> broadcast = eoi();
            case LDR -> ldr = v & 0xff00_0000;
            case DFR -> dfr = v | 0x0fff_ffff;
            case SVR -> {
                svr = v & 0x13ff;
                if (!softwareEnabled()) for (int i = 0; i < lvt.length; i++) lvt[i] |= MASKED; // SDM 11.4.7.2
            }
            case ESR -> { // a write latches the errors since the last write and clears the pending ones
                esr = pendingEsr;
                pendingEsr = 0;
            }
            case ICR_HI -> icrHi = v & 0xff00_0000;
            case ICR_LO -> {
                icrLo = v & 0x000c_cfff;
                sendIpi();
            }
            case TIMER_INITIAL -> {
                if (timerMode() != TIMER_TSC_DEADLINE) startTimer(v); // ignored in TSC-deadline mode
            }
            case TIMER_DIVIDE -> {
                long current = currentCount();
                divideConfig = v & 0xb;
                timerShift = shiftOf(divideConfig);
                if (timerInitial != 0 && current != 0) { // keep counting from where it is at the new rate
                    long initial = timerInitial;
                    startTimer(current);
                    timerInitial = initial;
                    timerStart -= (initial - current) << timerShift;
                }
            }
            case ID, VERSION, PPR, APR, TIMER_CURRENT -> { /* read-only here (ID writes are not supported) */ }
            default -> {
                if (off < ISR || off >= IRR + 0x80) pendingEsr |= ESR_ILLEGAL_REGISTER;
            }
        }
        update();
        return broadcast;
    }

    private void writeLvt(int off, int l, int v) {
        int writable = switch (off) {
            case LVT_TIMER -> 0x0007_10ff;               // mode 18:17, mask, vector
            case LVT_LINT0, LVT_LINT1 -> 0x0001_a7ff;    // mask, trigger, polarity, delivery mode, vector
            case LVT_ERROR -> 0x0001_00ff;
            default -> 0x0001_07ff;                      // thermal, performance, CMCI: mask, mode, vector
        };
        int next = v & writable;
        if (!softwareEnabled()) next |= MASKED;          // masks cannot be cleared while software-disabled
        int old = lvt[l];
        lvt[l] = next;                                   // one-shot <-> periodic takes effect at the next expiry
        boolean wasDeadline = (old >> 17 & 3) == TIMER_TSC_DEADLINE, isDeadline = (next >> 17 & 3) == TIMER_TSC_DEADLINE;
        if (off == LVT_TIMER && wasDeadline != isDeadline) { // entering or leaving TSC-deadline mode disarms (SDM 11.5.4.1)
            cancelTimer();
            deadline = 0;
            timerInitial = 0;
        }
    }
}
