package org.multios.core.bus;

/**
 * The register interface of a device, as seen from the bus. Offsets are relative to
 * the device's window. A device that does not implement an access size or offset
 * should read as zero and ignore writes (as most real hardware does) unless its spec
 * says the access faults, in which case it throws {@link BusErrorException}.
 */
public interface MmioDevice {
    long read(long offset, int size);

    void write(long offset, int size, long value);

    /** Returns the device to its power-on state. */
    default void reset() {}
}
