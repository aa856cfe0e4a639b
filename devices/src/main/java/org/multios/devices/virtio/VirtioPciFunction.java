package org.multios.devices.virtio;

import org.multios.core.bus.BusErrorException;
import org.multios.core.bus.MmioDevice;
import org.multios.core.time.TimerEvent;
import org.multios.core.time.VirtualClock;
import org.multios.devices.pci.MsixCapability;
import org.multios.devices.pci.PciBar;
import org.multios.devices.pci.PciBarRegions;
import org.multios.devices.pci.PciExpressCapability;
import org.multios.devices.pci.PciFunction;

/**
 * The virtio 1.2 modern PCI transport (§4.1), for non-transitional devices (device ID
 * 0x1040 + virtio device type, revision 1). BAR 4 (64-bit, 16 KiB) holds the common
 * configuration at 0, the ISR byte at 0x1000, the device-specific configuration at
 * 0x2000 and the queue notify doorbells at 0x3000 (4 bytes per queue); BAR 1 holds the
 * MSI-X table and pending bits, as QEMU lays them out.
 * <p>
 * Driver notifications schedule the queue's work as a virtual-time event, so guest
 * I/O runs at deterministic points. A driver that breaks the rules (bad rings, DMA
 * outside RAM) puts the device into DEVICE_NEEDS_RESET with a configuration-change
 * interrupt; nothing it writes makes the host throw.
 */
public abstract class VirtioPciFunction extends PciFunction {
    public static final int VENDOR_VIRTIO = 0x1af4;
    public static final int DEVICE_ID_BASE = 0x1040;

    public static final int STATUS_ACKNOWLEDGE = 1, STATUS_DRIVER = 2, STATUS_DRIVER_OK = 4,
            STATUS_FEATURES_OK = 8, STATUS_NEEDS_RESET = 0x40, STATUS_FAILED = 0x80;
    public static final int F_RING_INDIRECT_DESC = 28, F_RING_EVENT_IDX = 29, F_VERSION_1 = 32;
    public static final int NO_VECTOR = 0xffff;
    public static final int ISR_QUEUE = 1, ISR_CONFIG = 2;

    public static final int MODERN_BAR = 4, MSIX_BAR = 1;
    public static final int COMMON_OFFSET = 0, ISR_OFFSET = 0x1000, DEVICE_OFFSET = 0x2000, NOTIFY_OFFSET = 0x3000;
    public static final int NOTIFY_MULTIPLIER = 4;
    public static final int MODERN_BAR_SIZE = 0x4000;
    public static final int COMMON_LENGTH = 0x3c;
    /** Virtual time from a doorbell write to the device looking at the queue. */
    public static final long NOTIFY_DELAY_NS = 1_000;

    // Common configuration offsets (struct virtio_pci_common_cfg).
    static final int DEVICE_FEATURE_SELECT = 0x00, DEVICE_FEATURE = 0x04, DRIVER_FEATURE_SELECT = 0x08,
            DRIVER_FEATURE = 0x0c, CONFIG_MSIX_VECTOR = 0x10, NUM_QUEUES = 0x12, DEVICE_STATUS = 0x14,
            CONFIG_GENERATION = 0x15, QUEUE_SELECT = 0x16, QUEUE_SIZE = 0x18, QUEUE_MSIX_VECTOR = 0x1a,
            QUEUE_ENABLE = 0x1c, QUEUE_NOTIFY_OFF = 0x1e, QUEUE_DESC = 0x20, QUEUE_DRIVER = 0x28,
            QUEUE_DEVICE = 0x30, QUEUE_NOTIFY_DATA = 0x38, QUEUE_RESET = 0x3a;

    protected final VirtualClock clock;
    private final long deviceFeatures;
    private final SplitVirtqueue[] queues;
    private final TimerEvent[] pendingWork;
    private final MsixCapability msix;
    private final GuestMemory memory;
    private long driverFeatures;
    private int deviceFeatureSelect, driverFeatureSelect, queueSelect;
    private int status, isr, configGeneration;
    private int configVector = NO_VECTOR;
    private String lastError;

    protected VirtioPciFunction(VirtualClock clock, int virtioType, int classCode, int queueCount, int queueSize, long deviceFeatures) {
        super(VENDOR_VIRTIO, DEVICE_ID_BASE + virtioType, classCode, 1);
        this.clock = clock;
        this.deviceFeatures = deviceFeatures | 1L << F_VERSION_1 | 1L << F_RING_INDIRECT_DESC;
        setSubsystem(VENDOR_VIRTIO, 0x1100);
        setInterruptPin(1);
        queues = new SplitVirtqueue[queueCount];
        pendingWork = new TimerEvent[queueCount];
        for (int i = 0; i < queueCount; i++) queues[i] = new SplitVirtqueue(queueSize);
        msix = new MsixCapability(queueCount + 1, MSIX_BAR, 0, 0x800);
        addBar(new PciBar(MSIX_BAR, PciBar.Kind.MEMORY32, 0x1000, false, new PciBarRegions()
                .add(0, msix.tableLength(), msix.table())
                .add(0x800, msix.pbaLength(), msix.pendingBits())));
        addBar(new PciBar(MODERN_BAR, PciBar.Kind.MEMORY64, MODERN_BAR_SIZE, true, new PciBarRegions()
                .add(COMMON_OFFSET, 0x1000, new Common())
                .add(ISR_OFFSET, 0x1000, new Isr())
                .add(DEVICE_OFFSET, 0x1000, new DeviceConfig())
                .add(NOTIFY_OFFSET, 0x1000, new Notify())));
        addCapability(msix);
        addCapability(new VirtioPciCapability(VirtioPciCapability.COMMON_CFG, MODERN_BAR, COMMON_OFFSET, COMMON_LENGTH, 0));
        addCapability(new VirtioPciCapability(VirtioPciCapability.ISR_CFG, MODERN_BAR, ISR_OFFSET, 4, 0));
        addCapability(new VirtioPciCapability(VirtioPciCapability.DEVICE_CFG, MODERN_BAR, DEVICE_OFFSET, 0x1000, 0));
        addCapability(new VirtioPciCapability(VirtioPciCapability.NOTIFY_CFG, MODERN_BAR, NOTIFY_OFFSET,
                (long) queueCount * NOTIFY_MULTIPLIER, NOTIFY_MULTIPLIER));
        addCapability(new PciExpressCapability());
        memory = new GuestMemory() {
            @Override public void read(long a, byte[] d, int f, int l) { dmaRead(a, d, f, l); }
            @Override public void write(long a, byte[] s, int f, int l) { dmaWrite(a, s, f, l); }
            @Override public boolean allowed(long a, long l, boolean w) { return dmaAllowed(a, l, w); }
        };
    }

    // ---- for the device model

    /** Bytes of device-specific configuration; reads past it are zero. */
    protected abstract int readDeviceConfig(int offset);

    /** A driver write to device-specific configuration (most devices ignore it). */
    protected void writeDeviceConfig(int offset, int value) {}

    /** Runs queue {@code q}'s work, at a virtual-time event after the driver notified it. */
    protected abstract void processQueue(int q);

    /** Returns the device model to its reset state (queues and transport are reset already). */
    protected abstract void deviceReset();

    /** The driver set DRIVER_OK: the device may start using the queues. */
    protected void driverReady() {}

    public final GuestMemory memory() { return memory; }

    public final SplitVirtqueue queue(int q) { return queues[q]; }

    public final boolean negotiated(int feature) { return (driverFeatures & 1L << feature) != 0; }

    public final long driverFeatures() { return driverFeatures; }

    public final int status() { return status; }

    public final boolean isDriverOk() { return (status & (STATUS_DRIVER_OK | STATUS_NEEDS_RESET)) == STATUS_DRIVER_OK; }

    public final boolean needsReset() { return (status & STATUS_NEEDS_RESET) != 0; }

    /** Why the device last entered DEVICE_NEEDS_RESET (for logs and tests), or null. */
    public final String lastError() { return lastError; }

    /** Schedules queue work as a virtual-time event (coalescing repeated requests). */
    protected final void scheduleQueue(int q, long delayNs) {
        if (pendingWork[q] != null) return;
        pendingWork[q] = clock.scheduleIn(delayNs, () -> {
            pendingWork[q] = null;
            runGuarded(() -> processQueue(q));
        });
    }

    /** Runs device work that touches guest memory; rule breaking ends in NEEDS_RESET. */
    protected final void runGuarded(Runnable work) {
        if (!isDriverOk()) return;
        try {
            work.run();
        } catch (VirtqueueException | BusErrorException e) {
            enterNeedsReset(e.getMessage());
        }
    }

    /** Virtio 1.2 §2.1.2: the device hit an error it cannot recover from without a reset. */
    protected final void enterNeedsReset(String why) {
        lastError = why;
        if ((status & STATUS_NEEDS_RESET) != 0) return;
        status |= STATUS_NEEDS_RESET;
        if ((status & STATUS_DRIVER_OK) != 0) signal(configVector, ISR_CONFIG);
    }

    /** Used buffers on queue {@code q}: interrupts the driver unless it suppressed them. */
    protected final void notifyUsed(int q) {
        if (queues[q].wantsInterrupt(memory)) signal(queues[q].msixVector(), ISR_QUEUE);
    }

    /** The device-specific configuration changed (e.g. link status). */
    protected final void configChanged() {
        configGeneration = (configGeneration + 1) & 0xff;
        if ((status & STATUS_DRIVER_OK) != 0) signal(configVector, ISR_CONFIG);
    }

    private void signal(int vector, int isrBit) {
        if (msix.isEnabled()) {
            if (vector != NO_VECTOR) msix.notify(vector);
        } else {
            isr |= isrBit;
            setIntx(true);
        }
    }

    // ---- reset and status

    private void transportReset() {
        for (int q = 0; q < queues.length; q++) {
            queues[q].reset();
            if (pendingWork[q] != null) clock.cancel(pendingWork[q]);
            pendingWork[q] = null;
        }
        driverFeatures = 0;
        deviceFeatureSelect = driverFeatureSelect = queueSelect = 0;
        status = isr = 0;
        configVector = NO_VECTOR;
        lastError = null;
        setIntx(false);
        deviceReset();
    }

    @Override
    protected void resetDevice() { transportReset(); }

    private void writeStatus(int value) {
        value &= 0xff;
        if (value == 0) {
            transportReset();
            return;
        }
        int next = (value & ~STATUS_NEEDS_RESET) | (status & STATUS_NEEDS_RESET);
        if ((next & STATUS_FEATURES_OK) != 0 && (status & STATUS_FEATURES_OK) == 0 && !featuresAcceptable()) {
            next &= ~STATUS_FEATURES_OK; // §3.1.1: the driver re-reads status and sees the refusal
        }
        boolean ready = (next & STATUS_DRIVER_OK) != 0 && (status & STATUS_DRIVER_OK) == 0;
        status = next;
        if (ready) {
            driverReady();
            for (int q = 0; q < queues.length; q++) if (queues[q].isEnabled()) scheduleQueue(q, NOTIFY_DELAY_NS);
        }
    }

    /** Only features we offered, and the modern interface (VERSION_1) is mandatory here. */
    private boolean featuresAcceptable() {
        return (driverFeatures & ~deviceFeatures) == 0 && negotiated(F_VERSION_1);
    }

    private SplitVirtqueue selected() { return queueSelect < queues.length ? queues[queueSelect] : null; }

    private final class Common implements MmioDevice {
        @Override
        public long read(long offset, int size) {
            long v = 0;
            if (size == 8) return read(offset, 4) | read(offset + 4, 4) << 32;
            int o = (int) offset;
            SplitVirtqueue q = selected();
            switch (o) {
                case DEVICE_FEATURE_SELECT -> v = deviceFeatureSelect;
                case DEVICE_FEATURE -> v = deviceFeatureSelect < 2 ? (deviceFeatures >>> (32 * deviceFeatureSelect)) & 0xffff_ffffL : 0;
                case DRIVER_FEATURE_SELECT -> v = driverFeatureSelect;
                case DRIVER_FEATURE -> v = driverFeatureSelect < 2 ? (driverFeatures >>> (32 * driverFeatureSelect)) & 0xffff_ffffL : 0;
                case CONFIG_MSIX_VECTOR -> v = configVector;
                case NUM_QUEUES -> v = queues.length;
                case DEVICE_STATUS -> v = status;
                case CONFIG_GENERATION -> v = configGeneration;
                case QUEUE_SELECT -> v = queueSelect;
                case QUEUE_SIZE -> v = q == null ? 0 : q.size();
                case QUEUE_MSIX_VECTOR -> v = q == null ? NO_VECTOR : q.msixVector();
                case QUEUE_ENABLE -> v = q != null && q.isEnabled() ? 1 : 0;
                case QUEUE_NOTIFY_OFF -> v = queueSelect;
                case QUEUE_DESC, QUEUE_DESC + 4 -> v = q == null ? 0 : q.descAddress() >>> (o - QUEUE_DESC) * 8;
                case QUEUE_DRIVER, QUEUE_DRIVER + 4 -> v = q == null ? 0 : q.availAddress() >>> (o - QUEUE_DRIVER) * 8;
                case QUEUE_DEVICE, QUEUE_DEVICE + 4 -> v = q == null ? 0 : q.usedAddress() >>> (o - QUEUE_DEVICE) * 8;
                case QUEUE_NOTIFY_DATA -> v = queueSelect;
                default -> v = 0;
            }
            return v & (size == 4 ? 0xffff_ffffL : size == 2 ? 0xffff : 0xff);
        }

        @Override
        public void write(long offset, int size, long value) {
            if (size == 8) {
                write(offset, 4, value & 0xffff_ffffL);
                write(offset + 4, 4, value >>> 32);
                return;
            }
            int o = (int) offset;
            int v = (int) value;
            SplitVirtqueue q = selected();
            boolean configurable = q != null && !q.isEnabled();
            switch (o) {
                case DEVICE_FEATURE_SELECT -> deviceFeatureSelect = v;
                case DRIVER_FEATURE_SELECT -> driverFeatureSelect = v;
                case DRIVER_FEATURE -> {
                    if ((status & STATUS_FEATURES_OK) == 0 && driverFeatureSelect < 2) {
                        int shift = 32 * driverFeatureSelect;
                        driverFeatures = (driverFeatures & ~(0xffff_ffffL << shift)) | (value & 0xffff_ffffL) << shift;
                    }
                }
                case CONFIG_MSIX_VECTOR -> configVector = validVector(v & 0xffff);
                case DEVICE_STATUS -> writeStatus(v);
                case QUEUE_SELECT -> queueSelect = v & 0xffff;
                case QUEUE_SIZE -> { if (configurable) q.setSize(v & 0xffff); }
                case QUEUE_MSIX_VECTOR -> { if (q != null) q.setMsixVector(validVector(v & 0xffff)); }
                case QUEUE_ENABLE -> { if (configurable && (v & 0xffff) == 1) q.enable(); }
                case QUEUE_DESC, QUEUE_DESC + 4 -> { if (configurable) q.setDescAddress(merge(q.descAddress(), o - QUEUE_DESC, value)); }
                case QUEUE_DRIVER, QUEUE_DRIVER + 4 -> { if (configurable) q.setAvailAddress(merge(q.availAddress(), o - QUEUE_DRIVER, value)); }
                case QUEUE_DEVICE, QUEUE_DEVICE + 4 -> { if (configurable) q.setUsedAddress(merge(q.usedAddress(), o - QUEUE_DEVICE, value)); }
                default -> {}
            }
        }

        private long merge(long old, int half, long value) {
            return half == 0 ? (old & ~0xffff_ffffL) | (value & 0xffff_ffffL) : (old & 0xffff_ffffL) | value << 32;
        }

        /** §4.1.5.1.2: a vector the device cannot use reads back as NO_VECTOR. */
        private int validVector(int v) { return v < msix.vectors() ? v : NO_VECTOR; }
    }

    private final class Isr implements MmioDevice {
        @Override
        public long read(long offset, int size) {
            if (offset != 0) return 0;
            int v = isr;
            isr = 0; // reading acknowledges and de-asserts INTx (§4.1.4.5)
            setIntx(false);
            return v;
        }

        @Override public void write(long offset, int size, long value) {}
    }

    private final class DeviceConfig implements MmioDevice {
        @Override
        public long read(long offset, int size) {
            long v = 0;
            for (int i = 0; i < size; i++) v |= (long) (readDeviceConfig((int) offset + i) & 0xff) << (8 * i);
            return v;
        }

        @Override
        public void write(long offset, int size, long value) {
            for (int i = 0; i < size; i++) writeDeviceConfig((int) offset + i, (int) (value >>> (8 * i)) & 0xff);
        }
    }

    private final class Notify implements MmioDevice {
        @Override public long read(long offset, int size) { return 0; }

        @Override
        public void write(long offset, int size, long value) {
            int q = (int) (offset / NOTIFY_MULTIPLIER);
            if (q < queues.length && queues[q].isEnabled() && isDriverOk()) scheduleQueue(q, NOTIFY_DELAY_NS);
        }
    }
}
