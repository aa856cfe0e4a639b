package org.multios.kernel.fs;

import org.multios.kernel.Errno;
import org.multios.kernel.KernelException;

/** A process's file descriptors: open files plus the close-on-exec flag, lowest free number first. */
public final class FdTable {
    private OpenFile[] files = new OpenFile[64];
    private boolean[] cloexec = new boolean[64];
    private int limit = 1024;

    public OpenFile get(int fd) {
        if (fd < 0 || fd >= files.length || files[fd] == null) throw new KernelException(Errno.EBADF);
        return files[fd];
    }

    public boolean isOpen(int fd) { return fd >= 0 && fd < files.length && files[fd] != null; }

    public int install(OpenFile f, boolean closeOnExec, int minFd) {
        for (int fd = Math.max(0, minFd); fd < limit; fd++) {
            grow(fd);
            if (files[fd] == null) {
                files[fd] = f;
                cloexec[fd] = closeOnExec;
                return fd;
            }
        }
        throw new KernelException(Errno.EMFILE);
    }

    /** Puts f at exactly fd (dup2/dup3), closing what was there. */
    public void installAt(int fd, OpenFile f, boolean closeOnExec) {
        if (fd < 0 || fd >= limit) throw new KernelException(Errno.EBADF);
        grow(fd);
        OpenFile old = files[fd];
        files[fd] = f;
        cloexec[fd] = closeOnExec;
        if (old != null) old.release();
    }

    private void grow(int fd) {
        if (fd >= files.length) {
            int n = Math.max(fd + 1, files.length * 2);
            files = java.util.Arrays.copyOf(files, n);
            cloexec = java.util.Arrays.copyOf(cloexec, n);
        }
    }

    public void close(int fd) {
        OpenFile f = get(fd);
        files[fd] = null;
        f.release();
    }

    public boolean closeOnExec(int fd) { get(fd); return cloexec[fd]; }
    public void setCloseOnExec(int fd, boolean on) { get(fd); cloexec[fd] = on; }
    public void setLimit(int n) { limit = n; }
    public int limit() { return limit; }

    public FdTable copy() {
        FdTable t = new FdTable();
        t.files = files.clone();
        t.cloexec = cloexec.clone();
        t.limit = limit;
        for (OpenFile f : t.files) if (f != null) f.retain();
        return t;
    }

    public void closeOnExec() {
        for (int fd = 0; fd < files.length; fd++) if (files[fd] != null && cloexec[fd]) close(fd);
    }

    public void closeAll() {
        for (int fd = 0; fd < files.length; fd++) if (files[fd] != null) close(fd);
    }

    /** The open descriptor numbers, ascending. */
    public java.util.List<Integer> openFds() {
        java.util.List<Integer> l = new java.util.ArrayList<>();
        for (int fd = 0; fd < files.length; fd++) if (files[fd] != null) l.add(fd);
        return l;
    }

    public int highest() {
        for (int fd = files.length - 1; fd >= 0; fd--) if (files[fd] != null) return fd;
        return -1;
    }
}
