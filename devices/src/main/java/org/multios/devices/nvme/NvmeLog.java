package org.multios.devices.nvme;

/**
 * Log pages (NVMe Base 1.4 §5.14.1): Error Information (01h, 64 entries of 64 bytes,
 * newest first), SMART / Health Information (02h, 512 bytes) and Firmware Slot
 * Information (03h). Counters count what the guest did, in virtual time.
 */
final class NvmeLog {
    static final int ERROR_INFO = 0x01, SMART = 0x02, FIRMWARE_SLOT = 0x03;
    static final int ERROR_ENTRIES = 64;

    private final long[][] errors = new long[ERROR_ENTRIES][];
    private long errorCount;
    long unitsRead, unitsWritten, readCommands, writeCommands, mediaErrors;
    private long bytesRead, bytesWritten;

    void reset() {
        java.util.Arrays.fill(errors, null);
        errorCount = 0;
        unitsRead = unitsWritten = readCommands = writeCommands = mediaErrors = bytesRead = bytesWritten = 0;
    }

    void error(int sqid, NvmeCommand cmd, int status) {
        errorCount++;
        errors[(int) (errorCount % ERROR_ENTRIES)] = new long[] {errorCount, sqid, cmd.cid(), status, cmd.nsid() & 0xffff_ffffL, cmd.slba()};
        if ((status >>> 8 & 7) == 2) mediaErrors++;
    }

    long errorCount() { return errorCount; }

    void read(long bytes) {
        readCommands++;
        bytesRead += bytes;
        unitsRead = (bytesRead + 511_999) / 512_000; // thousands of 512-byte units, rounded up
    }

    void written(long bytes) {
        writeCommands++;
        bytesWritten += bytes;
        unitsWritten = (bytesWritten + 511_999) / 512_000;
    }

    /** The page's bytes, or null for an unsupported log identifier. */
    byte[] page(int lid, long nowNanos) {
        return switch (lid) {
            case ERROR_INFO -> errorPage();
            case SMART -> smartPage(nowNanos);
            case FIRMWARE_SLOT -> firmwarePage();
            default -> null;
        };
    }

    private byte[] errorPage() {
        byte[] p = new byte[ERROR_ENTRIES * 64];
        int n = (int) Math.min(errorCount, ERROR_ENTRIES);
        for (int i = 0; i < n; i++) {
            long[] e = errors[(int) ((errorCount - i) % ERROR_ENTRIES)];
            int o = i * 64;
            putLe(p, o, 8, e[0]);                      // error count
            putLe(p, o + 8, 2, e[1]);                  // submission queue ID
            putLe(p, o + 10, 2, e[2]);                 // command ID
            putLe(p, o + 12, 2, e[3] << 1);            // status field (phase bit 0)
            putLe(p, o + 14, 2, 0xffff);               // parameter error location: not reported
            putLe(p, o + 16, 8, e[5]);                 // LBA
            putLe(p, o + 24, 4, e[4]);                 // namespace
        }
        return p;
    }

    private byte[] smartPage(long nowNanos) {
        byte[] p = new byte[512];
        putLe(p, 1, 2, NvmeFeatures.TEMPERATURE_K);   // composite temperature
        p[3] = 100;                                    // available spare %
        p[4] = 10;                                     // available spare threshold
        putLe(p, 32, 8, unitsRead);
        putLe(p, 48, 8, unitsWritten);
        putLe(p, 64, 8, readCommands);
        putLe(p, 80, 8, writeCommands);
        putLe(p, 112, 8, 1);                           // power cycles
        putLe(p, 128, 8, nowNanos / 3_600_000_000_000L); // power-on hours
        putLe(p, 160, 8, mediaErrors);
        putLe(p, 176, 8, errorCount);
        return p;
    }

    private static byte[] firmwarePage() {
        byte[] p = new byte[512];
        p[0] = 1;                                      // active slot 1
        byte[] fr = "1.0     ".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        System.arraycopy(fr, 0, p, 8, 8);
        return p;
    }

    static void putLe(byte[] b, int o, int n, long v) {
        for (int i = 0; i < n; i++) b[o + i] = (byte) (v >>> (8 * i));
    }
}
