package org.multios.devices.nvme;

/**
 * What the controller needs from the bus it sits on: DMA to and from guest memory and
 * its interrupt outputs. {@link NvmePciFunction} implements it over PCI (bus mastering,
 * INTx pin, MSI-X/MSI); tests may implement it directly.
 */
public interface NvmeHost {
    /** True if [address, address+length) can be read ({@code write} false) or written by DMA. */
    boolean dmaCheck(long address, long length, boolean write);

    /** Reads guest memory; throws {@link org.multios.core.bus.BusErrorException} if it cannot. */
    void dmaRead(long address, byte[] dst, int from, int length);

    /** Writes guest memory; throws {@link org.multios.core.bus.BusErrorException} if it cannot. */
    void dmaWrite(long address, byte[] src, int from, int length);

    enum InterruptMode { PIN, MSI, MSIX }

    /** How interrupts are signalled right now (what software enabled in the PCI capabilities). */
    InterruptMode interruptMode();

    /** Number of interrupt vectors the device offers (completion queues name one each). */
    int vectors();

    /** Sends the message of vector {@code vector}. */
    void message(int vector);

    /** Sets the level of the pin-based interrupt. */
    void pin(boolean level);
}
