package org.multios.kernel.fs;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.multios.kernel.Errno;
import org.multios.kernel.KernelException;

/**
 * The host's stdin/stdout/stderr passed straight through, as {@code run} and qemu-user do.
 * TTY ioctls answer as the host stream is: a terminal reports termios and a window size,
 * a pipe or file gets ENOTTY (so the guest's stdio buffers output the way it would on the host).
 */
public final class HostConsole extends OpenFile {
    public static final long TCGETS = 0x5401, TCSETS = 0x5402, TCSETSW = 0x5403, TCSETSF = 0x5404, TIOCGWINSZ = 0x5413,
            TIOCSWINSZ = 0x5414, TIOCGPGRP = 0x540f, TIOCSPGRP = 0x5410, FIONREAD = 0x541b;
    private final InputStream in;
    private final OutputStream out;
    private final boolean terminal;
    private final Inode inode;
    /** struct termios (asm-generic): c_iflag, c_oflag, c_cflag, c_lflag, c_line, c_cc[19]. */
    private final byte[] termios = defaultTermios();

    public HostConsole(int flags, InputStream in, OutputStream out, boolean terminal) {
        super(flags);
        this.in = in;
        this.out = out;
        this.terminal = terminal;
        this.inode = new SyntheticInode(terminal ? Inode.S_IFCHR | 0620 : Inode.S_IFIFO | 0600);
    }

    private static byte[] defaultTermios() {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(36).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x0500); // ICRNL | IXON
        b.putInt(0x0005); // OPOST | ONLCR
        b.putInt(0x00bf); // B38400 | CS8 | CREAD
        b.putInt(0x8a3b); // ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN
        b.put((byte) 0);
        byte[] cc = {3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22, 0, 0, 0};
        b.put(cc);
        return b.array();
    }

    @Override public Inode inode() { return inode; }

    @Override
    public int read(byte[] b, int off, int len) {
        if (in == null) throw new KernelException(Errno.EBADF);
        try {
            int n = in.read(b, off, len);
            return Math.max(n, 0);
        } catch (IOException e) {
            throw new KernelException(Errno.EIO);
        }
    }

    @Override
    public int write(byte[] b, int off, int len) {
        if (out == null) throw new KernelException(Errno.EBADF);
        try {
            out.write(b, off, len);
            out.flush();
            return len;
        } catch (IOException e) {
            throw new KernelException(Errno.EPIPE);
        }
    }

    @Override
    public long ioctl(long request, long arg, IoctlMemory mem) {
        if (!terminal) return -Errno.ENOTTY;
        if (request == TCGETS) return mem.write(arg, termios) ? 0 : -Errno.EFAULT;
        if (request == TCSETS || request == TCSETSW || request == TCSETSF) {
            byte[] t = new byte[termios.length];
            if (!mem.read(arg, t)) return -Errno.EFAULT;
            System.arraycopy(t, 0, termios, 0, t.length);
            return 0;
        }
        if (request == TIOCGWINSZ) {
            byte[] ws = new byte[8];
            ws[0] = 24; ws[2] = 80;
            return mem.write(arg, ws) ? 0 : -Errno.EFAULT;
        }
        if (request == TIOCSWINSZ) return 0;
        if (request == TIOCGPGRP) return mem.write(arg, new byte[] {1, 0, 0, 0}) ? 0 : -Errno.EFAULT;
        if (request == TIOCSPGRP) return 0;
        return -Errno.ENOTTY;
    }
}
