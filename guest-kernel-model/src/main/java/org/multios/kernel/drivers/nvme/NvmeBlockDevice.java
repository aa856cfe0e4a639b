package org.multios.kernel.drivers.nvme;

import java.io.IOException;
import org.multios.kernel.fs.mfs.BlockDevice;

/**
 * One NVMe namespace as a {@link BlockDevice} (the interface MFS and GPT read through): byte ranges
 * become whole logical blocks, and a write that does not cover whole blocks reads the partial ones
 * first (read-modify-write). Flush is the NVMe Flush command.
 */
public final class NvmeBlockDevice implements BlockDevice {
    private final NvmeDriver controller;
    private final String name;
    private final int nsid, lbaSize;
    private final long blocks;
    private final boolean readOnly;

    NvmeBlockDevice(NvmeDriver controller, String name, int nsid, long blocks, int lbaSize, boolean readOnly) {
        this.controller = controller;
        this.name = name;
        this.nsid = nsid;
        this.blocks = blocks;
        this.lbaSize = lbaSize;
        this.readOnly = readOnly;
    }

    public int nsid() { return nsid; }
    public int lbaSize() { return lbaSize; }
    public long blocks() { return blocks; }
    public NvmeDriver controller() { return controller; }

    @Override public long size() { return blocks * lbaSize; }
    @Override public boolean isReadOnly() { return readOnly; }
    @Override public String name() { return name; }

    @Override
    public void read(long offset, byte[] dst, int from, int length) throws IOException {
        checkRange(offset, length);
        if (length == 0) return;
        if (offset % lbaSize == 0 && length % lbaSize == 0) {
            controller.transfer(false, nsid, lbaSize, offset / lbaSize, dst, from, length / lbaSize);
            return;
        }
        long first = offset / lbaSize, last = (offset + length - 1) / lbaSize;
        byte[] tmp = new byte[(int) ((last - first + 1) * lbaSize)];
        controller.transfer(false, nsid, lbaSize, first, tmp, 0, (int) (last - first + 1));
        System.arraycopy(tmp, (int) (offset - first * lbaSize), dst, from, length);
    }

    @Override
    public void write(long offset, byte[] src, int from, int length) throws IOException {
        checkRange(offset, length);
        if (readOnly) throw new IOException(name + ": namespace is write-protected");
        if (length == 0) return;
        if (offset % lbaSize == 0 && length % lbaSize == 0) {
            controller.transfer(true, nsid, lbaSize, offset / lbaSize, src, from, length / lbaSize);
            return;
        }
        long first = offset / lbaSize, last = (offset + length - 1) / lbaSize;
        int n = (int) (last - first + 1);
        byte[] tmp = new byte[n * lbaSize];
        controller.transfer(false, nsid, lbaSize, first, tmp, 0, 1);
        if (n > 1) controller.transfer(false, nsid, lbaSize, last, tmp, (n - 1) * lbaSize, 1);
        System.arraycopy(src, from, tmp, (int) (offset - first * lbaSize), length);
        controller.transfer(true, nsid, lbaSize, first, tmp, 0, n);
    }

    @Override
    public void flush() throws IOException { controller.flush(nsid); }
}
