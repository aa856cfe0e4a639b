package org.multios.devices.pci;

/**
 * One entry of the capability list in configuration space (PCI 3.0 §6.7). The owning
 * {@link PciFunction} places it, links the chain (ID byte, next-pointer byte) and calls
 * {@link #configWritten} after software writes inside it.
 */
public abstract class PciCapability {
    public static final int ID_MSI = 0x05;
    public static final int ID_PCI_EXPRESS = 0x10;
    public static final int ID_MSIX = 0x11;

    protected PciFunction function;
    protected int offset;

    /** Capability ID (byte 0 of the structure). */
    public abstract int id();

    /** Length of the structure in bytes, header included. */
    public abstract int length();

    /** Writes initial values and write masks; {@link #offset} is set. */
    protected abstract void install(PciConfigSpace config);

    /** Called after a software write that touched [offset, offset + length). */
    protected void configWritten() {}

    /** Called on function reset, after configuration space has been restored. */
    protected void reset() {}

    public int offset() { return offset; }

    final void place(PciFunction function, int offset) {
        this.function = function;
        this.offset = offset;
    }
}
