package org.multios.kernel.drivers.nvme;

import org.multios.core.bus.PhysicalBus;
import org.multios.kernel.mm.PageFrameAllocator;
import org.multios.kernel.mm.PhysicalMemory;

/**
 * A submission queue and its completion queue in guest RAM (one page each, physically contiguous as
 * CAP.CQR demands), with the host side of the protocol (NVMe Base 1.4 §4.1, §4.6): the driver owns
 * the SQ tail and the CQ head; a completion entry is new when its phase tag equals the phase the
 * driver expects, which flips each time the head wraps.
 */
final class NvmeQueuePair {
    static final int SQE = 64, CQE = 16;
    final int qid, entries;
    final long sq, cq;
    private final PhysicalMemory mem;
    private final PhysicalBus bus;
    private final long sqDoorbell, cqDoorbell;
    private int sqTail, cqHead, nextCid;
    private boolean phase = true;

    /** A completed command: its command-specific dword 0 and status field (SCT &lt;&lt; 8 | SC; 0 = success). */
    record Completion(int dw0, int status) {}

    NvmeQueuePair(int qid, int entries, PhysicalMemory mem, PageFrameAllocator frames, long regs, int doorbellStride) {
        this.qid = qid;
        this.entries = entries;
        this.mem = mem;
        this.bus = mem.bus();
        this.sq = frames.allocate();
        this.cq = frames.allocate();
        if (sq < 0 || cq < 0) throw new IllegalStateException("out of memory for NVMe queues");
        mem.zeroPage(sq);
        mem.zeroPage(cq);
        this.sqDoorbell = regs + 0x1000 + (2L * qid) * doorbellStride;
        this.cqDoorbell = regs + 0x1000 + (2L * qid + 1) * doorbellStride;
    }

    /** Writes a command into the next SQ slot and rings the tail doorbell; returns its command identifier. */
    int submit(int opcode, int nsid, long prp1, long prp2, int... cdw10up) {
        int cid = nextCid++ & 0xffff;
        byte[] e = new byte[SQE];
        put(e, 0, 4, opcode | (long) cid << 16);
        put(e, 4, 4, nsid);
        put(e, 24, 8, prp1);
        put(e, 32, 8, prp2);
        for (int i = 0; i < cdw10up.length; i++) put(e, 40 + 4 * i, 4, cdw10up[i]);
        mem.write(sq + (long) SQE * sqTail, e, 0, SQE);
        sqTail = (sqTail + 1) % entries;
        bus.write(sqDoorbell, 4, sqTail);
        return cid;
    }

    /** True when the entry at the CQ head carries the expected phase tag (a new completion). */
    boolean hasCompletion() {
        long dw2dw3 = mem.read64(cq + (long) CQE * cqHead + 8);
        return ((dw2dw3 >>> 48) & 1) == (phase ? 1 : 0);
    }

    /** Consumes the head entry (which must be there and answer {@code cid}) and rings the head doorbell. */
    Completion take(int cid) throws NvmeException {
        long at = cq + (long) CQE * cqHead;
        int dw0 = (int) mem.read64(at);
        long hi = mem.read64(at + 8);
        int gotCid = (int) (hi >>> 32) & 0xffff;
        int status = (int) (hi >>> 49) & 0x7fff;
        cqHead = (cqHead + 1) % entries;
        if (cqHead == 0) phase = !phase;
        bus.write(cqDoorbell, 4, cqHead);
        if (gotCid != cid) throw new NvmeException("queue " + qid + ": completion for command " + gotCid + ", expected " + cid);
        return new Completion(dw0, status & 0x7ff);
    }

    static void put(byte[] b, int o, int n, long v) { for (int i = 0; i < n; i++) b[o + i] = (byte) (v >>> (8 * i)); }
}
