package org.multios.kernel.syscall;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.multios.kernel.Errno;
import org.multios.kernel.Kernel;
import org.multios.kernel.KernelException;
import org.multios.kernel.fs.Inode;
import org.multios.kernel.fs.OpenFile;
import org.multios.kernel.proc.Process;
import org.multios.kernel.proc.Task;

/**
 * Calls an architecture's own table keeps but asm-generic dropped (x86_64: poll, select,
 * alarm, pause, time, dup2, getdents), and x86_64's struct stat, whose layout differs from
 * asm-generic's. An arch port translates its numbers to the kernel-internal {@code Sys.LEGACY_*}
 * ones; riscv64 and arm64 never produce them. Semantics follow the Linux implementations
 * (fs/select.c, kernel/time/itimer.c alarm_setitimer, fs/readdir.c, arch/x86 struct stat).
 */
final class LegacySyscalls {
    private LegacySyscalls() {}

    static long dispatch(LinuxSyscalls s, Kernel k, Task t, int nr, long a0, long a1, long a2, long a3, long a4) {
        return switch (nr) {
            case Sys.LEGACY_POLL -> FileSyscalls.poll(s, t, a0, a1, 0, (int) a2 < 0 ? Long.MAX_VALUE : k.now() + (int) a2 * 1_000_000L);
            case Sys.LEGACY_SELECT -> FileSyscalls.select(s, t, (int) a0, a1, a2, a3, 0, timevalDeadline(s, k, t, a4));
            case Sys.LEGACY_ALARM -> alarm(k, t.process, a0 & 0xffffffffL);
            case Sys.LEGACY_PAUSE -> k.block(t, null, Long.MAX_VALUE, 0);
            case Sys.LEGACY_TIME -> {
                long sec = Math.floorDiv(k.bootEpochNanos + k.now(), 1_000_000_000L);
                if (a0 != 0) s.out64(t, a0, sec);
                yield sec;
            }
            case Sys.LEGACY_DUP2 -> {
                if (a0 != a1) yield s.dup3(t, (int) a0, (int) a1, 0);
                t.process.fds.get((int) a0); // EBADF when not open
                yield a1;
            }
            case Sys.LEGACY_GETDENTS -> getdents(s, t, t.process.fds.get((int) a0), a1, a2);
            case Sys.X86_FSTAT -> { s.out(t, a1, x86Stat(t.process.fds.get((int) a0).inode())); yield 0; }
            case Sys.X86_NEWFSTATAT -> { s.out(t, a2, x86Stat(s.lookupAt(t, (int) a0, a1, (int) a3))); yield 0; }
            default -> s.unknown(nr);
        };
    }

    /** select's struct timeval: NULL waits for ever; a negative or out-of-range field is EINVAL. */
    private static long timevalDeadline(LinuxSyscalls s, Kernel k, Task t, long tvVa) {
        if (tvVa == 0) return Long.MAX_VALUE;
        ByteBuffer tv = ByteBuffer.wrap(s.in(t, tvVa, 16)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long ns = ProcessSyscalls.timeval(tv.getLong(0), tv.getLong(8));
        if (ns < 0) throw new KernelException(Errno.EINVAL);
        return k.now() + ns;
    }

    /**
     * alarm(2): ITIMER_REAL with no interval; returns the seconds left of the previous alarm,
     * rounded to nearest and at least 1 while one is pending (alarm_setitimer).
     */
    private static long alarm(Kernel k, Process p, long seconds) {
        long left = p.alarmDeadline == 0 ? 0 : Math.max(0, p.alarmDeadline - k.now());
        long old = left == 0 ? 0 : Math.max(1, (left + 500_000_000L) / 1_000_000_000L);
        k.setAlarm(p, seconds == 0 ? 0 : k.now() + Math.min(seconds, 1L << 32) * 1_000_000_000L, 0);
        return old;
    }

    /** The old getdents: struct linux_dirent { d_ino, d_off, d_reclen, d_name[], pad, d_type in the last byte }. */
    private static long getdents(LinuxSyscalls s, Task t, OpenFile f, long buf, long count) {
        if (count < 0) return -Errno.EINVAL;
        List<Inode.DirEntry> es = f.entries();
        int cap = (int) Math.min(count, 1 << 20);
        ByteBuffer b = LinuxSyscalls.le(cap);
        int idx = (int) f.position();
        while (idx < es.size()) {
            Inode.DirEntry e = es.get(idx);
            byte[] name = e.name().getBytes(StandardCharsets.UTF_8);
            int reclen = (18 + name.length + 2 + 7) & ~7;
            if (b.position() + reclen > cap) {
                if (b.position() == 0) return -Errno.EINVAL;
                break;
            }
            int at = b.position();
            b.putLong(at, e.ino());
            b.putLong(at + 8, idx + 1);
            b.putShort(at + 16, (short) reclen);
            b.put(at + 18, name);
            b.put(at + 18 + name.length, (byte) 0);
            b.put(at + reclen - 1, (byte) e.type());
            b.position(at + reclen);
            idx++;
        }
        byte[] out = java.util.Arrays.copyOf(b.array(), b.position());
        s.out(t, buf, out);
        f.setPosition(idx);
        return out.length;
    }

    /**
     * x86_64's struct stat (arch/x86/include/uapi/asm/stat.h, 144 bytes): st_nlink is 64-bit and
     * comes before st_mode, st_blksize is 64-bit, no padding after st_rdev.
     */
    static byte[] x86Stat(Inode i) {
        ByteBuffer g = ByteBuffer.wrap(FileSyscalls.stat(i)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        ByteBuffer b = LinuxSyscalls.le(144);
        b.putLong(0, g.getLong(0));                     // st_dev
        b.putLong(8, g.getLong(8));                     // st_ino
        b.putLong(16, g.getInt(20) & 0xffffffffL);      // st_nlink
        b.putInt(24, g.getInt(16));                     // st_mode
        b.putInt(28, g.getInt(24));                     // st_uid
        b.putInt(32, g.getInt(28));                     // st_gid
        b.putLong(40, g.getLong(32));                   // st_rdev
        b.putLong(48, g.getLong(48));                   // st_size
        b.putLong(56, g.getInt(56));                    // st_blksize
        b.putLong(64, g.getLong(64));                   // st_blocks
        for (int k = 0; k < 6; k++) b.putLong(72 + 8 * k, g.getLong(72 + 8 * k)); // atime, mtime, ctime (sec, nsec)
        return b.array();
    }
}
