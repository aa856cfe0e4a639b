package org.multios.kernel.storage;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.multios.devices.block.DiskImage;

/** A disk image that counts what the controller asks of it (flushes reach here only through NVMe Flush or FUA). */
final class CountingDisk implements DiskImage {
    final DiskImage inner;
    final AtomicInteger reads = new AtomicInteger(), writes = new AtomicInteger(), flushes = new AtomicInteger();

    CountingDisk(DiskImage inner) { this.inner = inner; }

    @Override public long size() { return inner.size(); }
    @Override public boolean isReadOnly() { return inner.isReadOnly(); }
    @Override public String name() { return inner.name(); }
    @Override public void read(long o, byte[] d, int f, int l) throws IOException { reads.incrementAndGet(); inner.read(o, d, f, l); }
    @Override public void write(long o, byte[] s, int f, int l) throws IOException { writes.incrementAndGet(); inner.write(o, s, f, l); }
    @Override public void writeZeroes(long o, long l) throws IOException { writes.incrementAndGet(); inner.writeZeroes(o, l); }
    @Override public void flush() throws IOException { flushes.incrementAndGet(); inner.flush(); }
    @Override public void close() throws IOException { inner.close(); }
}
