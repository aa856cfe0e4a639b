package org.multios.kernel.fs.mfs;

import java.io.IOException;

/** A byte range of another device (a GPT partition). Closing the slice leaves the parent open. */
public final class SliceBlockDevice implements BlockDevice {
    private final BlockDevice parent;
    private final long start, size;
    private final String name;

    public SliceBlockDevice(BlockDevice parent, long start, long size, String name) throws IOException {
        parent.checkRange(start, size);
        this.parent = parent;
        this.start = start;
        this.size = size;
        this.name = name;
    }

    @Override public long size() { return size; }
    @Override public boolean isReadOnly() { return parent.isReadOnly(); }
    @Override public String name() { return name; }

    @Override
    public void read(long offset, byte[] dst, int from, int length) throws IOException {
        checkRange(offset, length);
        parent.read(start + offset, dst, from, length);
    }

    @Override
    public void write(long offset, byte[] src, int from, int length) throws IOException {
        checkRange(offset, length);
        parent.write(start + offset, src, from, length);
    }

    @Override public void flush() throws IOException { parent.flush(); }
}
