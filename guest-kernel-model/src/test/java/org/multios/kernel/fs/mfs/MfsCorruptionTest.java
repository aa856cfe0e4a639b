package org.multios.kernel.fs.mfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Must show 3: random bit flips in metadata blocks (superblocks, bitmap, snapshot table, inode
 * table, directory buckets, extent blocks) are detected by checksums and reported with the block
 * or inode; the volume mounts (read-only) and no exception other than MfsException escapes;
 * fsck --repair leaves a volume that mounts clean and fsck-clean, keeping what it can.
 */
class MfsCorruptionTest {
    static final int TRIALS = 120;

    record Target(long block, String what) {}

    @Test
    void bitFlipsAreDetectedAndRepaired() throws Exception {
        MemoryBlockDevice d = new MemoryBlockDevice(16 << 20);
        MfsVolume.format(d, MfsFormatOptions.defaults().withInodes(512));
        Map<String, byte[]> contents = new TreeMap<>();
        List<Target> targets = new ArrayList<>();
        try (MfsVolume v = MfsVolume.mount(d, MfsMountOptions.defaults())) {
            Random r = new Random(3);
            long a = v.mkdir(MfsVolume.ROOT, "a", 0755, 0, 0), b = v.mkdir(a, "b", 0755, 0, 0);
            for (int i = 0; i < 60; i++) {
                long dir = i % 3 == 0 ? MfsVolume.ROOT : i % 3 == 1 ? a : b;
                String path = (i % 3 == 0 ? "" : i % 3 == 1 ? "/a" : "/a/b") + "/file" + i;
                long f = v.create(dir, "file" + i, 0644, i, i);
                byte[] x = new byte[r.nextInt(20000)];
                r.nextBytes(x);
                v.write(f, 0, x, 0, x.length);
                contents.put(path, x);
            }
            // a fragmented file: more extents than the inode holds inline
            long frag = v.create(MfsVolume.ROOT, "fragmented", 0644, 0, 0), other = v.create(MfsVolume.ROOT, "other", 0644, 0, 0);
            byte[] fx = new byte[40 * 4096], ox = new byte[40 * 4096];
            r.nextBytes(fx);
            r.nextBytes(ox);
            for (int i = 0; i < 40; i++) {
                v.write(frag, i * 4096L, fx, i * 4096, 4096);
                v.write(other, i * 4096L, ox, i * 4096, 4096);
                v.sync();
            }
            contents.put("/fragmented", fx);
            contents.put("/other", ox);
            v.symlink(MfsVolume.ROOT, "link", "/a/b/file2", 0, 0);
            v.snapshotCreate("snap");
            v.sync();
            Superblock sb = v.superblock();
            targets.add(new Target(0, "superblock"));
            targets.add(new Target(sb.totalBlocks() - 1, "backup superblock"));
            for (long k = 0; k < sb.bitmapBlocks(); k++) targets.add(new Target(sb.bitmapStart() + k, "bitmap"));
            targets.add(new Target(sb.snapTableBlock(), "snapshot table"));
            for (long t = 0; t < 6; t++) targets.add(new Target(sb.inodeTableStart() + t, "inode table"));
            for (long dir : List.of(MfsVolume.ROOT, a, b))
                for (Extent x : v.inode(dir).extents.all()) for (int i = 0; i < x.plen(); i++) targets.add(new Target(x.pstart() + i, "directory " + dir));
            assertTrue(v.inode(frag).overflowBlocks.size() > 0, "the fragmented file has an extent block");
            for (long eb : v.inode(frag).overflowBlocks) targets.add(new Target(eb, "extent block"));
        }
        byte[] pristine = d.bytes().clone();
        Random r = new Random(4);
        int detected = 0, repairedClean = 0;
        long filesKept = 0, filesTotal = 0;
        Map<String, Integer> perKind = new HashMap<>();
        for (int trial = 0; trial < TRIALS; trial++) {
            Target t = targets.get(trial < targets.size() ? trial : r.nextInt(targets.size()));
            byte[] img = pristine.clone();
            int bits = 1 + r.nextInt(3);
            int bs = 4096;
            for (int i = 0; i < bits; i++) {
                int bit = r.nextInt(bs * 8);
                img[(int) (t.block() * bs + bit / 8)] ^= (byte) (1 << (bit % 8));
            }
            String where = "trial " + trial + " (" + t.what() + " block " + t.block() + ")";
            List<String> seen = new ArrayList<>();
            try {
                MfsVolume v = MfsVolume.mount(new MemoryBlockDevice(img), MfsMountOptions.defaults());
                seen.addAll(v.mountProblems());
                if (!seen.isEmpty()) assertTrue(v.isReadOnly(), where + ": corruption at mount gives a read-only mount");
                walk(v, seen);
                seen.addAll(Fsck.check(v, false).problems);
                if (!seen.isEmpty() && !v.isReadOnly()) {
                    // found only by fsck: the volume may stay writable; operations on the bad structure turn it read-only
                }
            } catch (MfsException e) {
                seen.add(e.getMessage());
            } catch (Exception | Error e) {
                fail(where + ": " + e + " escaped", e);
            }
            assertTrue(!seen.isEmpty(), where + ": corruption not detected");
            String blockName = "block " + t.block();
            assertTrue(seen.stream().anyMatch(s -> s.contains(blockName) || s.contains("inode ")), where + ": no problem names the block or an inode: " + seen);
            detected++;
            perKind.merge(t.what().replaceAll(" \\d+$", ""), 1, Integer::sum);
            // repair, then a fresh mount must be clean
            MemoryBlockDevice dev = new MemoryBlockDevice(img);
            try (MfsVolume v = MfsVolume.mount(dev, MfsMountOptions.defaults().forRepair())) {
                Fsck.check(v, true);
            } catch (Exception | Error e) {
                fail(where + ": repair threw " + e, e);
            }
            try (MfsVolume v = MfsVolume.mount(dev, MfsMountOptions.defaults())) {
                assertTrue(v.mountProblems().isEmpty(), where + ": after repair " + v.mountProblems());
                FsckReport after = Fsck.check(v, false);
                assertTrue(after.clean(), where + ": after repair " + after.problems);
                repairedClean++;
                for (Map.Entry<String, byte[]> e : contents.entrySet()) {
                    filesTotal++;
                    try {
                        long ino = v.resolve(e.getKey(), true);
                        byte[] got = new byte[(int) v.stat(ino).size()];
                        if (got.length > 0) v.read(ino, 0, got, 0, got.length);
                        if (java.util.Arrays.equals(got, e.getValue())) filesKept++;
                    } catch (MfsException gone) {
                        // lost with the corrupted structure (or moved to lost+found)
                    }
                }
                long f = v.create(MfsVolume.ROOT, "after-repair", 0644, 0, 0);
                v.write(f, 0, new byte[] {1, 2, 3}, 0, 3);
                assertArrayEquals(new byte[] {1, 2, 3}, MfsVolumeTest.read(v, f));
            }
        }
        assertEquals(TRIALS, detected);
        assertEquals(TRIALS, repairedClean);
        assertTrue(filesKept > filesTotal * 8 / 10, "repair kept " + filesKept + " of " + filesTotal + " file contents");
        System.out.println("corruption test: " + TRIALS + " trials " + perKind + ", all detected and repaired; " + filesKept + "/" + filesTotal + " file contents intact after repair");
    }

    /** Reads everything through the API; corruption may surface as MfsException, nothing else. */
    static void walk(MfsVolume v, List<String> seen) {
        try {
            walkDir(v, MfsVolume.ROOT, 0);
        } catch (MfsException e) {
            seen.add(e.getMessage());
            assertTrue(v.isReadOnly() || e.errno() != MfsException.Errno.EUCLEAN, "corruption found by an operation makes the volume read-only");
        } catch (Exception e) {
            fail("walk: " + e + " escaped", e);
        }
    }

    static void walkDir(MfsVolume v, long dir, int depth) throws Exception {
        if (depth > 10) return;
        for (MfsDirEntry e : v.readdir(dir)) {
            if (e.type() == MfsDirEntry.DT_DIR) walkDir(v, e.ino(), depth + 1);
            else if (e.type() == MfsDirEntry.DT_LNK) v.readlink(e.ino());
            else {
                byte[] b = new byte[(int) Math.min(1 << 20, v.stat(e.ino()).size())];
                v.read(e.ino(), 0, b, 0, b.length);
            }
        }
    }
}
