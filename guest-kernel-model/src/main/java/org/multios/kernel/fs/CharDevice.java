package org.multios.kernel.fs;

import java.util.function.IntFunction;

/** A character device node: opening it yields the device's own open file. */
public final class CharDevice implements Inode {
    private final long ino = SyntheticInode.nextIno();
    private final int major, minor;
    private final IntFunction<OpenFile> opener;

    public CharDevice(int major, int minor, IntFunction<OpenFile> opener) {
        this.major = major;
        this.minor = minor;
        this.opener = opener;
    }

    @Override public long ino() { return ino; }
    @Override public int mode() { return S_IFCHR | 0666; }
    @Override public long size() { return 0; }
    @Override public long rdev() { return ((long) major << 8) | minor; }
    @Override public OpenFile open(int flags) { return opener.apply(flags); }
    @Override public void truncate(long length) {}
}
