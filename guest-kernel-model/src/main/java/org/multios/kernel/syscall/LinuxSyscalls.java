package org.multios.kernel.syscall;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.multios.core.elf.ElfFile;
import org.multios.kernel.Errno;
import org.multios.kernel.Kernel;
import org.multios.kernel.KernelException;
import org.multios.kernel.arch.PageTable;
import org.multios.kernel.arch.UserContext;
import org.multios.kernel.fs.Inode;
import org.multios.kernel.fs.OpenFile;
import org.multios.kernel.fs.PathNode;
import org.multios.kernel.fs.Pipe;
import org.multios.kernel.fs.Vfs;
import org.multios.kernel.mm.AddressSpace;
import org.multios.kernel.mm.Vma;
import org.multios.kernel.proc.ElfExec;
import org.multios.kernel.proc.Process;
import org.multios.kernel.proc.SigAction;
import org.multios.kernel.proc.Task;

/**
 * MultiOS's POSIX layer: the Linux syscall ABI (asm-generic numbering). Arguments come from
 * the trapped context, user memory is reached only through the process's address space
 * (bad pointers give EFAULT, lengths are bounded), and errors are negative errno values.
 */
public final class LinuxSyscalls {
    /** dispatch result: the task went to sleep; its syscall restarts or completes when woken. */
    public static final long BLOCKED = Long.MIN_VALUE;
    /** dispatch result: the context was replaced (execve, rt_sigreturn); leave the return register alone. */
    public static final long NO_RETURN = Long.MIN_VALUE + 1;
    static final int AT_FDCWD = -100, AT_SYMLINK_NOFOLLOW = 0x100, AT_REMOVEDIR = 0x200, AT_EMPTY_PATH = 0x1000;
    static final int MAX_IO = 1 << 20;

    private final Kernel k;
    private final Set<Long> reportedUnknown = new HashSet<>();

    public LinuxSyscalls(Kernel k) { this.k = k; }

    // ---- user memory ----

    static KernelException fault() { return new KernelException(Errno.EFAULT); }

    byte[] in(Task t, long va, long len) {
        if (len < 0 || len > (64L << 20)) throw new KernelException(Errno.EINVAL);
        byte[] b = new byte[(int) len];
        if (!t.process.as.read(va, b, 0, b.length)) throw fault();
        return b;
    }

    void out(Task t, long va, byte[] b) { if (!t.process.as.write(va, b, 0, b.length)) throw fault(); }

    long in64(Task t, long va) { return ByteBuffer.wrap(in(t, va, 8)).order(ByteOrder.LITTLE_ENDIAN).getLong(); }

    void out32(Task t, long va, int v) { out(t, va, le(4).putInt(v).array()); }

    void out64(Task t, long va, long v) { out(t, va, le(8).putLong(v).array()); }

    static ByteBuffer le(int n) { return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN); }

    String str(Task t, long va) {
        StringBuilder sb = new StringBuilder();
        byte[] buf = new byte[256];
        java.io.ByteArrayOutputStream bo = new java.io.ByteArrayOutputStream();
        while (true) {
            int n = (int) Math.min(256, 4096 - (va & 4095));
            if (!t.process.as.read(va, buf, 0, n)) throw fault();
            for (int i = 0; i < n; i++) {
                if (buf[i] == 0) { bo.write(buf, 0, i); return bo.toString(StandardCharsets.UTF_8); }
            }
            bo.write(buf, 0, n);
            va += n;
            if (bo.size() > 4096) throw new KernelException(Errno.ENAMETOOLONG);
        }
    }

    // ---- dispatch ----

    public long dispatch(Task t) {
        UserContext c = t.ctx;
        int nr = (int) c.syscallNumber();
        long a0 = c.arg(0), a1 = c.arg(1), a2 = c.arg(2), a3 = c.arg(3), a4 = c.arg(4), a5 = c.arg(5);
        try {
            return switch (nr) {
                case Sys.READ -> read(t, (int) a0, a1, a2, -1);
                case Sys.PREAD64 -> read(t, (int) a0, a1, a2, a3 < 0 ? -2 : a3);
                case Sys.WRITE -> write(t, (int) a0, a1, a2, -1);
                case Sys.PWRITE64 -> write(t, (int) a0, a1, a2, a3 < 0 ? -2 : a3);
                case Sys.READV -> vector(t, (int) a0, a1, a2, false);
                case Sys.WRITEV -> vector(t, (int) a0, a1, a2, true);
                case Sys.OPENAT -> openat(t, (int) a0, str(t, a1), (int) a2, (int) a3);
                case Sys.CLOSE -> { t.process.fds.close((int) a0); yield 0; }
                case Sys.LSEEK -> t.process.fds.get((int) a0).lseek(a1, (int) a2);
                case Sys.FSTAT -> { out(t, a1, FileSyscalls.stat(t.process.fds.get((int) a0).inode())); yield 0; }
                case Sys.NEWFSTATAT -> { out(t, a2, FileSyscalls.stat(lookupAt(t, (int) a0, a1, (int) a3))); yield 0; }
                case Sys.STATX -> { out(t, a4, FileSyscalls.statx(lookupAt(t, (int) a0, a1, (int) a2))); yield 0; }
                case Sys.GETDENTS64 -> a2 < 0 ? -Errno.EINVAL : FileSyscalls.getdents(this, t, t.process.fds.get((int) a0), a1, a2);
                case Sys.IOCTL -> ioctl(t, (int) a0, a1, a2);
                case Sys.FCNTL -> fcntl(t, (int) a0, (int) a1, a2);
                case Sys.DUP -> dupFrom(t, t.process.fds.get((int) a0), 0, false);
                case Sys.DUP3 -> dup3(t, (int) a0, (int) a1, (int) a2);
                case Sys.PIPE2 -> pipe2(t, a0, (int) a1);
                case Sys.GETCWD -> getcwd(t, a0, a1);
                case Sys.CHDIR -> { PathNode n = k.vfs.resolve(t.process.cwd, str(t, a0), true); if (!n.inode().isDir()) throw new KernelException(Errno.ENOTDIR); t.process.cwd = n; yield 0; }
                case Sys.FCHDIR -> { OpenFile f = t.process.fds.get((int) a0); if (f.path == null || !f.path.inode().isDir()) throw new KernelException(Errno.ENOTDIR); t.process.cwd = f.path; yield 0; }
                case Sys.MKDIRAT -> { Vfs.Parent p = parentAt(t, (int) a0, a1); p.dir().inode().mkdir(p.name(), (int) a2 & ~t.process.umask); yield 0; }
                case Sys.UNLINKAT -> { Vfs.Parent p = parentAt(t, (int) a0, a1); p.dir().inode().unlink(p.name(), (a2 & AT_REMOVEDIR) != 0); yield 0; }
                case Sys.SYMLINKAT -> { String target = str(t, a0); Vfs.Parent p = parentAt(t, (int) a1, a2); p.dir().inode().symlink(p.name(), target); yield 0; }
                case Sys.LINKAT -> { Inode src = lookupAt(t, (int) a0, a1, AT_SYMLINK_NOFOLLOW); Vfs.Parent p = parentAt(t, (int) a2, a3); p.dir().inode().link(p.name(), src); yield 0; }
                case Sys.RENAMEAT, Sys.RENAMEAT2 -> { Vfs.Parent from = parentAt(t, (int) a0, a1); Vfs.Parent to = parentAt(t, (int) a2, a3); from.dir().inode().rename(from.name(), to.dir().inode(), to.name()); yield 0; }
                case Sys.READLINKAT -> readlinkat(t, (int) a0, a1, a2, a3);
                case Sys.FACCESSAT, Sys.FACCESSAT2 -> { lookupAt(t, (int) a0, a1, 0); yield 0; }
                case Sys.FCHMOD -> { t.process.fds.get((int) a0).inode().chmod((int) a1); yield 0; }
                case Sys.FCHMODAT -> { lookupAt(t, (int) a0, a1, 0).chmod((int) a2); yield 0; }
                case Sys.FCHOWNAT, Sys.FCHOWN, Sys.UTIMENSAT, Sys.SYNC, Sys.SYNCFS, Sys.FSYNC, Sys.FDATASYNC, Sys.MOUNT, Sys.UMOUNT2 ->
                        StorageSyscalls.dispatch(this, k, t, nr, a0, a1, a2, a3, a4);
                case Sys.FTRUNCATE -> { OpenFile f = t.process.fds.get((int) a0); if (!f.canWrite() || a1 < 0) throw new KernelException(Errno.EINVAL); f.inode().truncate(a1); yield 0; }
                case Sys.TRUNCATE -> { if (a1 < 0) throw new KernelException(Errno.EINVAL); Inode i = k.vfs.resolve(t.process.cwd, str(t, a0), true).inode(); if (i.isDir()) throw new KernelException(Errno.EISDIR); i.truncate(a1); yield 0; }
                case Sys.STATFS, Sys.FSTATFS -> StorageSyscalls.dispatch(this, k, t, nr, a0, a1, a2, a3, a4);
                case Sys.PPOLL -> FileSyscalls.ppoll(this, t, a0, a1, a2, a3);
                case Sys.PSELECT6 -> FileSyscalls.pselect(this, t, (int) a0, a1, a2, a3, a4);
                case 198, 199, 200, 201, 202, 203, 204, 205, 206, 207, 208, 209, 210, 211, 212, 242 ->
                        NetSyscalls.dispatch(this, k, t, nr, a0, a1, a2, a3, a4, a5);
                case Sys.LEGACY_POLL, Sys.LEGACY_SELECT, Sys.LEGACY_PAUSE, Sys.LEGACY_ALARM, Sys.LEGACY_DUP2, Sys.LEGACY_GETDENTS,
                     Sys.LEGACY_TIME, Sys.X86_FSTAT, Sys.X86_NEWFSTATAT -> LegacySyscalls.dispatch(this, k, t, nr, a0, a1, a2, a3, a4);
                case Sys.UMASK -> { int old = t.process.umask; t.process.umask = (int) a0 & 0777; yield old; }
                default -> ProcessSyscalls.dispatch(this, k, t, nr, a0, a1, a2, a3, a4, a5);
            };
        } catch (KernelException e) {
            return -e.errno();
        } catch (RuntimeException e) {
            // A kernel bug must not take the system down with the one process that hit it.
            k.log.println("multios: kernel: internal error in syscall " + nr + ": " + e);
            return -Errno.EINVAL;
        }
    }

    long unknown(int nr) {
        if (reportedUnknown.add((long) nr)) k.log.println("multios: kernel: unknown syscall " + nr);
        return -Errno.ENOSYS;
    }

    Kernel kernel() { return k; }

    // ---- files ----

    PathNode base(Task t, int dirfd) {
        if (dirfd == AT_FDCWD) return t.process.cwd;
        OpenFile f = t.process.fds.get(dirfd);
        if (f.path == null || !f.path.inode().isDir()) throw new KernelException(Errno.ENOTDIR);
        return f.path;
    }

    Inode lookupAt(Task t, int dirfd, long pathVa, int flags) {
        String path = str(t, pathVa);
        if (path.isEmpty()) {
            if ((flags & AT_EMPTY_PATH) == 0) throw new KernelException(Errno.ENOENT);
            if (dirfd == AT_FDCWD) return t.process.cwd.inode();
            return t.process.fds.get(dirfd).inode();
        }
        return k.vfs.resolve(base(t, dirfd), path, (flags & AT_SYMLINK_NOFOLLOW) == 0).inode();
    }

    Vfs.Parent parentAt(Task t, int dirfd, long pathVa) {
        String path = str(t, pathVa);
        return k.vfs.resolveParent(base(t, dirfd), path);
    }

    public OpenFile open(PathNode base, String path, int flags, int mode, int umask) {
        PathNode node;
        if ((flags & OpenFile.O_CREAT) != 0) {
            Vfs.Parent p = k.vfs.resolveParent(base, path);
            Inode existing = null;
            try {
                existing = p.dir().inode().lookup(p.name());
            } catch (KernelException e) {
                if (e.errno() != Errno.ENOENT) throw e;
            }
            if (existing != null) {
                if ((flags & OpenFile.O_EXCL) != 0) throw new KernelException(Errno.EEXIST);
                node = k.vfs.resolve(base, path, (flags & OpenFile.O_NOFOLLOW) == 0);
            } else {
                if (p.name().equals(".") || p.name().equals("..") || path.endsWith("/")) throw new KernelException(Errno.EISDIR);
                node = new PathNode(p.dir(), p.name(), p.dir().inode().create(p.name(), mode & ~umask & 07777));
            }
        } else {
            node = k.vfs.resolve(base, path, (flags & OpenFile.O_NOFOLLOW) == 0);
        }
        Inode ino = node.inode();
        if (ino.isSymlink()) throw new KernelException(Errno.ELOOP);
        if ((flags & OpenFile.O_DIRECTORY) != 0 && !ino.isDir()) throw new KernelException(Errno.ENOTDIR);
        int acc = flags & OpenFile.O_ACCMODE;
        if (ino.isDir() && acc != OpenFile.O_RDONLY) throw new KernelException(Errno.EISDIR);
        if ((flags & OpenFile.O_TRUNC) != 0 && acc != OpenFile.O_RDONLY && ino.isRegular()) ino.truncate(0);
        OpenFile f = ino.open(flags & ~(OpenFile.O_CREAT | OpenFile.O_EXCL | OpenFile.O_TRUNC | OpenFile.O_CLOEXEC));
        f.path = node;
        return f;
    }

    long openat(Task t, int dirfd, String path, int flags, int mode) {
        OpenFile f = open(path.startsWith("/") ? k.vfs.root() : base(t, dirfd), path, flags, mode, t.process.umask);
        try {
            return t.process.fds.install(f, (flags & OpenFile.O_CLOEXEC) != 0, 0);
        } catch (KernelException e) {
            f.release();
            throw e;
        }
    }

    long read(Task t, int fd, long buf, long len, long offset) {
        OpenFile f = t.process.fds.get(fd);
        if (!f.canRead()) throw new KernelException(Errno.EBADF);
        if (len < 0) throw fault(); // no user range is that long (Linux: access_ok fails before the length check)
        if (offset < -1) throw new KernelException(Errno.EINVAL);
        int n = (int) Math.min(len, MAX_IO);
        if (n > 0 && t.process.as.translate(buf, true) < 0) throw fault();
        byte[] b = new byte[n];
        int r = offset >= 0 ? f.pread(offset, b, 0, n) : f.read(b, 0, n);
        if (r == OpenFile.WOULD_BLOCK) {
            if ((f.flags() & OpenFile.O_NONBLOCK) != 0) return -Errno.EAGAIN;
            return k.blockRestartable(t, f.waitQueue());
        }
        if (r > 0 && !t.process.as.write(buf, b, 0, r)) throw fault();
        return r;
    }

    long write(Task t, int fd, long buf, long len, long offset) {
        OpenFile f = t.process.fds.get(fd);
        if (!f.canWrite()) throw new KernelException(Errno.EBADF);
        if (len < 0) throw fault(); // no user range is that long (Linux: access_ok fails before the length check)
        if (offset < -1) throw new KernelException(Errno.EINVAL);
        int n = (int) Math.min(len, MAX_IO);
        byte[] b = in(t, buf, n);
        int r;
        try {
            r = offset >= 0 ? f.pwrite(offset, b, 0, n) : f.write(b, 0, n);
        } catch (KernelException e) {
            if (e.errno() == Errno.EPIPE) k.sendSignal(t, Kernel.SIGPIPE);
            throw e;
        }
        if (r == OpenFile.WOULD_BLOCK) {
            if ((f.flags() & OpenFile.O_NONBLOCK) != 0) return -Errno.EAGAIN;
            return k.blockRestartable(t, f.waitQueue());
        }
        return r;
    }

    long vector(Task t, int fd, long iov, long cnt, boolean write) {
        if (cnt < 0 || cnt > 1024) throw new KernelException(Errno.EINVAL);
        ByteBuffer v = ByteBuffer.wrap(in(t, iov, 16 * cnt)).order(ByteOrder.LITTLE_ENDIAN);
        long total = 0;
        for (int i = 0; i < cnt; i++) {
            long base = v.getLong(16 * i), len = v.getLong(16 * i + 8);
            if (len == 0) continue;
            long r = write ? write(t, fd, base, len, -1) : read(t, fd, base, len, -1);
            if (r == BLOCKED) { if (total > 0) { k.wake(t, false, 0); return total; } return BLOCKED; }
            if (r < 0) return total > 0 ? total : r;
            total += r;
            if (r < len) break;
        }
        return total;
    }

    long ioctl(Task t, int fd, long req, long arg) {
        OpenFile f = t.process.fds.get(fd);
        return f.ioctl(req & 0xffff_ffffL, arg, new OpenFile.IoctlMemory() {
            @Override public boolean read(long va, byte[] b) { return t.process.as.read(va, b, 0, b.length); }
            @Override public boolean write(long va, byte[] b) { return t.process.as.write(va, b, 0, b.length); }
        });
    }

    long fcntl(Task t, int fd, int cmd, long arg) {
        OpenFile f = t.process.fds.get(fd);
        return switch (cmd) {
            case 0, 1030 -> {
                if (arg < 0 || arg >= t.process.fds.limit()) yield -Errno.EINVAL; // F_DUPFD past RLIMIT_NOFILE
                yield dupFrom(t, f, (int) arg, cmd == 1030);
            }
            case 1 -> t.process.fds.closeOnExec(fd) ? 1 : 0;
            case 2 -> { t.process.fds.setCloseOnExec(fd, (arg & 1) != 0); yield 0; }
            case 3 -> f.flags();
            case 4 -> { f.setStatusFlags((int) arg); yield 0; }
            case 5, 6, 7 -> 0; // record locks: one process tree, nothing contends for real
            default -> -Errno.EINVAL;
        };
    }

    /** A new descriptor for f at minFd or above; the reference taken for it is dropped again when none is free (EMFILE). */
    private static long dupFrom(Task t, OpenFile f, int minFd, boolean closeOnExec) {
        f.retain();
        try {
            return t.process.fds.install(f, closeOnExec, minFd);
        } catch (KernelException e) {
            f.release();
            throw e;
        }
    }

    long dup3(Task t, int oldFd, int newFd, int flags) {
        if (oldFd == newFd) return -Errno.EINVAL;
        OpenFile f = t.process.fds.get(oldFd);
        f.retain();
        t.process.fds.installAt(newFd, f, (flags & OpenFile.O_CLOEXEC) != 0);
        return newFd;
    }

    long pipe2(Task t, long fdsVa, int flags) {
        Pipe p = new Pipe();
        OpenFile r = p.readEnd(flags & OpenFile.O_NONBLOCK), w = p.writeEnd(flags & OpenFile.O_NONBLOCK);
        boolean cloexec = (flags & OpenFile.O_CLOEXEC) != 0;
        int rfd = t.process.fds.install(r, cloexec, 0);
        int wfd;
        try {
            wfd = t.process.fds.install(w, cloexec, 0);
        } catch (KernelException e) {
            t.process.fds.close(rfd);
            throw e;
        }
        byte[] b = le(8).putInt(rfd).putInt(wfd).array();
        if (!t.process.as.write(fdsVa, b, 0, 8)) {
            t.process.fds.close(rfd);
            t.process.fds.close(wfd);
            throw fault();
        }
        return 0;
    }

    long getcwd(Task t, long buf, long size) {
        byte[] p = (t.process.cwd.path() + "\0").getBytes(StandardCharsets.UTF_8);
        if (size < p.length) return -Errno.ERANGE;
        out(t, buf, p);
        return p.length;
    }

    long readlinkat(Task t, int dirfd, long pathVa, long buf, long size) {
        if (size <= 0) return -Errno.EINVAL;
        Inode i = lookupAt(t, dirfd, pathVa, AT_SYMLINK_NOFOLLOW);
        byte[] target = i.readlink().getBytes(StandardCharsets.UTF_8);
        int n = (int) Math.min(size, target.length);
        out(t, buf, java.util.Arrays.copyOf(target, n));
        return n;
    }

    // ---- exec ----

    /** Replaces t's process image with the program at node; throws with an errno (ElfExec.NotExecutable for format errors). */
    public void exec(Task t, PathNode node, List<String> argv, List<String> envp) {
        Inode ino = node.inode();
        if (ino.isDir()) throw new KernelException(Errno.EACCES);
        if (!ino.isRegular()) throw new KernelException(Errno.EACCES);
        long size = ino.size();
        if (size > (256L << 20)) throw new KernelException(Errno.ENOMEM);
        byte[] file = new byte[(int) size];
        int got = 0;
        while (got < file.length) {
            int n = ino.read(got, file, got, file.length - got);
            if (n <= 0) break;
            got += n;
        }
        ElfFile elf = ElfExec.check(file, k.port);
        Process p = t.process;
        AddressSpace as = k.newAddressSpace();
        byte[] rnd = new byte[16];
        for (int i = 0; i < 16; i++) rnd[i] = (byte) k.random.nextInt(256);
        ElfExec.Image img;
        try {
            img = ElfExec.load(elf, file, as, k.port, argv, envp, node.path(), rnd);
        } catch (RuntimeException e) {
            as.destroy();
            throw e;
        }
        for (Task other : new ArrayList<>(p.threads)) if (other != t) k.exitThread(other, 0);
        k.releaseAddressSpace(p);
        p.as = as;
        p.asUsers = new int[] {1};
        p.sigreturnTrampoline = ElfExec.TRAMPOLINE;
        p.exePath = node.path();
        p.argv = List.copyOf(argv);
        p.fds.closeOnExec();
        for (int s = 1; s < p.actions.length; s++) if (p.actions[s].handler() > 1) p.actions[s] = SigAction.DEFAULT;
        if (p.vforkParent != null) { k.wake(p.vforkParent, true, p.pid); p.vforkParent = null; }
        UserContext c = t.ctx;
        java.util.Arrays.fill(c.gpr, 0);
        java.util.Arrays.fill(c.fpr, 0);
        c.fpStatus = 0;
        c.pc = img.entry();
        c.setSp(img.sp());
        t.altStackSize = t.altStackSp = 0;
        t.clearChildTid = 0;
    }

    List<String> strings(Task t, long va) {
        List<String> l = new ArrayList<>();
        if (va == 0) return l;
        long total = 0;
        for (int i = 0; ; i++) {
            if (i > 65536) throw new KernelException(Errno.E2BIG);
            long p = in64(t, va + 8L * i);
            if (p == 0) return l;
            String s = str(t, p);
            total += s.length() + 1;
            if (total > (2L << 20)) throw new KernelException(Errno.E2BIG);
            l.add(s);
        }
    }

    // ---- memory ----

    long mmap(Task t, long addr, long len, int prot, int flags, int fd, long off) {
        AddressSpace as = t.process.as;
        final int MAP_SHARED = 1, MAP_FIXED = 0x10, MAP_ANON = 0x20, MAP_FIXED_NOREPLACE = 0x100000;
        if (len <= 0 || len > as.userTop()) return len == 0 ? -Errno.EINVAL : -Errno.ENOMEM;
        if ((off & 4095) != 0 || (addr & 4095) != 0 && (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) != 0) return -Errno.EINVAL;
        len = (len + 4095) & -4096L;
        byte[] data = null;
        long limit = 0;
        if ((flags & MAP_ANON) == 0) {
            OpenFile f = t.process.fds.get(fd);
            Inode ino = f.inode();
            if (f instanceof org.multios.kernel.mm.DeviceMappable dev) {
                // Device memory (/dev/fb0): the device's pages themselves, shared, no page cache.
                if ((flags & MAP_SHARED) == 0) return -Errno.EINVAL;
                long phys = dev.physicalFor(off, len);
                if (phys < 0) return phys;
                long at = deviceAddress(as, addr, len, flags);
                if (at < 0) return at;
                as.add(org.multios.kernel.mm.Vma.device(at, at + len, prot & 7, phys, dev.mappingName()));
                return at;
            }
            if (!ino.isRegular()) {
                if ((ino.mode() & Inode.S_IFMT) != Inode.S_IFCHR) return -Errno.ENODEV;
            } else {
                long size = ino.size();
                if (size > (256L << 20)) return -Errno.ENOMEM;
                data = new byte[(int) size];
                int got = 0;
                while (got < data.length) { int n = ino.read(got, data, got, data.length - got); if (n <= 0) break; got += n; }
                limit = size;
            }
        }
        long start;
        if ((flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) != 0) {
            if (!userRange(as, addr, len)) return -Errno.ENOMEM;
            start = addr;
            if ((flags & MAP_FIXED_NOREPLACE) != 0 && !noneMapped(as, start, start + len)) return -Errno.EEXIST;
            as.unmap(start, start + len);
        } else {
            start = -1;
            if (addr != 0 && userRange(as, addr, len) && noneMapped(as, addr, addr + len)) start = addr;
            if (start < 0) start = as.findFree(len);
            if (start < 0) return -Errno.ENOMEM;
        }
        int p = prot & 7;
        int vflags = (flags & MAP_SHARED) != 0 && data == null ? Vma.SHARED : 0;
        as.add(new Vma(start, start + len, p, vflags, data, off, limit, data != null ? "file" : ""));
        return start;
    }

    /** Where a device mapping goes: as for any mmap (MAP_FIXED replaces, a hint is honoured if free). */
    private static long deviceAddress(AddressSpace as, long addr, long len, int flags) {
        final int MAP_FIXED = 0x10, MAP_FIXED_NOREPLACE = 0x100000;
        if ((flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) != 0) {
            if (!userRange(as, addr, len)) return -Errno.ENOMEM;
            if ((flags & MAP_FIXED_NOREPLACE) != 0 && !noneMapped(as, addr, addr + len)) return -Errno.EEXIST;
            as.unmap(addr, addr + len);
            return addr;
        }
        if (addr != 0 && userRange(as, addr, len) && noneMapped(as, addr, addr + len)) return addr;
        long at = as.findFree(len);
        return at < 0 ? -Errno.ENOMEM : at;
    }

    /** [addr, addr+len) lies inside the user half (unsigned, no wrap-around). */
    static boolean userRange(AddressSpace as, long addr, long len) {
        return addr >= 0 && len >= 0 && addr < as.userTop() && len <= as.userTop() - addr;
    }

    static boolean noneMapped(AddressSpace as, long start, long end) {
        for (Vma v : as.areas()) if (v.start() < end && v.end() > start) return false;
        return true;
    }

    static int prot(long p) {
        int r = 0;
        if ((p & 1) != 0) r |= PageTable.PROT_READ;
        if ((p & 2) != 0) r |= PageTable.PROT_WRITE;
        if ((p & 4) != 0) r |= PageTable.PROT_EXEC;
        return r;
    }
}
