package org.multios.devices.nvme;

import java.io.IOException;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import org.multios.devices.block.DiskImage;
import org.multios.devices.block.DiskIoThread;

/**
 * One namespace: a range of 512-byte logical blocks backed by a {@link DiskImage}, with
 * its own host I/O thread. The controller validates every LBA range against
 * {@link #blocks()} before calling in here; the namespace checks once more, so the disk
 * file is never touched outside the image.
 */
public final class NvmeNamespace implements AutoCloseable {
    public static final int LBA_SHIFT = 9;
    public static final int LBA_SIZE = 1 << LBA_SHIFT;

    private final int nsid;
    private final DiskImage disk;
    private final DiskIoThread io;

    public NvmeNamespace(int nsid, DiskImage disk) {
        if (nsid < 1) throw new IllegalArgumentException("namespace IDs start at 1");
        this.nsid = nsid;
        this.disk = disk;
        this.io = new DiskIoThread("nvme-ns" + nsid);
    }

    public int nsid() { return nsid; }

    public DiskImage disk() { return disk; }

    /** Namespace size in logical blocks (NSZE). */
    public long blocks() { return disk.size() >>> LBA_SHIFT; }

    public boolean isReadOnly() { return disk.isReadOnly(); }

    /**
     * True if Dataset Management deallocation is carried out (the blocks then read as
     * zeroes, DLFEAT 001b); otherwise it is accepted as the hint it is and changes nothing.
     */
    public boolean deallocates() { return !disk.isReadOnly() && disk.zeroesCheaply(); }

    /** True if [slba, slba + nlb) lies inside the namespace (no overflow). */
    public boolean inRange(long slba, long nlb) {
        return slba >= 0 && nlb >= 0 && slba <= blocks() && nlb <= blocks() - slba;
    }

    private <T> Future<T> submit(Callable<T> c) { return io.submit(c); }

    public Future<byte[]> read(long slba, int nlb) {
        check(slba, nlb);
        return submit(() -> {
            byte[] b = new byte[nlb << LBA_SHIFT];
            disk.read(slba << LBA_SHIFT, b, 0, b.length);
            return b;
        });
    }

    public Future<Void> write(long slba, byte[] data, boolean durable) {
        check(slba, data.length >>> LBA_SHIFT);
        return submit(() -> {
            disk.write(slba << LBA_SHIFT, data, 0, data.length);
            if (durable) disk.flush();
            return null;
        });
    }

    public Future<Void> writeZeroes(long slba, long nlb, boolean durable) {
        check(slba, nlb);
        return submit(() -> {
            disk.writeZeroes(slba << LBA_SHIFT, nlb << LBA_SHIFT);
            if (durable) disk.flush();
            return null;
        });
    }

    public Future<Void> flush() {
        return submit(() -> {
            if (!disk.isReadOnly()) disk.flush();
            return null;
        });
    }

    private void check(long slba, long nlb) {
        if (!inRange(slba, nlb)) throw new IllegalArgumentException("LBA range outside namespace " + nsid);
    }

    /** Waits for queued I/O, flushes, then closes the disk. */
    @Override
    public void close() throws IOException {
        io.close();
        try {
            if (!disk.isReadOnly()) disk.flush();
        } finally {
            disk.close();
        }
    }
}
