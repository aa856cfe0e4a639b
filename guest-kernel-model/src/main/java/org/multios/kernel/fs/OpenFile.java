package org.multios.kernel.fs;

import org.multios.kernel.Errno;
import org.multios.kernel.KernelException;
import org.multios.kernel.proc.WaitQueue;

/**
 * An open file description (shared by dup'ed descriptors and across fork): flags, offset
 * and the object behind it. Reads and writes that cannot progress return
 * {@link #WOULD_BLOCK}; the syscall layer then sleeps on {@link #waitQueue()} or returns
 * EAGAIN for O_NONBLOCK.
 */
public abstract class OpenFile {
    public static final int O_ACCMODE = 3, O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0100, O_EXCL = 0200,
            O_NOCTTY = 0400, O_TRUNC = 01000, O_APPEND = 02000, O_NONBLOCK = 04000, O_DIRECTORY = 0200000,
            O_NOFOLLOW = 0400000, O_CLOEXEC = 02000000, O_PATH = 010000000;
    public static final int WOULD_BLOCK = Integer.MIN_VALUE;

    protected int flags;
    protected long pos;
    /** The name it was opened by (directory fds anchor *at() lookups), or null. */
    public PathNode path;
    private int refs = 1;

    protected OpenFile(int flags) { this.flags = flags; }

    public int flags() { return flags; }
    public void setStatusFlags(int f) { flags = (flags & ~(O_APPEND | O_NONBLOCK)) | (f & (O_APPEND | O_NONBLOCK)); }
    public boolean canRead() { return (flags & O_ACCMODE) != O_WRONLY && (flags & O_PATH) == 0; }
    public boolean canWrite() { return (flags & O_ACCMODE) != O_RDONLY && (flags & O_PATH) == 0; }

    public abstract int read(byte[] b, int off, int len);
    public abstract int write(byte[] b, int off, int len);

    public int pread(long offset, byte[] b, int off, int len) { throw new KernelException(Errno.ESPIPE); }
    public int pwrite(long offset, byte[] b, int off, int len) { throw new KernelException(Errno.ESPIPE); }
    public long lseek(long offset, int whence) { throw new KernelException(Errno.ESPIPE); }

    /** The object for fstat. */
    public abstract Inode inode();

    public java.util.List<Inode.DirEntry> entries() { throw new KernelException(Errno.ENOTDIR); }
    public long position() { return pos; }
    public void setPosition(long p) { pos = p; }

    /** TTY and device controls; {@code mem} copies the argument in and out. */
    public long ioctl(long request, long arg, IoctlMemory mem) { return -Errno.ENOTTY; }

    public boolean pollIn() { return true; }
    public boolean pollOut() { return true; }
    /** Where readers and writers sleep, or null when the file never blocks. */
    public WaitQueue waitQueue() { return null; }

    public void retain() { refs++; }

    /** Drops one reference; the last one closes the object. */
    public void release() { if (--refs == 0) closed(); }

    protected void closed() {}

    /** User-memory access for ioctl arguments. */
    public interface IoctlMemory {
        boolean read(long va, byte[] b);
        boolean write(long va, byte[] b);
    }
}
