package org.multios.devices.nvme;

import static org.multios.devices.nvme.NvmeStatus.*;

import java.util.ArrayDeque;

/**
 * The admin command set (NVMe Base 1.4 §5): queue creation and deletion, Identify,
 * Get/Set Features, Get Log Page, Abort and Asynchronous Event Request. Admin commands
 * complete in the fetch event that reads them, except AERs, which are held until an
 * event occurs.
 */
final class NvmeAdminCommands {
    static final int DELETE_IO_SQ = 0x00, CREATE_IO_SQ = 0x01, GET_LOG_PAGE = 0x02, DELETE_IO_CQ = 0x04,
            CREATE_IO_CQ = 0x05, IDENTIFY = 0x06, ABORT = 0x08, SET_FEATURES = 0x09, GET_FEATURES = 0x0a,
            ASYNC_EVENT_REQUEST = 0x0c;

    /** AERL: asynchronous event requests outstanding at most (0's based: 4). */
    static final int AERL = 3;
    /** Asynchronous event information for the Error status type. */
    static final int AER_INVALID_DOORBELL_REGISTER = 0x00, AER_INVALID_DOORBELL_VALUE = 0x01;

    private final NvmeController c;
    private final ArrayDeque<NvmeQueues.Request> heldAers = new ArrayDeque<>();
    private final ArrayDeque<Integer> pendingEvents = new ArrayDeque<>();
    /** After an error event is reported, more wait until the host reads the error log (RAE = 0). */
    private boolean errorEventsMasked;

    NvmeAdminCommands(NvmeController c) { this.c = c; }

    void reset() {
        heldAers.clear();
        pendingEvents.clear();
        errorEventsMasked = false;
    }

    void execute(NvmeQueues.Request req) {
        NvmeCommand cmd = req.cmd;
        if (cmd.fuse() != 0 || cmd.psdt() != 0) {
            c.complete(req, withDnr(INVALID_FIELD), 0);
            return;
        }
        switch (cmd.opcode()) {
            case DELETE_IO_SQ -> c.complete(req, withDnr(deleteSq(cmd)), 0);
            case CREATE_IO_SQ -> c.complete(req, withDnr(createSq(cmd)), 0);
            case DELETE_IO_CQ -> c.complete(req, withDnr(deleteCq(cmd)), 0);
            case CREATE_IO_CQ -> c.complete(req, withDnr(createCq(cmd)), 0);
            case IDENTIFY -> c.complete(req, withDnr(identify(cmd)), 0);
            case GET_LOG_PAGE -> c.complete(req, withDnr(getLogPage(cmd)), 0);
            case ABORT -> c.complete(req, SUCCESS, 1); // bit 0 set: not aborted (nothing is abortable once fetched)
            case SET_FEATURES -> setFeatures(req);
            case GET_FEATURES -> getFeatures(req);
            case ASYNC_EVENT_REQUEST -> asyncEventRequest(req);
            default -> c.complete(req, withDnr(INVALID_OPCODE), 0);
        }
    }

    // ---- queues

    private static int qid(NvmeCommand cmd) { return cmd.cdw10() & 0xffff; }

    private static int qsize(NvmeCommand cmd) { return (cmd.cdw10() >>> 16) + 1; }

    private int createCq(NvmeCommand cmd) {
        int qid = qid(cmd), size = qsize(cmd);
        boolean pc = (cmd.cdw11() & 1) != 0, ien = (cmd.cdw11() & 2) != 0;
        int iv = cmd.cdw11() >>> 16;
        if (qid == 0 || qid > c.features.cqAllocated || c.cqs[qid] != null) return INVALID_QUEUE_IDENTIFIER;
        if (size < 2 || size > NvmeController.MAX_QUEUE_ENTRIES) return INVALID_QUEUE_SIZE;
        if (iv >= c.host().vectors()) return INVALID_INTERRUPT_VECTOR;
        if (!pc) return INVALID_FIELD; // CAP.CQR: queues must be physically contiguous
        if (NvmeRegister.ccIocqes(c.cc()) != 4) return INVALID_FIELD;
        long base = cmd.prp1();
        if ((base & (c.pageSize() - 1)) != 0) return PRP_OFFSET_INVALID;
        if (!c.host().dmaCheck(base, (long) size * 16, true)) return INVALID_FIELD;
        c.createCq(qid, base, size, ien, iv);
        return SUCCESS;
    }

    private int createSq(NvmeCommand cmd) {
        int qid = qid(cmd), size = qsize(cmd);
        boolean pc = (cmd.cdw11() & 1) != 0;
        int cqid = cmd.cdw11() >>> 16;
        if (qid == 0 || qid > c.features.sqAllocated || c.sqs[qid] != null) return INVALID_QUEUE_IDENTIFIER;
        if (size < 2 || size > NvmeController.MAX_QUEUE_ENTRIES) return INVALID_QUEUE_SIZE;
        if (cqid == 0 || cqid >= c.cqs.length || c.cqs[cqid] == null) return COMPLETION_QUEUE_INVALID;
        if (!pc) return INVALID_FIELD;
        if (NvmeRegister.ccIosqes(c.cc()) != 6) return INVALID_FIELD;
        long base = cmd.prp1();
        if ((base & (c.pageSize() - 1)) != 0) return PRP_OFFSET_INVALID;
        if (!c.host().dmaCheck(base, (long) size * NvmeCommand.SIZE, false)) return INVALID_FIELD;
        c.createSq(qid, base, size, c.cqs[cqid]);
        return SUCCESS;
    }

    private int deleteSq(NvmeCommand cmd) {
        int qid = qid(cmd);
        if (qid == 0 || qid >= c.sqs.length || c.sqs[qid] == null) return INVALID_QUEUE_IDENTIFIER;
        c.deleteSq(c.sqs[qid]);
        return SUCCESS;
    }

    private int deleteCq(NvmeCommand cmd) {
        int qid = qid(cmd);
        if (qid == 0 || qid >= c.cqs.length || c.cqs[qid] == null) return INVALID_QUEUE_IDENTIFIER;
        if (c.cqs[qid].submissionQueues > 0) return INVALID_QUEUE_DELETION;
        c.deleteCq(c.cqs[qid]);
        return SUCCESS;
    }

    // ---- identify and logs

    private int identify(NvmeCommand cmd) {
        int cns = cmd.cdw10() & 0xff;
        byte[] data;
        switch (cns) {
            case NvmeIdentify.CNS_CONTROLLER -> data = NvmeIdentify.controller(c);
            case NvmeIdentify.CNS_ACTIVE_NAMESPACES -> {
                if (cmd.nsid() == 0xffff_fffe || cmd.nsid() == 0xffff_ffff) return INVALID_NAMESPACE;
                data = NvmeIdentify.activeNamespaces(c, cmd.nsid());
            }
            case NvmeIdentify.CNS_NAMESPACE, NvmeIdentify.CNS_NS_DESCRIPTORS -> {
                NvmeNamespace ns = c.namespace(cmd.nsid());
                if (ns == null) return INVALID_NAMESPACE;
                data = cns == NvmeIdentify.CNS_NAMESPACE ? NvmeIdentify.namespace(ns) : NvmeIdentify.descriptors(ns);
            }
            default -> { return INVALID_FIELD; }
        }
        return c.sendToHost(cmd, data, 0, data.length);
    }

    private int getLogPage(NvmeCommand cmd) {
        int lid = cmd.cdw10() & 0xff;
        boolean rae = (cmd.cdw10() & (1 << 15)) != 0;
        long dwords = ((cmd.cdw10() >>> 16) | (long) (cmd.cdw11() & 0xffff) << 16) + 1;
        long offset = (cmd.cdw12() & 0xffff_ffffL) | (long) cmd.cdw13() << 32;
        if ((offset & 3) != 0) return INVALID_FIELD;
        byte[] page = c.log.page(lid, c.clock().nanos());
        if (page == null) return INVALID_LOG_PAGE;
        long length = dwords * 4;
        if (Long.compareUnsigned(offset, page.length) > 0 || length > c.maxTransferBytes()) return INVALID_FIELD;
        // Bytes past the end of the page read as zero.
        byte[] out = new byte[(int) length];
        System.arraycopy(page, (int) offset, out, 0, (int) Math.min(length, page.length - offset));
        int status = c.sendToHost(cmd, out, 0, out.length);
        if (status == SUCCESS && lid == NvmeLog.ERROR_INFO && !rae) {
            errorEventsMasked = false;
            deliverEvents();
        }
        return status;
    }

    // ---- features

    private void setFeatures(NvmeQueues.Request req) {
        NvmeCommand cmd = req.cmd;
        int fid = cmd.cdw10() & 0xff;
        int v = cmd.cdw11();
        NvmeFeatures f = c.features;
        if ((cmd.cdw10() & (1 << 31)) != 0) {
            c.complete(req, withDnr(FEATURE_NOT_SAVEABLE), 0);
            return;
        }
        int dw0 = 0;
        int status = SUCCESS;
        switch (fid) {
            case NvmeFeatures.ARBITRATION -> f.arbitration = v;
            case NvmeFeatures.POWER_MANAGEMENT -> { if ((v & 0x1f) != 0) status = INVALID_FIELD; else f.powerState = v & 0xff; }
            case NvmeFeatures.TEMPERATURE_THRESHOLD -> {
                int sel = (v >>> 16) & 0xf, type = (v >>> 20) & 3;
                if (sel != 0 || type > 1) status = INVALID_FIELD;
                else if (type == 0) f.overTemp = v & 0xffff;
                else f.underTemp = v & 0xffff;
            }
            case NvmeFeatures.ERROR_RECOVERY -> f.errorRecovery = v & 0xffff;
            case NvmeFeatures.VOLATILE_WRITE_CACHE -> f.writeCache = (v & 1) != 0;
            case NvmeFeatures.NUMBER_OF_QUEUES -> {
                int nsq = (v & 0xffff) + 1, ncq = (v >>> 16) + 1;
                if ((v & 0xffff) == 0xffff || (v >>> 16) == 0xffff) status = INVALID_FIELD;
                else if (anyIoQueues()) status = COMMAND_SEQUENCE_ERROR;
                else {
                    f.sqAllocated = Math.min(nsq, c.maxIoQueues());
                    f.cqAllocated = Math.min(ncq, c.maxIoQueues());
                    dw0 = f.queuesDw0();
                }
            }
            case NvmeFeatures.INTERRUPT_COALESCING -> f.coalescing = v & 0xffff;
            case NvmeFeatures.INTERRUPT_VECTOR_CONFIG -> {
                int iv = v & 0xffff;
                if (iv >= c.host().vectors()) status = INVALID_FIELD;
                else f.vectorConfig.put(iv, v & 0x1_ffff);
            }
            case NvmeFeatures.WRITE_ATOMICITY -> f.writeAtomicity = v & 1;
            case NvmeFeatures.ASYNC_EVENT_CONFIG -> f.asyncConfig = v;
            default -> status = INVALID_FIELD;
        }
        c.complete(req, withDnr(status), dw0);
    }

    private boolean anyIoQueues() {
        for (int q = 1; q < c.sqs.length; q++) if (c.sqs[q] != null || c.cqs[q] != null) return true;
        return false;
    }

    private void getFeatures(NvmeQueues.Request req) {
        NvmeCommand cmd = req.cmd;
        int fid = cmd.cdw10() & 0xff;
        int sel = (cmd.cdw10() >>> 8) & 7;
        NvmeFeatures f = c.features;
        NvmeFeatures defaults = sel == 1 || sel == 2 ? new NvmeFeatures(c.maxIoQueues()) : f; // nothing is ever saved
        Integer dw0 = switch (fid) {
            case NvmeFeatures.ARBITRATION -> defaults.arbitration;
            case NvmeFeatures.POWER_MANAGEMENT -> defaults.powerState;
            case NvmeFeatures.TEMPERATURE_THRESHOLD -> {
                int tsel = (cmd.cdw11() >>> 16) & 0xf, type = (cmd.cdw11() >>> 20) & 3;
                yield tsel != 0 || type > 1 ? null : type == 0 ? defaults.overTemp : defaults.underTemp;
            }
            case NvmeFeatures.ERROR_RECOVERY -> defaults.errorRecovery;
            case NvmeFeatures.VOLATILE_WRITE_CACHE -> defaults.writeCache ? 1 : 0;
            case NvmeFeatures.NUMBER_OF_QUEUES -> defaults.queuesDw0();
            case NvmeFeatures.INTERRUPT_COALESCING -> defaults.coalescing;
            case NvmeFeatures.INTERRUPT_VECTOR_CONFIG -> {
                int iv = cmd.cdw11() & 0xffff;
                yield iv >= c.host().vectors() ? null : defaults.vectorConfig.getOrDefault(iv, iv);
            }
            case NvmeFeatures.WRITE_ATOMICITY -> defaults.writeAtomicity;
            case NvmeFeatures.ASYNC_EVENT_CONFIG -> defaults.asyncConfig;
            default -> null;
        };
        if (dw0 == null || sel > 3) {
            c.complete(req, withDnr(INVALID_FIELD), 0);
        } else if (sel == 3) {
            c.complete(req, SUCCESS, 0x4); // supported capabilities: changeable, not saveable, not per namespace
        } else {
            c.complete(req, SUCCESS, dw0);
        }
    }

    // ---- asynchronous events

    private void asyncEventRequest(NvmeQueues.Request req) {
        if (heldAers.size() > AERL) {
            c.complete(req, withDnr(ASYNC_EVENT_LIMIT_EXCEEDED), 0);
            return;
        }
        c.hold(req);
        heldAers.add(req);
        deliverEvents();
    }

    /** Reports an Error status event (e.g. a bad doorbell write) when the host has an AER outstanding. */
    void asyncError(int info) {
        if (pendingEvents.size() < 16) pendingEvents.add(info << 8 | NvmeLog.ERROR_INFO << 16); // type 0: error status
        deliverEvents();
    }

    private void deliverEvents() {
        while (!errorEventsMasked && !pendingEvents.isEmpty() && !heldAers.isEmpty()) {
            int dw0 = pendingEvents.poll();
            errorEventsMasked = true;
            c.completeHeld(heldAers.poll(), SUCCESS, dw0);
        }
    }
}
