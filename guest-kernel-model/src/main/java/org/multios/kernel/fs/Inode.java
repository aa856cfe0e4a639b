package org.multios.kernel.fs;

import java.util.List;
import org.multios.kernel.Errno;
import org.multios.kernel.KernelException;

/**
 * A file-system object as the VFS sees it. A file system (tmpfs, devfs, procfs, host shares,
 * MFS) implements the operations its objects support; the defaults fail with the errno
 * Linux gives for an object of the wrong kind.
 */
public interface Inode {
    int S_IFMT = 0170000, S_IFSOCK = 0140000, S_IFLNK = 0120000, S_IFREG = 0100000, S_IFBLK = 0060000,
            S_IFDIR = 0040000, S_IFCHR = 0020000, S_IFIFO = 0010000;

    /** One directory entry: name, inode number, DT_* type. */
    record DirEntry(String name, long ino, int type) {}

    long ino();
    /** S_IF* type bits and permission bits. */
    int mode();
    long size();
    default int nlink() { return isDir() ? 2 : 1; }
    default long mtimeNanos() { return 0; }
    default long rdev() { return 0; }
    default int dev() { return 1; }
    default int uid() { return 0; }
    default int gid() { return 0; }
    default long atimeNanos() { return mtimeNanos(); }
    default long ctimeNanos() { return mtimeNanos(); }
    /** 512-byte blocks allocated (st_blocks). */
    default long blocks() { return (size() + 511) / 512; }

    default boolean isDir() { return (mode() & S_IFMT) == S_IFDIR; }
    default boolean isSymlink() { return (mode() & S_IFMT) == S_IFLNK; }
    default boolean isRegular() { return (mode() & S_IFMT) == S_IFREG; }

    // ---- directories ----
    default Inode lookup(String name) { throw new KernelException(isDir() ? Errno.ENOENT : Errno.ENOTDIR); }
    default List<DirEntry> list() { throw new KernelException(Errno.ENOTDIR); }
    default Inode create(String name, int mode) { throw new KernelException(isDir() ? Errno.EROFS : Errno.ENOTDIR); }
    default Inode mkdir(String name, int mode) { throw new KernelException(isDir() ? Errno.EROFS : Errno.ENOTDIR); }
    default void unlink(String name, boolean dir) { throw new KernelException(isDir() ? Errno.EROFS : Errno.ENOTDIR); }
    default void link(String name, Inode target) { throw new KernelException(Errno.EPERM); }
    default void symlink(String name, String target) { throw new KernelException(isDir() ? Errno.EROFS : Errno.ENOTDIR); }
    /** Moves entry {@code name} of this directory to {@code newName} in {@code dir} (same file system). */
    default void rename(String name, Inode dir, String newName) { throw new KernelException(Errno.EXDEV); }

    // ---- symlinks ----
    default String readlink() { throw new KernelException(Errno.EINVAL); }

    // ---- data ----
    default int read(long offset, byte[] buf, int off, int len) { throw new KernelException(isDir() ? Errno.EISDIR : Errno.EINVAL); }
    default int write(long offset, byte[] buf, int off, int len) { throw new KernelException(isDir() ? Errno.EISDIR : Errno.EINVAL); }
    default void truncate(long length) { throw new KernelException(isDir() ? Errno.EISDIR : Errno.EINVAL); }
    default void chmod(int mode) { throw new KernelException(Errno.EPERM); }
    /** chown; -1 leaves one unchanged. File systems without owners accept and ignore it. */
    default void chown(int uid, int gid) {}
    /** utimensat: times in ns since the epoch; {@link #TIME_OMIT} leaves one unchanged. */
    default void setTimes(long atimeNanos, long mtimeNanos) {}
    long TIME_OMIT = Long.MIN_VALUE;
    /** fsync/fdatasync: the object's data (and, unless dataOnly, its metadata) on stable storage. */
    default void fsync(boolean dataOnly) {}
    /** The file system holding this object (statfs, syncfs), or null for objects of none. */
    default FileSystem fileSystem() { return null; }

    /** Opens the object: regular files and directories get an {@link InodeFile}; devices their own. */
    default OpenFile open(int flags) { return new InodeFile(this, flags); }
}
