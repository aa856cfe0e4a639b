package org.multios.core.bus;

/**
 * A window of the physical address space: RAM, ROM or a device's registers.
 * Offsets passed to {@link #read}/{@link #write} are relative to {@link #base()}.
 * Sizes are 1, 2, 4 or 8 bytes; values are little-endian and zero-extended.
 */
public sealed interface MemoryRegion permits RamRegion, MmioRegion {
    String name();

    long base();

    long size();

    long read(long offset, int size);

    void write(long offset, int size, long value);

    default boolean contains(long address) {
        return Long.compareUnsigned(address - base(), size()) < 0;
    }

    default long end() { return base() + size(); }
}
