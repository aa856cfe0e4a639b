package org.multios.kernel.fs;

/** A resolved name in the guest namespace: the inode and the chain of parents it was reached by (a dentry). */
public record PathNode(PathNode parent, String name, Inode inode) {
    public String path() {
        if (parent == null) return "/";
        StringBuilder sb = new StringBuilder();
        for (PathNode n = this; n.parent != null; n = n.parent) sb.insert(0, "/" + n.name);
        return sb.toString();
    }
}
