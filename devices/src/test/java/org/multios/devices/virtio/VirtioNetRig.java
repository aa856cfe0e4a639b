package org.multios.devices.virtio;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.multios.core.bus.PhysicalBus;
import org.multios.core.bus.RamRegion;
import org.multios.core.irq.InterruptLine;
import org.multios.core.time.VirtualClock;
import org.multios.devices.net.NetBackend;
import org.multios.devices.pci.MsiSink;
import org.multios.devices.pci.PciHostBridge;
import org.multios.devices.pci.PciHostLayout;
import org.multios.devices.pci.PciRegister;

/**
 * A CPU-less machine with a virtio-net function in slot 1, driven the way a guest
 * driver does it: capabilities found in config space, common configuration through
 * BAR 4, rings and buffers hand-built in RAM.
 */
final class VirtioNetRig implements AutoCloseable {
    static final PciHostLayout L = PciHostLayout.riscvVirt();
    static final long RAM = 0x8000_0000L, RAM_SIZE = 16 << 20;
    static final long BAR4 = 0x4000_0000L, BAR1 = 0x4001_0000L;
    static final long COMMON = BAR4, ISR = BAR4 + 0x1000, DEVCFG = BAR4 + 0x2000, NOTIFY = BAR4 + 0x3000;
    static final int SLOT = 1, QSIZE = 16;
    static final long[] DESC = {RAM + 0x10000, RAM + 0x20000}, AVAIL = {RAM + 0x11000, RAM + 0x21000}, USED = {RAM + 0x12000, RAM + 0x22000};
    static final long RXBUF = RAM + 0x100000, TXBUF = RAM + 0x200000, BUFSIZE = 2048;

    /** Records what the device transmits and lets the test inject received frames. */
    static final class RecordingBackend implements NetBackend {
        final List<byte[]> sent = new ArrayList<>();
        FrameSink sink;
        /** Answers every frame with itself inside transmit, as the user network's gateway answers. */
        boolean echo;
        @Override public void attach(FrameSink s) { sink = s; }
        @Override public void transmit(byte[] f) { sent.add(f); if (echo) sink.deliver(f); }
        @Override public void close() {}
    }

    final PhysicalBus bus = new PhysicalBus();
    final RamRegion ram;
    final VirtualClock clock = new VirtualClock();
    final boolean[] wires = new boolean[4];
    final PciHostBridge bridge;
    final VirtioNetPciFunction net;
    final int[] availIdx = new int[2], usedSeen = new int[2];

    VirtioNetRig(NetBackend backend) {
        ram = bus.addRam("ram", RAM, RAM_SIZE);
        InterruptLine[] lines = new InterruptLine[4];
        for (int i = 0; i < 4; i++) { int w = i; lines[i] = level -> wires[w] = level; }
        bridge = new PciHostBridge(bus, lines, MsiSink.memoryWrite(bus));
        bridge.attachTo(bus, L);
        net = new VirtioNetPciFunction(clock, backend, VirtioNetPciFunction.defaultMac(), 1500);
        bridge.plug(SLOT, 0, net);
    }

    long cfgAddr(int reg) { return L.ecamBase() + ((long) SLOT << 15) + reg; }
    void cfgWrite(int reg, int size, long v) { bus.write(cfgAddr(reg), size, v); }
    long cfgRead(int reg, int size) { return bus.read(cfgAddr(reg), size); }

    void configure() {
        cfgWrite(0x14, 4, BAR1);
        cfgWrite(0x20, 4, BAR4);
        cfgWrite(0x24, 4, 0);
        cfgWrite(PciRegister.COMMAND, 2, PciRegister.CMD_MEMORY_SPACE | PciRegister.CMD_BUS_MASTER);
    }

    long common(int off, int size) { return bus.read(COMMON + off, size); }
    void common(int off, int size, long v) { bus.write(COMMON + off, size, v); }
    int status() { return (int) common(VirtioPciFunction.DEVICE_STATUS, 1); }

    /** §3.1.1 driver initialisation; returns the status after FEATURES_OK. */
    int negotiate(long features) {
        common(VirtioPciFunction.DEVICE_STATUS, 1, 0);
        assertEquals(0, status());
        common(VirtioPciFunction.DEVICE_STATUS, 1, 1);
        common(VirtioPciFunction.DEVICE_STATUS, 1, 3);
        common(VirtioPciFunction.DRIVER_FEATURE_SELECT, 4, 0);
        common(VirtioPciFunction.DRIVER_FEATURE, 4, features & 0xffff_ffffL);
        common(VirtioPciFunction.DRIVER_FEATURE_SELECT, 4, 1);
        common(VirtioPciFunction.DRIVER_FEATURE, 4, features >>> 32);
        common(VirtioPciFunction.DEVICE_STATUS, 1, 0xb);
        return status();
    }

    long offered() {
        common(VirtioPciFunction.DEVICE_FEATURE_SELECT, 4, 0);
        long lo = common(VirtioPciFunction.DEVICE_FEATURE, 4);
        common(VirtioPciFunction.DEVICE_FEATURE_SELECT, 4, 1);
        return lo | common(VirtioPciFunction.DEVICE_FEATURE, 4) << 32;
    }

    void setupQueue(int q) {
        common(VirtioPciFunction.QUEUE_SELECT, 2, q);
        assertEquals(VirtioNetPciFunction.QUEUE_SIZE, common(VirtioPciFunction.QUEUE_SIZE, 2));
        common(VirtioPciFunction.QUEUE_SIZE, 2, QSIZE);
        common(VirtioPciFunction.QUEUE_DESC, 8, DESC[q]);
        common(VirtioPciFunction.QUEUE_DRIVER, 8, AVAIL[q]);
        common(VirtioPciFunction.QUEUE_DEVICE, 8, USED[q]);
        common(VirtioPciFunction.QUEUE_ENABLE, 2, 1);
        for (long a = 0; a < 0x1000; a += 8) { bus.write(DESC[q] + a, 8, 0); bus.write(AVAIL[q] + a, 8, 0); bus.write(USED[q] + a, 8, 0); }
        availIdx[q] = usedSeen[q] = 0;
    }

    /** Full bring-up with the modern feature set; rx buffers posted. */
    void start() {
        configure();
        assertEquals(0xb, negotiate(1L << VirtioPciFunction.F_VERSION_1 | 1L << VirtioNetPciFunction.F_MAC | 1L << VirtioNetPciFunction.F_CSUM));
        setupQueue(0);
        setupQueue(1);
        common(VirtioPciFunction.DEVICE_STATUS, 1, 0xf);
        for (int i = 0; i < 8; i++) postRx(i);
    }

    void desc(int q, int i, long addr, long len, int flags, int next) {
        long d = DESC[q] + 16L * i;
        bus.write(d, 8, addr);
        bus.write(d + 8, 4, len);
        bus.write(d + 12, 2, flags);
        bus.write(d + 14, 2, next);
    }

    void publish(int q, int head) {
        bus.write(AVAIL[q] + 4 + 2L * (availIdx[q] % QSIZE), 2, head);
        availIdx[q] = (availIdx[q] + 1) & 0xffff;
        bus.write(AVAIL[q] + 2, 2, availIdx[q]);
    }

    void notify(int q) { bus.write(NOTIFY + 4L * q, 2, q); }

    void postRx(int i) {
        desc(0, i, RXBUF + BUFSIZE * i, BUFSIZE, SplitVirtqueue.DESC_F_WRITE, 0);
        publish(0, i);
        notify(0);
    }

    /** Sends one frame (12-byte header + frame, one descriptor) on the transmit queue. */
    void send(int slot, byte[] hdr, byte[] frame) {
        long a = TXBUF + BUFSIZE * slot;
        byte[] all = new byte[12 + frame.length];
        System.arraycopy(hdr, 0, all, 0, 12);
        System.arraycopy(frame, 0, all, 12, frame.length);
        bus.loadImage(a, all, 0, all.length);
        desc(1, slot, a, all.length, 0, 0);
        publish(1, slot);
        notify(1);
    }

    void send(int slot, byte[] frame) { send(slot, new byte[12], frame); }

    int usedIdx(int q) { return (int) bus.read(USED[q] + 2, 2); }

    /** Received frames (virtio header stripped) since the last call; re-posts their buffers. */
    List<byte[]> received() {
        List<byte[]> out = new ArrayList<>();
        while (usedSeen[0] != usedIdx(0)) {
            long e = USED[0] + 4 + 8L * (usedSeen[0] % QSIZE);
            int id = (int) bus.read(e, 4);
            int len = (int) bus.read(e + 4, 4);
            byte[] b = new byte[len];
            for (int i = 0; i < len; i++) b[i] = (byte) bus.read(RXBUF + BUFSIZE * id + i, 1);
            assertTrue(len >= 12, "used length covers the header");
            assertEquals(1, b[10], "num_buffers");
            out.add(java.util.Arrays.copyOfRange(b, 12, len));
            usedSeen[0]++;
            postRx(id);
        }
        return out;
    }

    /** Runs host input and device events up to {@code nanos} of virtual time from now, as the machine loop does. */
    void run(long nanos) {
        long end = clock.nanos() + nanos;
        for (int i = 0; i < 1_000_000; i++) {
            if (clock.hostInput().hasPending()) clock.hostInput().runPending();
            long next = clock.nextDeadline();
            if (next > end) { clock.advanceTo(end); return; }
            clock.advanceTo(next);
            clock.fireDue();
        }
        fail("device events never stop");
    }

    @Override
    public void close() { net.close(); }
}
