package org.multios.devices.nvme;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.multios.devices.block.DiskImage;

/** Wraps a disk and counts any access the controller makes outside the image (must stay 0). */
final class CheckedDisk implements DiskImage {
    final DiskImage inner;
    final AtomicInteger violations = new AtomicInteger();
    final AtomicInteger operations = new AtomicInteger();
    private final boolean realFlush;

    CheckedDisk(DiskImage inner, boolean realFlush) {
        this.inner = inner;
        this.realFlush = realFlush;
    }

    private void check(long offset, long length) {
        operations.incrementAndGet();
        if (offset < 0 || length < 0 || offset + length > inner.size() || offset % 512 != 0 || length % 512 != 0) {
            violations.incrementAndGet();
        }
    }

    @Override public long size() { return inner.size(); }
    @Override public boolean isReadOnly() { return inner.isReadOnly(); }
    @Override public String name() { return inner.name(); }

    @Override public void read(long offset, byte[] dst, int from, int length) throws IOException {
        check(offset, length);
        inner.read(offset, dst, from, length);
    }

    @Override public void write(long offset, byte[] src, int from, int length) throws IOException {
        check(offset, length);
        if (inner.isReadOnly()) violations.incrementAndGet();
        inner.write(offset, src, from, length);
    }

    @Override public void writeZeroes(long offset, long length) throws IOException {
        check(offset, length);
        if (inner.isReadOnly()) violations.incrementAndGet();
        inner.writeZeroes(offset, length);
    }

    /** Fuzzing does not need durability: skip the fsync unless asked, to stay fast. */
    @Override public void flush() throws IOException { if (realFlush) inner.flush(); }

    @Override public void close() throws IOException { inner.close(); }
}
