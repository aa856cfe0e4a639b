package org.multios.kernel.storage;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.multios.kernel.fs.mfs.BlockDevice;

/**
 * The block layer's buffer cache over a whole disk: 4 KiB buffers kept in LRU order. Reads are
 * served from it (misses are read from the device in runs of consecutive buffers); writes go
 * through to the device at once (no write-back, so a crash never loses a write the file system
 * believes done, and MFS's ordering guarantees reach the disk unchanged) and update the buffers
 * they cover. {@link #flush} is the device's flush. Partitions are slices of this cache, so
 * /dev/nvme0n1 and the file systems on its partitions see the same data.
 */
public final class BufferCache implements BlockDevice {
    public static final int BUFFER = 4096;
    private final BlockDevice dev;
    private final int capacity;
    private final LinkedHashMap<Long, byte[]> buffers;
    private long hits, misses;

    public BufferCache(BlockDevice dev, int capacityBuffers) {
        this.dev = dev;
        this.capacity = Math.max(16, capacityBuffers);
        this.buffers = new LinkedHashMap<>(256, 0.75f, true) {
            @Override protected boolean removeEldestEntry(Map.Entry<Long, byte[]> e) { return size() > capacity; }
        };
    }

    public BlockDevice device() { return dev; }
    public long hits() { return hits; }
    public long misses() { return misses; }
    public int cachedBuffers() { return buffers.size(); }

    @Override public long size() { return dev.size(); }
    @Override public boolean isReadOnly() { return dev.isReadOnly(); }
    @Override public String name() { return dev.name(); }

    /** Bytes of buffer {@code index} that lie on the device (the last one may be short). */
    private int length(long index) { return (int) Math.min(BUFFER, dev.size() - index * BUFFER); }

    @Override
    public void read(long offset, byte[] dst, int from, int length) throws IOException {
        checkRange(offset, length);
        long end = offset + length;
        long idx = offset / BUFFER;
        while (offset < end) {
            byte[] b = buffers.get(idx);
            if (b == null) b = fill(idx, (end - 1) / BUFFER);
            else hits++;
            int at = (int) (offset - idx * BUFFER);
            int n = (int) Math.min(b.length - at, end - offset);
            System.arraycopy(b, at, dst, from, n);
            from += n;
            offset += n;
            idx++;
        }
    }

    /** Reads buffer first and the missing ones after it (up to last, 32 at most) in one device read. */
    private byte[] fill(long first, long last) throws IOException {
        long stop = first + 1;
        while (stop <= last && stop - first < 32 && !buffers.containsKey(stop)) stop++;
        long bytes = Math.min((stop - first) * BUFFER, dev.size() - first * BUFFER);
        byte[] run = new byte[(int) bytes];
        dev.read(first * BUFFER, run, 0, run.length);
        misses += stop - first;
        byte[] firstBuf = null;
        for (long i = first; i < stop; i++) {
            int len = length(i);
            byte[] b = new byte[len];
            System.arraycopy(run, (int) ((i - first) * BUFFER), b, 0, len);
            buffers.put(i, b);
            if (i == first) firstBuf = b;
        }
        return firstBuf;
    }

    @Override
    public void write(long offset, byte[] src, int from, int length) throws IOException {
        checkRange(offset, length);
        try {
            dev.write(offset, src, from, length);
        } catch (IOException e) {
            invalidate(offset, length); // the disk's content there is unknown now
            throw e;
        }
        long end = offset + length;
        for (long idx = offset / BUFFER; idx * BUFFER < end; idx++) {
            long bufStart = idx * BUFFER;
            int len = length(idx);
            long lo = Math.max(offset, bufStart), hi = Math.min(end, bufStart + len);
            byte[] b = buffers.get(idx);
            if (b == null) {
                if (lo != bufStart || hi != bufStart + len) continue; // partial: the next read fetches it
                b = new byte[len];
                buffers.put(idx, b);
            }
            System.arraycopy(src, (int) (from + lo - offset), b, (int) (lo - bufStart), (int) (hi - lo));
        }
    }

    private void invalidate(long offset, long length) {
        for (long idx = offset / BUFFER; idx * BUFFER < offset + length; idx++) buffers.remove(idx);
    }

    /** Drops every buffer (after the device changed under us, or to free memory). */
    public void invalidateAll() { buffers.clear(); }

    @Override public void flush() throws IOException { dev.flush(); }
}
