package org.multios.devices.pci;

import org.multios.core.bus.BusErrorException;
import org.multios.core.bus.PhysicalBus;

/**
 * Where message-signalled interrupts go. On the wire an MSI or MSI-X message is a
 * posted 32-bit memory write of {@code data} to {@code address}; the board's interrupt
 * controller (IMSIC, GICv3 ITS, x86 local APIC) decodes it. Boards whose controller has
 * no MSI doorbell (riscv64-virt with a PLIC) use {@link #NONE}, and guests then use INTx.
 */
@FunctionalInterface
public interface MsiSink {
    void deliver(long address, int data);

    /** Drops every message (no MSI-capable interrupt controller). */
    MsiSink NONE = (address, data) -> {};

    /**
     * Performs the message as the memory write it is, on the physical bus: it reaches
     * whatever decodes that address (a controller's MMIO doorbell, or RAM). A write that
     * nothing decodes is dropped, as a master abort on a posted write is.
     */
    static MsiSink memoryWrite(PhysicalBus bus) {
        return (address, data) -> {
            try {
                bus.write(address, 4, data & 0xffff_ffffL);
            } catch (BusErrorException e) {
                // Unsupported request on a posted write: nothing to report to the device.
            }
        };
    }
}
