package org.multios.kernel.fs;

import java.util.SplittableRandom;

/**
 * /dev: null, zero, full, random/urandom (a deterministic generator unless seeded from the
 * host, so runs reproduce) and the console.
 */
public final class DevFs implements FileSystem {
    private final TmpFs fs = new TmpFs("devtmpfs");

    public DevFs(SplittableRandom random, java.util.function.IntFunction<OpenFile> console) {
        TmpFs.Dir d = fs.root();
        d.attach("null", new CharDevice(1, 3, f -> new DeviceFile(f, DeviceFile.Kind.NULL, null)));
        d.attach("zero", new CharDevice(1, 5, f -> new DeviceFile(f, DeviceFile.Kind.ZERO, null)));
        d.attach("full", new CharDevice(1, 7, f -> new DeviceFile(f, DeviceFile.Kind.FULL, null)));
        d.attach("random", new CharDevice(1, 8, f -> new DeviceFile(f, DeviceFile.Kind.RANDOM, random)));
        d.attach("urandom", new CharDevice(1, 9, f -> new DeviceFile(f, DeviceFile.Kind.RANDOM, random)));
        d.attach("console", new CharDevice(5, 1, console));
        d.attach("tty", new CharDevice(5, 0, console));
        d.attach("stdin", new TmpFs.Symlink("/proc/self/fd/0"));
        d.attach("stdout", new TmpFs.Symlink("/proc/self/fd/1"));
        d.attach("stderr", new TmpFs.Symlink("/proc/self/fd/2"));
        d.subdir("shm");
    }

    @Override public String type() { return "devtmpfs"; }
    @Override public Inode root() { return fs.root(); }

    /** The memory devices' semantics (mem(4), random(4)). */
    static final class DeviceFile extends OpenFile {
        enum Kind { NULL, ZERO, FULL, RANDOM }
        private final Kind kind;
        private final SplittableRandom random;
        private final Inode inode = new SyntheticInode(Inode.S_IFCHR | 0666);

        DeviceFile(int flags, Kind kind, SplittableRandom random) {
            super(flags);
            this.kind = kind;
            this.random = random;
        }

        @Override public Inode inode() { return inode; }

        @Override
        public int read(byte[] b, int off, int len) {
            switch (kind) {
                case NULL -> { return 0; }
                case RANDOM -> {
                    for (int i = 0; i < len; i++) b[off + i] = (byte) random.nextInt(256);
                }
                default -> java.util.Arrays.fill(b, off, off + len, (byte) 0);
            }
            return len;
        }

        @Override
        public int write(byte[] b, int off, int len) {
            if (kind == Kind.FULL) throw new org.multios.kernel.KernelException(org.multios.kernel.Errno.ENOSPC);
            return len;
        }

        @Override public int pread(long o, byte[] b, int off, int len) { return read(b, off, len); }
        @Override public int pwrite(long o, byte[] b, int off, int len) { return write(b, off, len); }
        @Override public long lseek(long offset, int whence) { return 0; }
    }
}
