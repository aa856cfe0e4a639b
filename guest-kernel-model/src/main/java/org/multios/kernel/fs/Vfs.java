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
    private final PathNode root;

    public Vfs(Inode rootInode) { this.root = new PathNode(null, "", rootInode); }

    public PathNode root() { return root; }

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
            Inode child = cur.inode().lookup(p);
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
