package org.multios.isa.riscv.irq;

import java.util.List;
import org.multios.core.bus.MmioDevice;
import org.multios.core.irq.InterruptLine;
import org.multios.core.time.TimerEvent;
import org.multios.core.time.VirtualClock;

/**
 * The core-local interruptor: per-hart machine software interrupt bits (MSIP) and the
 * machine timer (MTIME, MTIMECMP) of the ACLINT spec, at QEMU virt's offsets.
 * <p>
 * MTIME counts at 10 MHz of virtual time ({@link VirtualClock#preciseNanos()} / 100), so it
 * advances with retired instructions. MTIP of hart h is the level {@code mtime >= mtimecmp[h]}:
 * a write to MTIMECMP lowers it when the new compare value is in the future and schedules a
 * virtual-clock event for the moment MTIME reaches it, which raises the line. Writing MTIME
 * re-bases the counter and re-evaluates every hart. All registers accept 4-byte accesses to
 * either half as well as 8-byte accesses.
 */
public final class Clint implements MmioDevice {
    public static final long WINDOW = 0x10000;
    /** MTIME frequency (the device tree's timebase-frequency). */
    public static final long TIMEBASE_HZ = 10_000_000;
    private static final long NANOS_PER_TICK = 1_000_000_000L / TIMEBASE_HZ;

    private final VirtualClock clock;
    private final List<InterruptLine> msipLines;
    private final List<InterruptLine> mtipLines;
    private final int harts;
    private final int[] msip;
    private final long[] mtimecmp;
    private final boolean[] mtip;
    private final TimerEvent[] timerEvents;
    /** MTIME = virtual ticks + delta; writes to MTIME change the delta. */
    private long delta;

    /**
     * @param msipLines each hart's MSIP input (mip bit 3), in hart order
     * @param mtipLines each hart's MTIP input (mip bit 7), in hart order
     */
    public Clint(VirtualClock clock, List<InterruptLine> msipLines, List<InterruptLine> mtipLines) {
        if (msipLines.size() != mtipLines.size()) throw new IllegalArgumentException("one MSIP and one MTIP line per hart");
        if (msipLines.size() > 4095) throw new IllegalArgumentException("the CLINT layout has room for 4095 harts");
        this.clock = clock;
        this.msipLines = List.copyOf(msipLines);
        this.mtipLines = List.copyOf(mtipLines);
        this.harts = msipLines.size();
        this.msip = new int[harts];
        this.mtimecmp = new long[harts];
        this.mtip = new boolean[harts];
        this.timerEvents = new TimerEvent[harts];
        reset();
    }

    public int harts() { return harts; }

    /** The current MTIME value (also what the {@code time} CSR reads). */
    public long mtime() { return clock.preciseNanos() / NANOS_PER_TICK + delta; }

    public long mtimecmp(int hart) { return mtimecmp[hart]; }

    @Override
    public void reset() {
        // ACLINT: MTIME resets to zero; MTIMECMP is unspecified, and all-ones keeps MTIP low
        // until software programs it.
        delta = -(clock.preciseNanos() / NANOS_PER_TICK);
        for (int h = 0; h < harts; h++) {
            msip[h] = 0;
            msipLines.get(h).set(false);
            mtimecmp[h] = -1L;
            clock.cancel(timerEvents[h]);
            timerEvents[h] = null;
            mtip[h] = true; // force the line update below
            setMtip(h, false);
        }
    }

    @Override
    public long read(long offset, int size) {
        if (offset >= ClintRegister.MSIP.base && offset < ClintRegister.MSIP.base + 4L * harts) {
            if ((offset & 3) != 0) return 0;
            return msip[(int) (offset >>> 2)];
        }
        if (offset >= ClintRegister.MTIMECMP.base && offset < ClintRegister.MTIMECMP.base + 8L * harts) {
            int hart = (int) ((offset - ClintRegister.MTIMECMP.base) >>> 3);
            return part(mtimecmp[hart], offset & 7, size);
        }
        if (offset >= ClintRegister.MTIME.base && offset < ClintRegister.MTIME.base + 8) {
            return part(mtime(), offset - ClintRegister.MTIME.base, size);
        }
        return 0;
    }

    @Override
    public void write(long offset, int size, long value) {
        if (offset >= ClintRegister.MSIP.base && offset < ClintRegister.MSIP.base + 4L * harts) {
            if ((offset & 3) != 0) return;
            int hart = (int) (offset >>> 2);
            msip[hart] = (int) value & 1; // bits 31:1 are hardwired to zero
            msipLines.get(hart).set(msip[hart] != 0);
            return;
        }
        if (offset >= ClintRegister.MTIMECMP.base && offset < ClintRegister.MTIMECMP.base + 8L * harts) {
            int hart = (int) ((offset - ClintRegister.MTIMECMP.base) >>> 3);
            mtimecmp[hart] = merge(mtimecmp[hart], offset & 7, size, value);
            updateTimer(hart);
            return;
        }
        if (offset >= ClintRegister.MTIME.base && offset < ClintRegister.MTIME.base + 8) {
            long wanted = merge(mtime(), offset - ClintRegister.MTIME.base, size, value);
            delta += wanted - mtime();
            for (int h = 0; h < harts; h++) updateTimer(h);
        }
    }

    /** Re-evaluates MTIP of one hart and (re)schedules the event that will raise it. */
    private void updateTimer(int hart) {
        clock.cancel(timerEvents[hart]);
        timerEvents[hart] = null;
        long now = mtime();
        long cmp = mtimecmp[hart];
        if (Long.compareUnsigned(now, cmp) >= 0) {
            setMtip(hart, true);
            return;
        }
        setMtip(hart, false);
        // Virtual time at which MTIME reaches cmp. Far-future values (such as all-ones)
        // need no event: nothing will run that long.
        long ticks = cmp - now;
        if (ticks < 0 || ticks > Long.MAX_VALUE / NANOS_PER_TICK / 2) return;
        long deadline = (clock.preciseNanos() / NANOS_PER_TICK + ticks) * NANOS_PER_TICK;
        timerEvents[hart] = clock.schedule(deadline, () -> {
            timerEvents[hart] = null;
            updateTimer(hart);
        });
    }

    private void setMtip(int hart, boolean level) {
        if (mtip[hart] != level) {
            mtip[hart] = level;
            mtipLines.get(hart).set(level);
        }
    }

    /** The bytes [byteOffset, byteOffset+size) of a 64-bit register. */
    private static long part(long reg, long byteOffset, int size) {
        long v = reg >>> (8 * byteOffset);
        return size >= 8 ? v : v & ((1L << (8 * size)) - 1);
    }

    /** A 64-bit register with the bytes [byteOffset, byteOffset+size) replaced by value. */
    private static long merge(long reg, long byteOffset, int size, long value) {
        if (size >= 8 && byteOffset == 0) return value;
        int shift = (int) (8 * byteOffset);
        long mask = (size >= 8 ? -1L : (1L << (8 * size)) - 1) << shift;
        return (reg & ~mask) | ((value << shift) & mask);
    }
}
