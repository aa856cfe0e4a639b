package org.multios.devices.pci;

import org.multios.core.bus.MmioDevice;

/** A function with one BAR of each kind and all three capabilities, for tests. */
final class TestFunction extends PciFunction {
    final long[] lastWrite = new long[3];
    final MsixCapability msix;
    final MsiCapability msi;

    TestFunction() {
        super(0x1234, 0x5678, 0x010802, 2);
        setInterruptPin(1);
        addBar(new PciBar(0, PciBar.Kind.MEMORY32, 0x1000, false, new Echo(0xA000_0000L)));
        msix = new MsixCapability(4, 2, 0x0, 0x800);
        addBar(new PciBar(2, PciBar.Kind.MEMORY64, 0x4000, false,
                new PciBarRegions().add(0, msix.tableLength(), msix.table()).add(0x800, msix.pbaLength(), msix.pendingBits())));
        addBar(new PciBar(4, PciBar.Kind.IO, 0x100, false, new Echo(0xB000_0000L)));
        addCapability(msix);
        msi = addCapability(new MsiCapability(2));
        addCapability(new PciExpressCapability());
    }

    /** Reads back a tag plus the offset, records writes. */
    final class Echo implements MmioDevice {
        private final long tag;

        Echo(long tag) { this.tag = tag; }

        @Override public long read(long offset, int size) { return tag | offset; }

        @Override public void write(long offset, int size, long value) { lastWrite[0] = offset; lastWrite[1] = size; lastWrite[2] = value; }
    }
}
