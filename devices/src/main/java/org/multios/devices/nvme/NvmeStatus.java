package org.multios.devices.nvme;

/**
 * Completion status values (NVMe Base 1.4 §4.6.1.2): status code type in bits 10:8 and
 * status code in bits 7:0 of these constants; {@link #DNR} marks "do not retry".
 * The completion queue entry carries {@code status << 17 | phase << 16 | cid}.
 */
public final class NvmeStatus {
    private NvmeStatus() {}

    public static final int SUCCESS = 0x000;
    // Generic command status (SCT 0)
    public static final int INVALID_OPCODE = 0x001;
    public static final int INVALID_FIELD = 0x002;
    public static final int CID_CONFLICT = 0x003;
    public static final int DATA_TRANSFER_ERROR = 0x004;
    public static final int INTERNAL_ERROR = 0x006;
    public static final int ABORT_REQUESTED = 0x007;
    public static final int ABORTED_SQ_DELETION = 0x008;
    public static final int INVALID_NAMESPACE = 0x00b;
    public static final int COMMAND_SEQUENCE_ERROR = 0x00c;
    public static final int INVALID_SGL_DESCRIPTOR = 0x00d;
    public static final int PRP_OFFSET_INVALID = 0x013;
    public static final int LBA_OUT_OF_RANGE = 0x080;
    public static final int CAPACITY_EXCEEDED = 0x081;
    // Command specific status (SCT 1)
    public static final int COMPLETION_QUEUE_INVALID = 0x100;
    public static final int INVALID_QUEUE_IDENTIFIER = 0x101;
    public static final int INVALID_QUEUE_SIZE = 0x102;
    public static final int ABORT_LIMIT_EXCEEDED = 0x103;
    public static final int ASYNC_EVENT_LIMIT_EXCEEDED = 0x105;
    public static final int INVALID_INTERRUPT_VECTOR = 0x108;
    public static final int INVALID_LOG_PAGE = 0x109;
    public static final int INVALID_QUEUE_DELETION = 0x10c;
    public static final int FEATURE_NOT_SAVEABLE = 0x10d;
    public static final int WRITE_TO_READ_ONLY_RANGE = 0x182;
    // Media and data integrity errors (SCT 2)
    public static final int WRITE_FAULT = 0x280;
    public static final int UNRECOVERED_READ_ERROR = 0x281;

    /** Do Not Retry: the same command would fail again. */
    public static final int DNR = 1 << 14;

    public static int withDnr(int status) { return status == SUCCESS ? status : status | DNR; }
}
