package org.multios.kernel.fs;

/** A mountable file system: a root directory and what statfs reports. MFS plugs in here. */
public interface FileSystem {
    String type();
    Inode root();
    default boolean readOnly() { return false; }
    default void sync() {}

    /** struct statfs fields: f_type magic, block size, counts in those blocks, inodes, name length, ST_* flags. */
    record StatFs(long magic, int blockSize, long blocks, long freeBlocks, long availBlocks, long files, long freeFiles,
                  long fsid, int nameMax, int flags) {
        public static final int ST_RDONLY = 1;
    }

    /** statfs(2); in-memory file systems report no blocks. */
    default StatFs statfs() { return new StatFs(0x01021994L, 4096, 0, 0, 0, 0, 0, 0, 255, readOnly() ? StatFs.ST_RDONLY : 0); }

    /** mount -o remount,ro|rw: EINVAL unless the file system supports the change. */
    default void remount(boolean readOnly) {
        if (readOnly != readOnly()) throw new org.multios.kernel.KernelException(org.multios.kernel.Errno.EINVAL);
        sync();
    }

    /** Called when the file system is unmounted: write everything back and release the device. */
    default void unmount() { sync(); }
}
