package org.multios.kernel.storage;

import java.io.IOException;
import org.multios.kernel.Errno;
import org.multios.kernel.KernelException;
import org.multios.kernel.fs.Inode;
import org.multios.kernel.fs.OpenFile;
import org.multios.kernel.fs.SyntheticInode;
import org.multios.kernel.fs.mfs.BlockDevice;

/**
 * A block special file in /dev ({@code nvme0n1}, {@code nvme0n1p2}): major 259 (Linux's
 * blkext, which NVMe uses), a minor per device. Opening it gives byte-addressed access to the
 * device through the buffer cache, so {@code cat} and {@code dd} read it; the BLKGETSIZE64 and
 * BLKSSZGET ioctls report its size and sector size.
 */
public final class BlockDeviceNode implements Inode {
    public static final int MAJOR = 259;
    static final long BLKSSZGET = 0x1268, BLKGETSIZE64 = 0x80081272L, BLKFLSBUF = 0x1261;
    private final long ino = SyntheticInode.nextIno();
    private final BlockDevice dev;
    private final int minor;
    private int mode = S_IFBLK | 0660;

    public BlockDeviceNode(BlockDevice dev, int minor) {
        this.dev = dev;
        this.minor = minor;
    }

    public BlockDevice device() { return dev; }

    @Override public long ino() { return ino; }
    @Override public int mode() { return mode; }
    @Override public long size() { return 0; }
    @Override public long blocks() { return 0; }
    @Override public long rdev() { return ((long) MAJOR << 8) | minor; }
    @Override public void chmod(int m) { mode = S_IFBLK | (m & 07777); }
    @Override public void truncate(long length) {}

    @Override
    public OpenFile open(int flags) {
        if ((flags & OpenFile.O_ACCMODE) != OpenFile.O_RDONLY && dev.isReadOnly()) throw new KernelException(Errno.EROFS);
        return new File(flags);
    }

    static KernelException io(IOException e) { return new KernelException(Errno.EIO); }

    /** An open block device: reads and writes at the file offset, up to the device's end. */
    final class File extends OpenFile {
        File(int flags) { super(flags); }

        @Override public Inode inode() { return BlockDeviceNode.this; }

        @Override public int read(byte[] b, int off, int len) { int n = pread(pos, b, off, len); pos += n; return n; }
        @Override public int write(byte[] b, int off, int len) { int n = pwrite(pos, b, off, len); pos += n; return n; }

        @Override
        public int pread(long offset, byte[] b, int off, int len) {
            if (offset < 0) throw new KernelException(Errno.EINVAL);
            if (offset >= dev.size()) return 0;
            int n = (int) Math.min(len, dev.size() - offset);
            try {
                dev.read(offset, b, off, n);
            } catch (IOException e) {
                throw io(e);
            }
            return n;
        }

        @Override
        public int pwrite(long offset, byte[] b, int off, int len) {
            if (offset < 0) throw new KernelException(Errno.EINVAL);
            if (offset >= dev.size()) throw new KernelException(Errno.ENOSPC);
            int n = (int) Math.min(len, dev.size() - offset);
            try {
                dev.write(offset, b, off, n);
            } catch (IOException e) {
                throw io(e);
            }
            return n;
        }

        @Override
        public long lseek(long offset, int whence) {
            long base = switch (whence) {
                case 0 -> 0;
                case 1 -> pos;
                case 2 -> dev.size();
                default -> throw new KernelException(Errno.EINVAL);
            };
            long p = base + offset;
            if (p < 0) throw new KernelException(Errno.EINVAL);
            pos = p;
            return p;
        }

        @Override
        public long ioctl(long request, long arg, IoctlMemory mem) {
            byte[] v;
            if (request == BLKGETSIZE64) {
                v = java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(dev.size()).array();
            } else if (request == BLKSSZGET) {
                v = java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(512).array();
            } else if (request == BLKFLSBUF) {
                return 0;
            } else {
                return -Errno.ENOTTY;
            }
            return mem.write(arg, v) ? 0 : -Errno.EFAULT;
        }
    }

    /** fsync on the device node flushes the device. */
    @Override
    public void fsync(boolean dataOnly) {
        try {
            dev.flush();
        } catch (IOException e) {
            throw io(e);
        }
    }
}
