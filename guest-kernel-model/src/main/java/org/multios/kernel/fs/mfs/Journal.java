package org.multios.kernel.fs.mfs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.zip.CRC32C;

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
        CRC32C crc = new CRC32C();
        crc.update(desc);
        write(start, desc);
        long at = start + 1;
        for (byte[] img : images.values()) {
            crc.update(img);
            write(at++, img);
        }
        dev.flush(); // data blocks and journal images before the commit record
        byte[] commit = new byte[bs];
        MetaBlock.le(commit).putLong(16, s).putInt(24, images.size()).putInt(28, (int) crc.getValue());
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
        CRC32C crc = new CRC32C();
        crc.update(desc);
        byte[][] imgs = new byte[count][];
        for (int i = 0; i < count; i++) {
            imgs[i] = read(start + 1 + i);
            crc.update(imgs[i]);
        }
        byte[] commit = read(start + 1 + count);
        try {
            MetaBlock.verify(commit, MetaBlock.JCOMMIT, start + 1 + count, start + 1 + count, 0, "journal commit");
        } catch (MfsCorruptionException e) {
            return 0;
        }
        ByteBuffer c = MetaBlock.le(commit);
        if (c.getLong(16) != s || c.getInt(24) != count || c.getInt(28) != (int) crc.getValue()) return 0;
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

    private byte[] read(long b) throws IOException {
        byte[] x = new byte[bs];
        dev.read(b * bs, x, 0, bs);
        return x;
    }

    private void write(long b, byte[] x) throws IOException { dev.write(b * bs, x, 0, bs); }
}
