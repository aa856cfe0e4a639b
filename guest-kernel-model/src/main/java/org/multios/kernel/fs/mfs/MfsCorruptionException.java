package org.multios.kernel.fs.mfs;

/** A checksum, magic or range check failed: names the block and, where known, the inode. */
public final class MfsCorruptionException extends MfsException {
    private final long block, inode;

    public MfsCorruptionException(long block, long inode, String what) {
        super(Errno.EUCLEAN, "corrupt metadata: " + what + (block >= 0 ? " (block " + block + ")" : "") + (inode > 0 ? " (inode " + inode + ")" : ""));
        this.block = block;
        this.inode = inode;
    }

    /** The block number, or -1. */
    public long block() { return block; }

    /** The inode number, or 0. */
    public long inode() { return inode; }
}
