package org.multios.kernel.fs.mfs;

import java.io.IOException;

/** A block device in a byte array (tests, scratch volumes). */
public final class MemoryBlockDevice implements BlockDevice {
    private final byte[] data;
    private boolean readOnly;

    public MemoryBlockDevice(int size) { this.data = new byte[size]; }
    public MemoryBlockDevice(byte[] data) { this.data = data; }

    public byte[] bytes() { return data; }
    public void setReadOnly(boolean ro) { readOnly = ro; }

    @Override public long size() { return data.length; }
    @Override public boolean isReadOnly() { return readOnly; }
    @Override public String name() { return "memory"; }

    @Override
    public void read(long offset, byte[] dst, int from, int length) throws IOException {
        checkRange(offset, length);
        System.arraycopy(data, (int) offset, dst, from, length);
    }

    @Override
    public void write(long offset, byte[] src, int from, int length) throws IOException {
        checkRange(offset, length);
        if (readOnly) throw new IOException("memory: read-only");
        System.arraycopy(src, from, data, (int) offset, length);
    }

    @Override public void flush() {}
}
