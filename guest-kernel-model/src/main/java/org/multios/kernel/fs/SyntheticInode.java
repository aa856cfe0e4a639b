package org.multios.kernel.fs;

import java.util.concurrent.atomic.AtomicLong;

/** An inode with no file system behind it (pipes, anonymous objects): only fstat sees it. */
public class SyntheticInode implements Inode {
    static final AtomicLong NEXT_INO = new AtomicLong(1000);
    private final long ino = NEXT_INO.incrementAndGet();
    private final int mode;

    public SyntheticInode(int mode) { this.mode = mode; }

    public static long nextIno() { return NEXT_INO.incrementAndGet(); }

    @Override public long ino() { return ino; }
    @Override public int mode() { return mode; }
    @Override public long size() { return 0; }
}
