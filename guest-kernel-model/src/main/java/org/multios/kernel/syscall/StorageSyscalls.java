package org.multios.kernel.syscall;

import java.nio.ByteBuffer;
import org.multios.kernel.Errno;
import org.multios.kernel.Kernel;
import org.multios.kernel.KernelException;
import org.multios.kernel.fs.DevFs;
import org.multios.kernel.fs.FileSystem;
import org.multios.kernel.fs.Inode;
import org.multios.kernel.fs.OpenFile;
import org.multios.kernel.fs.PathNode;
import org.multios.kernel.fs.ProcFs;
import org.multios.kernel.fs.TmpFs;
import org.multios.kernel.fs.Vfs;
import org.multios.kernel.proc.Task;
import org.multios.kernel.storage.Storage;

/**
 * The file-system and durability calls: mount, umount2, sync, syncfs, fsync, fdatasync, statfs,
 * fstatfs, fchown(at), utimensat. fsync on MFS commits the journal, which ends in NVMe Flush.
 */
final class StorageSyscalls {
    static final int MS_RDONLY = 1, MS_REMOUNT = 32, MS_BIND = 4096;
    static final int MNT_FORCE = 1, MNT_DETACH = 2, UMOUNT_NOFOLLOW = 8;
    static final long UTIME_NOW = (1L << 30) - 1, UTIME_OMIT = (1L << 30) - 2;

    private StorageSyscalls() {}

    static long dispatch(LinuxSyscalls s, Kernel k, Task t, int nr, long a0, long a1, long a2, long a3, long a4) {
        return switch (nr) {
            case Sys.MOUNT -> mount(s, k, t, a0, a1, a2, a3);
            case Sys.UMOUNT2 -> umount(s, k, t, a0, (int) a1);
            case Sys.SYNC -> { sync(k); yield 0; }
            case Sys.SYNCFS -> { FileSystem fs = t.process.fds.get((int) a0).inode().fileSystem(); if (fs != null) fs.sync(); yield 0; }
            case Sys.FSYNC, Sys.FDATASYNC -> { t.process.fds.get((int) a0).inode().fsync(nr == Sys.FDATASYNC); yield 0; }
            case Sys.STATFS -> { s.out(t, a1, statfs(k, k.vfs.resolve(t.process.cwd, s.str(t, a0), true).inode())); yield 0; }
            case Sys.FSTATFS -> { s.out(t, a1, statfs(k, t.process.fds.get((int) a0).inode())); yield 0; }
            case Sys.FCHOWN -> { t.process.fds.get((int) a0).inode().chown((int) a1, (int) a2); yield 0; }
            case Sys.FCHOWNAT -> { s.lookupAt(t, (int) a0, a1, (int) a4).chown((int) a2, (int) a3); yield 0; }
            case Sys.UTIMENSAT -> utimensat(s, k, t, (int) a0, a1, a2, (int) a3);
            default -> -Errno.ENOSYS;
        };
    }

    /** sync(2): through the storage stack when there is one, else every mounted file system. */
    static void sync(Kernel k) {
        if (k.storage != null) {
            k.storage.syncAll();
            return;
        }
        for (Vfs.Mount m : k.vfs.mounts()) m.fs().sync();
    }

    static long mount(LinuxSyscalls s, Kernel k, Task t, long srcVa, long targetVa, long typeVa, long flags) {
        PathNode target = k.vfs.resolve(t.process.cwd, s.str(t, targetVa), true);
        if ((flags & MS_REMOUNT) != 0) {
            // Only the read-only flag can change in place (init remounts "/" read-only before reboot).
            FileSystem fs = target.inode().fileSystem();
            if (fs == null) return (flags & MS_RDONLY) != 0 ? -Errno.EINVAL : 0;
            boolean ro = (flags & MS_RDONLY) != 0;
            fs.remount(ro);
            String opt = ro ? "ro" : "rw";
            for (int i = 0; i < k.mounts.size(); i++) {
                Kernel.Mount m = k.mounts.get(i);
                if (m.path().equals(target.path())) k.mounts.set(i, new Kernel.Mount(m.device(), m.path(), m.type(), opt + m.options().replaceFirst("^r[ow]", "")));
            }
            return 0;
        }
        if ((flags & MS_BIND) != 0) {
            PathNode src = k.vfs.resolve(t.process.cwd, s.str(t, srcVa), true);
            if (!src.inode().isDir()) return -Errno.ENOTDIR;
            k.vfs.mount(target, new Bound(src.inode()), src.path(), "rw");
            k.mounts.add(new Kernel.Mount(src.path(), target.path(), "none", "rw,bind"));
            return 0;
        }
        String type = typeVa == 0 ? "" : s.str(t, typeVa);
        String source = srcVa == 0 ? type : s.str(t, srcVa);
        boolean ro = (flags & MS_RDONLY) != 0;
        FileSystem fs = switch (type) {
            case "tmpfs", "ramfs" -> new TmpFs(type);
            case "proc" -> new ProcFs(k);
            case "devtmpfs", "devfs" -> devfs(k);
            case "mfs" -> {
                if (k.storage == null) throw new KernelException(Errno.ENODEV);
                Storage.Disk d;
                try {
                    d = k.storage.diskOf(k.vfs.resolve(t.process.cwd, source, true).inode());
                } catch (KernelException e) {
                    d = k.storage.disk(source);
                }
                if (d == null) {
                    d = k.storage.disk(source);
                    if (d == null) throw new KernelException(Errno.ENOENT);
                }
                yield k.storage.mount(d.name(), "mfs", ro);
            }
            default -> throw new KernelException(Errno.ENODEV);
        };
        String opts = ro || fs.readOnly() ? "ro" : "rw";
        try {
            k.vfs.mount(target, fs, source, opts);
        } catch (KernelException e) {
            if (k.storage != null) k.storage.unmounted(fs);
            throw e;
        }
        k.mounts.add(new Kernel.Mount(source, target.path(), fs.type(), opts));
        return 0;
    }

    /** The devfs already in the namespace (one set of device nodes), mounted once more. */
    private static FileSystem devfs(Kernel k) {
        for (Vfs.Mount m : k.vfs.mounts()) if (m.fs() instanceof DevFs || m.fs().type().equals("devtmpfs")) return m.fs();
        try {
            return new Bound(k.vfs.resolve(k.vfs.root(), "/dev", true).inode(), "devtmpfs");
        } catch (KernelException e) {
            throw new KernelException(Errno.ENODEV);
        }
    }

    /** A directory tree mounted a second time (bind mounts, devfs). */
    record Bound(Inode root, String type) implements FileSystem {
        Bound(Inode root) { this(root, "none"); }
    }

    static long umount(LinuxSyscalls s, Kernel k, Task t, long targetVa, int flags) {
        if ((flags & ~(MNT_FORCE | MNT_DETACH | UMOUNT_NOFOLLOW | 4)) != 0) return -Errno.EINVAL;
        PathNode target = k.vfs.resolve(t.process.cwd, s.str(t, targetVa), (flags & UMOUNT_NOFOLLOW) == 0);
        FileSystem fs = target.inode().fileSystem();
        if (fs != null && (flags & (MNT_DETACH | MNT_FORCE)) == 0 && busy(k, fs)) return -Errno.EBUSY;
        Vfs.Mount m = k.vfs.unmount(target);
        if (k.storage != null) k.storage.unmounted(m.fs());
        else m.fs().unmount();
        for (int i = k.mounts.size() - 1; i >= 0; i--) {
            if (k.mounts.get(i).path().equals(m.target())) { k.mounts.remove(i); break; }
        }
        return 0;
    }

    /** A process has a file open on fs or works in one of its directories (umount without MNT_DETACH fails). */
    static boolean busy(Kernel k, FileSystem fs) {
        for (org.multios.kernel.proc.Process p : k.processes()) {
            if (p.zombie) continue;
            if (p.cwd != null && p.cwd.inode().fileSystem() == fs) return true;
            if (p.fds == null) continue;
            for (int fd : p.fds.openFds()) if (p.fds.get(fd).inode().fileSystem() == fs) return true;
        }
        return false;
    }

    /** struct statfs (asm-generic, 64-bit: 120 bytes). */
    static byte[] statfs(Kernel k, Inode i) {
        FileSystem fs = i.fileSystem();
        FileSystem.StatFs st = fs != null ? fs.statfs() : new FileSystem.StatFs(0x01021994L, 4096, 0, 0, 0, 0, 0, 0, 255, 0);
        ByteBuffer b = LinuxSyscalls.le(120);
        b.putLong(0, st.magic());
        b.putLong(8, st.blockSize());
        b.putLong(16, st.blocks());
        b.putLong(24, st.freeBlocks());
        b.putLong(32, st.availBlocks());
        b.putLong(40, st.files());
        b.putLong(48, st.freeFiles());
        b.putInt(56, (int) st.fsid());
        b.putInt(60, (int) (st.fsid() >>> 32));
        b.putLong(64, st.nameMax());
        b.putLong(72, st.blockSize());
        b.putLong(80, st.flags());
        return b.array();
    }

    static long utimensat(LinuxSyscalls s, Kernel k, Task t, int dirfd, long pathVa, long timesVa, int flags) {
        Inode i = pathVa == 0 ? (dirfd == LinuxSyscalls.AT_FDCWD ? t.process.cwd.inode() : t.process.fds.get(dirfd).inode())
                : s.lookupAt(t, dirfd, pathVa, flags);
        long now = k.bootEpochNanos + k.now();
        long at = now, mt = now;
        if (timesVa != 0) {
            ByteBuffer ts = ByteBuffer.wrap(s.in(t, timesVa, 32)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            at = time(ts.getLong(0), ts.getLong(8), now);
            mt = time(ts.getLong(16), ts.getLong(24), now);
        }
        i.setTimes(at, mt);
        return 0;
    }

    private static long time(long sec, long nsec, long now) {
        if (nsec == UTIME_NOW) return now;
        if (nsec == UTIME_OMIT) return Inode.TIME_OMIT;
        if (nsec < 0 || nsec >= 1_000_000_000L) throw new KernelException(Errno.EINVAL);
        return sec * 1_000_000_000L + nsec;
    }
}
