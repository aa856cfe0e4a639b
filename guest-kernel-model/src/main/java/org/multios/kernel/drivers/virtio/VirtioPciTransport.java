package org.multios.kernel.drivers.virtio;

import org.multios.core.bus.PhysicalBus;
import org.multios.kernel.drivers.pci.PciDevice;

/**
 * The driver side of the virtio 1.x modern PCI transport (virtio 1.2 §4.1): the vendor-specific
 * capabilities locate the common configuration, notification, ISR and device configuration
 * structures inside the function's BARs; everything afterwards is MMIO on those windows.
 * <p>
 * The legacy (I/O port) interface is not supported: a function without the common
 * configuration capability is refused.
 */
public final class VirtioPciTransport {
    /** {@code cfg_type} of {@code struct virtio_pci_cap} (§4.1.4). */
    static final int COMMON_CFG = 1, NOTIFY_CFG = 2, ISR_CFG = 3, DEVICE_CFG = 4;
    static final int CAP_VENDOR = 0x09, CAP_POINTER = 0x34, STATUS_CAP_LIST = 0x10;

    public static final int STATUS_ACKNOWLEDGE = 1, STATUS_DRIVER = 2, STATUS_DRIVER_OK = 4, STATUS_FEATURES_OK = 8,
            STATUS_NEEDS_RESET = 0x40, STATUS_FAILED = 0x80;
    public static final int F_VERSION_1 = 32;
    public static final int NO_VECTOR = 0xffff;

    // struct virtio_pci_common_cfg (§4.1.4.3)
    static final int DEVICE_FEATURE_SELECT = 0x00, DEVICE_FEATURE = 0x04, DRIVER_FEATURE_SELECT = 0x08, DRIVER_FEATURE = 0x0c,
            CONFIG_MSIX_VECTOR = 0x10, NUM_QUEUES = 0x12, DEVICE_STATUS = 0x14, CONFIG_GENERATION = 0x15, QUEUE_SELECT = 0x16,
            QUEUE_SIZE = 0x18, QUEUE_MSIX_VECTOR = 0x1a, QUEUE_ENABLE = 0x1c, QUEUE_NOTIFY_OFF = 0x1e, QUEUE_DESC = 0x20,
            QUEUE_DRIVER = 0x28, QUEUE_DEVICE = 0x30;

    private final PciDevice pci;
    private final PhysicalBus bus;
    private final long common, notify, isr, device;
    private final int notifyMultiplier;

    private VirtioPciTransport(PciDevice pci, long common, long notify, int notifyMultiplier, long isr, long device) {
        this.pci = pci;
        this.bus = pci.host().bus();
        this.common = common;
        this.notify = notify;
        this.notifyMultiplier = notifyMultiplier;
        this.isr = isr;
        this.device = device;
    }

    /**
     * Walks the capability list (bounded: a looping list cannot hang the kernel), keeps the first
     * capability of each type whose BAR is a memory BAR (§4.1.4.1: the driver uses the first one it
     * can), places those BARs and turns on memory decoding and bus mastering (INTx stays enabled).
     */
    public static VirtioPciTransport open(PciDevice pci) {
        if ((pci.config16(PciDevice.STATUS) & STATUS_CAP_LIST) == 0) throw new IllegalStateException(pci.address() + ": no capability list");
        long[] at = {-1, -1, -1, -1, -1};
        long[] len = new long[5];
        int multiplier = 0;
        long[] barBase = new long[6];
        java.util.Arrays.fill(barBase, -1);
        int p = pci.config8(CAP_POINTER) & 0xfc;
        for (int n = 0; p != 0 && n < 48; n++) {
            int id = pci.config8(p);
            if (id == CAP_VENDOR) {
                int type = pci.config8(p + 3), bar = pci.config8(p + 4);
                if (type >= COMMON_CFG && type <= DEVICE_CFG && at[type] < 0 && bar < 6) {
                    if (barBase[bar] < 0) {
                        PciDevice.Bar b = pci.memoryBar(bar);
                        barBase[bar] = b == null ? -2 : b.cpuAddress();
                    }
                    if (barBase[bar] >= 0) {
                        long off = pci.config32(p + 8) & 0xffff_ffffL;
                        at[type] = barBase[bar] + off;
                        len[type] = pci.config32(p + 12) & 0xffff_ffffL;
                        if (type == NOTIFY_CFG) multiplier = pci.config32(p + 16);
                    }
                }
            }
            p = pci.config8(p + 1) & 0xfc;
        }
        if (at[COMMON_CFG] < 0 || len[COMMON_CFG] < 0x38) throw new IllegalStateException(pci.address() + ": no virtio common configuration (legacy-only device?)");
        if (at[NOTIFY_CFG] < 0) throw new IllegalStateException(pci.address() + ": no virtio notification capability");
        if (at[ISR_CFG] < 0) throw new IllegalStateException(pci.address() + ": no virtio ISR capability");
        pci.enable(false);
        return new VirtioPciTransport(pci, at[COMMON_CFG], at[NOTIFY_CFG], multiplier, at[ISR_CFG], at[DEVICE_CFG]);
    }

    public PciDevice pci() { return pci; }

    public int status() { return (int) bus.read(common + DEVICE_STATUS, 1) & 0xff; }
    public void setStatus(int s) { bus.write(common + DEVICE_STATUS, 1, s & 0xff); }
    /** Adds status bits (the status byte only ever grows until a reset). */
    public void addStatus(int bits) { setStatus(status() | bits); }
    /** Writing 0 resets the device; §4.1.4.3.2: the driver then waits until status reads 0. */
    public void reset() { setStatus(0); }

    public long deviceFeatures() {
        bus.write(common + DEVICE_FEATURE_SELECT, 4, 0);
        long lo = bus.read(common + DEVICE_FEATURE, 4) & 0xffff_ffffL;
        bus.write(common + DEVICE_FEATURE_SELECT, 4, 1);
        long hi = bus.read(common + DEVICE_FEATURE, 4) & 0xffff_ffffL;
        return lo | hi << 32;
    }

    public void setDriverFeatures(long f) {
        bus.write(common + DRIVER_FEATURE_SELECT, 4, 0);
        bus.write(common + DRIVER_FEATURE, 4, f & 0xffff_ffffL);
        bus.write(common + DRIVER_FEATURE_SELECT, 4, 1);
        bus.write(common + DRIVER_FEATURE, 4, f >>> 32);
    }

    public int numQueues() { return (int) bus.read(common + NUM_QUEUES, 2) & 0xffff; }

    /** The device's maximum size of queue q (0: no such queue). */
    public int queueMaxSize(int q) {
        bus.write(common + QUEUE_SELECT, 2, q);
        return (int) bus.read(common + QUEUE_SIZE, 2) & 0xffff;
    }

    /** Programs and enables queue q: size, ring addresses, no MSI-X vector; returns its doorbell address. */
    public long setUpQueue(int q, int size, long desc, long avail, long used) {
        bus.write(common + QUEUE_SELECT, 2, q);
        bus.write(common + QUEUE_SIZE, 2, size);
        bus.write(common + QUEUE_DESC, 4, desc & 0xffff_ffffL);
        bus.write(common + QUEUE_DESC + 4, 4, desc >>> 32);
        bus.write(common + QUEUE_DRIVER, 4, avail & 0xffff_ffffL);
        bus.write(common + QUEUE_DRIVER + 4, 4, avail >>> 32);
        bus.write(common + QUEUE_DEVICE, 4, used & 0xffff_ffffL);
        bus.write(common + QUEUE_DEVICE + 4, 4, used >>> 32);
        bus.write(common + QUEUE_MSIX_VECTOR, 2, NO_VECTOR);
        int off = (int) bus.read(common + QUEUE_NOTIFY_OFF, 2) & 0xffff;
        bus.write(common + QUEUE_ENABLE, 2, 1);
        return notify + (long) off * notifyMultiplier;
    }

    /** Rings a queue's doorbell (the 16-bit queue index, §4.1.5.2). */
    public void notify(long doorbell, int q) { bus.write(doorbell, 2, q); }

    /** Reads (and so acknowledges, de-asserting INTx) the ISR status: bit 0 queue, bit 1 configuration. */
    public int readIsr() { return (int) bus.read(isr, 1) & 0xff; }

    public boolean hasDeviceConfig() { return device >= 0; }
    public int deviceConfig8(int offset) { return (int) bus.read(device + offset, 1) & 0xff; }
    public int deviceConfig16(int offset) { return (int) bus.read(device + offset, 2) & 0xffff; }
    /** §2.5.1: re-read until the generation is stable so multi-byte fields are consistent. */
    public int configGeneration() { return (int) bus.read(common + CONFIG_GENERATION, 1) & 0xff; }
}
