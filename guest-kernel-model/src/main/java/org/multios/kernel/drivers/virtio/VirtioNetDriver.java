package org.multios.kernel.drivers.virtio;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.multios.kernel.drivers.nvme.PolledWait;
import org.multios.kernel.mm.PageFrameAllocator;
import org.multios.kernel.mm.PhysicalMemory;
import org.multios.kernel.net.EthernetInterface;
import org.multios.kernel.net.FrameDevice;
import org.multios.kernel.net.NetInterface;

/**
 * The kernel's virtio-net driver (virtio 1.2 §5.1) over the modern PCI transport: queue 0
 * receives, queue 1 transmits, each frame preceded by the 12-byte {@code virtio_net_hdr}.
 * <ul>
 * <li>Initialisation (§3.1.1): reset, ACKNOWLEDGE, DRIVER, features VERSION_1 | MAC | STATUS |
 *     MTU as far as offered, FEATURES_OK (re-read: a refusal fails the probe), queues, DRIVER_OK.
 *     The stack computes every checksum itself, so CSUM/GUEST_CSUM are not asked for.</li>
 * <li>Receive: every receive descriptor holds a posted 2 KiB buffer (MTU 1500 + header fits; no
 *     MRG_RXBUF); each used buffer is copied out and posted again at once, so the ring stays full.</li>
 * <li>Transmit: a frame is copied into a free transmit buffer and the doorbell rung. Finished
 *     buffers are reclaimed lazily (transmit interrupts are suppressed) whenever the driver looks;
 *     when the ring is full, frames wait in a bounded backlog and transmit interrupts are turned
 *     back on until it drains.</li>
 * <li>Interrupts: {@link #onInterrupt} (INTx through the platform controller) reads the ISR, which
 *     de-asserts the line, then {@link #poll}s both rings. Without an interrupt line the owner calls
 *     {@link #poll} from a periodic timer.</li>
 * </ul>
 */
public final class VirtioNetDriver implements FrameDevice {
    public static final int VENDOR = 0x1af4, DEVICE_MODERN = 0x1041;
    public static final int F_CSUM = 0, F_GUEST_CSUM = 1, F_MTU = 3, F_MAC = 5, F_STATUS = 16;
    static final int HDR = 12, RX = 0, TX = 1, MAX_QUEUE = 256, BACKLOG = 1024;
    static final int CFG_MAC = 0, CFG_STATUS = 6, CFG_MTU = 10, LINK_UP = 1;
    static final long RESET_TIMEOUT_NS = 1_000_000_000L;

    private final String name;
    private final VirtioPciTransport t;
    private final PhysicalMemory mem;
    private final PageFrameAllocator frames;
    private final PolledWait wait;
    private Virtqueue rx, tx;
    private long features;
    private byte[] mac;
    private int mtu = 1500;
    private boolean linkUp = true;
    private EthernetInterface ifc;
    private final ArrayDeque<byte[]> backlog = new ArrayDeque<>();
    private final byte[] header = new byte[HDR];
    private boolean polling;
    private String failure;
    private java.util.function.Consumer<String> onFailure = why -> {};
    public long interrupts, rxFrames, txFrames, txBacklogged, txDropped, rxErrors;

    public VirtioNetDriver(String name, VirtioPciTransport transport, PhysicalMemory mem, PageFrameAllocator frames, PolledWait wait) {
        this.name = name;
        this.t = transport;
        this.mem = mem;
        this.frames = frames;
        this.wait = wait;
    }

    public String name() { return name; }
    public VirtioPciTransport transport() { return t; }
    public byte[] mac() { return mac.clone(); }
    public int mtu() { return mtu; }
    public long features() { return features; }
    public boolean linkUp() { return linkUp; }
    public int rxQueueSize() { return rx.size; }
    public int txQueueSize() { return tx.size; }
    /** Why the driver gave the device up (a ring the device corrupted), or null. */
    public String failure() { return failure; }
    /** Called once when the driver gives the device up (the kernel logs it). */
    public void onFailure(java.util.function.Consumer<String> c) { onFailure = c; }

    /** Brings the device to DRIVER_OK with full receive ring; a device that refuses is an IllegalStateException. */
    public void start() {
        t.reset();
        long deadline = wait.clock().preciseNanos() + RESET_TIMEOUT_NS;
        if (!wait.until(() -> t.status() == 0, deadline)) throw new IllegalStateException(name + ": device did not reset");
        t.addStatus(VirtioPciTransport.STATUS_ACKNOWLEDGE);
        t.addStatus(VirtioPciTransport.STATUS_DRIVER);
        long offered = t.deviceFeatures();
        if ((offered & 1L << VirtioPciTransport.F_VERSION_1) == 0) {
            t.addStatus(VirtioPciTransport.STATUS_FAILED);
            throw new IllegalStateException(name + ": device does not offer VIRTIO_F_VERSION_1 (legacy only)");
        }
        long want = 1L << VirtioPciTransport.F_VERSION_1 | 1L << F_MAC | 1L << F_STATUS | 1L << F_MTU;
        features = offered & want;
        t.setDriverFeatures(features);
        t.addStatus(VirtioPciTransport.STATUS_FEATURES_OK);
        if ((t.status() & VirtioPciTransport.STATUS_FEATURES_OK) == 0) {
            t.addStatus(VirtioPciTransport.STATUS_FAILED);
            throw new IllegalStateException(name + ": device refused features " + Long.toHexString(features));
        }
        if (t.numQueues() < 2) throw new IllegalStateException(name + ": device has fewer than 2 queues");
        rx = queue(RX);
        tx = queue(TX);
        tx.suppressInterrupts(true);
        readConfig();
        t.addStatus(VirtioPciTransport.STATUS_DRIVER_OK);
        if ((t.status() & VirtioPciTransport.STATUS_NEEDS_RESET) != 0) throw new IllegalStateException(name + ": device needs a reset after DRIVER_OK");
        while (rx.freeDescriptors() > 0) rx.add(Virtqueue.BUFFER, true);
        t.notify(rx.doorbell(), RX);
    }

    private Virtqueue queue(int q) {
        int max = t.queueMaxSize(q);
        if (max == 0) throw new IllegalStateException(name + ": queue " + q + " is not available");
        int size = Math.min(MAX_QUEUE, Integer.highestOneBit(max));
        Virtqueue v = new Virtqueue(q, size, mem, frames);
        v.zero();
        v.setDoorbell(t.setUpQueue(q, size, v.desc, v.avail, v.used));
        return v;
    }

    private void readConfig() {
        for (int tries = 0; tries < 8; tries++) {
            int gen = t.configGeneration();
            byte[] m = null;
            if ((features & 1L << F_MAC) != 0 && t.hasDeviceConfig()) {
                m = new byte[6];
                for (int i = 0; i < 6; i++) m[i] = (byte) t.deviceConfig8(CFG_MAC + i);
            }
            boolean up = (features & 1L << F_STATUS) == 0 || !t.hasDeviceConfig() || (t.deviceConfig16(CFG_STATUS) & LINK_UP) != 0;
            int m2 = (features & 1L << F_MTU) != 0 && t.hasDeviceConfig() ? t.deviceConfig16(CFG_MTU) : 1500;
            if (gen != t.configGeneration()) continue;
            if (m == null && mac == null) m = new byte[] {0x52, 0x54, 0x00, 0x12, 0x34, 0x56}; // no MAC feature: QEMU's default
            if (m != null) mac = m;
            linkUp = up;
            mtu = Math.max(68, Math.min(m2, Virtqueue.BUFFER - HDR - 14));
            return;
        }
    }

    /** The interface this device carries (frames it receives go there). */
    public void attach(EthernetInterface eth) {
        this.ifc = eth;
        setRunning();
    }

    private void setRunning() {
        if (ifc == null) return;
        if (linkUp) ifc.flags |= NetInterface.IFF_RUNNING;
        else ifc.flags &= ~NetInterface.IFF_RUNNING;
    }

    /** The interrupt handler: acknowledge (de-assert INTx), note configuration changes, serve the rings. */
    public void onInterrupt() {
        interrupts++;
        if (failure != null) {
            t.readIsr(); // acknowledge: the device was reset, but a late assertion must not storm
            return;
        }
        int isr = t.readIsr();
        if ((isr & 2) != 0) {
            if ((t.status() & VirtioPciTransport.STATUS_NEEDS_RESET) != 0) {
                if (ifc != null) ifc.flags &= ~NetInterface.IFF_RUNNING;
                return;
            }
            readConfig();
            setRunning();
        }
        poll();
    }

    /**
     * Reclaims finished transmit buffers, sends waiting frames, and delivers every received frame.
     * A device that breaks the ring rules (a used entry for a buffer it does not hold) is given up:
     * reset (no more DMA), the interface down, {@link #failure()} says why; the kernel goes on.
     */
    public void poll() {
        if (polling || rx == null || failure != null) return; // delivery can send; sending never polls, but stay safe
        polling = true;
        List<byte[]> got = null;
        try {
            reclaim();
            Virtqueue.Used u;
            boolean refilled = false;
            while ((u = rx.takeUsed()) != null) {
                int len = u.length() - HDR;
                if (len >= 14 && u.length() <= Virtqueue.BUFFER) {
                    byte[] f = new byte[len];
                    mem.read(rx.buffer(u.id()) + HDR, f, 0, len);
                    if (got == null) got = new ArrayList<>();
                    got.add(f);
                } else {
                    rxErrors++;
                }
                rx.add(Virtqueue.BUFFER, true);
                refilled = true;
            }
            if (refilled) t.notify(rx.doorbell(), RX);
        } catch (IllegalStateException e) {
            fail(e.getMessage());
        } finally {
            polling = false;
        }
        if (got != null && ifc != null) {
            for (byte[] f : got) {
                rxFrames++;
                ifc.receiveFrame(f);
            }
        }
    }

    private void fail(String why) {
        failure = why;
        t.reset();
        backlog.clear();
        if (ifc != null) ifc.flags &= ~NetInterface.IFF_RUNNING;
        onFailure.accept(why);
    }

    private void reclaim() {
        while (tx.takeUsed() != null) {
            // the buffer is free again; nothing else to do (transmit buffers are copies)
        }
        if (!backlog.isEmpty()) {
            boolean sent = false;
            while (!backlog.isEmpty() && tx.freeDescriptors() > 0) {
                put(backlog.poll());
                sent = true;
            }
            if (sent) t.notify(tx.doorbell(), TX);
            if (backlog.isEmpty()) tx.suppressInterrupts(true);
        }
    }

    @Override
    public void transmit(byte[] frame) {
        if (tx == null || failure != null || frame.length > mtu + 14 || frame.length + HDR > Virtqueue.BUFFER) {
            txDropped++;
            return;
        }
        if (tx.freeDescriptors() == 0 || !backlog.isEmpty()) {
            try {
                reclaim();
            } catch (IllegalStateException e) {
                fail(e.getMessage());
                txDropped++;
                return;
            }
        }
        if (tx.freeDescriptors() == 0) {
            if (backlog.size() >= BACKLOG) {
                txDropped++;
                return;
            }
            backlog.add(frame);
            txBacklogged++;
            tx.suppressInterrupts(false); // tell us when buffers come back
            return;
        }
        put(frame);
        t.notify(tx.doorbell(), TX);
    }

    private void put(byte[] frame) {
        tx.addReadable(header, frame); // header: flags 0, GSO_NONE, num_buffers 0 — the stack filled every checksum
        txFrames++;
    }
}
