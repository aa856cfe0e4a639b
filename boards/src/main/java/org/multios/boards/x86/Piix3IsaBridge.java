package org.multios.boards.x86;

import org.multios.devices.pci.PciFunction;

/**
 * Function 00:01.0, the PCI-to-ISA bridge of QEMU's PC (Intel 82371SB PIIX3, 8086:7000,
 * class 06/01/00). Firmware writes its PIRQ routing (0x60-0x63), XBCS (0x4E) and other
 * device-specific registers; they are plain read/write storage here, since our ISA devices
 * are wired to fixed IRQs.
 */
public final class Piix3IsaBridge extends PciFunction {
    public static final int VENDOR_INTEL = 0x8086, DEVICE_PIIX3_ISA = 0x7000;

    public Piix3IsaBridge() {
        super(VENDOR_INTEL, DEVICE_PIIX3_ISA, 0x060100, 0);
        for (int r = 0x40; r < 0x100; r += 4) config.setWritable(r, 4, 0xffffffffL);
        config.set8(0x60, 0x80); // PIRQ routes disabled at reset
        config.set8(0x61, 0x80);
        config.set8(0x62, 0x80);
        config.set8(0x63, 0x80);
    }

    /** The ISA IRQ that PCI interrupt wire PIRQA+{@code wire} is routed to, or -1 when routing is disabled. */
    public int pirqRoute(int wire) {
        int v = config.get8(0x60 + wire);
        return (v & 0x80) != 0 ? -1 : v & 0x0f;
    }
}
