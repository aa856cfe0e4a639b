package org.multios.boards.x86;

import org.multios.core.bus.MmioDevice;
import org.multios.isa.x86.IoPorts;

/**
 * The PC's 64 KiB I/O port space: fixed legacy devices claim port ranges; everything else
 * goes to the PCI I/O window (BARs of PCI functions), where nothing decoding reads as all-ones.
 * Devices are {@link MmioDevice}s addressed by the offset of the port within their range.
 */
public final class IoPortBus implements IoPorts {
    private final MmioDevice[] devices = new MmioDevice[0x10000];
    private final int[] bases = new int[0x10000];
    private MmioDevice fallback;

    public void map(int base, int length, MmioDevice device) {
        for (int p = base; p < base + length; p++) {
            if (devices[p] != null) throw new IllegalArgumentException(String.format("I/O port 0x%x is taken", p));
            devices[p] = device;
            bases[p] = base;
        }
    }

    /** Returns every port device to its power-on state (the machine reset covers only the memory bus). */
    public void resetDevices() {
        java.util.Set<MmioDevice> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (MmioDevice d : devices) if (d != null && seen.add(d)) d.reset();
    }

    /** Where unclaimed ports go (the PCI I/O window). */
    public void fallback(MmioDevice device) { this.fallback = device; }

    @Override
    public long in(int port, int size) {
        port &= 0xffff;
        MmioDevice d = devices[port];
        long ones = size == 4 ? 0xffffffffL : (1L << (8 * size)) - 1;
        if (d == null) return fallback == null ? ones : fallback.read(port, size) & ones;
        return d.read(port - bases[port], size) & ones;
    }

    @Override
    public void out(int port, int size, long value) {
        port &= 0xffff;
        MmioDevice d = devices[port];
        if (d == null) {
            if (fallback != null) fallback.write(port, size, value);
            return;
        }
        d.write(port - bases[port], size, value);
    }
}
