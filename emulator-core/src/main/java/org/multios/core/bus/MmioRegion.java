package org.multios.core.bus;

/** A device's register window on the bus. */
public record MmioRegion(String name, long base, long size, MmioDevice device) implements MemoryRegion {
    @Override
    public long read(long offset, int size) {
        return device.read(offset, size);
    }

    @Override
    public void write(long offset, int size, long value) {
        device.write(offset, size, value);
    }
}
