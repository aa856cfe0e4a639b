package org.multios.devices.tpm;

import java.util.Arrays;

/**
 * Reads the big-endian TPM 2.0 marshalled form (Part 2, 4). Running out of bytes is a
 * {@link TpmException}: the code is the caller's choice ({@code COMMAND_SIZE} for the command
 * header, a format-one {@code SIZE}/{@code INSUFFICIENT} for a parameter).
 */
public final class TpmReader {
    private final byte[] buf;
    private int pos;
    private final int end;
    private int shortRc = TpmRc.INSUFFICIENT;

    public TpmReader(byte[] buf) { this(buf, 0, buf.length); }

    public TpmReader(byte[] buf, int from, int to) {
        this.buf = buf;
        this.pos = from;
        this.end = to;
    }

    /** The response code used when data runs out (updated as the engine moves through the parameters). */
    public void onShort(int rc) { shortRc = rc; }

    public int remaining() { return end - pos; }

    public int position() { return pos; }

    private void need(int n) {
        if (n < 0 || end - pos < n) throw TpmRc.error(shortRc);
    }

    public int u8() { need(1); return buf[pos++] & 0xFF; }

    public int u16() { need(2); int v = ((buf[pos] & 0xFF) << 8) | (buf[pos + 1] & 0xFF); pos += 2; return v; }

    public int u32() {
        need(4);
        int v = ((buf[pos] & 0xFF) << 24) | ((buf[pos + 1] & 0xFF) << 16) | ((buf[pos + 2] & 0xFF) << 8) | (buf[pos + 3] & 0xFF);
        pos += 4;
        return v;
    }

    public long u64() { return ((long) u32() << 32) | (u32() & 0xFFFFFFFFL); }

    public byte[] bytes(int n) { need(n); byte[] b = Arrays.copyOfRange(buf, pos, pos + n); pos += n; return b; }

    /** A TPM2B: 16-bit size then that many bytes, at most {@code max}. */
    public byte[] tpm2b(int max) {
        int n = u16();
        if (n > max) throw TpmRc.error(TpmRc.SIZE);
        return bytes(n);
    }

    /** A sub-reader over the next {@code n} bytes (for sized structures such as TPM2B_PUBLIC). */
    public TpmReader sub(int n) {
        need(n);
        TpmReader r = new TpmReader(buf, pos, pos + n);
        r.shortRc = shortRc;
        pos += n;
        return r;
    }

    public byte[] rest() { return bytes(remaining()); }
}
