package org.multios.core.bus;

/**
 * An access that no region on the physical bus answers (or that a region refuses).
 * The CPU that issued it turns this into its architectural access fault, so it is
 * thrown without a stack trace: it is control flow, not a bug.
 */
public final class BusErrorException extends RuntimeException {
    private final long address;
    private final boolean write;

    public BusErrorException(long address, boolean write) {
        super(null, null, false, false);
        this.address = address;
        this.write = write;
    }

    public long address() { return address; }

    public boolean isWrite() { return write; }

    @Override
    public String getMessage() {
        return String.format("bus error: %s at physical 0x%x", write ? "write" : "read", address);
    }
}
