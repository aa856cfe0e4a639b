package org.multios.devices.pci;

import org.multios.core.bus.MmioDevice;

/**
 * One base address register as the device declares it: its kind, its size (a power of
 * two) and the register interface that answers accesses inside it. Where it sits is
 * whatever the guest programs into the BAR.
 */
public record PciBar(int index, Kind kind, long size, boolean prefetchable, MmioDevice handler) {
    public enum Kind {
        /** I/O space BAR (bit 0 = 1). */
        IO,
        /** 32-bit memory BAR (type 00b). */
        MEMORY32,
        /** 64-bit memory BAR (type 10b): occupies this BAR and the next. */
        MEMORY64;

        public boolean isMemory() { return this != IO; }
    }

    public PciBar {
        if (index < 0 || index > 5 || (kind == Kind.MEMORY64 && index == 5)) {
            throw new IllegalArgumentException("BAR index " + index + " invalid for " + kind);
        }
        long min = kind == Kind.IO ? 4 : 16;
        if (size < min || Long.bitCount(size) != 1 || (kind != Kind.MEMORY64 && size > 1L << 31)) {
            throw new IllegalArgumentException("BAR size must be a power of two >= " + min + ": " + size);
        }
        if (prefetchable && kind == Kind.IO) throw new IllegalArgumentException("I/O BARs are not prefetchable");
    }

    /** The read-only low bits of the BAR register: space indicator, type, prefetchable. */
    int typeBits() {
        return switch (kind) {
            case IO -> 0x1;
            case MEMORY32 -> prefetchable ? 0x8 : 0x0;
            case MEMORY64 -> (prefetchable ? 0x8 : 0x0) | 0x4;
        };
    }
}
