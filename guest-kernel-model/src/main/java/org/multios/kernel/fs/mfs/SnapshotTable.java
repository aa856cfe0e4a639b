package org.multios.kernel.fs.mfs;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The snapshot table block (docs/mfs.md): named copies of the inode table and bitmap. */
final class SnapshotTable {
    static final int ENTRY = 80, FIRST = 32;

    /** One snapshot: where its inode-table and bitmap copies start. */
    record Entry(long id, long createdNanos, long inodeCopy, long bitmapCopy, String name) {}

    final List<Entry> entries = new ArrayList<>();
    long pendingRollback;

    static int capacity(int bs) { return (bs - FIRST) / ENTRY; }

    Entry find(String name) {
        for (Entry e : entries) if (e.name().equals(name)) return e;
        return null;
    }

    Entry byId(long id) {
        for (Entry e : entries) if (e.id() == id) return e;
        return null;
    }

    long nextId() {
        long m = 0;
        for (Entry e : entries) m = Math.max(m, e.id());
        return m + 1;
    }

    byte[] encode(int bs, long home) {
        byte[] b = new byte[bs];
        ByteBuffer bb = MetaBlock.le(b);
        bb.putLong(16, pendingRollback).putInt(24, entries.size());
        int at = FIRST;
        for (Entry e : entries) {
            bb.putLong(at, e.id()).putLong(at + 8, e.createdNanos()).putLong(at + 16, e.inodeCopy()).putLong(at + 24, e.bitmapCopy());
            byte[] n = e.name().getBytes(StandardCharsets.UTF_8);
            bb.put(at + 48, n, 0, Math.min(32, n.length));
            at += ENTRY;
        }
        MetaBlock.seal(b, MetaBlock.SNAPTABLE, home);
        return b;
    }

    static SnapshotTable decode(byte[] b, long home, Superblock sb) throws MfsCorruptionException {
        MetaBlock.verify(b, MetaBlock.SNAPTABLE, home, home, 0, "snapshot table");
        ByteBuffer bb = MetaBlock.le(b);
        SnapshotTable t = new SnapshotTable();
        t.pendingRollback = bb.getLong(16);
        int n = bb.getInt(24);
        if (n < 0 || n > capacity(b.length)) throw new MfsCorruptionException(home, 0, "snapshot table: bad count " + n);
        for (int i = 0, at = FIRST; i < n; i++, at += ENTRY) {
            int len = 0;
            while (len < 32 && b[at + 48 + len] != 0) len++;
            Entry e = new Entry(bb.getLong(at), bb.getLong(at + 8), bb.getLong(at + 16), bb.getLong(at + 24),
                    new String(b, at + 48, len, StandardCharsets.UTF_8));
            if (e.inodeCopy() < sb.dataStart() || e.inodeCopy() + sb.inodeTableBlocks() > sb.totalBlocks() - 1
                    || e.bitmapCopy() < sb.dataStart() || e.bitmapCopy() + sb.bitmapBlocks() > sb.totalBlocks() - 1)
                throw new MfsCorruptionException(home, 0, "snapshot table: snapshot '" + e.name() + "' points outside the data space");
            t.entries.add(e);
        }
        return t;
    }
}
