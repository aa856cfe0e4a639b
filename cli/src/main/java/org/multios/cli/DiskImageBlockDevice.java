package org.multios.cli;

import java.io.IOException;
import org.multios.devices.block.DiskImage;
import org.multios.kernel.fs.mfs.BlockDevice;

/**
 * An emulator disk back end ({@link DiskImage}: raw file, copy-on-write overlay) seen as an MFS
 * {@link BlockDevice}, so host tools can open exactly what a guest's NVMe disk holds, overlay
 * included. Closing this leaves the image open (its owner closes it).
 */
public final class DiskImageBlockDevice implements BlockDevice {
    private final DiskImage image;

    public DiskImageBlockDevice(DiskImage image) { this.image = image; }

    @Override public long size() { return image.size(); }
    @Override public boolean isReadOnly() { return image.isReadOnly(); }
    @Override public String name() { return image.name(); }

    @Override
    public void read(long offset, byte[] dst, int from, int length) throws IOException {
        checkRange(offset, length);
        image.read(offset, dst, from, length);
    }

    @Override
    public void write(long offset, byte[] src, int from, int length) throws IOException {
        checkRange(offset, length);
        image.write(offset, src, from, length);
    }

    @Override public void flush() throws IOException { image.flush(); }
}
