package org.multios.kernel.fs.mfs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The write-ahead metadata journal (docs/mfs.md): one transaction at a time at the start of the
 * journal region, descriptor + images + commit, made home and flushed before the next one.
 */
final class Journal {
    private final BlockDevice dev;
    private final int bs;
    private final long start, blocks;
    long seq;

    Journal(BlockDevice dev, int blockSize, long start, long blocks) {
        this.dev = dev;
        this.bs = blockSize;
        this.start = start;
        this.blocks = blocks;
    }

    /** How many images one transaction may carry. */
    int capacity() { return (int) Math.min(blocks - 2, (bs - 32) / 8); }

    /** Writes the transaction durably, then home. The images are sealed already. */
    void commit(Map<Long, byte[]> images) throws IOException {
        if (images.isEmpty()) {
            dev.flush(); // still orders data writes (fdatasync of a file whose metadata did not change)
            return;
        }
        if (images.size() > capacity()) throw new MfsException(MfsException.Errno.ENOSPC, "transaction of " + images.size() + " blocks exceeds the journal");
        long s = ++seq;
        byte[] desc = new byte[bs];
        ByteBuffer d = MetaBlock.le(desc);
        d.putLong(16, s).putInt(24, images.size());
        int i = 0;
        for (long home : images.keySet()) d.putLong(32 + 8 * i++, home);
        MetaBlock.seal(desc, MetaBlock.JDESC, start);
        MessageDigest sum = sha256();
        sum.update(desc);
        write(start, desc);
        long at = start + 1;
        for (byte[] img : images.values()) {
            sum.update(img);
            write(at++, img);
        }
        dev.flush(); // data blocks and journal images before the commit record
        byte[] commit = new byte[bs];
        MetaBlock.le(commit).putLong(16, s).putInt(24, images.size()).put(32, sum.digest());
        MetaBlock.seal(commit, MetaBlock.JCOMMIT, at);
        write(at, commit);
        dev.flush(); // durable from here on
        for (Map.Entry<Long, byte[]> e : images.entrySet()) write(e.getKey(), e.getValue());
        dev.flush(); // home before the journal may be overwritten
    }

    /** Clean unmount: every transaction is home, so the journal is emptied (a later mount replays nothing). */
    void retire() throws IOException {
        write(start, new byte[bs]);
        dev.flush();
    }

    /** Replays a complete transaction if one is there; returns the number of blocks copied home. */
    int replay(boolean writable) throws IOException {
        byte[] desc = read(start);
        try {
            MetaBlock.verify(desc, MetaBlock.JDESC, start, start, 0, "journal descriptor");
        } catch (MfsCorruptionException e) {
            return 0; // empty or torn: nothing committed there
        }
        ByteBuffer d = MetaBlock.le(desc);
        long s = d.getLong(16);
        int count = d.getInt(24);
        seq = Math.max(seq, s);
        if (count <= 0 || count > capacity()) return 0;
        MessageDigest sum = sha256();
        sum.update(desc);
        byte[][] imgs = new byte[count][];
        for (int i = 0; i < count; i++) {
            imgs[i] = read(start + 1 + i);
            sum.update(imgs[i]);
        }
        byte[] commit = read(start + 1 + count);
        try {
            MetaBlock.verify(commit, MetaBlock.JCOMMIT, start + 1 + count, start + 1 + count, 0, "journal commit");
        } catch (MfsCorruptionException e) {
            return 0;
        }
        ByteBuffer c = MetaBlock.le(commit);
        byte[] want = new byte[32];
        c.get(32, want);
        if (c.getLong(16) != s || c.getInt(24) != count || !MessageDigest.isEqual(want, sum.digest())) return 0;
        if (!writable) return -count; // caller must know the on-disk metadata is older than the journal
        for (int i = 0; i < count; i++) {
            long home = d.getLong(32 + 8 * i);
            if (home <= start + blocks - 1 || home >= dev.size() / bs) throw new MfsCorruptionException(start, 0, "journal names block " + home + " outside the metadata");
            write(home, imgs[i]);
        }
        dev.flush();
        return count;
    }

    /** The images of the committed transaction (for a read-only mount, which applies them in memory). */
    Map<Long, byte[]> committedImages() throws IOException {
        Map<Long, byte[]> out = new java.util.LinkedHashMap<>();
        byte[] desc = read(start);
        ByteBuffer d = MetaBlock.le(desc);
        int count = d.getInt(24);
        for (int i = 0; i < count; i++) out.put(d.getLong(32 + 8 * i), read(start + 1 + i));
        return out;
    }

    /**
     * The transaction checksum is SHA-256, not CRC32C: images of inode-table blocks are made of
     * records that each end in their own CRC32C, and a CRC over such records cannot see one valid
     * record replaced by another (a CRC over a message followed by its CRC is a constant), which a
     * torn journal write produces exactly.
     */
    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private byte[] read(long b) throws IOException {
        byte[] x = new byte[bs];
        dev.read(b * bs, x, 0, bs);
        return x;
    }

    private void write(long b, byte[] x) throws IOException { dev.write(b * bs, x, 0, bs); }
}
