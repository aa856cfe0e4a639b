package org.multios.kernel.fs;

import org.multios.kernel.Errno;
import org.multios.kernel.KernelException;

/**
 * Path resolution over the guest namespace. ".." walks back along the chain the path was
 * reached by and stops at the root, and symlink targets are resolved in the guest namespace,
 * so no path can leave the tree (host shares included).
 */
public final class Vfs {
    private static final int MAX_SYMLINKS = 40;
    private PathNode root;
    /** Mounted file systems by the directory they cover (tmpfs directories by identity, MFS inodes by (volume, ino)). */
    private final java.util.Map<Inode, Mount> covered = new java.util.HashMap<>();
    private final java.util.List<Mount> mounts = new java.util.ArrayList<>();

    /** A mounted file system: where from (device or type name), where to, with which options. */
    public record Mount(String source, String target, FileSystem fs, Inode mountPoint, String options) {}

    public Vfs(Inode rootInode) { this.root = new PathNode(null, "", rootInode); }

    public PathNode root() { return root; }

    /**
     * Makes {@code fs} the root of the namespace (the real root replacing the early initrd root);
     * paths resolved afterwards start there. Tasks keep the directories they already hold.
     */
    public void setRoot(FileSystem fs, String source, String options) {
        mounts.removeIf(m -> m.target().equals("/"));
        root = new PathNode(null, "", fs.root());
        mounts.add(0, new Mount(source, "/", fs, null, options));
    }

    /** Records the root file system for /proc/mounts without changing it (the initrd tmpfs). */
    public void recordRoot(FileSystem fs, String source, String options) {
        if (mounts.stream().noneMatch(m -> m.target().equals("/"))) mounts.add(0, new Mount(source, "/", fs, null, options));
    }

    /** Mounts fs over directory {@code at} (EBUSY if something is mounted there already). */
    public void mount(PathNode at, FileSystem fs, String source, String options) {
        if (!at.inode().isDir()) throw new KernelException(Errno.ENOTDIR);
        if (at.parent() == null) throw new KernelException(Errno.EBUSY);
        Inode point = cover(at);
        if (covered.containsKey(point)) throw new KernelException(Errno.EBUSY);
        Mount m = new Mount(source, at.path(), fs, point, options);
        covered.put(point, m);
        mounts.add(m);
    }

    /** The mount whose root {@code at} is (resolve the target first), removed from the namespace. */
    public Mount unmount(PathNode at) {
        for (int i = mounts.size() - 1; i >= 0; i--) {
            Mount m = mounts.get(i);
            if (m.mountPoint() != null && m.fs().root().equals(at.inode()) && m.target().equals(at.path())) {
                for (Mount other : mounts) {
                    if (other != m && other.target().startsWith(m.target().endsWith("/") ? m.target() : m.target() + "/")) throw new KernelException(Errno.EBUSY);
                }
                mounts.remove(i);
                covered.remove(m.mountPoint());
                return m;
            }
        }
        throw new KernelException(Errno.EINVAL);
    }

    /** Mounted file systems, root first, in mount order. */
    public java.util.List<Mount> mounts() { return java.util.List.copyOf(mounts); }

    /** The object a path component stands for: the mounted root when a file system covers it. */
    private Inode crossMount(Inode i) {
        for (int depth = 0; depth < 16 && !covered.isEmpty(); depth++) { // mounts stacked on one directory
            Mount m = covered.get(i);
            if (m == null) break;
            i = m.fs().root();
        }
        return i;
    }

    /** What a mount over at would cover: the directory itself (not a root already mounted there). */
    private static Inode cover(PathNode at) { return at.inode(); }

    public PathNode resolve(PathNode cwd, String path, boolean followLast) {
        return resolve(cwd, path, followLast, new int[1]);
    }

    private PathNode resolve(PathNode cwd, String path, boolean followLast, int[] links) {
        if (path.isEmpty()) throw new KernelException(Errno.ENOENT);
        if (path.length() > 4095) throw new KernelException(Errno.ENAMETOOLONG);
        PathNode cur = path.startsWith("/") ? root : cwd;
        String[] parts = path.split("/");
        int last = parts.length - 1;
        while (last >= 0 && parts[last].isEmpty()) last--;
        boolean trailingSlash = path.endsWith("/");
        for (int i = 0; i <= last; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.equals(".")) {
                if (!cur.inode().isDir()) throw new KernelException(Errno.ENOTDIR);
                continue;
            }
            if (p.equals("..")) {
                if (!cur.inode().isDir()) throw new KernelException(Errno.ENOTDIR);
                if (cur.parent() != null) cur = cur.parent();
                continue;
            }
            if (p.length() > 255) throw new KernelException(Errno.ENAMETOOLONG);
            if (!cur.inode().isDir()) throw new KernelException(Errno.ENOTDIR);
            Inode child = crossMount(cur.inode().lookup(p));
            if (child.isSymlink() && (i < last || followLast || trailingSlash)) {
                if (++links[0] > MAX_SYMLINKS) throw new KernelException(Errno.ELOOP);
                cur = resolve(cur, child.readlink(), true, links);
            } else {
                cur = new PathNode(cur, p, child);
            }
        }
        if (trailingSlash && !cur.inode().isDir()) throw new KernelException(Errno.ENOTDIR);
        return cur;
    }

    /** The directory that would hold the last component of path, and that component's name. */
    public record Parent(PathNode dir, String name) {}

    public Parent resolveParent(PathNode cwd, String path) {
        if (path.isEmpty()) throw new KernelException(Errno.ENOENT);
        String p = path;
        while (p.length() > 1 && p.endsWith("/")) p = p.substring(0, p.length() - 1);
        int slash = p.lastIndexOf('/');
        String dirPart = slash < 0 ? "." : slash == 0 ? "/" : p.substring(0, slash);
        String name = slash < 0 ? p : p.substring(slash + 1);
        PathNode dir = resolve(cwd, dirPart, true);
        if (!dir.inode().isDir()) throw new KernelException(Errno.ENOTDIR);
        if (name.length() > 255) throw new KernelException(Errno.ENAMETOOLONG);
        return new Parent(dir, name);
    }
}
