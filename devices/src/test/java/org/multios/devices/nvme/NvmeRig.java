package org.multios.devices.nvme;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.multios.core.bus.PhysicalBus;
import org.multios.core.bus.RamRegion;
import org.multios.core.irq.InterruptLine;
import org.multios.core.time.VirtualClock;
import org.multios.devices.block.DiskImage;
import org.multios.devices.block.DiskSpec;
import org.multios.devices.pci.MsiSink;
import org.multios.devices.pci.PciHostBridge;
import org.multios.devices.pci.PciHostLayout;
import org.multios.devices.pci.PciRegister;

/**
 * A machine without a CPU: RAM, a PCI host bridge at riscv64-virt addresses and an
 * NVMe function in slot 1, driven the way a guest driver would (config space through
 * ECAM, registers through the BAR, queues and data in RAM).
 */
final class NvmeRig implements AutoCloseable {
    static final PciHostLayout L = PciHostLayout.riscvVirt();
    static final long RAM = 0x8000_0000L, RAM_SIZE = 16 << 20;
    static final long BAR = 0x4000_0000L;
    static final long ASQ = RAM + 0x10000, ACQ = RAM + 0x11000;
    static final int SLOT = 1;

    final PhysicalBus bus = new PhysicalBus();
    final RamRegion ram;
    final VirtualClock clock = new VirtualClock();
    final boolean[] wires = new boolean[4];
    final PciHostBridge bridge;
    final NvmePciFunction nvme;
    final List<NvmeNamespace> namespaces = new ArrayList<>();
    int asqTail, acqHead;
    boolean acqPhase = true;
    int cid;

    NvmeRig(List<DiskImage> disks) {
        ram = bus.addRam("ram", RAM, RAM_SIZE);
        InterruptLine[] lines = new InterruptLine[4];
        for (int i = 0; i < 4; i++) { int w = i; lines[i] = level -> wires[w] = level; }
        bridge = new PciHostBridge(bus, lines, MsiSink.memoryWrite(bus));
        bridge.attachTo(bus, L);
        for (int i = 0; i < disks.size(); i++) namespaces.add(new NvmeNamespace(i + 1, disks.get(i)));
        nvme = new NvmePciFunction(clock, namespaces, "MULTIOS0001");
        bridge.plug(SLOT, 0, nvme);
    }

    static DiskImage disk(Path p, String opts) { return DiskSpec.parse(p + opts).open(false, w -> {}); }

    static Path image(Path dir, String name, int blocks, int fill) throws IOException {
        byte[] b = new byte[blocks * 512];
        for (int i = 0; i < b.length; i++) b[i] = (byte) (fill + i / 512);
        return Files.write(dir.resolve(name), b);
    }

    long cfgAddr(int reg) { return L.ecamBase() + ((long) SLOT << 15) + reg; }

    void cfgWrite(int reg, int size, long v) { bus.write(cfgAddr(reg), size, v); }

    long cfgRead(int reg, int size) { return bus.read(cfgAddr(reg), size); }

    /** What firmware does: place BAR 0, enable memory decoding and bus mastering. */
    void configure() {
        cfgWrite(0x10, 4, BAR);
        cfgWrite(0x14, 4, 0);
        cfgWrite(PciRegister.COMMAND, 2, PciRegister.CMD_MEMORY_SPACE | PciRegister.CMD_BUS_MASTER);
    }

    long reg(NvmeRegister r) { return bus.read(BAR + r.offset, r.size); }

    void reg(NvmeRegister r, long v) { bus.write(BAR + r.offset, r.size, v); }

    /** Runs every pending device event (virtual time jumps from one to the next). */
    void run() {
        for (int i = 0; i < 1_000_000; i++) {
            long next = clock.nextDeadline();
            if (next == Long.MAX_VALUE) return;
            clock.advanceTo(next);
            clock.fireDue();
        }
        fail("device events never stop");
    }

    static final int CC_ENABLE = 1 | 6 << 16 | 4 << 20;

    void enable(int queueEntries) {
        configure();
        reg(NvmeRegister.AQA, (queueEntries - 1) | (long) (queueEntries - 1) << 16);
        reg(NvmeRegister.ASQ, ASQ);
        reg(NvmeRegister.ACQ, ACQ);
        reg(NvmeRegister.CC, CC_ENABLE);
        run();
        assertEquals(1, reg(NvmeRegister.CSTS) & 3, "ready, not fatal");
        asqTail = acqHead = 0;
        acqPhase = true;
        this.adminEntries = queueEntries;
    }

    int adminEntries;

    /** A submission queue entry. */
    static byte[] sqe(int opcode, int nsid, long prp1, long prp2, int... cdw) {
        byte[] e = new byte[64];
        put(e, 0, 4, opcode);
        put(e, 4, 4, nsid);
        put(e, 24, 8, prp1);
        put(e, 32, 8, prp2);
        for (int i = 0; i < cdw.length; i++) put(e, 40 + 4 * i, 4, cdw[i]);
        return e;
    }

    static void put(byte[] b, int o, int n, long v) { for (int i = 0; i < n; i++) b[o + i] = (byte) (v >>> (8 * i)); }

    record Cqe(int dw0, int sqHead, int sqId, int cid, boolean phase, int status) {}

    Cqe readCqe(long addr) {
        int dw0 = (int) ram.read(addr - RAM, 4);
        int dw2 = (int) ram.read(addr - RAM + 8, 4);
        int dw3 = (int) ram.read(addr - RAM + 12, 4);
        return new Cqe(dw0, dw2 & 0xffff, dw2 >>> 16, dw3 & 0xffff, (dw3 & 0x10000) != 0, (dw3 >>> 17) & 0x7fff);
    }

    /** Submits one admin command, runs the device, consumes its completion. */
    Cqe admin(byte[] sqe) {
        int id = ++cid & 0xffff;
        put(sqe, 2, 2, id);
        ram.load(ASQ - RAM + 64L * asqTail, sqe, 0, 64);
        asqTail = (asqTail + 1) % adminEntries;
        bus.write(BAR + 0x1000, 4, asqTail);
        run();
        Cqe c = readCqe(ACQ + 16L * acqHead);
        assertEquals(acqPhase, c.phase(), "a new completion was posted");
        assertEquals(id, c.cid());
        acqHead = (acqHead + 1) % adminEntries;
        if (acqHead == 0) acqPhase = !acqPhase;
        bus.write(BAR + 0x1004, 4, acqHead);
        return c;
    }

    // ---- one I/O queue pair per qid

    final int[] sqTail = new int[17], cqHead = new int[17], ioEntries = new int[17];
    final boolean[] cqPhase = new boolean[17];

    static long ioSq(int q) { return RAM + 0x20000 + q * 0x10000L; }

    static long ioCq(int q) { return RAM + 0x28000 + q * 0x10000L; }

    void createIoQueues(int q, int entries, boolean ien, int vector) {
        assertEquals(0, admin(sqe(0x05, 0, ioCq(q), 0, q | (entries - 1) << 16, 1 | (ien ? 2 : 0) | vector << 16)).status());
        assertEquals(0, admin(sqe(0x01, 0, ioSq(q), 0, q | (entries - 1) << 16, 1 | q << 16)).status());
        sqTail[q] = cqHead[q] = 0;
        cqPhase[q] = true;
        ioEntries[q] = entries;
    }

    /** Queues a command on I/O queue q without ringing. */
    int queue(int q, byte[] sqe) {
        int id = ++cid & 0xffff;
        put(sqe, 2, 2, id);
        ram.load(ioSq(q) - RAM + 64L * sqTail[q], sqe, 0, 64);
        sqTail[q] = (sqTail[q] + 1) % ioEntries[q];
        return id;
    }

    void ring(int q) { bus.write(BAR + 0x1000 + 8L * q, 4, sqTail[q]); }

    /** Takes the next completion of queue q (must be there). */
    Cqe reap(int q, boolean ringHead) {
        Cqe c = readCqe(ioCq(q) + 16L * cqHead[q]);
        assertEquals(cqPhase[q], c.phase(), "completion posted on queue " + q);
        cqHead[q] = (cqHead[q] + 1) % ioEntries[q];
        if (cqHead[q] == 0) cqPhase[q] = !cqPhase[q];
        if (ringHead) bus.write(BAR + 0x1000 + 8L * q + 4, 4, cqHead[q]);
        return c;
    }

    Cqe io(int q, byte[] sqe) {
        int id = queue(q, sqe);
        ring(q);
        run();
        Cqe c = reap(q, true);
        assertEquals(id, c.cid());
        return c;
    }

    byte[] mem(long addr, int len) {
        byte[] b = new byte[len];
        bus.dmaRead(addr, b, 0, len);
        return b;
    }

    @Override
    public void close() throws IOException {
        for (NvmeNamespace ns : namespaces) ns.close();
    }
}
