package org.multios.devices.flash;

import java.util.Arrays;
import org.multios.core.bus.MmioDevice;

/**
 * A parallel NOR flash bank with the Intel/Sharp command set (CFI primary algorithm 0x0001),
 * the kind QEMU's virt machine puts at 0 and 0x04000000 ({@code pflash_cfi01}, bank width 4,
 * device width 2): two x16 chips side by side on a 32-bit bus. Commands arrive on both
 * halves at once; query, identifier and status data answer from both (the value repeated in
 * each 16-bit half) at 32-bit word offsets, and each chip reports half the bank. Supports read array (0xFF), read identifier (0x90), CFI
 * query (0x98), read/clear status (0x70/0x50), word program (0x40/0x10), block erase
 * (0x20 + 0xD0) and block lock/unlock (0x60 + 0x01/0xD0, accepted; blocks never lock).
 * Programming only clears bits, as on real NOR flash; operations complete at once.
 */
public final class CfiFlash implements MmioDevice {
    public static final int BLOCK_SIZE = 256 * 1024;
    private static final int STATUS_READY = 0x80;

    private enum Mode { ARRAY, STATUS, QUERY, ID, PROGRAM, ERASE_SETUP, LOCK_SETUP }

    private final byte[] data;
    private final byte[] query;
    private Mode mode = Mode.ARRAY;
    private int status = STATUS_READY;

    public CfiFlash(long size) {
        if (size <= 0 || size % BLOCK_SIZE != 0 || size > (1L << 30)) throw new IllegalArgumentException("flash size must be whole 256 KiB blocks up to 1 GiB");
        this.data = new byte[(int) size];
        this.query = buildQuery((int) size);
    }

    /** Replaces the contents from {@code offset} (firmware images); the rest keeps its bytes. */
    public void load(byte[] image, long offset) {
        if (offset < 0 || offset + image.length > data.length) throw new IllegalArgumentException("image does not fit in the flash");
        System.arraycopy(image, 0, data, (int) offset, image.length);
    }

    public void erase() { Arrays.fill(data, (byte) 0); }

    public long size() { return data.length; }

    private static byte[] buildQuery(int size) {
        byte[] q = new byte[0x31];
        q[0x10] = 'Q'; q[0x11] = 'R'; q[0x12] = 'Y';
        q[0x13] = 0x01; // primary algorithm: Intel/Sharp extended command set
        q[0x1b] = 0x45; q[0x1c] = 0x55; // Vcc 4.5-5.5 V
        q[0x1f] = 0x04; // typical word program 16 us
        q[0x21] = 0x0a; // typical block erase 1 s
        q[0x23] = 0x04; q[0x25] = 0x04; // maximum = 16 x typical
        q[0x27] = (byte) Integer.numberOfTrailingZeros(size / 2); // size of one chip, 2^n bytes
        q[0x28] = 0x01; // x16 interface
        q[0x2a] = 0x00; // no write buffer: word programming only
        q[0x2c] = 0x01; // one erase block region
        int blocks = size / BLOCK_SIZE - 1;
        q[0x2d] = (byte) blocks; q[0x2e] = (byte) (blocks >> 8);
        int unit = BLOCK_SIZE / 2 / 256; // each chip holds half of every block
        q[0x2f] = (byte) unit; q[0x30] = (byte) (unit >> 8);
        return q;
    }

    @Override
    public void reset() {
        mode = Mode.ARRAY;
        status = STATUS_READY;
    }

    @Override
    public long read(long offset, int size) {
        return switch (mode) {
            case ARRAY -> readArray(offset, size);
            case STATUS, PROGRAM, ERASE_SETUP, LOCK_SETUP -> bothChips(status, size);
            case QUERY -> {
                int i = (int) (offset >>> 2);
                yield bothChips(i < query.length ? query[i] & 0xff : 0, size);
            }
            case ID -> bothChips(switch ((int) (offset >>> 2)) {
                case 0 -> 0x89; // manufacturer: Intel (QEMU's id0)
                case 1 -> 0x18; // device id (QEMU's id1)
                default -> 0;
            }, size);
        };
    }

    /** The answer of both x16 chips to a read of {@code size} bytes. */
    private static long bothChips(int v, int size) {
        long both = (v & 0xffffL) | (v & 0xffffL) << 16;
        return size >= 4 ? both : both & ((1L << (8 * size)) - 1);
    }

    private long readArray(long offset, int size) {
        long v = 0;
        for (int b = 0; b < size; b++) v |= (data[(int) offset + b] & 0xffL) << (8 * b);
        return v;
    }

    @Override
    public void write(long offset, int size, long value) {
        int cmd = (int) value & 0xff;
        switch (mode) {
            case PROGRAM -> {
                for (int b = 0; b < size; b++) data[(int) offset + b] &= (byte) (value >>> (8 * b));
                mode = Mode.STATUS;
                return;
            }
            case ERASE_SETUP -> {
                if (cmd == 0xd0) {
                    int start = (int) (offset & -BLOCK_SIZE);
                    Arrays.fill(data, start, start + BLOCK_SIZE, (byte) 0xff);
                } else {
                    status |= 0x30; // command sequence error
                }
                mode = Mode.STATUS;
                return;
            }
            case LOCK_SETUP -> {
                mode = Mode.STATUS;
                return;
            }
            default -> { }
        }
        switch (cmd) {
            case 0xff, 0xf0 -> mode = Mode.ARRAY; // 0xF0: AMD reset, which probes also send
            case 0x70 -> mode = Mode.STATUS;
            case 0x50 -> { status = STATUS_READY; mode = Mode.ARRAY; }
            case 0x90 -> mode = Mode.ID;
            case 0x98 -> mode = Mode.QUERY;
            case 0x40, 0x10 -> mode = Mode.PROGRAM;
            case 0x20 -> mode = Mode.ERASE_SETUP;
            case 0x60 -> mode = Mode.LOCK_SETUP;
            default -> { } // unknown commands are ignored, as QEMU's model mostly does
        }
    }
}
