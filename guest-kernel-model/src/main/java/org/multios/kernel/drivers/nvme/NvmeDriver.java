package org.multios.kernel.drivers.nvme;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.multios.core.bus.PhysicalBus;
import org.multios.kernel.drivers.pci.PciDevice;
import org.multios.kernel.mm.PageFrameAllocator;
import org.multios.kernel.mm.PhysicalMemory;

/**
 * The kernel's NVMe driver for one controller (NVMe Base 1.4), reaching it only through its BAR
 * (MMIO on the bus) and DMA buffers in guest RAM from the page allocator:
 * <ol>
 * <li>reset: CC.EN 0 and wait for CSTS.RDY 0; then admin queues (AQA/ASQ/ACQ), CC.EN 1 with 4 KiB
 *     pages and 64/16-byte entries, wait for CSTS.RDY 1 — each wait bounded by CAP.TO (500 ms units);</li>
 * <li>Identify Controller (serial, model, MDTS, NN) and Identify Namespace for each active namespace;</li>
 * <li>Set Features Number of Queues, Create I/O Completion Queue (interrupts off), Create I/O
 *     Submission Queue: one pair, polled (see {@link PolledWait});</li>
 * <li>Read / Write / Flush with PRP1, PRP2 or a PRP list over a bounce buffer of single pages.</li>
 * </ol>
 * Pin-based interrupts are masked (INTMS) since completions are polled. A command that fails gives
 * an {@link NvmeException} naming the command and status; one that never completes (30 s of
 * virtual time for I/O, 60 s for admin commands, as Linux's defaults) marks the controller dead, and
 * every later command fails at once.
 */
public final class NvmeDriver {
    static final int CAP = 0x00, VS = 0x08, INTMS = 0x0c, CC = 0x14, CSTS = 0x1c, AQA = 0x24, ASQ = 0x28, ACQ = 0x30;
    static final int CSTS_RDY = 1, CSTS_CFS = 2;
    static final int ADMIN_ENTRIES = 32, IO_ENTRIES = 64;
    static final int OP_FLUSH = 0x00, OP_WRITE = 0x01, OP_READ = 0x02;
    static final int OP_CREATE_SQ = 0x01, OP_CREATE_CQ = 0x05, OP_IDENTIFY = 0x06, OP_SET_FEATURES = 0x09;
    static final long ADMIN_TIMEOUT_NS = 60_000_000_000L, IO_TIMEOUT_NS = 30_000_000_000L;
    static final int PAGE = PhysicalMemory.PAGE;
    /** Largest transfer per command we issue (the bounce buffer); MDTS may lower it. */
    static final int MAX_PAGES = 32;

    private final String name;
    private final PciDevice pci;
    private final PhysicalMemory mem;
    private final PageFrameAllocator frames;
    private final PhysicalBus bus;
    private final PolledWait wait;
    private long regs;
    private int doorbellStride;
    private long readyTimeoutNs;
    private NvmeQueuePair admin, io;
    private final long[] bounce = new long[MAX_PAGES];
    private long prpList, identifyPage;
    private int maxTransfer = MAX_PAGES * PAGE;
    private String serial = "", model = "";
    private String dead;
    private final List<NvmeBlockDevice> namespaces = new ArrayList<>();
    private long commands;

    public NvmeDriver(String name, PciDevice pci, PhysicalMemory mem, PageFrameAllocator frames, PolledWait wait) {
        this.name = name;
        this.pci = pci;
        this.mem = mem;
        this.frames = frames;
        this.bus = mem.bus();
        this.wait = wait;
    }

    public String name() { return name; }
    public String serial() { return serial; }
    public String model() { return model; }
    public List<NvmeBlockDevice> namespaces() { return List.copyOf(namespaces); }
    public int maxTransferBytes() { return maxTransfer; }
    /** Commands completed so far (statistics and tests). */
    public long commands() { return commands; }

    /** Brings the controller up and discovers its namespaces; a controller that will not start is an NvmeException. */
    public void start() throws NvmeException {
        PciDevice.Bar bar = pci.memoryBar(0);
        if (bar == null || bar.size() < 0x2000) throw new NvmeException(name + ": BAR 0 is missing or too small");
        regs = bar.cpuAddress();
        pci.enable(true);
        long cap = bus.read(regs + CAP, 8);
        doorbellStride = 4 << (int) ((cap >>> 32) & 0xf);
        readyTimeoutNs = Math.max(1, (cap >>> 24) & 0xff) * 500_000_000L;
        int mpsMin = (int) ((cap >>> 48) & 0xf);
        if (mpsMin > 0) throw new NvmeException(name + ": controller needs pages of at least " + (4096 << mpsMin) + " bytes");
        if (((cap >>> 37) & 1) == 0) throw new NvmeException(name + ": controller does not support the NVM command set");
        int mqes = (int) (cap & 0xffff) + 1;

        // Reset: disable and wait for RDY to clear.
        int cc = (int) bus.read(regs + CC, 4);
        if ((cc & 1) != 0) {
            bus.write(regs + CC, 4, cc & ~1);
        }
        if (!waitCsts(false)) throw new NvmeException(name + ": controller did not reset within " + readyTimeoutNs / 1_000_000 + " ms (CAP.TO)");

        admin = new NvmeQueuePair(0, Math.min(ADMIN_ENTRIES, mqes), mem, frames, regs, doorbellStride);
        bus.write(regs + INTMS, 4, 0xffff_ffffL); // polled: no pin-based interrupts
        bus.write(regs + AQA, 4, (admin.entries - 1) | (long) (admin.entries - 1) << 16);
        bus.write(regs + ASQ, 8, admin.sq);
        bus.write(regs + ACQ, 8, admin.cq);
        bus.write(regs + CC, 4, 1 | 6 << 16 | 4 << 20); // EN, CSS NVM, MPS 4 KiB, AMS RR, IOSQES 64, IOCQES 16
        if (!waitCsts(true)) {
            long csts = bus.read(regs + CSTS, 4);
            throw new NvmeException(name + ": controller did not become ready within " + readyTimeoutNs / 1_000_000 + " ms (CAP.TO)"
                    + ((csts & CSTS_CFS) != 0 ? ": fatal status" : ""));
        }

        for (int i = 0; i < MAX_PAGES; i++) bounce[i] = page();
        prpList = page();
        identifyPage = page();

        ByteBuffer id = identify(1, 0);
        serial = ascii(id, 4, 20);
        model = ascii(id, 24, 40);
        int mdts = id.get(77) & 0xff;
        if (mdts != 0) maxTransfer = (int) Math.min(maxTransfer, (long) PAGE << Math.min(mdts, 20));
        int nn = id.getInt(516);

        // One I/O queue pair, polled (CQ interrupts disabled).
        adminCommand("Set Features (Number of Queues)", OP_SET_FEATURES, 0, 0, 0, 0x07, 0);
        int ioEntries = Math.min(IO_ENTRIES, mqes);
        io = new NvmeQueuePair(1, ioEntries, mem, frames, regs, doorbellStride);
        adminCommand("Create I/O Completion Queue", OP_CREATE_CQ, 0, io.cq, 0, 1 | (ioEntries - 1) << 16, 1);
        adminCommand("Create I/O Submission Queue", OP_CREATE_SQ, 0, io.sq, 0, 1 | (ioEntries - 1) << 16, 1 | 1 << 16);

        for (int nsid = 1; nsid <= Math.min(nn, 1024); nsid++) {
            ByteBuffer ns = identify(0, nsid);
            long nsze = ns.getLong(0);
            if (nsze == 0) continue; // inactive
            int flbas = ns.get(26) & 0xf;
            int lbads = (ns.getInt(128 + 4 * flbas) >>> 16) & 0xff;
            if (lbads < 9 || lbads > 12) continue; // LBA sizes the page-sized bounce buffer cannot serve
            boolean ro = (ns.get(99) & 1) != 0;
            namespaces.add(new NvmeBlockDevice(this, name + "n" + nsid, nsid, nsze, 1 << lbads, ro));
        }
    }

    private long page() {
        long pa = frames.allocate();
        if (pa < 0) throw new IllegalStateException(name + ": out of memory for DMA buffers");
        mem.zeroPage(pa);
        return pa;
    }

    private boolean waitCsts(boolean ready) {
        long deadline = wait.clock().preciseNanos() + readyTimeoutNs;
        return wait.until(() -> {
            long csts = bus.read(regs + CSTS, 4);
            if (ready && (csts & CSTS_CFS) != 0) return false;
            return ((csts & CSTS_RDY) != 0) == ready;
        }, deadline);
    }

    private ByteBuffer identify(int cns, int nsid) throws NvmeException {
        adminCommand("Identify (CNS " + cns + ")", OP_IDENTIFY, nsid, identifyPage, 0, cns);
        byte[] b = new byte[PAGE];
        mem.read(identifyPage, b, 0, PAGE);
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static String ascii(ByteBuffer b, int off, int len) {
        byte[] s = new byte[len];
        b.get(off, s);
        return new String(s, StandardCharsets.US_ASCII).trim();
    }

    private int adminCommand(String what, int opcode, int nsid, long prp1, long prp2, int... cdw) throws NvmeException {
        return run(admin, what, ADMIN_TIMEOUT_NS, opcode, nsid, prp1, prp2, cdw);
    }

    /** Submits one command, spins for its completion, and checks its status. */
    private int run(NvmeQueuePair q, String what, long timeout, int opcode, int nsid, long prp1, long prp2, int... cdw) throws NvmeException {
        if (dead != null) throw new NvmeException(name + ": " + what + ": controller is dead (" + dead + ")");
        int cid = q.submit(opcode, nsid, prp1, prp2, cdw);
        long deadline = wait.clock().preciseNanos() + timeout;
        boolean done = wait.until(() -> q.hasCompletion() || (bus.read(regs + CSTS, 4) & CSTS_CFS) != 0, deadline);
        if (!done || !q.hasCompletion()) {
            boolean fatal = (bus.read(regs + CSTS, 4) & CSTS_CFS) != 0;
            dead = fatal ? "controller fatal status" : "no completion within " + timeout / 1_000_000_000L + " s";
            throw new NvmeException(name + ": " + what + ": " + dead);
        }
        NvmeQueuePair.Completion c = q.take(cid);
        commands++;
        if (c.status() != 0) {
            throw new NvmeException(String.format("%s: %s failed: status type %d code %#04x", name, what, c.status() >>> 8, c.status() & 0xff));
        }
        return c.dw0();
    }

    /**
     * Transfers {@code count} logical blocks at {@code lba} of namespace {@code nsid} between
     * {@code buf} and the disk, in commands of at most {@link #maxTransferBytes()}.
     */
    void transfer(boolean write, int nsid, int lbaSize, long lba, byte[] buf, int from, int count) throws NvmeException {
        int perCommand = maxTransfer / lbaSize;
        while (count > 0) {
            int n = Math.min(count, perCommand);
            int bytes = n * lbaSize;
            int pages = (bytes + PAGE - 1) / PAGE;
            if (write) for (int i = 0; i < pages; i++) mem.write(bounce[i], buf, from + i * PAGE, Math.min(PAGE, bytes - i * PAGE));
            long prp2 = 0;
            if (pages == 2) {
                prp2 = bounce[1];
            } else if (pages > 2) {
                byte[] list = new byte[8 * (pages - 1)];
                for (int i = 1; i < pages; i++) NvmeQueuePair.put(list, 8 * (i - 1), 8, bounce[i]);
                mem.write(prpList, list, 0, list.length);
                prp2 = prpList;
            }
            run(io, (write ? "Write" : "Read") + " LBA " + lba + "+" + n, IO_TIMEOUT_NS, write ? OP_WRITE : OP_READ, nsid,
                    bounce[0], prp2, (int) lba, (int) (lba >>> 32), n - 1);
            if (!write) for (int i = 0; i < pages; i++) mem.read(bounce[i], buf, from + i * PAGE, Math.min(PAGE, bytes - i * PAGE));
            lba += n;
            from += bytes;
            count -= n;
        }
    }

    /** Flush: the namespace's volatile write cache reaches stable storage before this returns. */
    void flush(int nsid) throws NvmeException {
        run(io, "Flush", IO_TIMEOUT_NS, OP_FLUSH, nsid, 0, 0);
    }

    /** Orderly shutdown (CC.SHN normal), as before power-off; waits for CSTS.SHST complete. */
    public void shutdown() {
        if (regs == 0 || dead != null) return;
        long cc = bus.read(regs + CC, 4);
        bus.write(regs + CC, 4, (cc & ~(3L << 14)) | 1L << 14);
        wait.until(() -> ((bus.read(regs + CSTS, 4) >>> 2) & 3) == 2, wait.clock().preciseNanos() + readyTimeoutNs);
    }

    @Override
    public String toString() { return name + " (" + model + ", serial " + serial + ")"; }
}
