package org.multios.devices.pci;

import org.multios.core.bus.MmioDevice;

/**
 * Enhanced Configuration Access Mechanism (PCIe Base §7.2.2): configuration space
 * mapped in memory, offset = bus &lt;&lt; 20 | device &lt;&lt; 15 | function &lt;&lt; 12 | register.
 * Accesses of 1, 2 or 4 bytes, naturally aligned; a function that is not there reads
 * as all-ones (the "no device" answer firmware probes for) and ignores writes.
 * 8-byte accesses are split into two 4-byte ones.
 */
public final class PciEcam implements MmioDevice {
    private final PciHostBridge bridge;

    PciEcam(PciHostBridge bridge) { this.bridge = bridge; }

    private static long ones(int size) { return size >= 8 ? -1L : (1L << (8 * size)) - 1; }

    @Override
    public long read(long offset, int size) {
        if (size == 8) return read(offset, 4) | read(offset + 4, 4) << 32;
        PciFunction f = target(offset);
        int reg = (int) (offset & 0xfff);
        if (f == null || (reg & (size - 1)) != 0) return ones(size);
        return f.configRead(reg, size) & ones(size);
    }

    @Override
    public void write(long offset, int size, long value) {
        if (size == 8) {
            write(offset, 4, value);
            write(offset + 4, 4, value >>> 32);
            return;
        }
        PciFunction f = target(offset);
        int reg = (int) (offset & 0xfff);
        if (f == null || (reg & (size - 1)) != 0) return;
        f.configWrite(reg, size, (int) value);
    }

    private PciFunction target(long offset) {
        return bridge.function((int) (offset >>> 20), (int) (offset >>> 15) & 31, (int) (offset >>> 12) & 7);
    }

    @Override
    public void reset() { bridge.reset(); }
}
