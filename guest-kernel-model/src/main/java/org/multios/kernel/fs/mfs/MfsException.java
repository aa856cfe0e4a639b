package org.multios.kernel.fs.mfs;

import java.io.IOException;

/** A file-system error with its POSIX errno, so the kernel can hand it to the guest unchanged. */
public class MfsException extends IOException {
    /** POSIX error kinds with their Linux numbers. */
    public enum Errno {
        EPERM(1), ENOENT(2), EIO(5), EACCES(13), EEXIST(17), EXDEV(18), ENOTDIR(20), EISDIR(21), EINVAL(22),
        EFBIG(27), ENOSPC(28), EROFS(30), EMLINK(31), ENAMETOOLONG(36), ENOTEMPTY(39), ELOOP(40), EUCLEAN(117);
        public final int number;
        Errno(int n) { number = n; }
    }

    private final Errno errno;

    public MfsException(Errno errno, String message) {
        super(message);
        this.errno = errno;
    }

    public Errno errno() { return errno; }
}
