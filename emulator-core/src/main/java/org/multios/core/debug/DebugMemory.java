package org.multios.core.debug;

import java.io.ByteArrayOutputStream;
import org.multios.core.bus.MemoryRegion;
import org.multios.core.bus.PhysicalBus;
import org.multios.core.bus.RamRegion;

/**
 * Guest memory as the debugger reads and writes it: virtual addresses go through the
 * selected CPU's side-effect-free translation (or are physical in {@code phys} mode), then
 * to RAM or ROM on the bus. Device registers are refused: a debugger's read of a FIFO or a
 * status register would change the device (and GDB reads memory speculatively while
 * unwinding). Writes go through {@link PhysicalBus#loadImage}, so they reach ROM too and
 * invalidate decoded blocks on the page.
 */
public final class DebugMemory {
    private final PhysicalBus bus;

    public DebugMemory(PhysicalBus bus) { this.bus = bus; }

    /** Reads up to {@code length} bytes; stops early at the first byte it cannot read. */
    public byte[] read(DebugCpu cpu, boolean physical, long address, int length) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(0, length));
        long a = address;
        int left = length;
        while (left > 0) {
            int chunk = (int) Math.min(left, 4096 - (a & 0xfff));
            long pa = physical ? a : cpu.translate(a, false);
            if (pa == DebugCpu.NO_TRANSLATION) break;
            RamRegion ram = ramAt(pa, chunk);
            if (ram == null) break;
            for (int i = 0; i < chunk; i++) out.write((int) ram.read(pa - ram.base() + i, 1));
            a += chunk;
            left -= chunk;
        }
        return out.toByteArray();
    }

    /** Writes all bytes or none of the ones past the first unwritable page; returns bytes written. */
    public int write(DebugCpu cpu, boolean physical, long address, byte[] data) {
        int done = 0;
        long a = address;
        while (done < data.length) {
            int chunk = (int) Math.min(data.length - done, 4096 - (a & 0xfff));
            long pa = physical ? a : cpu.translate(a, true);
            if (pa == DebugCpu.NO_TRANSLATION || ramAt(pa, chunk) == null) break;
            bus.loadImage(pa, data, done, chunk);
            a += chunk;
            done += chunk;
        }
        return done;
    }

    private RamRegion ramAt(long pa, int length) {
        MemoryRegion r = bus.find(pa);
        if (r instanceof RamRegion ram && Long.compareUnsigned(pa - ram.base() + length, ram.size()) <= 0) return ram;
        return null;
    }
}
