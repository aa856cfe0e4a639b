package org.multios.kernel.fs.mfs;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/** An inode in memory: the 256-byte record of docs/mfs.md plus its decoded extent map. */
final class Inode {
    static final int S_IFMT = 0170000, S_IFREG = 0100000, S_IFDIR = 0040000, S_IFLNK = 0120000;
    static final int FLAG_COMPRESS = 1, INLINE_EXTENTS = 4;

    final long ino;
    int mode, flags, nlink, uid, gid, compression;
    long size, atime, mtime, ctime, crtime, generation;
    /** Overflow extent blocks currently on disk (freed when the map is rewritten). */
    final List<Long> overflowBlocks = new ArrayList<>();
    final ExtentMap extents = new ExtentMap();
    boolean extentsDirty;

    Inode(long ino) { this.ino = ino; }

    boolean isDir() { return (mode & S_IFMT) == S_IFDIR; }
    boolean isReg() { return (mode & S_IFMT) == S_IFREG; }
    boolean isSymlink() { return (mode & S_IFMT) == S_IFLNK; }
    boolean free() { return mode == 0; }

    static int crc(long ino, byte[] b, int at) {
        CRC32C c = new CRC32C();
        byte[] n = new byte[8];
        MetaBlock.le(n).putLong(0, ino);
        c.update(n);
        c.update(b, at, 252);
        return (int) c.getValue();
    }

    /** Writes the fixed fields and the first extents; {@code firstOverflow} links the rest. */
    void encode(byte[] block, int at, List<Extent> all, long firstOverflow) {
        ByteBuffer bb = MetaBlock.le(block);
        java.util.Arrays.fill(block, at, at + 256, (byte) 0);
        bb.putShort(at, (short) mode).putShort(at + 2, (short) flags).putInt(at + 4, nlink).putInt(at + 8, uid)
                .putInt(at + 12, gid).putLong(at + 16, size).putLong(at + 24, atime).putLong(at + 32, mtime)
                .putLong(at + 40, ctime).putLong(at + 48, crtime).putLong(at + 56, generation).putInt(at + 64, all.size())
                .put(at + 68, (byte) compression).putLong(at + 72, firstOverflow);
        for (int i = 0; i < Math.min(INLINE_EXTENTS, all.size()); i++) all.get(i).encode(bb, at + 80 + i * Extent.SIZE);
        bb.putInt(at + 252, crc(ino, block, at));
    }

    /** Decodes the fixed fields; returns the inline extents and, via the out-array, the overflow head and count. */
    static Inode decode(long ino, byte[] block, int at, long where, long[] overflowAndCount, List<Extent> inline) throws MfsCorruptionException {
        ByteBuffer bb = MetaBlock.le(block);
        if (bb.getInt(at + 252) != crc(ino, block, at)) throw new MfsCorruptionException(where, ino, "inode checksum mismatch");
        Inode n = new Inode(ino);
        n.mode = bb.getShort(at) & 0xffff;
        n.flags = bb.getShort(at + 2) & 0xffff;
        n.nlink = bb.getInt(at + 4);
        n.uid = bb.getInt(at + 8);
        n.gid = bb.getInt(at + 12);
        n.size = bb.getLong(at + 16);
        n.atime = bb.getLong(at + 24);
        n.mtime = bb.getLong(at + 32);
        n.ctime = bb.getLong(at + 40);
        n.crtime = bb.getLong(at + 48);
        n.generation = bb.getLong(at + 56);
        int count = bb.getInt(at + 64);
        n.compression = block[at + 68] & 0xff;
        overflowAndCount[0] = bb.getLong(at + 72);
        overflowAndCount[1] = count;
        if (n.mode != 0) {
            int t = n.mode & S_IFMT;
            if (t != S_IFREG && t != S_IFDIR && t != S_IFLNK) throw new MfsCorruptionException(where, ino, "inode has unknown type " + Integer.toOctalString(t));
            if (count < 0 || n.size < 0 || n.compression > 2) throw new MfsCorruptionException(where, ino, "inode fields out of range");
        }
        for (int i = 0; i < Math.min(INLINE_EXTENTS, Math.max(0, count)); i++) inline.add(Extent.decode(bb, at + 80 + i * Extent.SIZE));
        return n;
    }

    /** POSIX-style type letter for listings. */
    char typeChar() { return isDir() ? 'd' : isSymlink() ? 'l' : '-'; }
}
