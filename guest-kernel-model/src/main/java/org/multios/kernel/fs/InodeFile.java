package org.multios.kernel.fs;

import java.util.List;
import org.multios.kernel.Errno;
import org.multios.kernel.KernelException;

/** An open regular file or directory: reads and writes at the file offset through its inode. */
public final class InodeFile extends OpenFile {
    private final Inode inode;
    private List<Inode.DirEntry> snapshot;

    public InodeFile(Inode inode, int flags) {
        super(flags);
        this.inode = inode;
    }

    @Override public Inode inode() { return inode; }

    @Override
    public int read(byte[] b, int off, int len) {
        if (inode.isDir()) throw new KernelException(Errno.EISDIR);
        int n = inode.read(pos, b, off, len);
        if (n > 0) pos += n;
        return n;
    }

    @Override
    public int write(byte[] b, int off, int len) {
        if ((flags & O_APPEND) != 0) pos = inode.size();
        int n = inode.write(pos, b, off, len);
        if (n > 0) pos += n;
        return n;
    }

    @Override public int pread(long offset, byte[] b, int off, int len) { return inode.read(offset, b, off, len); }
    @Override public int pwrite(long offset, byte[] b, int off, int len) { return inode.write(offset, b, off, len); }

    @Override
    public long lseek(long offset, int whence) {
        long base = switch (whence) {
            case 0 -> 0;
            case 1 -> pos;
            case 2 -> inode.size();
            default -> throw new KernelException(Errno.EINVAL);
        };
        long p = base + offset;
        if (p < 0) throw new KernelException(Errno.EINVAL);
        if (inode.isDir() && p == 0) snapshot = null;
        pos = p;
        return p;
    }

    /** Directory entries, with "." and ".." first; the offset counts entries. */
    @Override
    public List<Inode.DirEntry> entries() {
        if (!inode.isDir()) throw new KernelException(Errno.ENOTDIR);
        if (snapshot == null || pos == 0) {
            java.util.ArrayList<Inode.DirEntry> l = new java.util.ArrayList<>();
            l.add(new Inode.DirEntry(".", inode.ino(), 4));
            l.add(new Inode.DirEntry("..", inode.ino(), 4));
            l.addAll(inode.list());
            snapshot = l;
        }
        return snapshot;
    }
}
