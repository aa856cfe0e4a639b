package org.multios.kernel.fs.mfs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks every MFS structure: both superblocks, the bitmap against what inodes reference, each
 * inode's checksum and extents, every directory bucket (checksum, hashing, entries naming live
 * inodes), link counts, reachability and double allocation. With repair (volume mounted with
 * {@link MfsMountOptions#forRepair()}): corrupt inodes are cleared, bad entries dropped, corrupt
 * buckets emptied, link counts fixed, orphans linked into /lost+found, the bitmap rebuilt.
 */
public final class Fsck {
    private final MfsVolume v;
    private final Superblock sb;
    private final boolean repair;
    private final FsckReport r = new FsckReport();
    private final BitSet live = new BitSet(), bad = new BitSet();

    private Fsck(MfsVolume v, boolean repair) {
        this.v = v;
        this.sb = v.superblock();
        this.repair = repair;
    }

    public static FsckReport check(MfsVolume v, boolean repair) throws IOException {
        synchronized (v) {
            if (repair && v.isReadOnly() && v.readOnlyReason() == null && v.mountProblems().isEmpty())
                throw new MfsException(MfsException.Errno.EROFS, "volume mounted read-only; cannot repair");
            Fsck f = new Fsck(v, repair);
            try {
                f.run();
            } catch (RuntimeException e) {
                f.r.problems.add("fsck stopped: internal fault " + e);
            }
            return f.r;
        }
    }

    private void problem(String s) { r.problems.add(s); }
    private void fixed(String s) { r.repairs.add(s); }

    private void run() throws IOException {
        if (!v.isReadOnly()) v.commitForRepair(); // check what is on disk, running transaction included
        for (String p : v.mountProblems()) problem(p);
        if (repair && v.mountProblems().stream().anyMatch(p -> p.contains("snapshot"))) {
            List<String> dropped = v.repairSnapshots();
            fixed("rewrote the snapshot table" + (dropped.isEmpty() ? "" : ", dropped snapshots with corrupt copies: " + dropped));
        }
        superblocks();
        inodes();
        if (repair) { // never let a repair allocation land on a block some inode still uses
            BitSet safe = claimed(null);
            safe.or(v.used);
            v.used = safe;
        }
        Map<Long, Integer> refs = new HashMap<>(), subdirs = new HashMap<>();
        BitSet reached = directories(refs, subdirs);
        linkCounts(refs, subdirs, reached);
        if (repair) v.commitForRepair();
        BitSet owners = claimed(r);
        bitmap(owners);
        if (repair) {
            v.commitForRepair();
            v.clearMountProblems();
        }
        r.blocksInUse = owners.cardinality();
    }

    private void superblocks() throws IOException {
        int bs = sb.blockSize();
        byte[] a = v.readBlock(0), b = v.readBlock(sb.totalBlocks() - 1);
        boolean aOk = decodes(a, 0), bOk = decodes(b, sb.totalBlocks() - 1);
        if (!aOk) problem("superblock (block 0): does not verify");
        if (!bOk) problem("backup superblock (block " + (sb.totalBlocks() - 1) + "): does not verify");
        if (aOk && bOk && !Arrays.equals(a, b)) problem("backup superblock differs from the primary");
        if (repair && !(aOk && bOk && Arrays.equals(a, b))) {
            byte[] good = sb.encode();
            v.dev.write(0, good, 0, bs);
            v.dev.write((sb.totalBlocks() - 1) * bs, good, 0, bs);
            fixed("rewrote both superblocks");
        }
    }

    private boolean decodes(byte[] b, long where) {
        try {
            Superblock.decode(b, where, v.dev.size());
            return true;
        } catch (MfsCorruptionException e) {
            return false;
        }
    }

    private void inodes() throws IOException {
        int ipb = sb.inodesPerBlock();
        for (long t = 0; t < sb.inodeTableBlocks(); t++) {
            long where = sb.inodeTableStart() + t;
            byte[] b = v.readMeta(where);
            ByteBuffer bb = MetaBlock.le(b);
            for (int j = 0; j < ipb; j++) {
                long ino = t * ipb + j;
                int at = j * Superblock.INODE_SIZE;
                if (bb.getInt(at + 252) != Inode.crc(ino, b, at)) {
                    if (!v.mountProblems().contains("inode " + ino + ": checksum mismatch (block " + where + ")"))
                        problem("inode " + ino + ": checksum mismatch (block " + where + ")");
                    markBad(ino, "checksum mismatch");
                    continue;
                }
                if (ino == 0) continue; // reserved, never used
                if ((bb.getShort(at) & 0xffff) == 0) {
                    if (v.inodeUsed.get((int) ino) && !repair) continue;
                    continue;
                }
                try {
                    Inode n = v.inode(ino);
                    live.set((int) ino);
                    r.inodes++;
                    if (n.isDir()) r.directories++;
                    else if (n.isSymlink()) r.symlinks++;
                    else r.files++;
                    if (!n.isDir()) {
                        long maxBlock = 0;
                        for (Extent x : n.extents.all()) maxBlock = Math.max(maxBlock, x.lend());
                        if (maxBlock * sb.blockSize() - n.size >= (long) sb.blockSize() * v.clusterBlocks(n) && maxBlock > 0)
                            problem("inode " + ino + ": extents reach block " + maxBlock + " beyond the size " + n.size);
                    }
                } catch (MfsCorruptionException e) {
                    problem(e.getMessage());
                    markBad(ino, e.getMessage());
                }
            }
        }
        if (!live.get((int) MfsVolume.ROOT)) problem("root directory (inode 1) is missing or corrupt");
    }

    private void markBad(long ino, String why) {
        bad.set((int) ino);
        if (repair && ino != MfsVolume.ROOT) {
            v.forgetInode(ino);
            Inode z = new Inode(ino);
            v.cache().put(ino, z);
            v.markDirty(z);
            if (ino != 0) v.inodeUsed.clear((int) ino);
            fixed("cleared inode " + ino + " (" + why + ")");
        }
    }

    private BitSet directories(Map<Long, Integer> refs, Map<Long, Integer> subdirs) throws IOException {
        BitSet reached = new BitSet();
        if (!live.get((int) MfsVolume.ROOT)) {
            if (repair) rebuildRoot();
            else return reached;
        }
        ArrayDeque<Long> queue = new ArrayDeque<>();
        queue.add(MfsVolume.ROOT);
        reached.set((int) MfsVolume.ROOT);
        while (!queue.isEmpty()) {
            long dino = queue.poll();
            Inode d = v.inode(dino);
            int n = v.bucketCount(d);
            long parentSeen = -1;
            for (int k = 0; k < n; k++) {
                MfsVolume.Bucket b;
                try {
                    b = v.readBucket(d, k);
                } catch (MfsCorruptionException e) {
                    problem(e.getMessage());
                    if (repair) {
                        v.rewriteBucketForRepair(d, k, k == 0 ? guessParent(dino) : 0, List.of());
                        fixed("emptied directory bucket " + k + " of inode " + dino);
                    }
                    continue;
                }
                if (k == 0) parentSeen = b.parent();
                List<MfsVolume.Ent> keep = new ArrayList<>();
                Set<String> names = new HashSet<>();
                boolean changed = false;
                for (MfsVolume.Ent e : b.entries()) {
                    String name = new String(e.name(), StandardCharsets.UTF_8);
                    String where = "directory inode " + dino + " entry '" + name + "'";
                    String why = null;
                    if ((MfsVolume.hash(e.name()) & (n - 1)) != k) why = "in the wrong hash bucket";
                    else if (e.ino() <= 0 || e.ino() >= sb.inodeCount()) why = "names inode " + e.ino() + " out of range";
                    else if (bad.get((int) e.ino())) why = "names corrupt inode " + e.ino();
                    else if (!live.get((int) e.ino())) why = "names free inode " + e.ino();
                    else if (!names.add(name)) why = "duplicate name";
                    else if (e.ino() == MfsVolume.ROOT) why = "links the root directory";
                    if (why == null) {
                        Inode c = v.inode(e.ino());
                        int want = c.isDir() ? 2 : c.isSymlink() ? 7 : 1;
                        if (want != e.type()) {
                            problem(where + ": type " + e.type() + " but inode " + e.ino() + " is type " + want);
                            e = new MfsVolume.Ent(e.name(), e.ino(), want);
                            changed = true;
                        }
                        if (c.isDir() && reached.get((int) c.ino)) why = "second link to directory inode " + c.ino;
                    }
                    if (why != null) {
                        problem(where + ": " + why);
                        changed = true;
                        continue;
                    }
                    keep.add(e);
                    refs.merge(e.ino(), 1, Integer::sum);
                    Inode c = v.inode(e.ino());
                    if (c.isDir()) {
                        reached.set((int) c.ino);
                        subdirs.merge(dino, 1, Integer::sum);
                        queue.add(c.ino);
                        checkParent(c, dino);
                    } else reached.set((int) c.ino);
                }
                if (changed && repair) {
                    v.rewriteBucketForRepair(d, k, b.parent(), keep);
                    fixed("rewrote bucket " + k + " of directory inode " + dino);
                }
            }
            if (dino == MfsVolume.ROOT && parentSeen != MfsVolume.ROOT && parentSeen != -1) {
                problem("root directory: parent is " + parentSeen + ", not itself");
                if (repair) { v.rewriteBucketForRepair(d, 0, MfsVolume.ROOT, v.readBucket(d, 0).entries()); fixed("root parent set"); }
            }
        }
        return reached;
    }

    private void checkParent(Inode c, long dino) throws IOException {
        try {
            MfsVolume.Bucket b0 = v.readBucket(c, 0);
            if (b0.parent() != dino) {
                problem("directory inode " + c.ino + ": parent recorded as " + b0.parent() + " but it is linked from " + dino);
                if (repair) { v.rewriteBucketForRepair(c, 0, dino, b0.entries()); fixed("set parent of directory inode " + c.ino); }
            }
        } catch (MfsCorruptionException e) {
            // reported when the directory itself is walked
        }
    }

    private long guessParent(long dino) { return dino == MfsVolume.ROOT ? MfsVolume.ROOT : MfsVolume.LOST_FOUND; }

    private void rebuildRoot() throws IOException {
        Inode root = new Inode(MfsVolume.ROOT);
        root.mode = Inode.S_IFDIR | 0755;
        root.nlink = 2;
        root.size = sb.blockSize();
        v.forgetInode(MfsVolume.ROOT);
        v.cache().put(MfsVolume.ROOT, root);
        v.inodeUsed.set((int) MfsVolume.ROOT);
        v.rewriteBucketForRepair(root, 0, MfsVolume.ROOT, List.of());
        live.set((int) MfsVolume.ROOT);
        bad.clear((int) MfsVolume.ROOT);
        fixed("recreated an empty root directory");
    }

    private void linkCounts(Map<Long, Integer> refs, Map<Long, Integer> subdirs, BitSet reached) throws IOException {
        BitSet orphans = (BitSet) live.clone();
        orphans.andNot(bad);
        orphans.andNot(reached);
        for (int i = orphans.nextSetBit(1); i >= 0; i = orphans.nextSetBit(i + 1)) problem("inode " + i + ": not reachable from the root (orphan)");
        if (repair && !orphans.isEmpty()) {
            // only the tops of orphaned trees go to lost+found; what they contain comes along
            BitSet inside = new BitSet();
            for (int i = orphans.nextSetBit(1); i >= 0; i = orphans.nextSetBit(i + 1)) {
                Inode n = v.inode(i);
                if (!n.isDir()) continue;
                for (int k = 0; k < v.bucketCount(n); k++) {
                    try {
                        for (MfsVolume.Ent e : v.readBucket(n, k).entries()) if (e.ino() > 0 && e.ino() < sb.inodeCount() && e.ino() != i) inside.set((int) e.ino());
                    } catch (MfsCorruptionException e) {
                        // walked (and emptied) in the second pass
                    }
                }
            }
            Inode lf = lostAndFound(orphans);
            for (int i = orphans.nextSetBit(1); i >= 0; i = orphans.nextSetBit(i + 1)) {
                if (inside.get(i) || i == lf.ino) continue;
                Inode n = v.inode(i);
                v.addEntryForRepair(lf, "#" + i, i, n.isDir() ? 2 : n.isSymlink() ? 7 : 1);
                fixed("linked inode " + i + " as /lost+found/#" + i);
            }
            refs.clear();
            subdirs.clear();
            reached = directories(refs, subdirs);
        }
        for (int i = live.nextSetBit(1); i >= 0; i = live.nextSetBit(i + 1)) {
            if (bad.get(i) || !reached.get(i)) continue;
            Inode n = v.inode(i);
            int want = n.isDir() ? 2 + subdirs.getOrDefault((long) i, 0) : refs.getOrDefault((long) i, 0);
            if (n.nlink != want) {
                problem("inode " + i + ": link count " + n.nlink + ", should be " + want);
                if (repair) {
                    n.nlink = want;
                    v.markDirty(n);
                    fixed("set link count of inode " + i + " to " + want);
                }
            }
        }
    }

    private Inode lostAndFound(BitSet orphans) throws IOException {
        Inode root = v.inode(MfsVolume.ROOT);
        for (int k = 0; k < v.bucketCount(root); k++)
            for (MfsVolume.Ent e : v.readBucket(root, k).entries())
                if (new String(e.name(), StandardCharsets.UTF_8).equals("lost+found") && live.get((int) e.ino()) && v.inode(e.ino()).isDir())
                    return v.inode(e.ino());
        if (orphans.get((int) MfsVolume.LOST_FOUND) && v.inode(MfsVolume.LOST_FOUND).isDir()) { // the old one lost its entry
            Inode lf = v.inode(MfsVolume.LOST_FOUND);
            v.addEntryForRepair(root, "lost+found", lf.ino, 2);
            fixed("relinked /lost+found");
            return lf;
        }
        long ino = v.mkdir(MfsVolume.ROOT, "lost+found", 0700, 0, 0);
        live.set((int) ino);
        fixed("created /lost+found");
        return v.inode(ino);
    }

    /** Blocks every live inode references; reports double use when a report is given. */
    private BitSet claimed(FsckReport report) throws IOException {
        BitSet owned = new BitSet();
        owned.set(0, (int) sb.dataStart());
        owned.set((int) (sb.totalBlocks() - 1));
        Map<Long, Long> owner = report == null ? null : new HashMap<>();
        for (int i = live.nextSetBit(1); i >= 0; i = live.nextSetBit(i + 1)) {
            if (bad.get(i) || !v.inodeUsed.get(i)) continue;
            Inode n;
            try {
                n = v.inode(i);
            } catch (MfsCorruptionException e) {
                continue;
            }
            List<long[]> runs = new ArrayList<>();
            for (Extent x : n.extents.all()) runs.add(new long[] {x.pstart(), x.plen()});
            for (long b : n.overflowBlocks) runs.add(new long[] {b, 1});
            for (long[] run : runs)
                for (long b = run[0]; b < run[0] + run[1]; b++) {
                    if (owned.get((int) b) && report != null) {
                        Long o = owner.get(b);
                        problem("block " + b + ": used by inode " + i + " and " + (o == null ? "the fixed metadata" : "inode " + o));
                    }
                    owned.set((int) b);
                    if (owner != null) owner.put(b, (long) i);
                }
        }
        return owned;
    }

    private void bitmap(BitSet owned) throws IOException {
        BitSet missing = (BitSet) owned.clone();
        missing.andNot(v.used);
        BitSet leaked = (BitSet) v.used.clone();
        leaked.andNot(owned);
        int shown = 0;
        for (int b = missing.nextSetBit(0); b >= 0 && shown < 20; b = missing.nextSetBit(b + 1), shown++) problem("block " + b + ": in use but marked free in the bitmap");
        if (missing.cardinality() > 20) problem((missing.cardinality() - 20) + " more blocks in use but marked free");
        shown = 0;
        for (int b = leaked.nextSetBit(0); b >= 0 && shown < 20; b = leaked.nextSetBit(b + 1), shown++) problem("block " + b + ": marked used but referenced by nothing (leak)");
        if (leaked.cardinality() > 20) problem((leaked.cardinality() - 20) + " more leaked blocks");
        BitSet clash = (BitSet) owned.clone();
        clash.and(v.reserved);
        BitSet snapCopies = new BitSet();
        for (SnapshotTable.Entry e : v.snaps.entries) {
            snapCopies.set((int) e.inodeCopy(), (int) (e.inodeCopy() + sb.inodeTableBlocks()));
            snapCopies.set((int) e.bitmapCopy(), (int) (e.bitmapCopy() + sb.bitmapBlocks()));
        }
        clash.and(snapCopies);
        for (int b = clash.nextSetBit(0); b >= 0; b = clash.nextSetBit(b + 1)) problem("block " + b + ": live data on a snapshot's metadata copy");
        if (repair && (!missing.isEmpty() || !leaked.isEmpty())) {
            v.setLiveBitmap(owned);
            fixed("rebuilt the free-space bitmap");
        }
    }
}
