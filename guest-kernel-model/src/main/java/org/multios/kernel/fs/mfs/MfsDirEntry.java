package org.multios.kernel.fs.mfs;

/** A directory entry; {@code type} is the DT_* value of getdents64 (4 dir, 8 reg, 10 symlink). */
public record MfsDirEntry(String name, long ino, int type) {
    public static final int DT_DIR = 4, DT_REG = 8, DT_LNK = 10;
}
