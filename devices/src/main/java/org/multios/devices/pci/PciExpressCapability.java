package org.multios.devices.pci;

/**
 * PCI Express Capability structure, version 2, for an endpoint on a x1 2.5 GT/s link
 * (PCIe Base 4.0 §7.5.3). What an operating system reads here decides that the
 * function is PCIe and that extended configuration space exists.
 */
public final class PciExpressCapability extends PciCapability {
    private static final int CAPS = 0x02, DEVCAP = 0x04, DEVCTL = 0x08, DEVSTA = 0x0a;
    private static final int LNKCAP = 0x0c, LNKCTL = 0x10, LNKSTA = 0x12;
    private static final int DEVCAP2 = 0x24, DEVCTL2 = 0x28, LNKCAP2 = 0x2c, LNKCTL2 = 0x30;

    @Override public int id() { return ID_PCI_EXPRESS; }

    @Override public int length() { return 0x3c; }

    @Override
    protected void install(PciConfigSpace c) {
        int o = offset;
        c.set16(o + CAPS, 0x0002);                 // version 2, device/port type 0000b: PCIe endpoint
        c.set32(o + DEVCAP, 1 << 15);              // max payload 128 B, role-based error reporting
        c.set16(o + DEVCTL, 0x2 << 12 | 0x10);     // max read request 512 B, relaxed ordering enabled
        c.setWritable(o + DEVCTL, 2, 0x7cff);      // error reporting enables, MPS, MRRS, ext tag, no snoop...
        c.setW1c(o + DEVSTA, 2, 0x000f);           // correctable/non-fatal/fatal/unsupported detected
        c.set32(o + LNKCAP, 1 << 4 | 1);           // x1, 2.5 GT/s, port number 0
        c.setWritable(o + LNKCTL, 2, 0x01c3);      // ASPM control, RCB, common clock, extended synch
        c.set16(o + LNKSTA, 1 << 4 | 1);           // negotiated x1 at 2.5 GT/s
        c.set32(o + DEVCAP2, 0);
        c.setWritable(o + DEVCTL2, 2, 0x040f);     // completion timeout value/disable, ID-based ordering
        c.set32(o + LNKCAP2, 1 << 1);              // supported link speeds vector: 2.5 GT/s
        c.set16(o + LNKCTL2, 1);                   // target link speed 2.5 GT/s
        c.setWritable(o + LNKCTL2, 2, 0x000f);
    }
}
