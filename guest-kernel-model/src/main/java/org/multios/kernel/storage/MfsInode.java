package org.multios.kernel.storage;

import java.util.ArrayList;
import java.util.List;
import org.multios.kernel.Errno;
import org.multios.kernel.KernelException;
import org.multios.kernel.fs.FileSystem;
import org.multios.kernel.fs.Inode;
import org.multios.kernel.fs.OpenFile;
import org.multios.kernel.fs.mfs.MfsDirEntry;
import org.multios.kernel.fs.mfs.MfsStat;
import org.multios.kernel.fs.mfs.MfsVolume;

/**
 * An MFS inode as the VFS sees it: every operation is the volume's operation on this inode number
 * (attributes come from MFS's own inode cache, so they are always current). Creations run as root
 * (MultiOS has one user for now), so owners are 0 unless chown sets them.
 */
final class MfsInode implements Inode {
    private final MfsFileSystem fs;
    private final long ino;

    MfsInode(MfsFileSystem fs, long ino) {
        this.fs = fs;
        this.ino = ino;
    }

    private MfsVolume v() { return fs.volume(); }

    private MfsStat stat() { return fs.call(() -> v().stat(ino)); }

    @Override public long ino() { return ino; }
    @Override public int mode() { return stat().mode(); }
    @Override public long size() { return stat().size(); }
    @Override public int nlink() { return stat().nlink(); }
    @Override public int uid() { return stat().uid(); }
    @Override public int gid() { return stat().gid(); }
    @Override public long mtimeNanos() { return stat().mtime(); }
    @Override public long atimeNanos() { return stat().atime(); }
    @Override public long ctimeNanos() { return stat().ctime(); }
    @Override public long blocks() { return stat().blocks(); }
    @Override public int dev() { return fs.dev(); }
    @Override public FileSystem fileSystem() { return fs; }

    // ---- directories ----

    @Override
    public Inode lookup(String name) {
        return fs.inode(fs.call(() -> v().lookup(ino, name)));
    }

    @Override
    public List<DirEntry> list() {
        List<DirEntry> out = new ArrayList<>();
        for (MfsDirEntry e : fs.call(() -> v().readdir(ino))) out.add(new DirEntry(e.name(), e.ino(), e.type()));
        return out;
    }

    @Override public Inode create(String name, int mode) { return fs.inode(fresh(fs.call(() -> v().create(ino, name, mode & 07777, 0, 0)))); }
    @Override public Inode mkdir(String name, int mode) { return fs.inode(fresh(fs.call(() -> v().mkdir(ino, name, mode & 07777, 0, 0)))); }
    @Override public void symlink(String name, String target) { fresh(fs.call(() -> v().symlink(ino, name, target, 0, 0))); }

    /** A newly allocated inode number: pages an earlier inode of that number left are not its data. */
    private long fresh(long newIno) {
        FilePageCache pc = fs.pageCache();
        if (pc != null) pc.forget(newIno);
        return newIno;
    }

    @Override
    public void unlink(String name, boolean dir) {
        if (dir) fs.call(() -> { v().rmdir(ino, name); return null; });
        else fs.call(() -> { v().unlink(ino, name); return null; });
    }

    @Override
    public void link(String name, Inode target) {
        if (!(target instanceof MfsInode t) || t.fs != fs) throw new KernelException(Errno.EXDEV);
        fs.call(() -> { v().link(t.ino, ino, name); return null; });
    }

    @Override
    public void rename(String name, Inode dir, String newName) {
        if (!(dir instanceof MfsInode d) || d.fs != fs) throw new KernelException(Errno.EXDEV);
        fs.call(() -> { v().rename(ino, name, d.ino, newName); return null; });
    }

    @Override public String readlink() {
        if (!isSymlink()) throw new KernelException(Errno.EINVAL);
        return fs.call(() -> v().readlink(ino));
    }

    // ---- data ----

    /** Pages read from MFS at once on a page-cache miss (runs of missing pages, as read-ahead within the request). */
    static final int READ_RUN_PAGES = 32;

    @Override
    public int read(long offset, byte[] buf, int off, int len) {
        if (isDir()) throw new KernelException(Errno.EISDIR);
        FilePageCache pc = fs.pageCache();
        if (pc == null || offset < 0 || len < 0) return fs.call(() -> v().read(ino, offset, buf, off, len));
        return fs.call(() -> {
            MfsVolume v = v();
            long size = v.stat(ino).size();
            if (offset >= size || len == 0) return 0;
            int count = (int) Math.min(len, size - offset);
            long end = offset + count, pos = offset;
            final int page = FilePageCache.PAGE;
            while (pos < end) {
                long idx = pos / page;
                byte[] p = pc.get(ino, idx);
                if (p != null) {
                    int at = (int) (pos - idx * page), n = (int) Math.min(page - at, end - pos);
                    System.arraycopy(p, at, buf, (int) (off + pos - offset), n);
                    pos += n;
                    continue;
                }
                // A run of missing pages from MFS in one read; bytes past the end of file stay zero.
                long last = (end - 1) / page, stop = idx + 1;
                while (stop <= last && stop - idx < READ_RUN_PAGES && !pc.contains(ino, stop)) stop++;
                byte[] run = new byte[(int) ((stop - idx) * page)];
                v.read(ino, idx * page, run, 0, run.length);
                for (long i = idx; i < stop; i++) pc.put(ino, i, run, (int) ((i - idx) * page));
                long runEnd = Math.min(end, stop * page);
                System.arraycopy(run, (int) (pos - idx * page), buf, (int) (off + pos - offset), (int) (runEnd - pos));
                pos = runEnd;
            }
            return count;
        });
    }

    @Override
    public int write(long offset, byte[] buf, int off, int len) {
        if (isDir()) throw new KernelException(Errno.EISDIR);
        FilePageCache pc = fs.pageCache();
        fs.call(() -> {
            try {
                v().write(ino, offset, buf, off, len);
            } catch (java.io.IOException | RuntimeException e) {
                if (pc != null) pc.dropRange(ino, offset, len); // part of it may have been written
                throw e;
            }
            if (pc != null) pc.wrote(ino, offset, buf, off, len);
            return null;
        });
        return len;
    }

    @Override public void truncate(long length) {
        if (length < 0) throw new KernelException(Errno.EINVAL);
        FilePageCache pc = fs.pageCache();
        fs.call(() -> {
            try {
                v().truncate(ino, length);
            } catch (java.io.IOException | RuntimeException e) {
                if (pc != null) pc.forget(ino);
                throw e;
            }
            if (pc != null) pc.truncated(ino, length);
            return null;
        });
    }

    @Override public void chmod(int mode) { fs.call(() -> { v().chmod(ino, mode & 07777); return null; }); }
    @Override public void chown(int uid, int gid) {
        MfsStat s = stat();
        fs.call(() -> { v().chown(ino, uid == -1 ? s.uid() : uid, gid == -1 ? s.gid() : gid); return null; });
    }

    @Override
    public void setTimes(long atime, long mtime) {
        MfsStat s = stat();
        fs.call(() -> { v().setTimes(ino, atime == TIME_OMIT ? s.atime() : atime, mtime == TIME_OMIT ? s.mtime() : mtime); return null; });
    }

    /** fsync and fdatasync commit MFS's running transaction, which ends in NVMe Flush commands. */
    @Override
    public void fsync(boolean dataOnly) {
        if (fs.readOnly()) return;
        fs.call(() -> { if (dataOnly) v().fdatasync(ino); else v().fsync(ino); return null; });
    }

    @Override
    public OpenFile open(int flags) {
        if ((flags & OpenFile.O_ACCMODE) != OpenFile.O_RDONLY && fs.readOnly() && isRegular()) throw new KernelException(Errno.EROFS);
        return new MfsOpenFile(this, flags);
    }

    /** Keeps the inode alive while open even if it is unlinked (released with the last close). */
    void pin() { v().pin(ino); }

    void unpin() { fs.call(() -> { v().unpin(ino); return null; }); }

    @Override public boolean equals(Object o) { return o instanceof MfsInode m && m.fs == fs && m.ino == ino; }
    @Override public int hashCode() { return Long.hashCode(ino) * 31 + System.identityHashCode(fs); }
}
