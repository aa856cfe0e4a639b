package org.multios.devices.tpm;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import org.multios.core.bus.MmioDevice;

/**
 * The TPM Interface Specification (TIS 1.3, TCG PC Client Platform TPM Profile, FIFO interface)
 * register set over a {@link Tpm}: five localities of 0x1000 bytes each (0x5000 in all), as
 * QEMU's tpm-tis (ISA, at 0xFED40000 on PCs) and tpm-tis-device (sysbus; on the arm64 virt
 * board the first platform-bus slot, 0x0C000000, FDT compatible "tcg,tpm-tis-mmio").
 * Commands are written byte by byte into TPM_DATA_FIFO, started with TPM_STS.tpmGo and the
 * response read back from the same FIFO. Polled: no interrupt line is wired.
 */
public final class TpmTisInterface implements MmioDevice {
    public static final long SIZE = 0x5000, PC_BASE = 0xFED40000L, ARM_VIRT_BASE = 0x0C000000L;
    public static final String FDT_COMPATIBLE = "tcg,tpm-tis-mmio";

    /** Register offsets within a locality's 4 KiB window. */
    public enum TisRegister {
        ACCESS(0x00), INT_ENABLE(0x08), INT_VECTOR(0x0C), INT_STATUS(0x10), INTF_CAPABILITY(0x14), STS(0x18),
        DATA_FIFO(0x24), INTERFACE_ID(0x30), XDATA_FIFO(0x80), DID_VID(0xF00), RID(0xF04);
        public final int offset;
        TisRegister(int offset) { this.offset = offset; }
    }

    // TPM_ACCESS bits
    static final int ACCESS_ESTABLISHMENT = 0x01, ACCESS_REQUEST_USE = 0x02, ACCESS_PENDING = 0x04, ACCESS_SEIZE = 0x08,
            ACCESS_BEEN_SEIZED = 0x10, ACCESS_ACTIVE = 0x20, ACCESS_VALID = 0x80;
    // TPM_STS bits
    static final int STS_RESPONSE_RETRY = 0x02, STS_SELFTEST_DONE = 0x04, STS_EXPECT = 0x08, STS_DATA_AVAIL = 0x10,
            STS_GO = 0x20, STS_COMMAND_READY = 0x40, STS_VALID = 0x80, STS_CANCEL = 1 << 24,
            STS_RESET_ESTABLISHMENT = 1 << 25, STS_FAMILY_TPM2 = 1 << 26;
    static final int BURST = 64;
    /** TPM_INTF_CAPABILITY: interface version TIS 1.3 for TPM 2.0 (3 << 28), 64-byte transfers (3 << 9), locality change int etc. */
    static final int INTF_CAPABILITY = (3 << 28) | (3 << 9) | 0x7;
    /** TPM_INTERFACE_ID: FIFO interface for TPM 2.0 (type 0), 64-byte transfers, CapFIFO, selector locked to FIFO. */
    static final int INTERFACE_ID = (3 << 11) | (1 << 13) | (1 << 19);
    static final int DID_VID = 0x00011014, RID = 0x01;

    enum State { IDLE, READY, RECEPTION, EXECUTION, COMPLETION }

    private final Tpm tpm;
    private int activeLocality = -1;
    private State state = State.IDLE;
    private final ByteArrayOutputStream command = new ByteArrayOutputStream();
    private byte[] response = new byte[0];
    private int responsePos;
    private final int[] intEnable = new int[5];

    public TpmTisInterface(Tpm tpm) { this.tpm = tpm; }

    @Override
    public synchronized void reset() {
        activeLocality = -1;
        state = State.IDLE;
        command.reset();
        response = new byte[0];
        responsePos = 0;
        Arrays.fill(intEnable, 0);
    }

    @Override
    public synchronized long read(long offset, int size) {
        int loc = (int) (offset >>> 12);
        int reg = (int) (offset & 0xFFF);
        if (loc > 4) return 0;
        if (reg >= TisRegister.DATA_FIFO.offset && reg < TisRegister.DATA_FIFO.offset + 4
                || reg >= TisRegister.XDATA_FIFO.offset && reg < TisRegister.XDATA_FIFO.offset + 0x800) {
            long v = 0;
            for (int i = 0; i < size; i++) v |= (long) fifoRead(loc) << (8 * i);
            return v;
        }
        long v = 0;
        for (int i = 0; i < size; i++) {
            int r = reg + i;
            int word = register(loc, r & ~3);
            v |= (long) ((word >>> (8 * (r & 3))) & 0xFF) << (8 * i);
        }
        return v;
    }

    private int register(int loc, int reg) {
        boolean active = loc == activeLocality;
        return switch (reg) {
            case 0x00 -> ACCESS_VALID | ACCESS_ESTABLISHMENT | (active ? ACCESS_ACTIVE : 0);
            case 0x08 -> intEnable[loc];
            case 0x14 -> INTF_CAPABILITY;
            case 0x18 -> active ? status() : 0xFFFFFFFF & (STS_FAMILY_TPM2);
            case 0x30 -> INTERFACE_ID;
            case 0xF00 -> DID_VID;
            case 0xF04 -> RID;
            default -> 0;
        };
    }

    private int status() {
        int sts = STS_FAMILY_TPM2 | STS_SELFTEST_DONE;
        int burst = 0;
        switch (state) {
            case IDLE -> { }
            case READY -> { sts |= STS_COMMAND_READY | STS_VALID; burst = BURST; }
            case RECEPTION -> {
                sts |= STS_VALID;
                if (expectMore()) sts |= STS_EXPECT;
                burst = BURST;
            }
            case EXECUTION -> { }
            case COMPLETION -> {
                sts |= STS_VALID;
                int left = response.length - responsePos;
                if (left > 0) { sts |= STS_DATA_AVAIL; burst = Math.min(BURST, left); }
            }
        }
        return sts | (burst << 8);
    }

    /** Whether the command in the FIFO is still short of the size in its header. */
    private boolean expectMore() {
        byte[] c = command.toByteArray();
        if (c.length < 6) return true;
        int size = ((c[2] & 0xFF) << 24) | ((c[3] & 0xFF) << 16) | ((c[4] & 0xFF) << 8) | (c[5] & 0xFF);
        return c.length < size;
    }

    private int fifoRead(int loc) {
        if (loc != activeLocality || state != State.COMPLETION || responsePos >= response.length) return 0xFF;
        return response[responsePos++] & 0xFF;
    }

    @Override
    public synchronized void write(long offset, int size, long value) {
        int loc = (int) (offset >>> 12);
        int reg = (int) (offset & 0xFFF);
        if (loc > 4) return;
        if (reg >= TisRegister.DATA_FIFO.offset && reg < TisRegister.DATA_FIFO.offset + 4
                || reg >= TisRegister.XDATA_FIFO.offset && reg < TisRegister.XDATA_FIFO.offset + 0x800) {
            for (int i = 0; i < size; i++) fifoWrite(loc, (int) (value >>> (8 * i)) & 0xFF);
            return;
        }
        // Registers are written through their bytes (drivers use 8- and 32-bit accesses).
        for (int i = 0; i < size; i++) writeByte(loc, reg + i, (int) (value >>> (8 * i)) & 0xFF);
    }

    private void writeByte(int loc, int reg, int b) {
        switch (reg) {
            case 0x00 -> access(loc, b);
            case 0x08, 0x09, 0x0A, 0x0B -> {
                int shift = 8 * (reg - 0x08);
                intEnable[loc] = (intEnable[loc] & ~(0xFF << shift)) | (b << shift);
            }
            case 0x18 -> { if (loc == activeLocality) statusWrite(b); }
            case 0x1B -> {
                if (loc == activeLocality && (b & (STS_CANCEL >>> 24)) != 0 && state == State.EXECUTION) {
                    // commandCancel: our commands run to completion synchronously, so nothing is in flight.
                }
            }
            default -> { }
        }
    }

    private void access(int loc, int b) {
        if ((b & ACCESS_REQUEST_USE) != 0 && activeLocality < 0) activeLocality = loc;
        if ((b & ACCESS_SEIZE) != 0) activeLocality = loc;
        if ((b & ACCESS_ACTIVE) != 0 && activeLocality == loc) {
            // Relinquish: the locality's command state goes with it.
            activeLocality = -1;
            state = State.IDLE;
            command.reset();
        }
    }

    private void statusWrite(int b) {
        if ((b & STS_COMMAND_READY) != 0) {
            // From idle: get ready. From completion or mid-reception: abort, then ready (TIS state machine).
            command.reset();
            response = new byte[0];
            responsePos = 0;
            state = State.READY;
        }
        if ((b & STS_GO) != 0 && state == State.RECEPTION && !expectMore()) {
            state = State.EXECUTION;
            response = tpm.execute(activeLocality, command.toByteArray());
            responsePos = 0;
            command.reset();
            state = State.COMPLETION;
        }
        if ((b & STS_RESPONSE_RETRY) != 0 && state == State.COMPLETION) responsePos = 0;
    }

    private void fifoWrite(int loc, int b) {
        if (loc != activeLocality) return;
        if (state == State.READY) state = State.RECEPTION;
        if (state != State.RECEPTION) return;
        if (command.size() < TpmEngine.MAX_COMMAND) command.write(b);
    }
}
