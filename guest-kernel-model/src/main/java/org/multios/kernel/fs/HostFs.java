package org.multios.kernel.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.multios.kernel.Errno;
import org.multios.kernel.KernelException;

/**
 * A host directory (or single file) shared into the guest. Host paths are only ever extended
 * by one plain name at a time and never followed through host symlinks: a host symlink shows
 * up as a guest symlink, which the VFS resolves in the guest's namespace, and ".." is the
 * VFS's business. So nothing outside the share can be reached from inside it.
 */
public final class HostFs implements FileSystem {
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
    private final HostInode root;
    private final boolean readOnly;

    public HostFs(Path hostRoot, boolean readOnly) {
        this.readOnly = readOnly;
        this.root = new HostInode(hostRoot.toAbsolutePath().normalize());
    }

    @Override public String type() { return "hostfs"; }
    @Override public HostInode root() { return root; }
    @Override public boolean readOnly() { return readOnly; }

    static KernelException errno(IOException e) {
        if (e instanceof NoSuchFileException) return new KernelException(Errno.ENOENT);
        if (e instanceof FileAlreadyExistsException) return new KernelException(Errno.EEXIST);
        if (e instanceof DirectoryNotEmptyException) return new KernelException(Errno.ENOTEMPTY);
        if (e instanceof AccessDeniedException) return new KernelException(Errno.EACCES);
        if (e instanceof NotDirectoryException) return new KernelException(Errno.ENOTDIR);
        return new KernelException(Errno.EIO);
    }

    /** One host object. */
    public final class HostInode implements Inode {
        private final Path path;

        HostInode(Path path) { this.path = path; }

        private Map<String, Object> attrs() {
            try {
                return Files.readAttributes(path, "unix:mode,ino,nlink,size,lastModifiedTime,rdev", NOFOLLOW);
            } catch (IOException e) {
                throw errno(e);
            } catch (UnsupportedOperationException e) {
                throw new KernelException(Errno.EIO);
            }
        }

        @Override public long ino() { return ((Number) attrs().get("ino")).longValue(); }

        @Override
        public int mode() {
            int m = ((Number) attrs().get("mode")).intValue();
            return readOnly ? m & ~0222 : m;
        }

        @Override public long size() { return ((Number) attrs().get("size")).longValue(); }
        @Override public int nlink() { return ((Number) attrs().get("nlink")).intValue(); }

        @Override
        public long mtimeNanos() {
            var t = (java.nio.file.attribute.FileTime) attrs().get("lastModifiedTime");
            return t.to(java.util.concurrent.TimeUnit.NANOSECONDS);
        }

        private void writable() { if (readOnly) throw new KernelException(Errno.EROFS); }

        private Path child(String name) {
            if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..")) throw new KernelException(Errno.EINVAL);
            return path.resolve(name);
        }

        @Override
        public Inode lookup(String name) {
            if (!isDir()) throw new KernelException(Errno.ENOTDIR);
            Path c = child(name);
            if (!Files.exists(c, NOFOLLOW)) throw new KernelException(Errno.ENOENT);
            return new HostInode(c);
        }

        @Override
        public List<DirEntry> list() {
            Map<String, DirEntry> m = new TreeMap<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(path)) {
                for (Path p : ds) {
                    HostInode h = new HostInode(p);
                    try {
                        m.put(p.getFileName().toString(), new DirEntry(p.getFileName().toString(), h.ino(), TmpFs.dtype(h)));
                    } catch (KernelException ignored) {
                        // vanished while listing
                    }
                }
            } catch (IOException e) {
                throw errno(e);
            }
            return new ArrayList<>(m.values());
        }

        @Override
        public Inode create(String name, int mode) {
            writable();
            Path c = child(name);
            try {
                Files.createFile(c);
                Files.setPosixFilePermissions(c, perms(mode));
            } catch (IOException e) {
                throw errno(e);
            }
            return new HostInode(c);
        }

        @Override
        public Inode mkdir(String name, int mode) {
            writable();
            Path c = child(name);
            try {
                Files.createDirectory(c);
            } catch (IOException e) {
                throw errno(e);
            }
            return new HostInode(c);
        }

        @Override
        public void unlink(String name, boolean dir) {
            writable();
            Path c = child(name);
            boolean isDir = Files.isDirectory(c, NOFOLLOW);
            if (!Files.exists(c, NOFOLLOW)) throw new KernelException(Errno.ENOENT);
            if (dir && !isDir) throw new KernelException(Errno.ENOTDIR);
            if (!dir && isDir) throw new KernelException(Errno.EISDIR);
            try {
                Files.delete(c);
            } catch (IOException e) {
                throw errno(e);
            }
        }

        @Override
        public void symlink(String name, String target) {
            writable();
            try {
                Files.createSymbolicLink(child(name), Path.of(target));
            } catch (IOException e) {
                throw errno(e);
            }
        }

        @Override
        public void link(String name, Inode target) {
            writable();
            if (!(target instanceof HostInode h)) throw new KernelException(Errno.EXDEV);
            try {
                Files.createLink(child(name), h.path);
            } catch (IOException e) {
                throw errno(e);
            }
        }

        @Override
        public void rename(String name, Inode dir, String newName) {
            writable();
            if (!(dir instanceof HostInode h)) throw new KernelException(Errno.EXDEV);
            try {
                Files.move(child(name), h.child(newName), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw errno(e);
            }
        }

        @Override
        public String readlink() {
            if (!Files.isSymbolicLink(path)) throw new KernelException(Errno.EINVAL);
            try {
                return Files.readSymbolicLink(path).toString();
            } catch (IOException e) {
                throw errno(e);
            }
        }

        @Override
        public int read(long offset, byte[] buf, int off, int len) {
            if (isDir()) throw new KernelException(Errno.EISDIR);
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
                int n = ch.read(ByteBuffer.wrap(buf, off, len), offset);
                return Math.max(n, 0);
            } catch (IOException e) {
                throw errno(e);
            }
        }

        @Override
        public int write(long offset, byte[] buf, int off, int len) {
            writable();
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                return ch.write(ByteBuffer.wrap(buf, off, len), offset);
            } catch (IOException e) {
                throw errno(e);
            }
        }

        @Override
        public void truncate(long length) {
            writable();
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                if (length < ch.size()) ch.truncate(length);
                else if (length > ch.size()) ch.write(ByteBuffer.wrap(new byte[1]), length - 1);
            } catch (IOException e) {
                throw errno(e);
            }
        }

        @Override
        public void chmod(int mode) {
            writable();
            try {
                Files.setPosixFilePermissions(path, perms(mode));
            } catch (IOException e) {
                throw errno(e);
            }
        }
    }

    static Set<PosixFilePermission> perms(int mode) {
        Set<PosixFilePermission> s = java.util.EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
                PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
                PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int i = 0; i < 9; i++) if ((mode & (1 << i)) != 0) s.add(order[i]);
        return s;
    }
}
