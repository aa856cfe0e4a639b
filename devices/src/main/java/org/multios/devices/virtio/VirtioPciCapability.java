package org.multios.devices.virtio;

import org.multios.devices.pci.PciCapability;
import org.multios.devices.pci.PciConfigSpace;

/**
 * A virtio structure locator (virtio 1.2 §4.1.4): a vendor-specific PCI capability
 * naming which BAR, offset and length hold one of the common configuration, notify,
 * ISR or device-specific configuration structures. The notify capability carries the
 * extra {@code notify_off_multiplier} word.
 */
public final class VirtioPciCapability extends PciCapability {
    public static final int ID_VENDOR = 0x09;
    public static final int COMMON_CFG = 1, NOTIFY_CFG = 2, ISR_CFG = 3, DEVICE_CFG = 4;

    private final int cfgType, bar;
    private final long structOffset, structLength;
    private final int notifyMultiplier;

    public VirtioPciCapability(int cfgType, int bar, long offset, long length, int notifyMultiplier) {
        this.cfgType = cfgType;
        this.bar = bar;
        this.structOffset = offset;
        this.structLength = length;
        this.notifyMultiplier = notifyMultiplier;
    }

    @Override public int id() { return ID_VENDOR; }

    @Override public int length() { return cfgType == NOTIFY_CFG ? 20 : 16; }

    public int cfgType() { return cfgType; }

    @Override
    protected void install(PciConfigSpace c) {
        c.set8(offset + 2, length());           // cap_len
        c.set8(offset + 3, cfgType);
        c.set8(offset + 4, bar);
        c.set8(offset + 5, 0);                  // id: only one structure of each type
        c.set32(offset + 8, (int) structOffset);
        c.set32(offset + 12, (int) structLength);
        if (cfgType == NOTIFY_CFG) c.set32(offset + 16, notifyMultiplier);
    }
}
