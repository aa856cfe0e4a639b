package org.multios.kernel.boot;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.multios.kernel.KernelException;
import org.multios.kernel.fs.Inode;

/**
 * The {@code newc} cpio format (what Linux's initramfs uses, cpio(5) "New ASCII Format"):
 * a 110-byte header of "070701" and thirteen 8-digit hex fields, the NUL-terminated name and the
 * data, each padded to 4 bytes, ended by "TRAILER!!!". {@link #unpack} extracts into a directory
 * inode; {@link Writer} builds archives (the default initrd).
 */
public final class Cpio {
    private Cpio() {}

    static final int HEADER = 110;
    static final String MAGIC = "070701", MAGIC_CRC = "070702", TRAILER = "TRAILER!!!";

    /** A malformed archive: the message names the entry or offset and the problem. */
    public static final class BadArchive extends Exception {
        public BadArchive(String m) { super(m); }
    }

    /** What was unpacked. */
    public record Summary(int directories, int files, int symlinks, int skipped, long bytes) {}

    /** Extracts every entry into root (directories, regular files, symlinks, hard links; modes kept). */
    public static Summary unpack(byte[] a, Inode root) throws BadArchive {
        int pos = 0, dirs = 0, files = 0, links = 0, skipped = 0;
        long bytes = 0;
        Map<Long, Inode> byIno = new HashMap<>();
        while (true) {
            if (pos + HEADER > a.length) throw new BadArchive("truncated header at offset " + pos + " (no " + TRAILER + ")");
            String magic = new String(a, pos, 6, StandardCharsets.US_ASCII);
            if (!magic.equals(MAGIC) && !magic.equals(MAGIC_CRC)) throw new BadArchive("bad magic \"" + printable(magic) + "\" at offset " + pos + " (not a newc cpio archive)");
            long[] f = new long[13];
            for (int i = 0; i < 13; i++) f[i] = hex(a, pos + 6 + 8 * i, pos);
            long ino = f[0], mode = f[1], nlink = f[4], size = f[6], nameSize = f[11];
            if (nameSize < 1 || nameSize > 4096) throw new BadArchive("entry at offset " + pos + ": name size " + nameSize);
            int nameAt = pos + HEADER;
            if (nameAt + nameSize > a.length) throw new BadArchive("entry at offset " + pos + ": name runs past the end");
            if (a[(int) (nameAt + nameSize - 1)] != 0) throw new BadArchive("entry at offset " + pos + ": name is not NUL-terminated");
            String name = new String(a, nameAt, (int) nameSize - 1, StandardCharsets.UTF_8);
            int dataAt = align4(nameAt + (int) nameSize);
            if (size < 0 || dataAt > a.length || size > a.length - dataAt) throw new BadArchive(name + ": data (" + size + " bytes) runs past the end of the archive");
            pos = align4(dataAt + (int) size);
            if (name.equals(TRAILER)) break;
            String[] parts = components(name);
            if (parts.length == 0) continue; // "." : the root itself
            Inode dir = root;
            try {
                for (int i = 0; i < parts.length - 1; i++) dir = directory(dir, parts[i]);
                String leaf = parts[parts.length - 1];
                int type = (int) mode & Inode.S_IFMT, perm = (int) mode & 07777;
                switch (type) {
                    case Inode.S_IFDIR -> {
                        Inode existing = find(dir, leaf);
                        if (existing == null) dir.mkdir(leaf, perm);
                        else if (existing.isDir()) existing.chmod(perm);
                        else throw new BadArchive(name + ": a directory where a file already is");
                        dirs++;
                    }
                    case Inode.S_IFREG -> {
                        remove(dir, leaf);
                        Inode first = nlink > 1 ? byIno.get(ino) : null;
                        Inode file;
                        if (first != null) {
                            dir.link(leaf, first);
                            file = first;
                        } else {
                            file = dir.create(leaf, perm);
                            file.chmod(perm);
                            if (nlink > 1) byIno.put(ino, file);
                        }
                        if (size > 0) {
                            file.truncate(0);
                            if (file.write(0, a, dataAt, (int) size) != size) throw new BadArchive(name + ": short write");
                        }
                        bytes += size;
                        files++;
                    }
                    case Inode.S_IFLNK -> {
                        remove(dir, leaf);
                        dir.symlink(leaf, new String(a, dataAt, (int) size, StandardCharsets.UTF_8));
                        links++;
                    }
                    default -> skipped++; // device nodes, fifos, sockets: /dev is devfs
                }
            } catch (KernelException e) {
                throw new BadArchive(name + ": cannot create (errno " + e.errno() + ")");
            }
        }
        return new Summary(dirs, files, links, skipped, bytes);
    }

    private static Inode find(Inode dir, String name) {
        try {
            return dir.lookup(name);
        } catch (KernelException e) {
            return null;
        }
    }

    private static void remove(Inode dir, String name) throws BadArchive {
        Inode old = find(dir, name);
        if (old == null) return;
        if (old.isDir()) throw new BadArchive(name + ": a file where a directory already is");
        dir.unlink(name, false);
    }

    private static Inode directory(Inode parent, String name) throws BadArchive {
        Inode d = find(parent, name);
        if (d == null) return parent.mkdir(name, 0755);
        if (!d.isDir()) throw new BadArchive(name + ": not a directory, but the archive puts files in it");
        return d;
    }

    /** Path components, with "." dropped; ".." (which could climb out of the root) is refused. */
    static String[] components(String name) throws BadArchive {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (String p : name.split("/")) {
            if (p.isEmpty() || p.equals(".")) continue;
            if (p.equals("..")) throw new BadArchive(name + ": \"..\" in an archive path");
            out.add(p);
        }
        return out.toArray(String[]::new);
    }

    private static long hex(byte[] a, int at, int entry) throws BadArchive {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            int d = Character.digit(a[at + i], 16);
            if (d < 0) throw new BadArchive("entry at offset " + entry + ": bad hex digit in header field " + (at - entry - 6) / 8);
            v = (v << 4) | d;
        }
        return v;
    }

    private static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) sb.append(c >= 32 && c < 127 ? c : '?');
        return sb.toString();
    }

    static int align4(int n) { return (n + 3) & ~3; }

    /** Builds a newc archive entry by entry. */
    public static final class Writer {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private int ino = 1;

        public Writer directory(String path, int perm) { return entry(path, Inode.S_IFDIR | (perm & 07777), new byte[0]); }

        public Writer file(String path, int perm, byte[] data) { return entry(path, Inode.S_IFREG | (perm & 07777), data); }

        public Writer symlink(String path, String target) { return entry(path, Inode.S_IFLNK | 0777, target.getBytes(StandardCharsets.UTF_8)); }

        private Writer entry(String path, int mode, byte[] data) {
            byte[] name = (path + "\0").getBytes(StandardCharsets.UTF_8);
            StringBuilder h = new StringBuilder(MAGIC);
            long[] f = {path.equals(TRAILER) ? 0 : ino++, mode, 0, 0, (mode & Inode.S_IFMT) == Inode.S_IFDIR ? 2 : 1, 0, data.length, 0, 0, 0, 0, name.length, 0};
            for (long v : f) h.append(String.format("%08x", v));
            out.writeBytes(h.toString().getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(name);
            pad();
            out.writeBytes(data);
            pad();
            return this;
        }

        private void pad() { while ((out.size() & 3) != 0) out.write(0); }

        /** The archive with its trailer. */
        public byte[] finish() {
            entry(TRAILER, 0, new byte[0]);
            return out.toByteArray();
        }
    }
}
