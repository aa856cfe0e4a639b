package org.multios.devices.nvme;

import static org.multios.devices.nvme.NvmeRegister.*;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.multios.core.bus.BusErrorException;
import org.multios.core.bus.MmioDevice;
import org.multios.core.time.TimerEvent;
import org.multios.core.time.VirtualClock;

/**
 * An NVMe controller (NVMe Base 1.4): its register interface, the enable / disable /
 * shutdown sequences, the admin and I/O queues, and completion interrupts.
 * <p>
 * Everything the guest can observe happens in virtual time on the machine thread:
 * a doorbell write schedules a fetch event; commands run in that event; an I/O command
 * hands its disk work to the namespace's host thread and schedules its completion at
 * a virtual time computed from its size, where the event waits for the host result,
 * moves the data and posts the entry. So the same guest sees the same timing and data
 * on every run, however slow the host disk is.
 * <p>
 * Nothing a guest writes can throw out of here: bad values give NVMe status codes,
 * invalid doorbell writes an asynchronous error event, and failures the controller
 * cannot report through a queue (a queue outside memory) set CSTS.CFS.
 */
public final class NvmeController implements MmioDevice {
    /** Maximum queue entries (CAP.MQES + 1). */
    public static final int MAX_QUEUE_ENTRIES = 2048;
    /** Page sizes: 4 KiB (MPSMIN 0) to 64 KiB (MPSMAX 4). */
    static final int MPS_MIN = 0, MPS_MAX = 4;
    /** Maximum data transfer: 2^MDTS minimum pages = 512 KiB. */
    static final int MDTS = 7;
    static final long READY_DELAY_NS = 100_000, SHUTDOWN_DELAY_NS = 100_000, FETCH_DELAY_NS = 1_000;
    /** Commands run per fetch event before yielding to the rest of the machine. */
    static final int FETCH_BUDGET = 256;

    private final VirtualClock clock;
    private final NvmeHost host;
    private final List<NvmeNamespace> namespaces;
    private final int maxIoQueues;
    final NvmeAdminCommands admin;
    final NvmeIoCommands io;
    final NvmeLog log = new NvmeLog();
    final NvmeFeatures features;
    final String serial;

    private int cc, csts, aqa, intms;
    private long asq, acq;
    final NvmeQueues.Submission[] sqs;
    final NvmeQueues.Completion[] cqs;
    private final boolean[] msiPending = new boolean[32];
    private TimerEvent transition, fetch;
    private int generation;
    private String fatalReason;
    private int internalErrors;
    private RuntimeException lastInternalError;

    /**
     * @param maxIoQueues I/O submission and completion queues offered (the doorbell area must hold them)
     */
    public NvmeController(VirtualClock clock, NvmeHost host, List<NvmeNamespace> namespaces, int maxIoQueues, String serial) {
        if (maxIoQueues < 1 || maxIoQueues > 65535) throw new IllegalArgumentException("I/O queues: 1..65535");
        this.clock = clock;
        this.host = host;
        this.namespaces = List.copyOf(namespaces);
        for (int i = 0; i < this.namespaces.size(); i++) {
            if (this.namespaces.get(i).nsid() != i + 1) throw new IllegalArgumentException("namespaces must be numbered 1..n");
        }
        this.maxIoQueues = maxIoQueues;
        this.serial = serial;
        this.sqs = new NvmeQueues.Submission[maxIoQueues + 1];
        this.cqs = new NvmeQueues.Completion[maxIoQueues + 1];
        this.features = new NvmeFeatures(maxIoQueues);
        this.admin = new NvmeAdminCommands(this);
        this.io = new NvmeIoCommands(this);
    }

    public List<NvmeNamespace> namespaces() { return namespaces; }

    NvmeNamespace namespace(int nsid) {
        return nsid >= 1 && nsid <= namespaces.size() ? namespaces.get(nsid - 1) : null;
    }

    int maxIoQueues() { return maxIoQueues; }

    NvmeHost host() { return host; }

    VirtualClock clock() { return clock; }

    /** Bytes the doorbell area needs after {@link NvmeRegister#DOORBELL_BASE}. */
    public static int doorbellBytes(int maxIoQueues) { return (maxIoQueues + 1) * 8; }

    public int pageSize() { return 4096 << ccMps(cc); }

    public int maxTransferBytes() { return (4096 << MPS_MIN) << MDTS; }

    public boolean isReady() { return (csts & CSTS_RDY) != 0; }

    public boolean isFatal() { return (csts & CSTS_CFS) != 0; }

    /** Commands that failed inside the model (must stay 0; tests check it). */
    public int internalErrors() { return internalErrors; }

    public RuntimeException lastInternalError() { return lastInternalError; }

    /** Why CSTS.CFS was set (diagnostics), or null. */
    public String fatalReason() { return fatalReason; }

    // ---------------------------------------------------------------- registers

    static long capValue() {
        long mqes = MAX_QUEUE_ENTRIES - 1;
        long cqr = 1L << 16;            // queues must be physically contiguous
        long to = 15L << 24;            // ready within 7.5 s (500 ms units)
        long css = 1L << 37;            // NVM command set
        return mqes | cqr | to | css | (long) MPS_MIN << 48 | (long) MPS_MAX << 52;
    }

    private long readRegister(NvmeRegister r) {
        return switch (r) {
            case CAP -> capValue();
            case VS -> 0x0001_0400;
            case INTMS, INTMC -> intms & 0xffff_ffffL;
            case CC -> cc & 0xffff_ffffL;
            case CSTS -> csts & 0xffff_ffffL;
            case AQA -> aqa & 0xffff_ffffL;
            case ASQ -> asq;
            case ACQ -> acq;
            case NSSR, CMBLOC, CMBSZ -> 0;
        };
    }

    @Override
    public long read(long offset, int size) {
        if (offset < 0 || offset >= DOORBELL_BASE) {
            return 0; // doorbells and reserved space read as zero
        }
        long v = 0;
        for (int i = 0; i < size; i++) {
            int o = (int) offset + i;
            NvmeRegister r = NvmeRegister.at(o);
            if (r != null) v |= ((readRegister(r) >>> (8 * (o - r.offset))) & 0xff) << (8 * i);
        }
        return v;
    }

    @Override
    public void write(long offset, int size, long value) {
        if (offset >= DOORBELL_BASE) {
            if (size >= 4 && (offset & 3) == 0) doorbell((int) ((offset - DOORBELL_BASE) >>> 2), (int) value);
            return;
        }
        if (offset < 0) return;
        // Split into dword writes, merging partial ones with the current value.
        for (long o = offset & ~3L; o < offset + size; o += 4) {
            long dword = read(o, 4);
            for (int i = 0; i < 4; i++) {
                long b = o + i;
                if (b >= offset && b < offset + size) {
                    long byteVal = (value >>> (8 * (b - offset))) & 0xff;
                    dword = (dword & ~(0xffL << (8 * i))) | byteVal << (8 * i);
                }
            }
            writeDword((int) o, (int) dword, b -> b >= offset && b < offset + size);
        }
    }

    private void writeDword(int o, int v, java.util.function.LongPredicate touched) {
        switch (o) {
            case 0x0c -> { if (host.interruptMode() != NvmeHost.InterruptMode.MSIX && touched.test(o)) { intms |= v; updatePin(); } }
            case 0x10 -> { if (host.interruptMode() != NvmeHost.InterruptMode.MSIX && touched.test(o)) { intms &= ~v; unmasked(); } }
            case 0x14 -> writeCc(v);
            case 0x24 -> aqa = v & 0x0fff_0fff;
            case 0x28 -> asq = (asq & ~0xffff_ffffL) | (v & 0xffff_f000L);
            case 0x2c -> asq = (asq & 0xffff_ffffL) | (long) v << 32;
            case 0x30 -> acq = (acq & ~0xffff_ffffL) | (v & 0xffff_f000L);
            case 0x34 -> acq = (acq & 0xffff_ffffL) | (long) v << 32;
            default -> {} // read-only or reserved
        }
    }

    private void writeCc(int v) {
        int old = cc;
        cc = v & 0x00ff_fff1;
        boolean wasEnabled = (old & CC_EN) != 0, enabled = (cc & CC_EN) != 0;
        if (!wasEnabled && enabled) {
            startEnable();
        } else if (wasEnabled && !enabled) {
            startDisable();
        } else if (enabled && ccShn(cc) != 0 && ccShn(old) == 0) {
            startShutdown();
        }
    }

    private void setShst(int shst) { csts = (csts & ~(3 << CSTS_SHST_SHIFT)) | shst << CSTS_SHST_SHIFT; }

    private void schedule(long delay, Runnable r) {
        clock.cancel(transition);
        transition = clock.scheduleIn(delay, () -> { transition = null; r.run(); });
    }

    private void startEnable() {
        int asqs = (aqa & 0xfff) + 1, acqs = ((aqa >>> 16) & 0xfff) + 1;
        String bad = null;
        if (ccCss(cc) != 0) bad = "CC.CSS selects an unsupported command set";
        else if (ccMps(cc) < MPS_MIN || ccMps(cc) > MPS_MAX) bad = "CC.MPS outside CAP.MPSMIN..MPSMAX";
        else if (ccAms(cc) != 0) bad = "CC.AMS selects an unsupported arbitration";
        else if (asqs < 2 || acqs < 2) bad = "admin queues need at least 2 entries";
        else if (asq == 0 || acq == 0) bad = "admin queue base is zero";
        if (bad != null) {
            fatal(bad);
            return;
        }
        setShst(SHST_NORMAL);
        long base = asq, cbase = acq;
        schedule(READY_DELAY_NS, () -> {
            NvmeQueues.Completion acqq = new NvmeQueues.Completion(0, cbase, acqs, true, 0);
            cqs[0] = acqq;
            sqs[0] = new NvmeQueues.Submission(0, base, asqs, acqq);
            acqq.submissionQueues = 1;
            csts |= CSTS_RDY;
        });
    }

    private void startDisable() {
        resetControllerState();
        if ((csts & CSTS_RDY) != 0 || isFatal()) {
            schedule(READY_DELAY_NS, () -> csts &= ~(CSTS_RDY | CSTS_CFS));
        }
    }

    private void startShutdown() {
        setShst(SHST_OCCURRING);
        List<Future<Void>> flushes = new ArrayList<>();
        for (NvmeNamespace ns : namespaces) flushes.add(ns.flush());
        schedule(SHUTDOWN_DELAY_NS, () -> {
            for (Future<Void> f : flushes) waitQuietly(f);
            setShst(SHST_COMPLETE);
        });
    }

    /** Controller reset (CC.EN 1 to 0): queues deleted, pending work dropped, registers except AQA/ASQ/ACQ cleared. */
    private void resetControllerState() {
        generation++;
        clock.cancel(fetch);
        fetch = null;
        clock.cancel(transition);
        transition = null;
        java.util.Arrays.fill(sqs, null);
        java.util.Arrays.fill(cqs, null);
        java.util.Arrays.fill(msiPending, false);
        intms = 0;
        features.reset();
        admin.reset();
        io.reset();
        updatePin();
    }

    /** Power-on / conventional reset of the whole controller. */
    @Override
    public void reset() {
        resetControllerState();
        cc = csts = aqa = 0;
        asq = acq = 0;
        fatalReason = null;
        log.reset();
    }

    void fatal(String reason) {
        if (!isFatal()) fatalReason = reason;
        csts |= CSTS_CFS;
        clock.cancel(fetch);
        fetch = null;
        generation++; // in-flight completions are dropped
        updatePin();
    }

    // ---------------------------------------------------------------- doorbells

    private void doorbell(int index, int value) {
        if (!isReady() || isFatal()) return;
        int qid = index >>> 1;
        boolean completion = (index & 1) != 0;
        if (qid > maxIoQueues) {
            admin.asyncError(NvmeAdminCommands.AER_INVALID_DOORBELL_REGISTER);
            return;
        }
        if (!completion) {
            NvmeQueues.Submission sq = sqs[qid];
            if (sq == null) {
                admin.asyncError(NvmeAdminCommands.AER_INVALID_DOORBELL_REGISTER);
            } else if (value < 0 || value >= sq.size) {
                admin.asyncError(NvmeAdminCommands.AER_INVALID_DOORBELL_VALUE);
            } else {
                sq.tail = value;
                scheduleFetch();
            }
        } else {
            NvmeQueues.Completion cq = cqs[qid];
            if (cq == null) {
                admin.asyncError(NvmeAdminCommands.AER_INVALID_DOORBELL_REGISTER);
            } else if (value < 0 || value >= cq.size || Math.floorMod(value - cq.head, cq.size) > cq.used()) {
                // The head may only move over entries the controller has posted.
                admin.asyncError(NvmeAdminCommands.AER_INVALID_DOORBELL_VALUE);
            } else {
                cq.head = value;
                drainWaiting(cq);
                updatePin();
                scheduleFetch(); // room again: fetching may have been held back
            }
        }
    }

    void scheduleFetch() {
        if (fetch == null && isReady() && !isFatal()) fetch = clock.scheduleIn(FETCH_DELAY_NS, this::fetchCommands);
    }

    /** Round-robin arbitration over all submission queues (admin included), one command per queue per turn. */
    private void fetchCommands() {
        fetch = null;
        int budget = FETCH_BUDGET;
        boolean progress = true;
        while (progress && budget > 0 && isReady() && !isFatal()) {
            progress = false;
            for (int q = 0; q < sqs.length && budget > 0; q++) {
                NvmeQueues.Submission sq = sqs[q];
                if (sq == null || sq.isEmpty() || sq.cq.reserved >= sq.cq.free()) continue;
                byte[] entry = new byte[NvmeCommand.SIZE];
                try {
                    host.dmaRead(sq.base + (long) sq.head * NvmeCommand.SIZE, entry, 0, entry.length);
                } catch (BusErrorException e) {
                    fatal(String.format("cannot fetch from SQ %d at 0x%x", sq.id, e.address()));
                    return;
                }
                sq.head = (sq.head + 1) % sq.size;
                sq.cq.reserved++;
                NvmeQueues.Request req = new NvmeQueues.Request(sq, NvmeCommand.decode(entry));
                try {
                    if (sq.id == 0) admin.execute(req);
                    else io.execute(req);
                } catch (RuntimeException e) {
                    // A bug of ours must not take the machine down: the guest sees Internal Error.
                    internalErrors++;
                    lastInternalError = e;
                    if (sq.inFlight.contains(req) || req.cancelled) continue;
                    complete(req, NvmeStatus.withDnr(NvmeStatus.INTERNAL_ERROR), 0);
                }
                budget--;
                progress = true;
                if (isFatal()) return;
            }
        }
        if (budget == 0) scheduleFetch();
    }

    // ---------------------------------------------------------------- completions

    /** Completes {@code req} now. */
    void complete(NvmeQueues.Request req, int status, int dw0) {
        req.sq.cq.reserved--;
        req.sq.inFlight.remove(req);
        if (status != NvmeStatus.SUCCESS) log.error(req.sq.id, req.cmd, status);
        post(req.sq.cq, req.sq.id, req.sq.head, req.cmd.cid(), status, dw0);
    }

    /** Completes {@code req} (held, e.g. an asynchronous event request) without a reservation. */
    void completeHeld(NvmeQueues.Request req, int status, int dw0) {
        NvmeQueues.Completion cq = req.sq.cq;
        if (cq != cqs[cq.id]) return; // queue gone since
        if (cq.free() == 0) {
            cq.waiting.add(new long[] {req.sq.id, req.sq.head, req.cmd.cid(), status, dw0});
            return;
        }
        post(cq, req.sq.id, req.sq.head, req.cmd.cid(), status, dw0);
    }

    /** Moves {@code req}'s reservation to "held": it will complete through {@link #completeHeld}. */
    void hold(NvmeQueues.Request req) {
        req.sq.cq.reserved--;
    }

    /**
     * Completes {@code req} {@code delayNanos} of virtual time from now, once the host
     * work {@code f} is done; {@code then} turns its result into a status (and may DMA).
     */
    <T> void completeLater(NvmeQueues.Request req, Future<T> f, long delayNanos, Function<T, Integer> then, int errorStatus) {
        int gen = generation;
        req.sq.inFlight.add(req);
        clock.scheduleIn(delayNanos, () -> {
            if (gen != generation || req.cancelled) return;
            int status;
            try {
                status = then.apply(f.get());
            } catch (ExecutionException e) {
                status = errorStatus;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                status = NvmeStatus.INTERNAL_ERROR;
            }
            if (gen == generation) complete(req, NvmeStatus.withDnr(status), 0);
        });
    }

    static void waitQuietly(Future<?> f) {
        try {
            f.get();
        } catch (ExecutionException e) {
            // reported by the command that owns it
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void post(NvmeQueues.Completion cq, int sqid, int sqhead, int cid, int status, int dw0) {
        byte[] e = new byte[16];
        putLe32(e, 0, dw0);
        putLe32(e, 8, sqhead & 0xffff | sqid << 16);
        putLe32(e, 12, cid & 0xffff | (cq.phase ? 1 << 16 : 0) | (status & 0x7fff) << 17);
        try {
            host.dmaWrite(cq.base + (long) cq.tail * 16, e, 0, 16);
        } catch (BusErrorException ex) {
            fatal(String.format("cannot post to CQ %d at 0x%x", cq.id, ex.address()));
            return;
        }
        cq.tail++;
        if (cq.tail == cq.size) {
            cq.tail = 0;
            cq.phase = !cq.phase;
        }
        if (cq.interruptsEnabled) signal(cq.vector);
    }

    private void drainWaiting(NvmeQueues.Completion cq) {
        while (!cq.waiting.isEmpty() && cq.free() > 0) {
            long[] w = cq.waiting.poll();
            post(cq, (int) w[0], (int) w[1], (int) w[2], (int) w[3], (int) w[4]);
        }
    }

    static void putLe32(byte[] b, int o, int v) {
        b[o] = (byte) v;
        b[o + 1] = (byte) (v >>> 8);
        b[o + 2] = (byte) (v >>> 16);
        b[o + 3] = (byte) (v >>> 24);
    }

    // ---------------------------------------------------------------- interrupts

    private void signal(int vector) {
        switch (host.interruptMode()) {
            case MSIX -> host.message(vector);
            case MSI -> {
                int v = Math.min(vector, 31);
                if ((intms & (1 << v)) != 0) msiPending[v] = true;
                else host.message(vector);
            }
            case PIN -> updatePin();
        }
    }

    /** Pin-based interrupt level: any interrupt-enabled completion queue with unconsumed entries, unless masked. */
    void updatePin() {
        boolean level = false;
        if (host.interruptMode() == NvmeHost.InterruptMode.PIN && (intms & 1) == 0 && !isFatal()) {
            for (NvmeQueues.Completion cq : cqs) {
                if (cq != null && cq.interruptsEnabled && cq.hasEntries()) {
                    level = true;
                    break;
                }
            }
        }
        host.pin(level);
    }

    private void unmasked() {
        if (host.interruptMode() == NvmeHost.InterruptMode.MSI) {
            for (int v = 0; v < 32; v++) {
                if (msiPending[v] && (intms & (1 << v)) == 0) {
                    msiPending[v] = false;
                    host.message(v);
                }
            }
        }
        updatePin();
    }

    /** The PCI glue calls this when software switches between pin, MSI and MSI-X. */
    public void interruptModeChanged() { updatePin(); }

    // ---------------------------------------------------------------- queue management (admin)

    NvmeQueues.Completion createCq(int qid, long base, int size, boolean ien, int vector) {
        NvmeQueues.Completion cq = new NvmeQueues.Completion(qid, base, size, ien, vector);
        cqs[qid] = cq;
        return cq;
    }

    void createSq(int qid, long base, int size, NvmeQueues.Completion cq) {
        sqs[qid] = new NvmeQueues.Submission(qid, base, size, cq);
        cq.submissionQueues++;
    }

    void deleteSq(NvmeQueues.Submission sq) {
        for (NvmeQueues.Request r : List.copyOf(sq.inFlight)) {
            r.cancelled = true;
            complete(r, NvmeStatus.withDnr(NvmeStatus.ABORTED_SQ_DELETION), 0);
        }
        sqs[sq.id] = null;
        sq.cq.submissionQueues--;
    }

    void deleteCq(NvmeQueues.Completion cq) {
        cqs[cq.id] = null;
        updatePin();
    }

    int cc() { return cc; }

    /** Copies {@code length} bytes of {@code data} from {@code from} into the command's PRP buffer. */
    int sendToHost(NvmeCommand cmd, byte[] data, int from, int length) {
        if (cmd.psdt() != 0) return NvmeStatus.INVALID_FIELD; // SGLs are not supported (SGLS = 0)
        NvmePrp.Result r = NvmePrp.walk(host, cmd.prp1(), cmd.prp2(), length, pageSize(), true);
        if (!r.ok()) return r.status();
        try {
            NvmePrp.scatter(host, r.segments(), java.util.Arrays.copyOfRange(data, from, from + length), length);
        } catch (BusErrorException e) {
            return NvmeStatus.DATA_TRANSFER_ERROR;
        }
        return NvmeStatus.SUCCESS;
    }
}
