package org.multios.devices.virtio;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicBoolean;
import org.multios.core.time.HostInput;
import org.multios.core.time.VirtualClock;
import org.multios.devices.net.NetBackend;

/**
 * virtio-net (virtio 1.2 §5.1) on the modern PCI transport: device ID 0x1041, class
 * 02/00/00, one receive queue (0) and one transmit queue (1). Offered features: MAC,
 * STATUS (link always up), MTU, CSUM (the device completes partial checksums the
 * driver leaves, §5.1.6.2) and GUEST_CSUM (frames we deliver carry full checksums,
 * so the flag needs no header work), plus VERSION_1 and indirect descriptors.
 * <p>
 * Every frame starts with the 12-byte {@code virtio_net_hdr} (VERSION_1 layout). Frames
 * from the back end wait in a bounded inbox. One the back end answers synchronously inside
 * {@link NetBackend#transmit} (the user network's ARP, DHCP, ping, TFTP) moves into receive
 * buffers 1 µs after the transmit batch, a deterministic point in guest time. One a host
 * thread delivers (a socket peer, a NAT connection) is {@linkplain HostInput#post posted} to
 * the machine thread, which moves it in at the virtual time it arrives: event-driven, no
 * periodic poll. The back end's {@link NetBackend#mayDeliver} is registered as a host input
 * source, so the machine paces idle time while such frames may come.
 */
public final class VirtioNetPciFunction extends VirtioPciFunction implements AutoCloseable {
    public static final int VIRTIO_NET = 1;
    public static final int CLASS_ETHERNET = 0x020000;
    public static final int F_CSUM = 0, F_GUEST_CSUM = 1, F_MTU = 3, F_MAC = 5, F_STATUS = 16;
    public static final int RX = 0, TX = 1;
    public static final int HDR_SIZE = 12;
    public static final int HDR_F_NEEDS_CSUM = 1;
    public static final int S_LINK_UP = 1;
    public static final int QUEUE_SIZE = 256;
    /** Largest frame accepted from the guest without TSO: 64 KiB payload bound. */
    public static final int MAX_FRAME = 65535 + 14;
    /** Frames waiting for receive buffers; later ones are dropped, as a full NIC FIFO does. */
    public static final int INBOX_LIMIT = 512;

    private final NetBackend backend;
    private final byte[] mac;
    private final int mtu;
    private final ConcurrentLinkedQueue<byte[]> inbox = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inboxCount = new AtomicInteger();
    private final AtomicInteger dropped = new AtomicInteger();
    private final AtomicBoolean deliveryPosted = new AtomicBoolean();
    /** The thread inside {@code backend.transmit}: frames it delivers are synchronous answers. */
    private volatile Thread transmitting;
    private boolean linkUp = true;

    public VirtioNetPciFunction(VirtualClock clock, NetBackend backend, byte[] mac, int mtu) {
        super(clock, VIRTIO_NET, CLASS_ETHERNET, 2, QUEUE_SIZE,
                1L << F_CSUM | 1L << F_GUEST_CSUM | 1L << F_MTU | 1L << F_MAC | 1L << F_STATUS);
        if (mac.length != 6) throw new IllegalArgumentException("MAC address must be 6 bytes");
        if (mtu < 68 || mtu > 65535) throw new IllegalArgumentException("MTU " + mtu);
        this.backend = backend;
        this.mac = mac.clone();
        this.mtu = mtu;
        backend.attach(this::fromBackend);
        clock.hostInput().addSource(backend::mayDeliver);
    }

    /** QEMU's default first MAC address, 52:54:00:12:34:56. */
    public static byte[] defaultMac() { return new byte[] {0x52, 0x54, 0x00, 0x12, 0x34, 0x56}; }

    public NetBackend backend() { return backend; }

    /** Frames dropped because the inbox was full. */
    public int droppedFrames() { return dropped.get(); }

    public void setLinkUp(boolean up) {
        if (up != linkUp) {
            linkUp = up;
            configChanged();
        }
    }

    private void fromBackend(byte[] frame) {
        if (frame.length < 14 || frame.length > MAX_FRAME) return;
        if (inboxCount.incrementAndGet() > INBOX_LIMIT) {
            inboxCount.decrementAndGet();
            dropped.incrementAndGet();
            return;
        }
        inbox.add(frame);
        // A synchronous answer is picked up by the transmit path; anything else wakes the machine.
        if (Thread.currentThread() != transmitting && deliveryPosted.compareAndSet(false, true)) {
            clock.hostInput().post(this::deliverPosted);
        }
    }

    /** Machine thread, at the virtual time host frames arrived. */
    private void deliverPosted() {
        deliveryPosted.set(false);
        if (isDriverOk() && !inbox.isEmpty()) runGuarded(this::receive);
    }

    @Override
    protected int readDeviceConfig(int offset) {
        // struct virtio_net_config: mac[6], le16 status, le16 max_virtqueue_pairs, le16 mtu
        if (offset < 6) return mac[offset];
        return switch (offset) {
            case 6 -> linkUp ? S_LINK_UP : 0;
            case 8 -> 1;
            case 10 -> mtu & 0xff;
            case 11 -> mtu >>> 8;
            default -> 0;
        };
    }

    @Override
    protected void deviceReset() {
        // Frames already in the inbox stay: the next DRIVER_OK processes the receive queue.
    }

    @Override
    protected void processQueue(int q) {
        if (q == TX) transmit();
        else if (q == RX) receive();
    }

    private void transmit() {
        SplitVirtqueue tx = queue(TX);
        GuestMemory mem = memory();
        boolean any = false;
        DescriptorChain c;
        while ((c = tx.next(mem)) != null) {
            any = true;
            long n = c.readableBytes();
            byte[] frame = null;
            if (n >= HDR_SIZE + 14 && n <= HDR_SIZE + MAX_FRAME) {
                byte[] all = c.gather(mem, (int) n);
                frame = java.util.Arrays.copyOfRange(all, HDR_SIZE, all.length);
                int flags = all[0] & 0xff;
                if ((flags & HDR_F_NEEDS_CSUM) != 0 && negotiated(F_CSUM)) {
                    int start = (all[6] & 0xff) | (all[7] & 0xff) << 8;
                    int off = (all[8] & 0xff) | (all[9] & 0xff) << 8;
                    if (!completeChecksum(frame, start, off)) frame = null;
                }
            }
            tx.push(mem, c, 0);
            if (frame != null) {
                transmitting = Thread.currentThread();
                try {
                    backend.transmit(frame);
                } finally {
                    transmitting = null;
                }
            }
        }
        if (any) {
            notifyUsed(TX);
            // A built-in back end answers synchronously (ARP, DHCP): deliver 1 µs later.
            if (!inbox.isEmpty()) scheduleQueue(RX, NOTIFY_DELAY_NS);
        }
    }

    /**
     * §5.1.6.2: the driver summed the pseudo-header into the checksum field; the device
     * adds the one's-complement sum from {@code start} to the end and stores it there.
     */
    static boolean completeChecksum(byte[] frame, int start, int offset) {
        if (start >= frame.length || start + offset + 2 > frame.length) return false;
        long sum = 0;
        for (int i = start; i < frame.length; i += 2) {
            int hi = frame[i] & 0xff;
            int lo = i + 1 < frame.length ? frame[i + 1] & 0xff : 0;
            sum += hi << 8 | lo;
        }
        while ((sum >>> 16) != 0) sum = (sum & 0xffff) + (sum >>> 16);
        int csum = ~(int) sum & 0xffff;
        frame[start + offset] = (byte) (csum >>> 8);
        frame[start + offset + 1] = (byte) csum;
        return true;
    }

    private void receive() {
        SplitVirtqueue rx = queue(RX);
        GuestMemory mem = memory();
        boolean any = false;
        while (!inbox.isEmpty()) {
            DescriptorChain c = rx.next(mem);
            if (c == null) break; // no buffers: frames wait in the inbox
            byte[] frame = inbox.poll();
            inboxCount.decrementAndGet();
            byte[] buf = new byte[HDR_SIZE + frame.length];
            buf[10] = 1; // num_buffers
            System.arraycopy(frame, 0, buf, HDR_SIZE, frame.length);
            int written = 0;
            if (c.writableBytes() >= buf.length) written = c.scatter(mem, buf);
            else dropped.incrementAndGet();
            rx.push(mem, c, written);
            any = true;
        }
        if (any) notifyUsed(RX);
    }

    @Override
    public void close() { backend.close(); }
}
