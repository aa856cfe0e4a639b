package org.multios.kernel.fs;

import java.util.function.Supplier;
import org.multios.kernel.Errno;
import org.multios.kernel.KernelException;

/** A read-only file of binary contents taken when it is opened (e.g. the TCG event log). */
public final class BlobFile implements Inode {
    private final long ino = SyntheticInode.nextIno();
    private final Supplier<byte[]> bytes;
    private final int perm;

    public BlobFile(Supplier<byte[]> bytes, int perm) {
        this.bytes = bytes;
        this.perm = perm;
    }

    @Override public long ino() { return ino; }
    @Override public int mode() { return S_IFREG | perm; }
    @Override public long size() { byte[] b = bytes.get(); return b == null ? 0 : b.length; }

    @Override
    public OpenFile open(int flags) {
        byte[] data = bytes.get();
        if (data == null) throw new KernelException(Errno.ENOENT);
        Inode self = this;
        return new OpenFile(flags) {
            @Override public Inode inode() { return self; }
            @Override public int read(byte[] b, int off, int len) {
                if (pos >= data.length) return 0;
                int n = (int) Math.min(len, data.length - pos);
                System.arraycopy(data, (int) pos, b, off, n);
                pos += n;
                return n;
            }
            @Override public int write(byte[] b, int off, int len) { throw new KernelException(Errno.EACCES); }
            @Override public long lseek(long o, int whence) {
                long base = switch (whence) { case 0 -> 0; case 1 -> pos; case 2 -> data.length; default -> -1; };
                if (base < 0 || base + o < 0) throw new KernelException(Errno.EINVAL);
                pos = base + o;
                return pos;
            }
        };
    }
}
