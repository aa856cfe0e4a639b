package org.multios.kernel.fs;

import org.multios.kernel.Errno;
import org.multios.kernel.KernelException;
import org.multios.kernel.proc.WaitQueue;

/** A pipe: a 64 KiB ring buffer between a read end and a write end (pipe(7) semantics). */
public final class Pipe {
    static final int CAPACITY = 65536;
    private final byte[] buf = new byte[CAPACITY];
    private int head, count, readers = 1, writers = 1;
    private final WaitQueue queue = new WaitQueue();
    private final Inode inode = new SyntheticInode(Inode.S_IFIFO | 0600);

    public OpenFile readEnd(int flags) { return new End(true, flags); }
    public OpenFile writeEnd(int flags) { return new End(false, flags); }

    private final class End extends OpenFile {
        private final boolean reader;

        End(boolean reader, int flags) {
            super((flags & ~O_ACCMODE) | (reader ? O_RDONLY : O_WRONLY));
            this.reader = reader;
        }

        @Override public Inode inode() { return inode; }
        @Override public WaitQueue waitQueue() { return queue; }

        @Override
        public int read(byte[] b, int off, int len) {
            if (!reader) throw new KernelException(Errno.EBADF);
            if (len == 0) return 0;
            if (count == 0) return writers == 0 ? 0 : WOULD_BLOCK;
            int n = Math.min(len, count);
            for (int i = 0; i < n; i++) b[off + i] = buf[(head + i) % CAPACITY];
            head = (head + n) % CAPACITY;
            count -= n;
            queue.wakeAll();
            return n;
        }

        @Override
        public int write(byte[] b, int off, int len) {
            if (reader) throw new KernelException(Errno.EBADF);
            if (readers == 0) throw new KernelException(Errno.EPIPE);
            if (len == 0) return 0;
            int space = CAPACITY - count;
            // writes of up to PIPE_BUF (4096) bytes are atomic
            if (space == 0 || (len <= 4096 && space < len)) return WOULD_BLOCK;
            int n = Math.min(len, space);
            for (int i = 0; i < n; i++) buf[(head + count + i) % CAPACITY] = b[off + i];
            count += n;
            queue.wakeAll();
            return n;
        }

        @Override public boolean pollIn() { return reader && (count > 0 || writers == 0); }
        @Override public boolean pollOut() { return !reader && (count < CAPACITY || readers == 0); }

        @Override
        protected void closed() {
            if (reader) readers--; else writers--;
            queue.wakeAll();
        }
    }
}
