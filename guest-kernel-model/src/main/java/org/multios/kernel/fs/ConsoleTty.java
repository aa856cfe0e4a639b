package org.multios.kernel.fs;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.IntConsumer;
import org.multios.kernel.Errno;
import org.multios.kernel.proc.WaitQueue;

/**
 * The console terminal as the kernel's drivers see it (used by {@code boot}; {@code run}
 * passes the host's stdio through instead): the driver feeds received bytes to
 * {@link #receive}, programs read through the {@link LineDiscipline} and write through its
 * output processing to {@code transmit} (the UART). termios ioctls read and set the
 * discipline's flags, so raw mode works as on Linux.
 */
public final class ConsoleTty {
    private final LineDiscipline ld;
    private final WaitQueue readers = new WaitQueue();
    private final Inode inode = new SyntheticInode(Inode.S_IFCHR | 0620);
    private int winRows = 24, winCols = 80;
    /** Job control: the foreground process group (gets the ^C, ^\ and ^Z signals) and the controlling session. */
    private int foregroundGroup = 1, session;
    public static final long TIOCSCTTY = 0x540e, TIOCNOTTY = 0x5422, TIOCGSID = 0x5429;

    /** transmit: one byte to the device; signal: a signal for the foreground process group. */
    public ConsoleTty(IntConsumer transmit, IntConsumer signal) {
        this.ld = new LineDiscipline(transmit, signal);
    }

    public LineDiscipline discipline() { return ld; }

    public int foregroundGroup() { return foregroundGroup; }

    public void setForegroundGroup(int pgrp) { foregroundGroup = pgrp; }

    /** Makes this the controlling terminal of session sid (TIOCSCTTY, or the kernel for init). */
    public void setSession(int sid) { session = sid; }

    /** A byte from the device (receive interrupt). */
    public void receive(int b) {
        ld.receive(b);
        if (ld.readable()) readers.wakeAll();
    }

    private static byte[] le32(int v) { return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array(); }

    /** Opens the terminal (each open gets its own file description on the one device). */
    public OpenFile open(int flags) {
        return new OpenFile(flags) {
            @Override public Inode inode() { return inode; }
            @Override public WaitQueue waitQueue() { return readers; }
            @Override public boolean pollIn() { return ld.readable(); }

            @Override
            public int read(byte[] b, int off, int len) {
                int n = ld.read(b, off, len);
                return n < 0 ? WOULD_BLOCK : n;
            }

            @Override
            public int write(byte[] b, int off, int len) {
                for (int i = 0; i < len; i++) ld.output(b[off + i] & 0xff);
                return len;
            }

            @Override
            public long ioctl(long request, long arg, IoctlMemory mem) {
                if (request == HostConsole.TCGETS) {
                    ByteBuffer t = ByteBuffer.allocate(36).order(ByteOrder.LITTLE_ENDIAN);
                    t.putInt(ld.iflag).putInt(ld.oflag).putInt(0x00bf).putInt(ld.lflag).put((byte) 0).put(ld.cc);
                    return mem.write(arg, t.array()) ? 0 : -Errno.EFAULT;
                }
                if (request == HostConsole.TCSETS || request == HostConsole.TCSETSW || request == HostConsole.TCSETSF) {
                    byte[] raw = new byte[36];
                    if (!mem.read(arg, raw)) return -Errno.EFAULT;
                    ByteBuffer t = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
                    ld.iflag = t.getInt(0);
                    ld.oflag = t.getInt(4);
                    ld.lflag = t.getInt(12);
                    t.position(17);
                    t.get(ld.cc);
                    if (ld.readable()) readers.wakeAll();
                    return 0;
                }
                if (request == HostConsole.TIOCGWINSZ) {
                    byte[] ws = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putShort((short) winRows).putShort((short) winCols).array();
                    return mem.write(arg, ws) ? 0 : -Errno.EFAULT;
                }
                if (request == HostConsole.TIOCSWINSZ) {
                    byte[] ws = new byte[8];
                    if (!mem.read(arg, ws)) return -Errno.EFAULT;
                    ByteBuffer w = ByteBuffer.wrap(ws).order(ByteOrder.LITTLE_ENDIAN);
                    winRows = w.getShort(0);
                    winCols = w.getShort(2);
                    return 0;
                }
                if (request == HostConsole.TIOCGPGRP) return mem.write(arg, le32(foregroundGroup)) ? 0 : -Errno.EFAULT;
                if (request == HostConsole.TIOCSPGRP) {
                    byte[] v = new byte[4];
                    if (!mem.read(arg, v)) return -Errno.EFAULT;
                    int pgrp = ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN).getInt();
                    if (pgrp <= 0) return -Errno.EINVAL;
                    foregroundGroup = pgrp;
                    return 0;
                }
                if (request == TIOCGSID) return session == 0 ? -Errno.ENOTTY : mem.write(arg, le32(session)) ? 0 : -Errno.EFAULT;
                if (request == TIOCSCTTY || request == TIOCNOTTY) return 0;
                if (request == HostConsole.FIONREAD) return mem.write(arg, le32(ld.available())) ? 0 : -Errno.EFAULT;
                return -Errno.ENOTTY;
            }
        };
    }
}
