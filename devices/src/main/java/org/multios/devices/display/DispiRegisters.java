package org.multios.devices.display;

import org.multios.core.bus.MmioDevice;

/**
 * BAR 2 of the display, laid out as QEMU's bochs-display (docs/specs/standard-vga.txt): EDID at
 * 0x000-0x3ff, the Bochs VBE "DISPI" registers mapped flat at 0x500 + index*2 (16-bit each),
 * and QEMU's extension registers at 0x600 (size, framebuffer byte order). Like bochs-display the
 * registers simply hold what software writes; the scan-out decides from them whether a mode is
 * valid ({@link #mode}).
 */
public final class DispiRegisters implements MmioDevice {
    public static final int EDID = 0x000, DISPI = 0x500, QEXT = 0x600;
    public static final int INDEX_ID = 0, INDEX_XRES = 1, INDEX_YRES = 2, INDEX_BPP = 3, INDEX_ENABLE = 4, INDEX_BANK = 5,
            INDEX_VIRT_WIDTH = 6, INDEX_VIRT_HEIGHT = 7, INDEX_X_OFFSET = 8, INDEX_Y_OFFSET = 9, INDEX_VIDEO_MEMORY_64K = 10;
    public static final int ID5 = 0xb0c5, ENABLED = 0x01;
    public static final int QEXT_SIZE = 0, QEXT_BYTEORDER = 4;
    public static final int BYTEORDER_LITTLE = 0x1e1e1e1e, BYTEORDER_BIG = 0xbebebebe;
    private static final int REGS = 10;

    private final int[] regs = new int[REGS];
    private final byte[] edid = Edid.generate();
    private final long vramSize;
    private boolean bigEndian;

    public DispiRegisters(long vramSize) { this.vramSize = vramSize; }

    @Override
    public long read(long offset, int size) {
        if (offset >= EDID && offset + size <= EDID + 0x400) {
            long v = 0;
            for (int i = size - 1; i >= 0; i--) v = (v << 8) | (offset + i < edid.length ? edid[(int) offset + i] & 0xff : 0);
            return v;
        }
        if (offset >= DISPI && offset + size <= DISPI + 0x100) {
            long v = 0;
            for (int i = size - 1; i >= 0; i--) {
                long at = offset - DISPI + i;
                v = (v << 8) | ((dispi((int) (at >>> 1)) >>> (8 * (at & 1))) & 0xff);
            }
            return v;
        }
        if (offset >= QEXT && offset < QEXT + 8 && size == 4) {
            return switch ((int) (offset - QEXT)) {
                case QEXT_SIZE -> 8;
                case QEXT_BYTEORDER -> (bigEndian ? BYTEORDER_BIG : BYTEORDER_LITTLE) & 0xffff_ffffL;
                default -> 0;
            };
        }
        return 0;
    }

    /** One DISPI register as software reads it; indexes past the file read as all ones. */
    private int dispi(int index) {
        return switch (index) {
            case INDEX_ID -> ID5;
            case INDEX_VIDEO_MEMORY_64K -> (int) (vramSize >>> 16) & 0xffff;
            default -> index < REGS ? regs[index] : 0xffff;
        };
    }

    @Override
    public void write(long offset, int size, long value) {
        if (offset >= DISPI && offset + size <= DISPI + 0x100) {
            for (int i = 0; i < size; i++) {
                long at = offset - DISPI + i;
                int index = (int) (at >>> 1);
                if (index >= REGS) continue;
                int shift = 8 * (int) (at & 1);
                regs[index] = (regs[index] & ~(0xff << shift)) | (int) (((value >>> (8 * i)) & 0xff) << shift);
            }
        } else if (offset == QEXT + QEXT_BYTEORDER && size == 4) {
            if ((int) value == BYTEORDER_BIG) bigEndian = true;
            if ((int) value == BYTEORDER_LITTLE) bigEndian = false;
        }
    }

    /** The mode the registers describe, or null when the display is off or the mode is invalid (a blank screen). */
    public DisplayMode mode() {
        if ((regs[INDEX_ENABLE] & ENABLED) == 0) return null;
        int bpp = switch (regs[INDEX_BPP]) { case 16 -> 2; case 32 -> 4; default -> 0; };
        if (bpp == 0) return null;
        int w = regs[INDEX_XRES], h = regs[INDEX_YRES];
        int stride = Math.max(regs[INDEX_VIRT_WIDTH], w) * bpp;
        long offset = (long) regs[INDEX_X_OFFSET] * bpp + (long) regs[INDEX_Y_OFFSET] * stride;
        if (w < 64 || h < 64 || offset + (long) stride * h > vramSize) return null;
        return new DisplayMode(w, h, bpp, stride, offset, bigEndian);
    }

    public int register(int index) { return dispi(index); }

    @Override
    public void reset() {
        java.util.Arrays.fill(regs, 0);
        bigEndian = false;
    }
}
