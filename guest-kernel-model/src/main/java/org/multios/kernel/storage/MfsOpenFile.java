package org.multios.kernel.storage;

import java.util.ArrayList;
import java.util.List;
import org.multios.kernel.Errno;
import org.multios.kernel.KernelException;
import org.multios.kernel.fs.Inode;
import org.multios.kernel.fs.OpenFile;

/**
 * An open MFS file or directory. It pins its inode, so an unlinked file stays readable and
 * writable until its last descriptor closes (POSIX), when MFS frees it.
 */
final class MfsOpenFile extends OpenFile {
    private final MfsInode inode;
    private List<Inode.DirEntry> snapshot;
    private boolean open = true;

    MfsOpenFile(MfsInode inode, int flags) {
        super(flags);
        this.inode = inode;
        inode.pin();
    }

    @Override public Inode inode() { return inode; }

    @Override
    public int read(byte[] b, int off, int len) {
        int n = inode.read(pos, b, off, len);
        if (n > 0) pos += n;
        return n;
    }

    @Override
    public int write(byte[] b, int off, int len) {
        if ((flags & O_APPEND) != 0) pos = inode.size();
        int n = inode.write(pos, b, off, len);
        pos += n;
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
        if (p == 0) snapshot = null;
        pos = p;
        return p;
    }

    /** Directory entries with "." and ".." first; the offset counts entries (as InodeFile does). */
    @Override
    public List<Inode.DirEntry> entries() {
        if (!inode.isDir()) throw new KernelException(Errno.ENOTDIR);
        if (snapshot == null || pos == 0) {
            List<Inode.DirEntry> l = new ArrayList<>();
            l.add(new Inode.DirEntry(".", inode.ino(), 4));
            l.add(new Inode.DirEntry("..", inode.ino(), 4));
            l.addAll(inode.list());
            snapshot = l;
        }
        return snapshot;
    }

    @Override
    protected void closed() {
        if (!open) return;
        open = false;
        try {
            inode.unpin();
        } catch (KernelException e) {
            // close(2) of a file on a volume gone read-only still closes it
        }
    }
}
