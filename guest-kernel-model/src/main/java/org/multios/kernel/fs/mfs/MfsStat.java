package org.multios.kernel.fs.mfs;

/** Inode attributes as stat(2) reports them; times in nanoseconds since the epoch. */
public record MfsStat(long ino, int mode, int nlink, int uid, int gid, long size, long blocks, long atime, long mtime,
                      long ctime, long crtime, Compression compression) {
    public boolean isDirectory() { return (mode & Inode.S_IFMT) == Inode.S_IFDIR; }
    public boolean isRegular() { return (mode & Inode.S_IFMT) == Inode.S_IFREG; }
    public boolean isSymlink() { return (mode & Inode.S_IFMT) == Inode.S_IFLNK; }
}
