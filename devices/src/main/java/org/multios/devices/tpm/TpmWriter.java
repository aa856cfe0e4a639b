package org.multios.devices.tpm;

import java.util.Arrays;

/** Builds the big-endian TPM 2.0 marshalled form (Part 2, 4). */
public final class TpmWriter {
    private byte[] buf = new byte[256];
    private int len;

    private void grow(int n) {
        if (len + n > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
    }

    public TpmWriter u8(int v) { grow(1); buf[len++] = (byte) v; return this; }

    public TpmWriter u16(int v) { grow(2); buf[len++] = (byte) (v >> 8); buf[len++] = (byte) v; return this; }

    public TpmWriter u32(int v) { return u16(v >>> 16).u16(v & 0xFFFF); }

    public TpmWriter u64(long v) { return u32((int) (v >>> 32)).u32((int) v); }

    public TpmWriter bytes(byte[] b) { grow(b.length); System.arraycopy(b, 0, buf, len, b.length); len += b.length; return this; }

    /** A TPM2B: 16-bit size then the bytes. */
    public TpmWriter tpm2b(byte[] b) { return u16(b.length).bytes(b); }

    public int size() { return len; }

    /** Overwrites a 32-bit value already written (the header's size field). */
    public void patch32(int at, int v) {
        buf[at] = (byte) (v >>> 24); buf[at + 1] = (byte) (v >>> 16); buf[at + 2] = (byte) (v >>> 8); buf[at + 3] = (byte) v;
    }

    public byte[] toBytes() { return Arrays.copyOf(buf, len); }
}
