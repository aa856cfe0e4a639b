package org.multios.devices.tpm;

import java.util.Arrays;
import org.multios.core.bus.MmioDevice;

/**
 * The TPM Command Response Buffer interface (TCG PC Client PTP, CRB) as QEMU's tpm-crb models
 * it: locality registers, the control area (request, status, cancel, start, command and
 * response buffer addresses) and a data buffer at offset 0x80 that holds the command and then
 * the response. One 4 KiB window at {@link #PC_BASE} (0xFED40000), locality 0 as in QEMU.
 * Polled: no interrupt line is wired.
 */
public final class TpmCrbInterface implements MmioDevice {
    public static final long PC_BASE = 0xFED40000L, SIZE = 0x1000;

    /** Register offsets (QEMU include/hw/acpi/tpm.h, PTP table 20). */
    public enum CrbRegister {
        LOC_STATE(0x00), LOC_CTRL(0x08), LOC_STS(0x0C), INTF_ID(0x30), INTF_ID_HI(0x34), CTRL_EXT(0x38),
        CTRL_REQ(0x40), CTRL_STS(0x44), CTRL_CANCEL(0x48), CTRL_START(0x4C), INT_ENABLED(0x50), INT_STS(0x54),
        CTRL_CMD_SIZE(0x58), CTRL_CMD_LADDR(0x5C), CTRL_CMD_HADDR(0x60), CTRL_RSP_SIZE(0x64), CTRL_RSP_ADDR(0x68),
        DATA_BUFFER(0x80);
        public final int offset;
        CrbRegister(int offset) { this.offset = offset; }
    }

    static final int BUFFER = 0x80, BUFFER_SIZE = (int) SIZE - BUFFER;
    // LOC_STATE: tpmEstablished, locAssigned, activeLocality (2..4), tpmRegValidSts
    static final int LOC_STATE_ESTABLISHED = 1, LOC_STATE_ASSIGNED = 2, LOC_STATE_VALID = 0x80;
    /** INTF_ID: CRB interface (type 1, version 1), 64-byte transfers, CapCRB, selector CRB, locked; QEMU's VID:DID 1014:0001. */
    static final long INTF_ID = 1 | (1 << 4) | (3 << 11) | (1 << 14) | (1 << 17) | (1 << 19) | (0x0001_1014L << 32);

    private final Tpm tpm;
    private final long base;
    private final byte[] buffer = new byte[BUFFER_SIZE];
    private boolean assigned, idle = true, fatal;
    private int start, cancel, intEnabled, intSts;

    /** @param base the guest-physical address of the window (the buffer address registers hold absolute addresses). */
    public TpmCrbInterface(Tpm tpm, long base) {
        this.tpm = tpm;
        this.base = base;
    }

    @Override
    public synchronized void reset() {
        Arrays.fill(buffer, (byte) 0);
        assigned = false;
        idle = true;
        fatal = false;
        start = cancel = intEnabled = intSts = 0;
    }

    private long register(int reg) {
        long bufAddr = base + BUFFER;
        return switch (reg) {
            case 0x00 -> LOC_STATE_VALID | LOC_STATE_ESTABLISHED | (assigned ? LOC_STATE_ASSIGNED : 0);
            case 0x0C -> assigned ? 1 : 0; // Granted
            case 0x30 -> INTF_ID & 0xFFFFFFFFL;
            case 0x34 -> INTF_ID >>> 32;
            case 0x44 -> (fatal ? 1 : 0) | (idle ? 2 : 0);
            case 0x48 -> cancel;
            case 0x4C -> start;
            case 0x50 -> intEnabled;
            case 0x54 -> intSts;
            case 0x58, 0x64 -> BUFFER_SIZE;
            case 0x5C -> bufAddr & 0xFFFFFFFFL;
            case 0x60 -> bufAddr >>> 32;
            case 0x68 -> bufAddr & 0xFFFFFFFFL;
            case 0x6C -> bufAddr >>> 32;
            default -> 0;
        };
    }

    @Override
    public synchronized long read(long offset, int size) {
        int off = (int) offset;
        if (off < 0 || off + size > SIZE) return 0;
        long v = 0;
        for (int i = 0; i < size; i++) {
            int a = off + i;
            int b = a >= BUFFER ? buffer[a - BUFFER] & 0xFF : (int) (register(a & ~3) >>> (8 * (a & 3))) & 0xFF;
            v |= (long) b << (8 * i);
        }
        return v;
    }

    @Override
    public synchronized void write(long offset, int size, long value) {
        int off = (int) offset;
        if (off < 0 || off + size > SIZE) return;
        if (off >= BUFFER) {
            for (int i = 0; i < size; i++) buffer[off - BUFFER + i] = (byte) (value >>> (8 * i));
            return;
        }
        int v = (int) (value << (8 * (off & 3)));
        switch (off & ~3) {
            case 0x08 -> { // LOC_CTRL
                if ((v & 1) != 0) assigned = true;  // requestAccess
                if ((v & 2) != 0) assigned = false; // relinquish
            }
            case 0x40 -> { // CTRL_REQ
                if ((v & 1) != 0) idle = false; // cmdReady
                if ((v & 2) != 0) idle = true;  // goIdle
            }
            case 0x48 -> cancel = v & 1;
            case 0x4C -> { if ((v & 1) != 0 && start == 0 && !idle) execute(); }
            case 0x50 -> intEnabled = v;
            case 0x54 -> intSts &= ~v;
            default -> { }
        }
    }

    /** CTRL_START: run the command in the buffer; the response replaces it, and START reads 0 again when done. */
    private void execute() {
        int size = ((buffer[2] & 0xFF) << 24) | ((buffer[3] & 0xFF) << 16) | ((buffer[4] & 0xFF) << 8) | (buffer[5] & 0xFF);
        byte[] cmd = Arrays.copyOf(buffer, Math.max(0, Math.min(size, BUFFER_SIZE)));
        byte[] rsp = tpm.execute(0, cmd);
        System.arraycopy(rsp, 0, buffer, 0, Math.min(rsp.length, BUFFER_SIZE));
        start = 0;
        cancel = 0;
    }
}
