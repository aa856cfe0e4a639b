package org.multios.kernel.fs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.multios.kernel.Errno;
import org.multios.kernel.KernelException;

/**
 * The in-memory file system (the root, /tmp): directories map names to inodes of any file
 * system, which is also how other file systems are mounted (their root replaces the entry).
 */
public final class TmpFs implements FileSystem {
    private final Dir root = new Dir(0755);
    private final String type;

    public TmpFs(String type) { this.type = type; }

    @Override public String type() { return type; }
    @Override public Dir root() { return root; }

    static long now() { return 0; }

    /** A tmpfs directory. */
    public static final class Dir implements Inode {
        private final long ino = SyntheticInode.nextIno();
        private int mode;
        final Map<String, Inode> children = new TreeMap<>();

        Dir(int perm) { this.mode = S_IFDIR | perm; }

        @Override public long ino() { return ino; }
        @Override public int mode() { return mode; }
        @Override public long size() { return 4096; }
        @Override public int nlink() { return 2; }
        @Override public void chmod(int m) { mode = (mode & S_IFMT) | (m & 07777); }

        @Override
        public Inode lookup(String name) {
            Inode i = children.get(name);
            if (i == null) throw new KernelException(Errno.ENOENT);
            return i;
        }

        @Override
        public List<DirEntry> list() {
            List<DirEntry> l = new ArrayList<>();
            for (Map.Entry<String, Inode> e : children.entrySet()) l.add(new DirEntry(e.getKey(), e.getValue().ino(), dtype(e.getValue())));
            return l;
        }

        private void checkNew(String name) {
            if (children.containsKey(name)) throw new KernelException(Errno.EEXIST);
            if (name.length() > 255) throw new KernelException(Errno.ENAMETOOLONG);
        }

        @Override
        public Inode create(String name, int mode) {
            checkNew(name);
            File f = new File(mode & 07777);
            children.put(name, f);
            return f;
        }

        @Override
        public Inode mkdir(String name, int mode) {
            checkNew(name);
            Dir d = new Dir(mode & 07777);
            children.put(name, d);
            return d;
        }

        /** Grafts another file system's object (a mount) or a host file under this directory. */
        public void attach(String name, Inode inode) { children.put(name, inode); }

        /** The sub-directory {@code name}, created when missing. */
        public Dir subdir(String name) {
            Inode i = children.get(name);
            if (i instanceof Dir d) return d;
            Dir d = new Dir(0755);
            children.put(name, d);
            return d;
        }

        @Override
        public void unlink(String name, boolean dir) {
            Inode i = children.get(name);
            if (i == null) throw new KernelException(Errno.ENOENT);
            if (dir && !i.isDir()) throw new KernelException(Errno.ENOTDIR);
            if (!dir && i.isDir()) throw new KernelException(Errno.EISDIR);
            if (dir && i instanceof Dir d && !d.children.isEmpty()) throw new KernelException(Errno.ENOTEMPTY);
            if (dir && !(i instanceof Dir)) throw new KernelException(Errno.EBUSY);
            children.remove(name);
            if (i instanceof File f) f.links--;
        }

        @Override
        public void link(String name, Inode target) {
            if (!(target instanceof File f)) throw new KernelException(target.isDir() ? Errno.EPERM : Errno.EXDEV);
            checkNew(name);
            f.links++;
            children.put(name, f);
        }

        @Override
        public void symlink(String name, String target) {
            checkNew(name);
            children.put(name, new Symlink(target));
        }

        @Override
        public void rename(String name, Inode dir, String newName) {
            if (!(dir instanceof Dir d)) throw new KernelException(Errno.EXDEV);
            Inode i = children.get(name);
            if (i == null) throw new KernelException(Errno.ENOENT);
            Inode old = d.children.get(newName);
            if (old != null) {
                if (old.isDir() && !i.isDir()) throw new KernelException(Errno.EISDIR);
                if (!old.isDir() && i.isDir()) throw new KernelException(Errno.ENOTDIR);
                if (old instanceof Dir od && !od.children.isEmpty() && od != i) throw new KernelException(Errno.ENOTEMPTY);
            }
            children.remove(name);
            d.children.put(newName, i);
        }
    }

    /** A tmpfs regular file. */
    public static final class File implements Inode {
        private final long ino = SyntheticInode.nextIno();
        private int mode;
        private byte[] data = new byte[0];
        private long size;
        int links = 1;

        File(int perm) { this.mode = S_IFREG | perm; }

        @Override public long ino() { return ino; }
        @Override public int mode() { return mode; }
        @Override public long size() { return size; }
        @Override public int nlink() { return links; }
        @Override public void chmod(int m) { mode = (mode & S_IFMT) | (m & 07777); }

        @Override
        public int read(long offset, byte[] buf, int off, int len) {
            if (offset >= size) return 0;
            int n = (int) Math.min(len, size - offset);
            System.arraycopy(data, (int) offset, buf, off, n);
            return n;
        }

        @Override
        public int write(long offset, byte[] buf, int off, int len) {
            long end = offset + len;
            if (end > Integer.MAX_VALUE - 16) throw new KernelException(Errno.EFBIG);
            ensure(end);
            System.arraycopy(buf, off, data, (int) offset, len);
            if (end > size) size = end;
            return len;
        }

        private void ensure(long n) {
            if (n > data.length) data = Arrays.copyOf(data, (int) Math.max(n, Math.min(Integer.MAX_VALUE - 16, data.length * 2L)));
        }

        @Override
        public void truncate(long length) {
            if (length < 0) throw new KernelException(Errno.EINVAL);
            if (length > Integer.MAX_VALUE - 16) throw new KernelException(Errno.EFBIG);
            ensure(length);
            if (length < size) Arrays.fill(data, (int) length, (int) size, (byte) 0);
            size = length;
        }
    }

    /** A tmpfs symbolic link. */
    public static final class Symlink implements Inode {
        private final long ino = SyntheticInode.nextIno();
        private final String target;

        public Symlink(String target) { this.target = target; }

        @Override public long ino() { return ino; }
        @Override public int mode() { return S_IFLNK | 0777; }
        @Override public long size() { return target.length(); }
        @Override public String readlink() { return target; }
    }

    static int dtype(Inode i) {
        return switch (i.mode() & Inode.S_IFMT) {
            case Inode.S_IFDIR -> 4;
            case Inode.S_IFREG -> 8;
            case Inode.S_IFLNK -> 10;
            case Inode.S_IFCHR -> 2;
            case Inode.S_IFBLK -> 6;
            case Inode.S_IFIFO -> 1;
            case Inode.S_IFSOCK -> 12;
            default -> 0;
        };
    }
}
