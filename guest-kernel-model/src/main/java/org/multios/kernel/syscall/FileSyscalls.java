package org.multios.kernel.syscall;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.multios.kernel.Errno;
import org.multios.kernel.KernelException;
import org.multios.kernel.fs.Inode;
import org.multios.kernel.fs.OpenFile;
import org.multios.kernel.proc.Task;

/** Encodings of struct stat, statx and linux_dirent64, and the poll family. */
final class FileSyscalls {
    private FileSyscalls() {}

    /** struct stat (asm-generic, 128 bytes). */
    static byte[] stat(Inode i) {
        ByteBuffer b = LinuxSyscalls.le(128);
        long t = i.mtimeNanos();
        b.putLong(0, i.dev());
        b.putLong(8, i.ino());
        b.putInt(16, i.mode());
        b.putInt(20, i.nlink());
        b.putInt(24, i.uid());
        b.putInt(28, i.gid());
        b.putLong(32, i.rdev());
        b.putLong(48, i.size());
        b.putInt(56, 4096);
        b.putLong(64, i.blocks());
        long[] times = {i.atimeNanos(), t, i.ctimeNanos()};
        for (int k = 0; k < 3; k++) { b.putLong(72 + 16 * k, Math.floorDiv(times[k], 1_000_000_000L)); b.putLong(80 + 16 * k, Math.floorMod(times[k], 1_000_000_000L)); }
        return b.array();
    }

    /** struct statx (256 bytes). */
    static byte[] statx(Inode i) {
        ByteBuffer b = LinuxSyscalls.le(256);
        long t = i.mtimeNanos();
        b.putInt(0, 0x7ff); // STATX_BASIC_STATS
        b.putInt(4, 4096);
        b.putInt(16, i.nlink());
        b.putInt(20, i.uid());
        b.putInt(24, i.gid());
        b.putShort(28, (short) i.mode());
        b.putLong(32, i.ino());
        b.putLong(40, i.size());
        b.putLong(48, i.blocks());
        long[] times = {i.atimeNanos(), i.ctimeNanos(), i.ctimeNanos(), t}; // atime, btime (none kept: ctime), ctime, mtime
        for (int k = 0; k < 4; k++) { b.putLong(64 + 16 * k, Math.floorDiv(times[k], 1_000_000_000L)); b.putInt(72 + 16 * k, (int) Math.floorMod(times[k], 1_000_000_000L)); }
        b.putInt(128, (int) (i.rdev() >> 8));
        b.putInt(132, (int) (i.rdev() & 0xff));
        b.putInt(140, i.dev());
        return b.array();
    }

    static long getdents(LinuxSyscalls s, Task t, OpenFile f, long buf, long count) {
        List<Inode.DirEntry> es = f.entries();
        int cap = (int) Math.min(count, 1 << 20);
        ByteBuffer b = LinuxSyscalls.le(cap);
        int idx = (int) f.position();
        while (idx < es.size()) {
            Inode.DirEntry e = es.get(idx);
            byte[] name = e.name().getBytes(StandardCharsets.UTF_8);
            int reclen = (19 + name.length + 1 + 7) & ~7;
            if (b.position() + reclen > cap) {
                if (b.position() == 0) return -Errno.EINVAL;
                break;
            }
            int at = b.position();
            b.putLong(at, e.ino());
            b.putLong(at + 8, idx + 1);
            b.putShort(at + 16, (short) reclen);
            b.put(at + 18, (byte) e.type());
            b.put(at + 19, name);
            b.put(at + 19 + name.length, (byte) 0);
            b.position(at + reclen);
            idx++;
        }
        byte[] out = java.util.Arrays.copyOf(b.array(), b.position());
        s.out(t, buf, out);
        f.setPosition(idx);
        return out.length;
    }

    static long timeoutDeadline(LinuxSyscalls s, Task t, long tsVa) {
        if (tsVa == 0) return Long.MAX_VALUE;
        ByteBuffer ts = ByteBuffer.wrap(s.in(t, tsVa, 16)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long sec = ts.getLong(0), nsec = ts.getLong(8);
        if (sec < 0 || nsec < 0 || nsec >= 1_000_000_000L) throw new KernelException(Errno.EINVAL);
        return s.kernel().now() + Math.min(sec, 1L << 32) * 1_000_000_000L + nsec;
    }

    static long ppoll(LinuxSyscalls s, Task t, long fdsVa, long nfds, long tsVa, long maskVa) {
        return poll(s, t, fdsVa, nfds, tsVa, Long.MIN_VALUE);
    }

    /** ppoll with the deadline read from the timespec at tsVa, or (tsVa unused) the given one. */
    static long poll(LinuxSyscalls s, Task t, long fdsVa, long nfds, long tsVa, long givenDeadline) {
        if (nfds < 0 || nfds > t.process.fds.limit()) return -Errno.EINVAL;
        ByteBuffer p = ByteBuffer.wrap(s.in(t, fdsVa, 8 * nfds)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int ready = 0;
        org.multios.kernel.proc.WaitQueue q = null;
        for (int i = 0; i < nfds; i++) {
            int fd = p.getInt(8 * i);
            short ev = p.getShort(8 * i + 4);
            short rev = 0;
            if (fd >= 0) {
                if (!t.process.fds.isOpen(fd)) rev = 0x20; // POLLNVAL
                else {
                    OpenFile f = t.process.fds.get(fd);
                    if ((ev & 1) != 0 && f.pollIn()) rev |= 1;
                    if ((ev & 4) != 0 && f.pollOut()) rev |= 4;
                    if (q == null) q = f.waitQueue();
                }
            }
            p.putShort(8 * i + 6, rev);
            if (rev != 0) ready++;
        }
        long deadline = givenDeadline != Long.MIN_VALUE ? givenDeadline : timeoutDeadline(s, t, tsVa);
        if (ready > 0 || deadline <= s.kernel().now()) {
            s.out(t, fdsVa, p.array());
            return ready;
        }
        long blocked = s.kernel().block(t, q, deadline, 0);
        byte[] none = p.array(); // nothing ready: every revents is 0, which a timeout reports
        t.onTimeout = () -> t.process.as.write(fdsVa, none, 0, none.length);
        return blocked;
    }

    static long pselect(LinuxSyscalls s, Task t, int nfds, long rVa, long wVa, long eVa, long tsVa) {
        return select(s, t, nfds, rVa, wVa, eVa, tsVa, Long.MIN_VALUE);
    }

    /** pselect6 with the deadline read from the timespec at tsVa, or (tsVa unused) the given one. */
    static long select(LinuxSyscalls s, Task t, int nfds, long rVa, long wVa, long eVa, long tsVa, long givenDeadline) {
        if (nfds < 0 || nfds > t.process.fds.limit()) return -Errno.EINVAL;
        int words = (nfds + 63) / 64;
        long[] r = new long[words], w = new long[words];
        ByteBuffer rb = rVa == 0 ? null : ByteBuffer.wrap(s.in(t, rVa, 8L * words)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        ByteBuffer wb = wVa == 0 ? null : ByteBuffer.wrap(s.in(t, wVa, 8L * words)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int ready = 0;
        org.multios.kernel.proc.WaitQueue q = null;
        for (int fd = 0; fd < nfds; fd++) {
            boolean wantR = rb != null && (rb.getLong(8 * (fd / 64)) >>> (fd % 64) & 1) != 0;
            boolean wantW = wb != null && (wb.getLong(8 * (fd / 64)) >>> (fd % 64) & 1) != 0;
            if (!wantR && !wantW) continue;
            OpenFile f = t.process.fds.get(fd);
            if (q == null) q = f.waitQueue();
            if (wantR && f.pollIn()) { r[fd / 64] |= 1L << (fd % 64); ready++; }
            if (wantW && f.pollOut()) { w[fd / 64] |= 1L << (fd % 64); ready++; }
        }
        long deadline = givenDeadline != Long.MIN_VALUE ? givenDeadline : timeoutDeadline(s, t, tsVa);
        if (ready > 0 || deadline <= s.kernel().now()) {
            ByteBuffer o = LinuxSyscalls.le(8 * words);
            if (rVa != 0) { for (int i = 0; i < words; i++) o.putLong(8 * i, r[i]); s.out(t, rVa, o.array()); }
            if (wVa != 0) { for (int i = 0; i < words; i++) o.putLong(8 * i, w[i]); s.out(t, wVa, o.array()); }
            if (eVa != 0) s.out(t, eVa, new byte[8 * words]);
            return ready;
        }
        long blocked = s.kernel().block(t, q, deadline, 0);
        // a timeout returns 0 with every set emptied (the sets stay as given while a wake-up re-executes the call)
        t.onTimeout = () -> {
            byte[] zero = new byte[8 * words];
            for (long va : new long[] {rVa, wVa, eVa}) if (va != 0) t.process.as.write(va, zero, 0, zero.length);
        };
        return blocked;
    }
}
