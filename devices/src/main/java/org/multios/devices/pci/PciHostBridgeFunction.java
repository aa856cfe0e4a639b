package org.multios.devices.pci;

/**
 * Function 00:00.0: the host bridge's own header, as QEMU's generic PCIe host presents
 * it (Red Hat vendor 0x1b36, device 0x0008, class 06/00/00 "host bridge"). Firmware
 * enumerating the bus sees it first and skips it as a bridge to the CPU side.
 */
public final class PciHostBridgeFunction extends PciFunction {
    public static final int VENDOR_REDHAT = 0x1b36;
    public static final int DEVICE_GPEX_HOST = 0x0008;

    public PciHostBridgeFunction() {
        super(VENDOR_REDHAT, DEVICE_GPEX_HOST, 0x060000, 0);
        setSubsystem(0x1af4, 0x1100);
    }
}
