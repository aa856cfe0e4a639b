package org.multios.kernel.fs.mfs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.multios.kernel.fs.mfs.MfsException.Errno;

/**
 * A mounted MFS volume (format in docs/mfs.md). The API works on inode numbers the way a VFS
 * does ({@link #lookup}, {@link #create}, {@link #read}, ...); {@link #resolve} adds path walking
 * for tools. Every mutating call joins the running journal transaction; {@link #fsync} commits
 * it. A checksum failure makes the volume read-only and is reported as
 * {@link MfsCorruptionException}; nothing else escapes but {@link IOException}s.
 * Thread-safe by one lock (the volume's monitor).
 */
public final class MfsVolume implements AutoCloseable {
    public static final long ROOT = 1, LOST_FOUND = 2;
    static final int NAME_MAX = 255;
    private static final int WRITE_CHUNK = 1 << 20;

    final BlockDevice dev;
    final Superblock sb;
    final int bs;
    final Journal journal;
    private XtsCipher xts;
    private boolean readOnly;
    private String readOnlyReason;
    private final Map<Long, byte[]> overlay = new HashMap<>();

    // allocation state: live bitmap, snapshot-protected, freed-this-transaction, allocated-this-transaction
    BitSet used = new BitSet(), reserved = new BitSet();
    private final BitSet pendingFree = new BitSet(), fresh = new BitSet();
    private final Set<Integer> dirtyBitmap = new TreeSet<>();
    private long rotor;
    BitSet inodeUsed = new BitSet();
    private final Map<Long, Inode> icache = new HashMap<>();
    private final Set<Long> dirtyInodes = new TreeSet<>();
    /** Inode-table blocks the running transaction will journal (kept so begin() is O(1)). */
    private final Set<Long> dirtyTableBlocks = new HashSet<>();
    private final Map<Long, Integer> pins = new HashMap<>();
    SnapshotTable snaps;
    private boolean snapDirty;
    final List<String> mountProblems = new ArrayList<>();

    private MfsVolume(BlockDevice dev, Superblock sb) {
        this.dev = dev;
        this.sb = sb;
        this.bs = sb.blockSize();
        this.journal = new Journal(dev, bs, sb.journalStart(), sb.journalBlocks());
    }

    // ------------------------------------------------------------------ format and mount

    /** Writes an empty MFS (root directory and /lost+found) over the whole device. */
    public static void format(BlockDevice dev, MfsFormatOptions o) throws IOException {
        int bs = o.blockSize();
        if (bs < 4096 || bs > 65536 || Integer.bitCount(bs) != 1) throw new MfsException(Errno.EINVAL, "block size must be a power of two from 4096 to 65536, not " + bs);
        long total = dev.size() / bs;
        if (total < 64) throw new MfsException(Errno.EINVAL, dev.name() + ": too small for MFS with " + bs + "-byte blocks (" + dev.size() + " bytes)");
        long bpb = (long) (bs - MetaBlock.HEADER) * 8;
        long bitmapBlocks = (total + bpb - 1) / bpb;
        int ipb = bs / Superblock.INODE_SIZE;
        long inodes = o.inodeCount() > 0 ? o.inodeCount() : Math.max(64, total * bs / 16384);
        long itBlocks = Math.max(1, (inodes + ipb - 1) / ipb);
        inodes = itBlocks * ipb;
        long journalBlocks = Math.min(Math.max(64, total / 64), Math.max(64, Math.min(1024, (bs - 32) / 8 + 2)));
        journalBlocks = Math.max(journalBlocks, Math.min(bitmapBlocks * 2 + 64, (bs - 32) / 8 + 2));
        long dataStart = 1 + journalBlocks + bitmapBlocks + 1 + itBlocks;
        if (dataStart + 16 >= total) throw new MfsException(Errno.EINVAL, dev.name() + ": too small for the MFS metadata (" + total + " blocks)");
        byte[] uuid = new byte[16], salt = new byte[32], check = new byte[32];
        SecureRandom rnd = new SecureRandom();
        rnd.nextBytes(uuid);
        int features = 0;
        byte[] key = null;
        if (o.passphrase() != null) {
            rnd.nextBytes(salt);
            key = XtsCipher.deriveKey(o.passphrase(), salt, o.kdfIterations());
            check = XtsCipher.keyCheck(key);
            features |= Superblock.FEATURE_ENCRYPTED;
        }
        Superblock sb = new Superblock(bs, features, total, inodes, 1, journalBlocks, 1 + journalBlocks, bitmapBlocks,
                1 + journalBlocks + bitmapBlocks, 2 + journalBlocks + bitmapBlocks, itBlocks, dataStart, uuid,
                o.label() == null ? "" : o.label(), o.compression().id, o.kdfIterations(), salt, check, hostNow());
        byte[] zero = new byte[bs];
        for (long b = 1; b < dataStart; b++) dev.write(b * bs, zero, 0, bs); // journal, bitmap, table: a clean slate
        MfsVolume v = new MfsVolume(dev, sb);
        if (key != null) v.xts = new XtsCipher(key);
        v.used.set(0, (int) dataStart);
        v.used.set((int) (total - 1));
        for (int k = 0; k < bitmapBlocks; k++) v.dirtyBitmap.add(k);
        v.snaps = new SnapshotTable();
        v.snapDirty = true;
        v.rotor = dataStart;
        for (long i = 0; i < itBlocks; i++) { // every inode free, each with a valid checksum
            byte[] t = new byte[bs];
            for (int j = 0; j < ipb; j++) new Inode(i * ipb + j).encode(t, j * Superblock.INODE_SIZE, List.of(), 0);
            dev.write((sb.inodeTableStart() + i) * bs, t, 0, bs);
        }
        Inode root = v.newInode(ROOT, Inode.S_IFDIR | 0755, 0, 0);
        root.nlink = 2;
        v.writeBucket(root, 0, ROOT, List.of());
        root.size = bs;
        Inode lf = v.newInode(LOST_FOUND, Inode.S_IFDIR | 0700, 0, 0);
        lf.nlink = 2;
        v.writeBucket(lf, 0, ROOT, List.of());
        lf.size = bs;
        v.addEntry(root, "lost+found".getBytes(StandardCharsets.UTF_8), LOST_FOUND, 2);
        root.nlink++;
        v.commit();
        byte[] s = sb.encode();
        dev.write(0, s, 0, bs);
        dev.write((total - 1) * bs, s, 0, bs);
        dev.flush();
    }

    /**
     * Mounts: reads the superblock (the backup if the primary is bad, then read-only), replays the
     * journal, loads bitmap, snapshot table and inode table, verifying checksums. Any corruption
     * found gives a read-only mount whose {@link #readOnlyReason()} says why.
     */
    public static MfsVolume mount(BlockDevice dev, MfsMountOptions opts) throws IOException {
        int[] sizes = {4096, 8192, 16384, 32768, 65536};
        Superblock sb = null;
        MfsCorruptionException primaryError = null;
        byte[] first = new byte[4096];
        if (dev.size() < 4096) throw new MfsException(Errno.EINVAL, dev.name() + ": too small to hold MFS (" + dev.size() + " bytes)");
        dev.read(0, first, 0, 4096);
        try {
            int claimed = MetaBlock.le(first).getInt(16);
            if (MetaBlock.le(first).getLong(0) == Superblock.MAGIC && claimed >= 4096 && claimed <= 65536 && Integer.bitCount(claimed) == 1 && claimed <= dev.size()) {
                first = new byte[claimed];
                dev.read(0, first, 0, claimed);
            }
            sb = Superblock.decode(first, 0, dev.size());
        } catch (MfsCorruptionException e) {
            primaryError = e;
        }
        if (sb == null) { // try the backup at the end, for each block size
            for (int s : sizes) {
                long last = dev.size() / s - 1;
                if (last < 1) continue;
                byte[] b = new byte[s];
                dev.read(last * s, b, 0, s);
                try {
                    Superblock c = Superblock.decode(b, last, dev.size());
                    if (c.blockSize() == s && c.totalBlocks() - 1 == last) { sb = c; break; }
                } catch (MfsCorruptionException ignored) {
                    // not at this block size
                }
            }
            if (sb == null) throw new MfsException(Errno.EINVAL, dev.name() + ": " + primaryError.getMessage().replace("corrupt metadata: superblock: ", "") + "; no valid backup superblock either");
        }
        MfsVolume v = new MfsVolume(dev, sb);
        v.readOnly = opts.readOnly() || dev.isReadOnly();
        if (primaryError != null) v.problem("primary superblock: " + primaryError.getMessage() + " (using the backup)");
        if (sb.encrypted()) {
            if (opts.passphrase() == null) throw new MfsException(Errno.EACCES, dev.name() + ": volume is encrypted; a passphrase is needed");
            byte[] key = XtsCipher.deriveKey(opts.passphrase(), sb.salt(), sb.kdfIterations());
            if (!java.security.MessageDigest.isEqual(XtsCipher.keyCheck(key), sb.keyCheck())) throw new MfsException(Errno.EACCES, dev.name() + ": wrong passphrase");
            v.xts = new XtsCipher(key);
        }
        int replayed = v.journal.replay(!v.readOnly);
        if (replayed < 0) v.overlay.putAll(v.journal.committedImages()); // read-only: apply the journal in memory
        v.load();
        if (!v.mountProblems.isEmpty() && !opts.repair()) v.readOnly = true;
        if (v.readOnly && v.readOnlyReason == null && !v.mountProblems.isEmpty()) v.readOnlyReason = v.mountProblems.get(0);
        if (!v.readOnly && v.snaps.pendingRollback != 0) v.finishRollback();
        return v;
    }

    private void problem(String p) { mountProblems.add(p); }

    /** Loads allocation state; records (does not throw) corruption, marking what it cannot trust. */
    private void load() throws IOException {
        bucketCache.clear();
        used = new BitSet();
        long bpb = sb.bitsPerBitmapBlock();
        for (int k = 0; k < sb.bitmapBlocks(); k++) {
            long home = sb.bitmapStart() + k;
            byte[] b = readMeta(home);
            try {
                MetaBlock.verify(b, MetaBlock.BITMAP, home, home, 0, "bitmap block " + k);
                decodeBitmap(b, k, used);
            } catch (MfsCorruptionException e) {
                problem(e.getMessage());
                used.set((int) (k * bpb), (int) Math.min(sb.totalBlocks(), (k + 1) * bpb)); // trust nothing there as free
            }
        }
        try {
            snaps = SnapshotTable.decode(readMeta(sb.snapTableBlock()), sb.snapTableBlock(), sb);
        } catch (MfsCorruptionException e) {
            problem(e.getMessage());
            snaps = new SnapshotTable();
        }
        reserved = computeReserved();
        inodeUsed = new BitSet();
        icache.clear();
        int ipb = sb.inodesPerBlock();
        for (long t = 0; t < sb.inodeTableBlocks(); t++) {
            byte[] b = readMeta(sb.inodeTableStart() + t);
            for (int j = 0; j < ipb; j++) {
                long ino = t * ipb + j;
                ByteBuffer bb = MetaBlock.le(b);
                int at = j * Superblock.INODE_SIZE;
                if (bb.getInt(at + 252) != Inode.crc(ino, b, at)) {
                    problem("inode " + ino + ": checksum mismatch (block " + (sb.inodeTableStart() + t) + ")");
                    inodeUsed.set((int) ino); // unknown: keep it from being reused
                } else if ((bb.getShort(at) & 0xffff) != 0) inodeUsed.set((int) ino);
            }
        }
        inodeUsed.set(0);
        rotor = sb.dataStart();
    }

    static void decodeBitmap(byte[] b, int k, BitSet into) {
        long base = k * (long) (b.length - MetaBlock.HEADER) * 8;
        for (int i = MetaBlock.HEADER; i < b.length; i++) {
            int x = b[i] & 0xff;
            while (x != 0) {
                int bit = Integer.numberOfTrailingZeros(x);
                into.set((int) (base + (long) (i - MetaBlock.HEADER) * 8 + bit));
                x &= x - 1;
            }
        }
    }

    byte[] encodeBitmap(int k, BitSet from) {
        byte[] b = new byte[bs];
        long base = k * sb.bitsPerBitmapBlock();
        long end = Math.min(sb.totalBlocks(), base + sb.bitsPerBitmapBlock());
        for (int i = from.nextSetBit((int) base); i >= 0 && i < end; i = from.nextSetBit(i + 1)) {
            long off = i - base;
            b[MetaBlock.HEADER + (int) (off >>> 3)] |= (byte) (1 << (off & 7));
        }
        MetaBlock.seal(b, MetaBlock.BITMAP, sb.bitmapStart() + k);
        return b;
    }

    BitSet computeReserved() throws IOException {
        BitSet r = new BitSet();
        for (SnapshotTable.Entry e : snaps.entries) {
            r.set((int) e.inodeCopy(), (int) (e.inodeCopy() + sb.inodeTableBlocks()));
            r.set((int) e.bitmapCopy(), (int) (e.bitmapCopy() + sb.bitmapBlocks()));
            for (int k = 0; k < sb.bitmapBlocks(); k++) {
                byte[] b = readBlock(e.bitmapCopy() + k);
                try {
                    MetaBlock.verify(b, MetaBlock.BITMAP, sb.bitmapStart() + k, e.bitmapCopy() + k, 0, "snapshot '" + e.name() + "' bitmap copy");
                    decodeBitmap(b, k, r);
                } catch (MfsCorruptionException ex) {
                    problem(ex.getMessage());
                    long bpb = sb.bitsPerBitmapBlock();
                    r.set((int) (k * bpb), (int) Math.min(sb.totalBlocks(), (k + 1) * bpb));
                }
            }
        }
        return r;
    }

    // ------------------------------------------------------------------ state, errors

    public boolean isReadOnly() { return readOnly; }

    /** Why the volume is read-only (corruption found), or null. */
    public String readOnlyReason() { return readOnlyReason; }

    /** Problems found while mounting (empty for a clean volume). */
    public List<String> mountProblems() { return List.copyOf(mountProblems); }

    public int blockSize() { return bs; }
    public boolean encrypted() { return sb.encrypted(); }
    public String label() { return sb.label(); }
    public Compression defaultCompression() { return Compression.of(sb.defaultCompression()); }
    public String uuid() { return java.util.HexFormat.of().formatHex(sb.uuid()); }

    interface IoOp<T> { T run() throws IOException; }

    /** Runs an operation: corruption turns the volume read-only; unexpected runtime faults too. */
    private synchronized <T> T op(IoOp<T> body) throws IOException {
        try {
            return body.run();
        } catch (MfsCorruptionException e) {
            goReadOnly(e.getMessage());
            throw e;
        } catch (RuntimeException e) {
            goReadOnly("internal fault: " + e);
            throw new MfsException(Errno.EIO, "internal fault in MFS: " + e);
        }
    }

    private void goReadOnly(String why) {
        if (!readOnly) {
            readOnly = true;
            readOnlyReason = why;
        }
    }

    private void begin() throws IOException {
        if (readOnly) throw new MfsException(Errno.EROFS, "file system is read-only" + (readOnlyReason != null ? " (" + readOnlyReason + ")" : ""));
        if (dirtyTableBlocks.size() + dirtyBitmap.size() + 2 > journal.capacity() / 2 - 8) commit();
    }

    /**
     * Where file times come from: the host clock by default (the host tool); the kernel sets its own
     * clock (boot epoch + virtual time), so what a guest sees is reproducible.
     */
    private java.util.function.LongSupplier timeSource = MfsVolume::hostNow;

    public void setTimeSource(java.util.function.LongSupplier nanosSinceEpoch) { timeSource = nanosSinceEpoch; }

    long now() { return timeSource.getAsLong(); }

    static long hostNow() {
        Instant t = Instant.now();
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    // ------------------------------------------------------------------ block I/O

    byte[] readBlock(long b) throws IOException {
        byte[] x = new byte[bs];
        dev.read(b * bs, x, 0, bs);
        return x;
    }

    /** In-place metadata, seen through the journal of a read-only mount. */
    byte[] readMeta(long b) throws IOException {
        byte[] o = overlay.get(b);
        return o != null ? o.clone() : readBlock(b);
    }

    private void markBitmap(long block) { dirtyBitmap.add((int) (block / sb.bitsPerBitmapBlock())); }

    /** Next block free in the live bitmap, every snapshot and this transaction's frees. */
    private long nextFree(long from) {
        long limit = sb.totalBlocks() - 1;
        while (from < limit) {
            int a = used.nextClearBit((int) from);
            int b = reserved.nextClearBit(a);
            int c = pendingFree.nextClearBit(b);
            if (c == a) return a < limit ? a : -1;
            from = c;
        }
        return -1;
    }

    /** Allocates n blocks as few runs as it finds ({start, count} pairs), or ENOSPC. */
    List<long[]> alloc(long n, boolean contiguous) throws MfsException {
        List<long[]> runs = new ArrayList<>();
        long need = n;
        long from = rotor;
        boolean wrapped = false;
        while (need > 0) {
            long a = nextFree(from);
            if (a < 0) {
                if (wrapped) break;
                wrapped = true;
                from = sb.dataStart();
                continue;
            }
            long e = a;
            while (e < sb.totalBlocks() - 1 && e - a < need && !used.get((int) e) && !reserved.get((int) e) && !pendingFree.get((int) e)) e++;
            if (contiguous && e - a < need) {
                from = e + 1;
                if (wrapped && from >= rotor) break;
                continue;
            }
            runs.add(new long[] {a, e - a});
            need -= e - a;
            from = e;
            if (wrapped && from >= rotor && need > 0) break;
        }
        if (need > 0) {
            if (!contiguous) for (long[] r : runs) { /* nothing marked yet */ }
            throw new MfsException(Errno.ENOSPC, "no space left on the volume");
        }
        for (long[] r : runs) {
            used.set((int) r[0], (int) (r[0] + r[1]));
            fresh.set((int) r[0], (int) (r[0] + r[1]));
            for (long b = r[0]; b < r[0] + r[1]; b += 1) markBitmap(b);
            rotor = r[0] + r[1];
        }
        return runs;
    }

    /** Frees a run: blocks allocated in this transaction at once, committed ones after the commit. */
    void free(long start, long count) {
        if (!bucketCache.isEmpty()) {
            if (count > bucketCache.size()) bucketCache.keySet().removeIf(k -> k >= start && k < start + count);
            else for (long b = start; b < start + count; b++) bucketCache.remove(b);
        }
        for (long b = start; b < start + count; b++) {
            if (b < sb.dataStart() || b >= sb.totalBlocks() - 1) continue; // never free the fixed regions
            used.clear((int) b);
            if (fresh.get((int) b)) fresh.clear((int) b);
            else pendingFree.set((int) b);
            markBitmap(b);
        }
    }

    private void writePhys(long p, byte[] src, int off, int nblocks, boolean encrypt) throws IOException {
        if (encrypt && xts != null) {
            byte[] c = java.util.Arrays.copyOfRange(src, off, off + nblocks * bs);
            for (int i = 0; i < nblocks; i++) xts.encrypt(c, i * bs, bs, p + i);
            dev.write(p * bs, c, 0, c.length);
        } else dev.write(p * bs, src, off, nblocks * bs);
    }

    private void readPhys(long p, byte[] dst, int off, int nblocks, boolean decrypt) throws IOException {
        dev.read(p * bs, dst, off, nblocks * bs);
        if (decrypt && xts != null) for (int i = 0; i < nblocks; i++) xts.decrypt(dst, off + i * bs, bs, p + i);
    }

    // ------------------------------------------------------------------ inodes

    Inode inode(long ino) throws IOException {
        if (ino <= 0 || ino >= sb.inodeCount()) throw new MfsCorruptionException(-1, ino, "inode number out of range");
        Inode n = icache.get(ino);
        if (n != null) {
            if (n.free()) throw new MfsException(Errno.ENOENT, "inode " + ino + " is not in use");
            return n;
        }
        long tb = sb.inodeTableStart() + ino / sb.inodesPerBlock();
        byte[] b = readMeta(tb);
        long[] ovf = new long[2];
        List<Extent> inline = new ArrayList<>();
        n = Inode.decode(ino, b, (int) (ino % sb.inodesPerBlock()) * Superblock.INODE_SIZE, tb, ovf, inline);
        if (n.free()) throw new MfsException(Errno.ENOENT, "inode " + ino + " is not in use");
        for (Extent x : inline) addExtent(n, x, tb);
        long next = ovf[0];
        long left = ovf[1] - inline.size();
        int hops = 0;
        while (left > 0) {
            if (next < sb.dataStart() || next >= sb.totalBlocks() - 1 || hops++ > 1_000_000) throw new MfsCorruptionException(next, ino, "extent chain broken");
            byte[] e = readBlock(next);
            MetaBlock.verify(e, MetaBlock.EXTENT, next, next, ino, "extent block");
            ByteBuffer bb = MetaBlock.le(e);
            if (bb.getLong(16) != ino) throw new MfsCorruptionException(next, ino, "extent block belongs to inode " + bb.getLong(16));
            int cnt = bb.getInt(32);
            if (cnt <= 0 || cnt > (bs - 40) / Extent.SIZE || cnt > left) throw new MfsCorruptionException(next, ino, "extent block count " + cnt);
            for (int i = 0; i < cnt; i++) addExtent(n, Extent.decode(bb, 40 + i * Extent.SIZE), next);
            n.overflowBlocks.add(next);
            left -= cnt;
            next = bb.getLong(24);
        }
        if (n.isDir() && (n.size % bs != 0 || n.size == 0 || Long.bitCount(n.size / bs) != 1)) throw new MfsCorruptionException(tb, ino, "directory size " + n.size + " is not a power-of-two bucket count");
        if (icache.size() > 65536) icache.keySet().removeIf(k -> !dirtyInodes.contains(k) && !pins.containsKey(k));
        icache.put(ino, n);
        return n;
    }

    private void addExtent(Inode n, Extent x, long where) throws MfsCorruptionException {
        String p = x.problem(sb.dataStart(), sb.totalBlocks(), bs);
        if (p != null) throw new MfsCorruptionException(where, n.ino, p);
        if (!n.extents.addChecked(x)) throw new MfsCorruptionException(where, n.ino, "overlapping extents at logical block " + x.lstart());
    }

    private Inode newInode(long ino, int mode, int uid, int gid) {
        Inode n = new Inode(ino);
        n.mode = mode;
        n.uid = uid;
        n.gid = gid;
        n.nlink = 1;
        n.atime = n.mtime = n.ctime = n.crtime = now();
        n.generation = now();
        inodeUsed.set((int) ino);
        icache.put(ino, n);
        dirty(n);
        return n;
    }

    private Inode allocInode(int mode, int uid, int gid) throws MfsException {
        int ino = inodeUsed.nextClearBit(3);
        if (ino >= sb.inodeCount()) throw new MfsException(Errno.ENOSPC, "no free inodes");
        Inode n = newInode(ino, mode, uid, gid);
        if ((mode & Inode.S_IFMT) == Inode.S_IFREG && sb.defaultCompression() != 0) {
            n.flags |= Inode.FLAG_COMPRESS;
            n.compression = sb.defaultCompression();
        }
        return n;
    }

    void dirty(Inode n) {
        if (dirtyInodes.add(n.ino)) dirtyTableBlocks.add(n.ino / sb.inodesPerBlock());
    }

    private void freeInode(Inode n) {
        for (long[] r : n.extents.punch(0, Long.MAX_VALUE)) free(r[0], r[1]);
        for (long b : n.overflowBlocks) free(b, 1);
        n.overflowBlocks.clear();
        n.mode = 0;
        n.nlink = 0;
        n.size = 0;
        n.flags = 0;
        n.compression = 0;
        n.extentsDirty = true;
        inodeUsed.clear((int) n.ino);
        dirty(n);
    }

    /** Writes the extent overflow chain (copy-on-write) if the map changed. */
    private void writeExtents(Inode n) throws IOException {
        if (!n.extentsDirty) return;
        for (long b : n.overflowBlocks) free(b, 1);
        n.overflowBlocks.clear();
        List<Extent> all = n.extents.all();
        int per = (bs - 40) / Extent.SIZE;
        int rest = Math.max(0, all.size() - Inode.INLINE_EXTENTS);
        int nb = (rest + per - 1) / per;
        if (nb > 0) {
            for (long[] r : alloc(nb, false)) for (long b = r[0]; b < r[0] + r[1]; b++) n.overflowBlocks.add(b);
            for (int i = 0; i < nb; i++) {
                byte[] e = new byte[bs];
                ByteBuffer bb = MetaBlock.le(e);
                int from = Inode.INLINE_EXTENTS + i * per, cnt = Math.min(per, all.size() - from);
                bb.putLong(16, n.ino).putLong(24, i + 1 < nb ? n.overflowBlocks.get(i + 1) : 0).putInt(32, cnt);
                for (int j = 0; j < cnt; j++) all.get(from + j).encode(bb, 40 + j * Extent.SIZE);
                long home = n.overflowBlocks.get(i);
                MetaBlock.seal(e, MetaBlock.EXTENT, home);
                writePhys(home, e, 0, 1, false);
            }
        }
        n.extentsDirty = false;
    }

    // ------------------------------------------------------------------ commit

    /** Commits the running transaction (ordered: data, journal, commit record, home; with flushes). */
    private void commit() throws IOException {
        if (readOnly) return;
        try {
            for (long ino : new ArrayList<>(dirtyInodes)) writeExtents(icache.get(ino));
            Map<Long, byte[]> images = new LinkedHashMap<>();
            int ipb = sb.inodesPerBlock();
            for (long ino : dirtyInodes) {
                Inode n = icache.get(ino);
                long tb = sb.inodeTableStart() + ino / ipb;
                byte[] img = images.get(tb);
                if (img == null) images.put(tb, img = readMeta(tb));
                n.encode(img, (int) (ino % ipb) * Superblock.INODE_SIZE, n.extents.all(), n.overflowBlocks.isEmpty() ? 0 : n.overflowBlocks.get(0));
            }
            for (int k : dirtyBitmap) images.put(sb.bitmapStart() + k, encodeBitmap(k, used));
            if (snapDirty) images.put(sb.snapTableBlock(), snaps.encode(bs, sb.snapTableBlock()));
            journal.commit(images);
            for (long ino : dirtyInodes) {
                Inode n = icache.get(ino);
                if (n != null && n.free()) icache.remove(ino);
            }
            dirtyInodes.clear();
            dirtyTableBlocks.clear();
            dirtyBitmap.clear();
            snapDirty = false;
            pendingFree.clear();
            fresh.clear();
        } catch (IOException e) {
            goReadOnly("commit failed: " + e.getMessage());
            throw e;
        }
    }

    /** fsync(2): commits everything (MFS commits whole transactions) and flushes the device. */
    public void fsync(long ino) throws IOException { op(() -> { inode(ino); commit(); return null; }); }

    /** fdatasync(2): the same as fsync here (data is ordered before every commit). */
    public void fdatasync(long ino) throws IOException { fsync(ino); }

    /** sync(2). */
    public void sync() throws IOException { op(() -> { commit(); return null; }); }

    /**
     * mount -o remount,ro (what init does to "/" before reboot): commits, retires the journal (the
     * disk is clean as after an unmount) and refuses changes from now on. A volume that is read-only
     * because of corruption stays so; one remounted read-only may become writable again.
     */
    public void remount(boolean ro) throws IOException {
        synchronized (this) {
            if (ro == readOnly) return;
            if (ro) {
                commit();
                journal.retire();
                dev.flush();
                readOnly = true;
                readOnlyReason = "remounted read-only";
            } else {
                if (!mountProblems.isEmpty() || dev.isReadOnly() || !"remounted read-only".equals(readOnlyReason)) {
                    throw new MfsException(Errno.EROFS, "cannot remount read-write" + (readOnlyReason != null ? " (" + readOnlyReason + ")" : ""));
                }
                readOnly = false;
                readOnlyReason = null;
            }
        }
    }

    /** Unmount: commits and flushes; the device stays open (the caller owns it). */
    @Override
    public void close() throws IOException {
        synchronized (this) {
            if (!readOnly) {
                commit();
                journal.retire();
            }
            dev.flush();
        }
    }

    // ------------------------------------------------------------------ file data

    int clusterBlocks(Inode n) { return (n.flags & Inode.FLAG_COMPRESS) != 0 ? Math.max(1, 65536 / bs) : 1; }

    private boolean encrypts(Inode n) { return !n.isDir(); }

    /** Reads logical blocks [l, l+count) into dst (holes read as zeroes). */
    void readBlocks(Inode n, long l, int count, byte[] dst, int off) throws IOException {
        int i = 0;
        while (i < count) {
            long lb = l + i;
            Extent x = n.extents.find(lb);
            if (x == null) {
                java.util.Arrays.fill(dst, off + i * bs, off + (i + 1) * bs, (byte) 0);
                i++;
            } else if (!x.compressed()) {
                int run = (int) Math.min(count - i, x.lend() - lb);
                readPhys(x.pstart() + (lb - x.lstart()), dst, off + i * bs, run, encrypts(n));
                i += run;
            } else {
                byte[] raw = new byte[x.plen() * bs];
                readPhys(x.pstart(), raw, 0, x.plen(), encrypts(n));
                byte[] plain = new byte[x.llen() * bs];
                Compression.of(x.algorithm()).decompress(raw, x.storedBytes(), plain, plain.length, x.pstart(), n.ino);
                int run = (int) Math.min(count - i, x.lend() - lb);
                System.arraycopy(plain, (int) (lb - x.lstart()) * bs, dst, off + i * bs, run * bs);
                i += run;
            }
        }
    }

    /** Replaces logical blocks [l, l+count) with new raw blocks (copy-on-write). */
    private void writeRaw(Inode n, long l, byte[] data, int off, int count) throws IOException {
        for (long[] r : n.extents.punch(l, l + count)) free(r[0], r[1]);
        int i = 0;
        for (long[] r : alloc(count, false)) {
            writePhys(r[0], data, off + i * bs, (int) r[1], encrypts(n));
            n.extents.insert(new Extent(l + i, r[0], (int) r[1], (int) r[1], 0, 0));
            i += (int) r[1];
        }
        n.extentsDirty = true;
        dirty(n);
    }

    /** Stores one cluster of a compressing file: compressed if that saves a block, else raw. */
    private void storeCluster(Inode n, long cStart, byte[] content, int llen) throws IOException {
        for (long[] r : n.extents.punch(cStart, cStart + clusterBlocks(n))) free(r[0], r[1]);
        if (llen == 0) { n.extentsDirty = true; dirty(n); return; }
        Compression c = Compression.of(n.compression);
        byte[] z = c == Compression.NONE || llen < 2 ? null : c.compress(content, llen * bs, (llen - 1) * bs);
        if (z != null) {
            int plen = (z.length + bs - 1) / bs;
            List<long[]> run = null;
            try {
                run = alloc(plen, true);
            } catch (MfsException e) {
                // no contiguous run: store raw below
            }
            if (run != null) {
                byte[] padded = java.util.Arrays.copyOf(z, plen * bs);
                writePhys(run.get(0)[0], padded, 0, plen, encrypts(n));
                n.extents.insert(new Extent(cStart, run.get(0)[0], llen, plen, z.length, c.id));
                n.extentsDirty = true;
                dirty(n);
                return;
            }
        }
        writeRaw(n, cStart, content, 0, llen);
    }

    /** Reads file bytes; returns the count read (0 at end of file). */
    public int read(long ino, long offset, byte[] buf, int off, int len) throws IOException {
        return op(() -> {
            Inode n = inode(ino);
            if (n.isDir()) throw new MfsException(Errno.EISDIR, "inode " + ino + " is a directory");
            if (offset < 0 || len < 0) throw new MfsException(Errno.EINVAL, "negative offset or length");
            if (offset >= n.size) return 0;
            int count = (int) Math.min(len, n.size - offset);
            long l0 = offset / bs, l1 = (offset + count + bs - 1) / bs;
            byte[] tmp = new byte[(int) (l1 - l0) * bs];
            readBlocks(n, l0, (int) (l1 - l0), tmp, 0);
            System.arraycopy(tmp, (int) (offset - l0 * bs), buf, off, count);
            return count;
        });
    }

    /** Writes file bytes (extends the file as needed); large writes are split into journal-sized pieces. */
    public void write(long ino, long offset, byte[] buf, int off, int len) throws IOException {
        op(() -> {
            if (offset < 0 || len < 0 || offset + len < 0) throw new MfsException(Errno.EFBIG, "file offset out of range");
            int done = 0;
            do {
                begin();
                Inode n = inode(ino);
                if (n.isDir()) throw new MfsException(Errno.EISDIR, "inode " + ino + " is a directory");
                int piece = Math.min(len - done, WRITE_CHUNK);
                writeLocked(n, offset + done, buf, off + done, piece);
                done += piece;
            } while (done < len);
            return null;
        });
    }

    private void writeLocked(Inode n, long offset, byte[] buf, int off, int len) throws IOException {
        if (len == 0) return;
        long end = offset + len;
        int c = clusterBlocks(n);
        long newSize = Math.max(n.size, end);
        if (c == 1) {
            long l0 = offset / bs, l1 = (end + bs - 1) / bs;
            int cnt = (int) (l1 - l0);
            byte[] tmp = new byte[cnt * bs];
            if (offset % bs != 0 && l0 * bs < n.size) readBlocks(n, l0, 1, tmp, 0);
            if (end % bs != 0 && (l1 - 1) * bs < n.size && (cnt > 1 || offset % bs == 0)) readBlocks(n, l1 - 1, 1, tmp, (cnt - 1) * bs);
            System.arraycopy(buf, off, tmp, (int) (offset - l0 * bs), len);
            writeRaw(n, l0, tmp, 0, cnt);
        } else {
            long c0 = offset / bs / c, c1 = (end + bs - 1) / bs / c + ((end + bs - 1) / bs % c == 0 ? 0 : 1);
            long blocksNew = (newSize + bs - 1) / bs, blocksOld = (n.size + bs - 1) / bs;
            for (long cl = c0; cl < c1; cl++) {
                long cs = cl * c;
                int llen = (int) Math.min(c, blocksNew - cs);
                byte[] content = new byte[llen * bs];
                int have = (int) Math.max(0, Math.min(c, blocksOld - cs));
                if (have > 0 && !(offset <= cs * bs && end >= (cs + llen) * bs)) readBlocks(n, cs, Math.min(have, llen), content, 0);
                long a = Math.max(offset, cs * bs), b = Math.min(end, (cs + llen) * bs);
                System.arraycopy(buf, (int) (off + a - offset), content, (int) (a - cs * bs), (int) (b - a));
                storeCluster(n, cs, content, llen);
            }
        }
        n.size = newSize;
        n.mtime = n.ctime = now();
        dirty(n);
    }

    /** truncate(2): shrinking frees blocks and zeroes the tail of the last one; growing leaves a hole. */
    public void truncate(long ino, long size) throws IOException {
        op(() -> {
            begin();
            Inode n = inode(ino);
            if (n.isDir()) throw new MfsException(Errno.EISDIR, "inode " + ino + " is a directory");
            truncateLocked(n, size);
            return null;
        });
    }

    private void truncateLocked(Inode n, long size) throws IOException {
        if (size < 0) throw new MfsException(Errno.EINVAL, "negative size");
        if (size < n.size) {
            int c = clusterBlocks(n);
            long keepBlocks = (size + bs - 1) / bs;
            long cs = keepBlocks / c * c;
            if (c > 1 && size % ((long) bs * c) != 0) { // partial cluster: rewrite it shorter, tail zeroed
                cs = size / bs / c * c;
                int llen = (int) (keepBlocks - cs);
                byte[] content = new byte[llen * bs];
                readBlocks(n, cs, llen, content, 0);
                java.util.Arrays.fill(content, (int) (size - cs * bs), content.length, (byte) 0);
                storeCluster(n, cs, content, llen);
                cs += c;
            } else if (c == 1 && size % bs != 0) {
                byte[] last = new byte[bs];
                readBlocks(n, size / bs, 1, last, 0);
                java.util.Arrays.fill(last, (int) (size % bs), bs, (byte) 0);
                writeRaw(n, size / bs, last, 0, 1);
                cs = keepBlocks;
            } else cs = keepBlocks;
            for (long[] r : n.extents.punch(cs, Long.MAX_VALUE)) free(r[0], r[1]);
            n.extentsDirty = true;
        }
        n.size = size;
        n.mtime = n.ctime = now();
        dirty(n);
    }

    /** Turns compression on or off for a file's future writes (LZ4 or Zstandard). */
    public void setCompression(long ino, Compression c) throws IOException {
        op(() -> {
            begin();
            Inode n = inode(ino);
            if (!n.isReg()) throw new MfsException(Errno.EINVAL, "compression applies to regular files");
            n.compression = c.id;
            n.flags = c == Compression.NONE ? n.flags & ~Inode.FLAG_COMPRESS : n.flags | Inode.FLAG_COMPRESS;
            n.ctime = now();
            dirty(n);
            return null;
        });
    }

    // ------------------------------------------------------------------ directories

    int bucketCount(Inode d) { return (int) (d.size / bs); }

    static int hash(byte[] name) {
        java.util.zip.CRC32C c = new java.util.zip.CRC32C();
        c.update(name);
        return (int) c.getValue();
    }

    /** A parsed bucket: parent (bucket 0) and entries. */
    record Bucket(long parent, List<Ent> entries) {}

    record Ent(byte[] name, long ino, int type) {}

    /** A parsed bucket as it was verified on disk, and the directory it belongs to. */
    private record CachedBucket(long ino, Bucket bucket) {}

    /** Buckets cached by physical block, in LRU order. */
    static final int BUCKET_CACHE = 4096;

    /**
     * Parsed directory buckets by physical block number. Directory blocks are copy-on-write (every
     * {@link #writeBucket} allocates a fresh block), so a block's parsed contents stay valid until
     * the block is freed: {@link #free} drops it, writeBucket caches what it wrote. This spares every
     * path lookup a 4 KiB read, a CRC32C check and a parse of the whole bucket.
     */
    private final LinkedHashMap<Long, CachedBucket> bucketCache = new LinkedHashMap<>(256, 0.75f, true) {
        @Override protected boolean removeEldestEntry(Map.Entry<Long, CachedBucket> e) { return size() > BUCKET_CACHE; }
    };

    Bucket readBucket(Inode d, int i) throws IOException {
        Extent x = d.extents.find(i);
        if (x == null || x.compressed()) throw new MfsCorruptionException(-1, d.ino, "directory bucket " + i + " is missing");
        long p = x.pstart() + (i - x.lstart());
        CachedBucket cached = bucketCache.get(p);
        if (cached != null && cached.ino() == d.ino) return cached.bucket();
        byte[] b = readBlock(p);
        MetaBlock.verify(b, MetaBlock.DIR, p, p, d.ino, "directory bucket " + i);
        ByteBuffer bb = MetaBlock.le(b);
        if (bb.getLong(16) != d.ino) throw new MfsCorruptionException(p, d.ino, "directory block belongs to inode " + bb.getLong(16));
        long parent = bb.getLong(24);
        int count = bb.getInt(32), usedBytes = bb.getInt(36);
        if (count < 0 || usedBytes < 0 || 40 + usedBytes > bs) throw new MfsCorruptionException(p, d.ino, "directory bucket header out of range");
        List<Ent> es = new ArrayList<>(count);
        int at = 40;
        for (int k = 0; k < count; k++) {
            if (at + 10 > 40 + usedBytes) throw new MfsCorruptionException(p, d.ino, "directory entries overrun the bucket");
            long ino = bb.getLong(at);
            int type = b[at + 8] & 0xff, nl = b[at + 9] & 0xff;
            if (nl == 0 || at + 10 + nl > 40 + usedBytes) throw new MfsCorruptionException(p, d.ino, "directory entry name out of range");
            es.add(new Ent(java.util.Arrays.copyOfRange(b, at + 10, at + 10 + nl), ino, type));
            at += 10 + nl;
        }
        Bucket parsed = new Bucket(parent, java.util.Collections.unmodifiableList(es));
        bucketCache.put(p, new CachedBucket(d.ino, parsed));
        return parsed;
    }

    static int bytesOf(List<Ent> es) {
        int s = 0;
        for (Ent e : es) s += 10 + e.name().length;
        return s;
    }

    void writeBucket(Inode d, int i, long parent, List<Ent> es) throws IOException {
        byte[] b = new byte[bs];
        ByteBuffer bb = MetaBlock.le(b);
        bb.putLong(16, d.ino).putLong(24, parent).putInt(32, es.size()).putInt(36, bytesOf(es));
        int at = 40;
        for (Ent e : es) {
            bb.putLong(at, e.ino());
            b[at + 8] = (byte) e.type();
            b[at + 9] = (byte) e.name().length;
            System.arraycopy(e.name(), 0, b, at + 10, e.name().length);
            at += 10 + e.name().length;
        }
        for (long[] r : d.extents.punch(i, i + 1)) free(r[0], r[1]);
        long p = alloc(1, true).get(0)[0];
        MetaBlock.seal(b, MetaBlock.DIR, p);
        writePhys(p, b, 0, 1, false);
        bucketCache.put(p, new CachedBucket(d.ino, new Bucket(parent, List.copyOf(es))));
        d.extents.insert(new Extent(i, p, 1, 1, 0, 0));
        d.extentsDirty = true;
        dirty(d);
    }

    long parentOf(Inode d) throws IOException { return readBucket(d, 0).parent(); }

    private Ent findEnt(Inode d, byte[] name) throws IOException {
        int n = bucketCount(d);
        for (Ent e : readBucket(d, hash(name) & (n - 1)).entries()) if (java.util.Arrays.equals(e.name(), name)) return e;
        return null;
    }

    void addEntry(Inode d, byte[] name, long ino, int type) throws IOException {
        int n = bucketCount(d);
        int i = hash(name) & (n - 1);
        Bucket b = readBucket(d, i);
        if (40 + bytesOf(b.entries()) + 10 + name.length <= bs) {
            List<Ent> es = new ArrayList<>(b.entries());
            es.add(new Ent(name, ino, type));
            writeBucket(d, i, b.parent(), es);
            d.mtime = d.ctime = now();
            dirty(d);
            return;
        }
        // bucket full: double the table and rehash every entry
        List<Ent> all = new ArrayList<>();
        long parent = parentOf(d);
        for (int k = 0; k < n; k++) all.addAll(readBucket(d, k).entries());
        all.add(new Ent(name, ino, type));
        int m = n;
        List<List<Ent>> lists;
        while (true) {
            m *= 2;
            if ((long) m * bs > (1L << 40)) throw new MfsException(Errno.ENOSPC, "directory too large");
            lists = new ArrayList<>();
            for (int k = 0; k < m; k++) lists.add(new ArrayList<>());
            for (Ent e : all) lists.get(hash(e.name()) & (m - 1)).add(e);
            boolean fits = true;
            for (List<Ent> l : lists) if (40 + bytesOf(l) > bs) fits = false;
            if (fits) break;
        }
        for (int k = 0; k < m; k++) writeBucket(d, k, parent, lists.get(k));
        d.size = (long) m * bs;
        d.mtime = d.ctime = now();
        dirty(d);
    }

    private void removeEntry(Inode d, byte[] name) throws IOException {
        int i = hash(name) & (bucketCount(d) - 1);
        Bucket b = readBucket(d, i);
        List<Ent> es = new ArrayList<>(b.entries());
        es.removeIf(e -> java.util.Arrays.equals(e.name(), name));
        writeBucket(d, i, b.parent(), es);
        d.mtime = d.ctime = now();
        dirty(d);
    }

    private void setParent(Inode d, long parent) throws IOException {
        writeBucket(d, 0, parent, readBucket(d, 0).entries());
    }

    private boolean emptyDir(Inode d) throws IOException {
        for (int k = 0; k < bucketCount(d); k++) if (!readBucket(d, k).entries().isEmpty()) return false;
        return true;
    }

    static int typeOf(Inode n) { return n.isDir() ? MfsDirEntry.DT_DIR : n.isSymlink() ? MfsDirEntry.DT_LNK : MfsDirEntry.DT_REG; }

    private static byte[] checkName(String name) throws MfsException {
        byte[] b = name.getBytes(StandardCharsets.UTF_8);
        if (b.length == 0 || name.equals(".") || name.equals("..") || name.indexOf('/') >= 0 || name.indexOf('\0') >= 0)
            throw new MfsException(Errno.EINVAL, "invalid file name '" + name + "'");
        if (b.length > NAME_MAX) throw new MfsException(Errno.ENAMETOOLONG, "file name longer than 255 bytes");
        return b;
    }

    private Inode dir(long ino) throws IOException {
        Inode d = inode(ino);
        if (!d.isDir()) throw new MfsException(Errno.ENOTDIR, "inode " + ino + " is not a directory");
        return d;
    }

    /** The inode a name in a directory refers to, or ENOENT; "." and ".." included. */
    public long lookup(long dirIno, String name) throws IOException {
        return op(() -> {
            Inode d = dir(dirIno);
            if (name.equals(".")) return dirIno;
            if (name.equals("..")) return parentOf(d);
            Ent e = findEnt(d, checkName(name));
            if (e == null) throw new MfsException(Errno.ENOENT, "no such file: " + name);
            return e.ino();
        });
    }

    /** Stored entries (without "." and ".."; use {@link #lookup} with ".." for the parent). */
    public List<MfsDirEntry> readdir(long dirIno) throws IOException {
        return op(() -> {
            Inode d = dir(dirIno);
            List<MfsDirEntry> out = new ArrayList<>();
            for (int k = 0; k < bucketCount(d); k++)
                for (Ent e : readBucket(d, k).entries())
                    out.add(new MfsDirEntry(new String(e.name(), StandardCharsets.UTF_8), e.ino(),
                            e.type() == 2 ? MfsDirEntry.DT_DIR : e.type() == 7 ? MfsDirEntry.DT_LNK : MfsDirEntry.DT_REG));
            out.sort(java.util.Comparator.comparing(MfsDirEntry::name));
            return out;
        });
    }

    private static int entType(Inode n) { return n.isDir() ? 2 : n.isSymlink() ? 7 : 1; }

    /** Creates a regular file; EEXIST if the name is taken. Returns the new inode. */
    public long create(long dirIno, String name, int perm, int uid, int gid) throws IOException {
        return make(dirIno, name, Inode.S_IFREG | (perm & 07777), uid, gid, null);
    }

    public long mkdir(long dirIno, String name, int perm, int uid, int gid) throws IOException {
        return make(dirIno, name, Inode.S_IFDIR | (perm & 07777), uid, gid, null);
    }

    public long symlink(long dirIno, String name, String target, int uid, int gid) throws IOException {
        if (target.isEmpty() || target.length() > 4095) throw new MfsException(Errno.EINVAL, "bad symlink target");
        return make(dirIno, name, Inode.S_IFLNK | 0777, uid, gid, target.getBytes(StandardCharsets.UTF_8));
    }

    private long make(long dirIno, String name, int mode, int uid, int gid, byte[] linkTarget) throws IOException {
        return op(() -> {
            begin();
            Inode d = dir(dirIno);
            byte[] nb = checkName(name);
            if (findEnt(d, nb) != null) throw new MfsException(Errno.EEXIST, "file exists: " + name);
            Inode n = allocInode(mode, uid, gid);
            if (n.isDir()) {
                n.nlink = 2;
                writeBucket(n, 0, dirIno, List.of());
                n.size = bs;
                d.nlink++;
            } else if (linkTarget != null) {
                n.flags = 0;
                n.compression = 0;
                writeLocked(n, 0, linkTarget, 0, linkTarget.length);
            }
            addEntry(d, nb, n.ino, entType(n));
            return n.ino;
        });
    }

    /** Hard link; directories cannot be linked (EPERM). */
    public void link(long ino, long dirIno, String name) throws IOException {
        op(() -> {
            begin();
            Inode n = inode(ino), d = dir(dirIno);
            if (n.isDir()) throw new MfsException(Errno.EPERM, "cannot hard-link a directory");
            byte[] nb = checkName(name);
            if (findEnt(d, nb) != null) throw new MfsException(Errno.EEXIST, "file exists: " + name);
            if (n.nlink >= 65000) throw new MfsException(Errno.EMLINK, "too many links");
            n.nlink++;
            n.ctime = now();
            dirty(n);
            addEntry(d, nb, ino, entType(n));
            return null;
        });
    }

    public String readlink(long ino) throws IOException {
        return op(() -> {
            Inode n = inode(ino);
            if (!n.isSymlink()) throw new MfsException(Errno.EINVAL, "inode " + ino + " is not a symbolic link");
            if (n.size > 4096) throw new MfsCorruptionException(-1, ino, "symlink longer than 4096 bytes");
            byte[] b = new byte[(int) ((n.size + bs - 1) / bs * bs)];
            readBlocks(n, 0, b.length / bs, b, 0);
            return new String(b, 0, (int) n.size, StandardCharsets.UTF_8);
        });
    }

    /** Removes a non-directory entry; the inode goes when its last link and last pin go. */
    public void unlink(long dirIno, String name) throws IOException {
        op(() -> {
            begin();
            Inode d = dir(dirIno);
            byte[] nb = checkName(name);
            Ent e = findEnt(d, nb);
            if (e == null) throw new MfsException(Errno.ENOENT, "no such file: " + name);
            Inode n = inode(e.ino());
            if (n.isDir()) throw new MfsException(Errno.EISDIR, name + " is a directory");
            removeEntry(d, nb);
            dropLink(n);
            return null;
        });
    }

    public void rmdir(long dirIno, String name) throws IOException {
        op(() -> {
            begin();
            Inode d = dir(dirIno);
            byte[] nb = checkName(name);
            Ent e = findEnt(d, nb);
            if (e == null) throw new MfsException(Errno.ENOENT, "no such directory: " + name);
            Inode n = inode(e.ino());
            if (!n.isDir()) throw new MfsException(Errno.ENOTDIR, name + " is not a directory");
            if (n.ino == LOST_FOUND && dirIno == ROOT) throw new MfsException(Errno.EPERM, "lost+found is kept");
            if (!emptyDir(n)) throw new MfsException(Errno.ENOTEMPTY, "directory not empty: " + name);
            removeEntry(d, nb);
            d.nlink--;
            n.nlink = 0;
            freeInode(n);
            return null;
        });
    }

    private void dropLink(Inode n) {
        n.nlink--;
        n.ctime = now();
        dirty(n);
        if (n.nlink <= 0 && !pins.containsKey(n.ino)) freeInode(n);
    }

    /**
     * rename(2), atomic (one transaction): replaces an existing target of the same kind (a
     * directory target must be empty); refuses to move a directory below itself.
     */
    public void rename(long srcDirIno, String srcName, long dstDirIno, String dstName) throws IOException {
        op(() -> {
            begin();
            Inode sd = dir(srcDirIno), dd = dir(dstDirIno);
            byte[] sn = checkName(srcName), dn = checkName(dstName);
            Ent se = findEnt(sd, sn);
            if (se == null) throw new MfsException(Errno.ENOENT, "no such file: " + srcName);
            Inode src = inode(se.ino());
            if (srcDirIno == dstDirIno && java.util.Arrays.equals(sn, dn)) return null;
            if (src.isDir()) { // the destination must not be inside the source
                long p = dstDirIno;
                for (int hops = 0; p != ROOT && hops < 4096; hops++) {
                    if (p == src.ino) throw new MfsException(Errno.EINVAL, "cannot move a directory into itself");
                    p = parentOf(inode(p));
                }
                if (dstDirIno == src.ino) throw new MfsException(Errno.EINVAL, "cannot move a directory into itself");
            }
            Ent de = findEnt(dd, dn);
            if (de != null) {
                if (de.ino() == src.ino) return null;
                Inode old = inode(de.ino());
                if (src.isDir() && !old.isDir()) throw new MfsException(Errno.ENOTDIR, dstName + " is not a directory");
                if (!src.isDir() && old.isDir()) throw new MfsException(Errno.EISDIR, dstName + " is a directory");
                if (old.isDir() && !emptyDir(old)) throw new MfsException(Errno.ENOTEMPTY, "directory not empty: " + dstName);
                removeEntry(dd, dn);
                if (old.isDir()) {
                    dd.nlink--;
                    old.nlink = 0;
                    freeInode(old);
                } else dropLink(old);
            }
            addEntry(dd, dn, src.ino, entType(src));
            removeEntry(sd, sn);
            if (src.isDir() && srcDirIno != dstDirIno) {
                setParent(src, dstDirIno);
                sd.nlink--;
                dd.nlink++;
            }
            src.ctime = now();
            dirty(src);
            return null;
        });
    }

    /** Keeps an unlinked inode alive while the kernel has it open. */
    public synchronized void pin(long ino) { pins.merge(ino, 1, Integer::sum); }

    public void unpin(long ino) throws IOException {
        op(() -> {
            Integer c = pins.get(ino);
            if (c == null) return null;
            if (c > 1) pins.put(ino, c - 1);
            else {
                pins.remove(ino);
                Inode n = icache.get(ino);
                if (n != null && !n.free() && n.nlink <= 0 && !readOnly) freeInode(n);
            }
            return null;
        });
    }

    // ------------------------------------------------------------------ attributes

    public MfsStat stat(long ino) throws IOException {
        return op(() -> {
            Inode n = inode(ino);
            long blocks = 0;
            for (Extent x : n.extents.all()) blocks += x.plen();
            return new MfsStat(ino, n.mode, n.nlink, n.uid, n.gid, n.size, blocks * (bs / 512), n.atime, n.mtime, n.ctime, n.crtime,
                    Compression.of(n.compression));
        });
    }

    public void chmod(long ino, int perm) throws IOException {
        op(() -> { begin(); Inode n = inode(ino); n.mode = (n.mode & Inode.S_IFMT) | (perm & 07777); n.ctime = now(); dirty(n); return null; });
    }

    public void chown(long ino, int uid, int gid) throws IOException {
        op(() -> { begin(); Inode n = inode(ino); n.uid = uid; n.gid = gid; n.ctime = now(); dirty(n); return null; });
    }

    public void setTimes(long ino, long atimeNs, long mtimeNs) throws IOException {
        op(() -> { begin(); Inode n = inode(ino); n.atime = atimeNs; n.mtime = mtimeNs; n.ctime = now(); dirty(n); return null; });
    }

    /** POSIX permission check: mask of 4 (read), 2 (write), 1 (execute/search); uid 0 passes except execute without any x bit. */
    public boolean access(long ino, int uid, int[] gids, int mask) throws IOException {
        MfsStat s = stat(ino);
        int m = s.mode();
        if (uid == 0) return (mask & 1) == 0 || s.isDirectory() || (m & 0111) != 0;
        int bits;
        if (uid == s.uid()) bits = (m >> 6) & 7;
        else {
            boolean inGroup = false;
            for (int g : gids) if (g == s.gid()) inGroup = true;
            bits = inGroup ? (m >> 3) & 7 : m & 7;
        }
        return (bits & mask) == mask;
    }

    public MfsStatFs statfs() throws IOException {
        return op(() -> {
            long free = 0;
            for (long b = nextFree(sb.dataStart()); b >= 0; b = nextFree(b + 1)) free++;
            return new MfsStatFs(bs, sb.totalBlocks(), free, sb.inodeCount() - 1, sb.inodeCount() - inodeUsed.cardinality(), NAME_MAX, readOnly);
        });
    }

    // ------------------------------------------------------------------ paths (tools)

    /** Resolves an absolute path (symlinks followed, the last one too when {@code follow}). */
    public long resolve(String path, boolean follow) throws IOException {
        return resolve(path, follow, 0);
    }

    private long resolve(String path, boolean follow, int depth) throws IOException {
        if (depth > 40) throw new MfsException(Errno.ELOOP, "too many symbolic links: " + path);
        long cur = ROOT;
        String[] parts = path.split("/");
        List<String> comps = new ArrayList<>();
        for (String p : parts) if (!p.isEmpty()) comps.add(p);
        StringBuilder walked = new StringBuilder();
        for (int i = 0; i < comps.size(); i++) {
            String c = comps.get(i);
            MfsStat st = stat(cur);
            if (!st.isDirectory()) throw new MfsException(Errno.ENOTDIR, "not a directory: " + (walked.isEmpty() ? "/" : walked));
            long next;
            try {
                next = lookup(cur, c);
            } catch (MfsException e) {
                if (e.errno() == Errno.ENOENT) throw new MfsException(Errno.ENOENT, "no such file or directory: " + walked + "/" + c);
                throw e;
            }
            boolean last = i == comps.size() - 1;
            if ((!last || follow) && stat(next).isSymlink()) {
                String t = readlink(next);
                String base = t.startsWith("/") ? t : (walked.isEmpty() ? "/" : walked) + "/" + t;
                StringBuilder rest = new StringBuilder(base);
                for (int j = i + 1; j < comps.size(); j++) rest.append('/').append(comps.get(j));
                return resolve(rest.toString(), follow, depth + 1);
            }
            walked.append('/').append(c);
            cur = next;
        }
        return cur;
    }

    /** Splits "/a/b/c" into the parent's inode and "c". */
    public ParentAndName resolveParent(String path) throws IOException {
        String p = path;
        while (p.length() > 1 && p.endsWith("/")) p = p.substring(0, p.length() - 1);
        int slash = p.lastIndexOf('/');
        if (p.isEmpty() || p.equals("/") || slash < 0) throw new MfsException(Errno.EINVAL, "bad path '" + path + "' (need an absolute path below /)");
        long dirIno = resolve(slash == 0 ? "/" : p.substring(0, slash), true);
        return new ParentAndName(dirIno, p.substring(slash + 1));
    }

    public record ParentAndName(long dir, String name) {}

    // ------------------------------------------------------------------ snapshots

    public record SnapshotInfo(String name, long id, long createdNanos) {}

    public List<SnapshotInfo> snapshots() {
        synchronized (this) {
            List<SnapshotInfo> out = new ArrayList<>();
            for (SnapshotTable.Entry e : snaps.entries) out.add(new SnapshotInfo(e.name(), e.id(), e.createdNanos()));
            return out;
        }
    }

    /** Takes a snapshot of the committed state: copies of the inode table and the bitmap. */
    public void snapshotCreate(String name) throws IOException {
        op(() -> {
            begin();
            byte[] nb = name.getBytes(StandardCharsets.UTF_8);
            if (nb.length == 0 || nb.length > 32) throw new MfsException(Errno.EINVAL, "snapshot name must be 1 to 32 bytes");
            if (snaps.find(name) != null) throw new MfsException(Errno.EEXIST, "snapshot exists: " + name);
            if (snaps.entries.size() >= SnapshotTable.capacity(bs)) throw new MfsException(Errno.ENOSPC, "snapshot table full");
            commit();
            long it = alloc(sb.inodeTableBlocks(), true).get(0)[0];
            long bm = alloc(sb.bitmapBlocks(), true).get(0)[0];
            // the copies are protected by the snapshot entry, not by the live bitmap
            for (long b = it; b < it + sb.inodeTableBlocks(); b++) { used.clear((int) b); markBitmap(b); }
            for (long b = bm; b < bm + sb.bitmapBlocks(); b++) { used.clear((int) b); markBitmap(b); }
            for (long i = 0; i < sb.inodeTableBlocks(); i++) dev.write((it + i) * bs, readMeta(sb.inodeTableStart() + i), 0, bs);
            for (int k = 0; k < sb.bitmapBlocks(); k++) dev.write((bm + k) * bs, encodeBitmap(k, used), 0, bs);
            snaps.entries.add(new SnapshotTable.Entry(snaps.nextId(), now(), it, bm, name));
            snapDirty = true;
            reserved = computeReserved();
            commit();
            return null;
        });
    }

    /** Deletes a snapshot; blocks only it held become free after the commit. */
    public void snapshotDelete(String name) throws IOException {
        op(() -> {
            begin();
            SnapshotTable.Entry e = snaps.find(name);
            if (e == null) throw new MfsException(Errno.ENOENT, "no such snapshot: " + name);
            commit();
            BitSet before = (BitSet) reserved.clone();
            snaps.entries.remove(e);
            snapDirty = true;
            reserved = computeReserved();
            before.andNot(reserved);
            pendingFree.or(before); // held by the committed table until this commit
            commit();
            return null;
        });
    }

    /** Rolls the live file system back to a snapshot (the snapshot stays). */
    public void snapshotRollback(String name) throws IOException {
        op(() -> {
            begin();
            SnapshotTable.Entry e = snaps.find(name);
            if (e == null) throw new MfsException(Errno.ENOENT, "no such snapshot: " + name);
            if (!pins.isEmpty()) throw new MfsException(Errno.EINVAL, "files are open; cannot roll back");
            commit();
            snaps.pendingRollback = e.id();
            snapDirty = true;
            bucketCache.clear(); // the live tree is replaced wholesale, its blocks freed in bulk
            commit();
            finishRollback();
            return null;
        });
    }

    /** Copies the pending snapshot over the live inode table and bitmap, then clears the intent. */
    private void finishRollback() throws IOException {
        SnapshotTable.Entry e = snaps.byId(snaps.pendingRollback);
        if (e != null) {
            for (long i = 0; i < sb.inodeTableBlocks(); i++) dev.write((sb.inodeTableStart() + i) * bs, readBlock(e.inodeCopy() + i), 0, bs);
            for (int k = 0; k < sb.bitmapBlocks(); k++) dev.write((sb.bitmapStart() + k) * bs, readBlock(e.bitmapCopy() + k), 0, bs);
            dev.flush();
        }
        long pending = snaps.pendingRollback;
        dirtyInodes.clear();
        dirtyTableBlocks.clear();
        dirtyBitmap.clear();
        pendingFree.clear();
        fresh.clear();
        load();
        snaps.pendingRollback = 0;
        snapDirty = true;
        commit();
        if (pending != 0 && e == null) problem("rollback to a snapshot that no longer exists was dropped");
    }

    // ------------------------------------------------------------------ for fsck

    /** Drops snapshots whose bitmap copy does not verify and rewrites the table; returns what was dropped. */
    List<String> repairSnapshots() throws IOException {
        List<String> dropped = new ArrayList<>();
        for (SnapshotTable.Entry e : new ArrayList<>(snaps.entries)) {
            for (int k = 0; k < sb.bitmapBlocks(); k++) {
                try {
                    MetaBlock.verify(readBlock(e.bitmapCopy() + k), MetaBlock.BITMAP, sb.bitmapStart() + k, e.bitmapCopy() + k, 0, "snapshot bitmap");
                } catch (MfsCorruptionException x) {
                    snaps.entries.remove(e);
                    dropped.add(e.name());
                    break;
                }
            }
        }
        snapDirty = true;
        mountProblems.clear();
        reserved = computeReserved();
        return dropped;
    }

    Superblock superblock() { return sb; }
    Map<Long, Inode> cache() { return icache; }
    void markDirty(Inode n) { dirty(n); }
    void commitForRepair() throws IOException { commit(); }
    void freeForRepair(Inode n) { freeInode(n); }
    void addEntryForRepair(Inode d, String name, long ino, int type) throws IOException { addEntry(d, name.getBytes(StandardCharsets.UTF_8), ino, type); }
    void rewriteBucketForRepair(Inode d, int i, long parent, List<Ent> es) throws IOException { writeBucket(d, i, parent, es); }
    void setLiveBitmap(BitSet b) { used = b; bucketCache.clear(); for (int k = 0; k < sb.bitmapBlocks(); k++) dirtyBitmap.add(k); }
    void forgetInode(long ino) { icache.remove(ino); }
    void clearMountProblems() { mountProblems.clear(); readOnlyReason = null; }
    XtsCipher cipher() { return xts; }
}
