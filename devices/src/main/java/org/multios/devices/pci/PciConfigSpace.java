package org.multios.devices.pci;

/**
 * The 4 KiB configuration space of one PCI Express function, with a write mask and a
 * write-1-to-clear mask per byte. Software writes go through {@link #guestWrite}: a
 * bit changes only where its write mask is set, and a 1 written to a W1C bit clears it.
 * The device model itself uses the raw setters (read-only fields, hardware status).
 * Sizing a BAR falls out of the write mask: writing all-ones leaves the address bits
 * below the BAR's size at zero.
 */
public final class PciConfigSpace {
    /** Size of PCI Express extended configuration space. */
    public static final int SIZE = 4096;

    private final byte[] data = new byte[SIZE];
    private final byte[] writeMask = new byte[SIZE];
    private final byte[] w1cMask = new byte[SIZE];
    private byte[] resetImage;

    public int get8(int offset) { return data[offset] & 0xff; }

    public int get16(int offset) { return get8(offset) | get8(offset + 1) << 8; }

    public int get32(int offset) { return get16(offset) | get16(offset + 2) << 16; }

    /** Little-endian read of 1, 2 or 4 bytes, zero-extended. */
    public int read(int offset, int size) {
        return switch (size) {
            case 1 -> get8(offset);
            case 2 -> get16(offset);
            default -> get32(offset);
        };
    }

    public void set8(int offset, int value) { data[offset] = (byte) value; }

    public void set16(int offset, int value) { set8(offset, value); set8(offset + 1, value >>> 8); }

    public void set32(int offset, int value) { set16(offset, value); set16(offset + 2, value >>> 16); }

    /** Marks the bits of {@code mask} in the {@code size}-byte field at {@code offset} as software-writable. */
    public void setWritable(int offset, int size, long mask) {
        for (int i = 0; i < size; i++) writeMask[offset + i] = (byte) (mask >>> (8 * i));
    }

    /** Marks the bits of {@code mask} as write-1-to-clear (status bits). */
    public void setW1c(int offset, int size, long mask) {
        for (int i = 0; i < size; i++) w1cMask[offset + i] = (byte) (mask >>> (8 * i));
    }

    public int writeMask32(int offset) {
        int v = 0;
        for (int i = 3; i >= 0; i--) v = v << 8 | (writeMask[offset + i] & 0xff);
        return v;
    }

    /** A configuration write as software issues it: masked, with W1C semantics. */
    public void guestWrite(int offset, int size, int value) {
        for (int i = 0; i < size; i++) {
            int b = (value >>> (8 * i)) & 0xff;
            int o = offset + i;
            int wm = writeMask[o] & 0xff, cm = w1cMask[o] & 0xff;
            int old = data[o] & 0xff;
            int next = (old & ~wm) | (b & wm);
            next &= ~(b & cm);
            data[o] = (byte) next;
        }
    }

    /** Records the current contents as the power-on state (call once the device is built). */
    public void sealResetState() { resetImage = data.clone(); }

    /** Returns every register to its power-on value. */
    public void reset() {
        if (resetImage != null) System.arraycopy(resetImage, 0, data, 0, SIZE);
    }
}
