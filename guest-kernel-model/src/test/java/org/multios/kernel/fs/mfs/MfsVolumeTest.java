package org.multios.kernel.fs.mfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.multios.kernel.fs.mfs.MfsException.Errno;

class MfsVolumeTest {
    static MemoryBlockDevice fresh(int bytes, MfsFormatOptions o) throws Exception {
        MemoryBlockDevice d = new MemoryBlockDevice(bytes);
        MfsVolume.format(d, o);
        return d;
    }

    static byte[] read(MfsVolume v, long ino) throws Exception {
        byte[] b = new byte[(int) v.stat(ino).size()];
        assertEquals(b.length, b.length == 0 ? 0 : v.read(ino, 0, b, 0, b.length));
        return b;
    }

    static Errno errno(org.junit.jupiter.api.function.Executable e) {
        return assertThrows(MfsException.class, e).errno();
    }

    @ParameterizedTest
    @ValueSource(ints = {4096, 8192, 16384, 32768, 65536})
    void everyBlockSizeRoundTrips(int bs) throws Exception {
        MemoryBlockDevice d = fresh(32 << 20, MfsFormatOptions.defaults().withBlockSize(bs));
        byte[] data = new byte[3 * bs + 123];
        new Random(bs).nextBytes(data);
        try (MfsVolume v = MfsVolume.mount(d, MfsMountOptions.defaults())) {
            long f = v.create(MfsVolume.ROOT, "f", 0600, 7, 8);
            v.write(f, 0, data, 0, data.length);
        }
        try (MfsVolume v = MfsVolume.mount(d, MfsMountOptions.defaults())) {
            assertTrue(v.mountProblems().isEmpty());
            assertEquals(bs, v.blockSize());
            long f = v.resolve("/f", true);
            assertArrayEquals(data, read(v, f));
            MfsStat s = v.stat(f);
            assertEquals(0100600, s.mode());
            assertEquals(7, s.uid());
            assertEquals(8, s.gid());
            assertTrue(Fsck.check(v, false).clean());
        }
    }

    @Test
    void partialWritesHolesAndTruncate() throws Exception {
        MemoryBlockDevice d = fresh(16 << 20, MfsFormatOptions.defaults());
        try (MfsVolume v = MfsVolume.mount(d, MfsMountOptions.defaults())) {
            long f = v.create(MfsVolume.ROOT, "f", 0644, 0, 0);
            byte[] model = new byte[0];
            Random r = new Random(5);
            for (int i = 0; i < 200; i++) {
                int off = r.nextInt(40000), len = r.nextInt(9000);
                byte[] x = new byte[len];
                r.nextBytes(x);
                v.write(f, off, x, 0, len);
                if (off + len > model.length) model = Arrays.copyOf(model, off + len);
                System.arraycopy(x, 0, model, off, len);
                if (i % 17 == 0) {
                    int t = r.nextInt(model.length + 5000);
                    v.truncate(f, t);
                    model = Arrays.copyOf(model, t); // growing leaves zeroes, shrinking drops the tail
                }
            }
            assertArrayEquals(model, read(v, f));
            v.truncate(f, 10);
            v.truncate(f, 9000);
            byte[] b = read(v, f);
            for (int i = 10; i < 9000; i++) assertEquals(0, b[i], "byte " + i + " after shrink+grow");
        }
    }

    @Test
    void directoriesGrowAndHashLookupFindsEveryName() throws Exception {
        MemoryBlockDevice d = fresh(32 << 20, MfsFormatOptions.defaults().withInodes(8192));
        try (MfsVolume v = MfsVolume.mount(d, MfsMountOptions.defaults())) {
            long dir = v.mkdir(MfsVolume.ROOT, "many", 0755, 0, 0);
            for (int i = 0; i < 3000; i++) v.create(dir, "name-with-some-length-" + i, 0644, 0, 0);
            assertTrue(v.stat(dir).size() > 4096, "the table doubled");
            assertEquals(3000, v.readdir(dir).size());
            for (int i = 0; i < 3000; i += 7) assertTrue(v.lookup(dir, "name-with-some-length-" + i) > 0);
            assertEquals(Errno.ENOENT, errno(() -> v.lookup(dir, "absent")));
            assertEquals(Errno.EEXIST, errno(() -> v.create(dir, "name-with-some-length-5", 0644, 0, 0)));
            assertEquals(Errno.ENAMETOOLONG, errno(() -> v.create(dir, "x".repeat(256), 0644, 0, 0)));
            assertEquals(MfsVolume.ROOT, v.lookup(dir, ".."));
        }
    }

    @Test
    void linksSymlinksRenameAndUnlink() throws Exception {
        MemoryBlockDevice d = fresh(16 << 20, MfsFormatOptions.defaults());
        try (MfsVolume v = MfsVolume.mount(d, MfsMountOptions.defaults())) {
            long a = v.mkdir(MfsVolume.ROOT, "a", 0755, 0, 0), b = v.mkdir(MfsVolume.ROOT, "b", 0755, 0, 0);
            long f = v.create(a, "f", 0644, 0, 0);
            v.write(f, 0, "data".getBytes(), 0, 4);
            v.link(f, b, "g");
            assertEquals(2, v.stat(f).nlink());
            assertEquals(Errno.EPERM, errno(() -> v.link(a, b, "dirlink")));
            v.symlink(MfsVolume.ROOT, "s", "a/f", 0, 0);
            assertEquals("a/f", v.readlink(v.resolve("/s", false)));
            assertEquals(f, v.resolve("/s", true));
            v.unlink(a, "f");
            assertEquals(1, v.stat(f).nlink());
            assertArrayEquals("data".getBytes(), read(v, v.resolve("/b/g", true)));
            assertEquals(Errno.ENOENT, errno(() -> v.resolve("/s", true)), "dangling symlink");
            // rename: replace a file, refuse dir-into-itself, move a directory
            long h = v.create(b, "h", 0644, 0, 0);
            v.rename(b, "g", b, "h");
            assertEquals(f, v.lookup(b, "h"));
            assertEquals(Errno.ENOENT, errno(() -> v.stat(h)));
            long sub = v.mkdir(a, "sub", 0755, 0, 0);
            assertEquals(Errno.EINVAL, errno(() -> v.rename(MfsVolume.ROOT, "a", sub, "x")));
            assertEquals(Errno.ENOTEMPTY, errno(() -> v.rmdir(MfsVolume.ROOT, "b")));
            v.rename(a, "sub", b, "sub2");
            assertEquals(b, v.lookup(sub, ".."));
            assertEquals(3, v.stat(b).nlink());
            assertEquals(2, v.stat(a).nlink());
            assertEquals(Errno.EISDIR, errno(() -> v.unlink(b, "sub2")));
            v.rmdir(b, "sub2");
            FsckReport r = Fsck.check(v, false);
            assertTrue(r.clean(), r.problems.toString());
        }
    }

    @Test
    void permissionsAndOwners() throws Exception {
        MemoryBlockDevice d = fresh(16 << 20, MfsFormatOptions.defaults());
        try (MfsVolume v = MfsVolume.mount(d, MfsMountOptions.defaults())) {
            long f = v.create(MfsVolume.ROOT, "f", 0640, 1000, 100);
            assertTrue(v.access(f, 1000, new int[0], 6));
            assertTrue(v.access(f, 2000, new int[] {100}, 4));
            assertFalse(v.access(f, 2000, new int[] {100}, 2));
            assertFalse(v.access(f, 3000, new int[0], 4));
            assertFalse(v.access(f, 0, new int[0], 1), "root cannot execute a file with no x bit");
            v.chmod(f, 0604);
            v.chown(f, 5, 6);
            MfsStat s = v.stat(f);
            assertEquals(0100604, s.mode());
            assertEquals(5, s.uid());
            assertTrue(v.access(f, 3000, new int[0], 4));
        }
    }

    @Test
    void statfsAndNoSpace() throws Exception {
        MemoryBlockDevice d = fresh(4 << 20, MfsFormatOptions.defaults());
        try (MfsVolume v = MfsVolume.mount(d, MfsMountOptions.defaults())) {
            long free0 = v.statfs().freeBlocks();
            long f = v.create(MfsVolume.ROOT, "big", 0644, 0, 0);
            byte[] chunk = new byte[64 << 10];
            MfsException e = assertThrows(MfsException.class, () -> {
                for (long off = 0; ; off += chunk.length) v.write(f, off, chunk, 0, chunk.length);
            });
            assertEquals(Errno.ENOSPC, e.errno());
            v.unlink(MfsVolume.ROOT, "big");
            v.sync();
            assertEquals(free0, v.statfs().freeBlocks(), "all blocks back after unlink + commit");
            assertTrue(Fsck.check(v, false).clean());
        }
    }

    @Test
    void readOnlyMountRefusesWrites() throws Exception {
        MemoryBlockDevice d = fresh(8 << 20, MfsFormatOptions.defaults());
        try (MfsVolume v = MfsVolume.mount(d, MfsMountOptions.readOnlyMount())) {
            assertEquals(Errno.EROFS, errno(() -> v.create(MfsVolume.ROOT, "x", 0644, 0, 0)));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"LZ4", "ZSTD"})
    void compressionSavesSpaceAndRoundTrips(String alg) throws Exception {
        MemoryBlockDevice d = fresh(16 << 20, MfsFormatOptions.defaults().withCompression(Compression.valueOf(alg)));
        byte[] text = "the quick brown fox jumps over the lazy dog; ".repeat(20000).getBytes(StandardCharsets.US_ASCII);
        try (MfsVolume v = MfsVolume.mount(d, MfsMountOptions.defaults())) {
            long f = v.create(MfsVolume.ROOT, "t", 0644, 0, 0);
            v.write(f, 0, text, 0, text.length);
            v.write(f, 100000, "PATCH".getBytes(), 0, 5);
            System.arraycopy("PATCH".getBytes(), 0, text, 100000, 5);
            MfsStat s = v.stat(f);
            assertEquals(Compression.valueOf(alg), s.compression());
            assertTrue(s.blocks() * 512 < text.length / 4, "stored " + s.blocks() * 512 + " bytes for " + text.length);
        }
        try (MfsVolume v = MfsVolume.mount(d, MfsMountOptions.defaults())) {
            long f = v.resolve("/t", true);
            assertArrayEquals(text, read(v, f));
            v.truncate(f, 70001);
            assertArrayEquals(Arrays.copyOf(text, 70001), read(v, f));
            assertTrue(Fsck.check(v, false).clean());
        }
    }

    @Test
    void encryptionHidesDataAndNeedsThePassphrase() throws Exception {
        char[] pass = "correct horse".toCharArray();
        MemoryBlockDevice d = fresh(8 << 20, MfsFormatOptions.defaults().withPassphrase(pass, 1000));
        byte[] secret = "TOP-SECRET-MARKER ".repeat(1000).getBytes();
        try (MfsVolume v = MfsVolume.mount(d, MfsMountOptions.defaults().withPassphrase(pass))) {
            long f = v.create(MfsVolume.ROOT, "s", 0600, 0, 0);
            v.write(f, 0, secret, 0, secret.length);
        }
        String raw = new String(d.bytes(), StandardCharsets.ISO_8859_1);
        assertFalse(raw.contains("TOP-SECRET-MARKER"), "plaintext on disk");
        assertEquals(Errno.EACCES, errno(() -> MfsVolume.mount(d, MfsMountOptions.defaults())));
        assertEquals(Errno.EACCES, errno(() -> MfsVolume.mount(d, MfsMountOptions.defaults().withPassphrase("wrong".toCharArray()))));
        try (MfsVolume v = MfsVolume.mount(d, MfsMountOptions.defaults().withPassphrase(pass))) {
            assertArrayEquals(secret, read(v, v.resolve("/s", true)));
        }
    }

    @Test
    void snapshotsAreCopyOnWrite() throws Exception {
        MemoryBlockDevice d = fresh(16 << 20, MfsFormatOptions.defaults());
        try (MfsVolume v = MfsVolume.mount(d, MfsMountOptions.defaults())) {
            long f = v.create(MfsVolume.ROOT, "f", 0644, 0, 0);
            v.write(f, 0, "version one".getBytes(), 0, 11);
            v.snapshotCreate("one");
            v.write(f, 8, "TWO".getBytes(), 0, 3);
            v.create(MfsVolume.ROOT, "later", 0644, 0, 0);
            v.unlink(MfsVolume.ROOT, "f");
            long free = v.statfs().freeBlocks();
            assertEquals(1, v.snapshots().size());
            v.snapshotRollback("one");
            assertArrayEquals("version one".getBytes(), read(v, v.resolve("/f", true)));
            assertEquals(Errno.ENOENT, errno(() -> v.resolve("/later", true)));
            assertTrue(Fsck.check(v, false).clean());
            v.snapshotDelete("one");
            v.sync();
            assertTrue(v.statfs().freeBlocks() >= free);
        }
        try (MfsVolume v = MfsVolume.mount(d, MfsMountOptions.defaults())) {
            assertArrayEquals("version one".getBytes(), read(v, v.resolve("/f", true)));
            assertTrue(v.snapshots().isEmpty());
        }
    }

    @Test
    void uncommittedWorkIsGoneAfterACrashButFsyncedWorkStays() throws Exception {
        MemoryBlockDevice d = fresh(16 << 20, MfsFormatOptions.defaults());
        MfsVolume v = MfsVolume.mount(d, MfsMountOptions.defaults());
        long f = v.create(MfsVolume.ROOT, "kept", 0644, 0, 0);
        v.write(f, 0, "durable".getBytes(), 0, 7);
        v.fsync(f);
        long g = v.create(MfsVolume.ROOT, "lost", 0644, 0, 0);
        v.write(g, 0, "volatile".getBytes(), 0, 8);
        // no close: the "crash" drops the running transaction
        byte[] image = d.bytes().clone();
        try (MfsVolume w = MfsVolume.mount(new MemoryBlockDevice(image), MfsMountOptions.defaults())) {
            assertArrayEquals("durable".getBytes(), read(w, w.resolve("/kept", true)));
            assertEquals(Errno.ENOENT, errno(() -> w.resolve("/lost", true)));
            assertTrue(Fsck.check(w, false).clean());
        }
    }

    @Test
    void journalReplayCompletesAnInterruptedCheckpoint() throws Exception {
        MemoryBlockDevice d = fresh(16 << 20, MfsFormatOptions.defaults());
        // a device that stops taking writes right after the commit record: home writes never happen
        int[] writes = {0};
        class CutDevice implements BlockDevice {
            boolean cut;
            public long size() { return d.size(); }
            public boolean isReadOnly() { return false; }
            public String name() { return "cut"; }
            public void read(long o, byte[] b, int f, int l) throws java.io.IOException { d.read(o, b, f, l); }
            public void write(long o, byte[] b, int f, int l) throws java.io.IOException {
                if (cut) return;
                if (l >= 4096 && MetaBlock.le(b).getInt(f) == MetaBlock.JCOMMIT) cut = true;
                d.write(o, b, f, l);
                writes[0]++;
            }
            public void flush() {}
        }
        CutDevice cd = new CutDevice();
        MfsVolume v = MfsVolume.mount(cd, MfsMountOptions.defaults());
        long f = v.create(MfsVolume.ROOT, "j", 0644, 0, 0);
        v.write(f, 0, "journal".getBytes(), 0, 7);
        v.fsync(f);
        assertTrue(cd.cut);
        try (MfsVolume w = MfsVolume.mount(new MemoryBlockDevice(d.bytes().clone()), MfsMountOptions.readOnlyMount())) {
            assertArrayEquals("journal".getBytes(), read(w, w.resolve("/j", true)), "read-only mount applies the journal in memory");
        }
        try (MfsVolume w = MfsVolume.mount(d, MfsMountOptions.defaults())) {
            assertArrayEquals("journal".getBytes(), read(w, w.resolve("/j", true)));
            assertTrue(Fsck.check(w, false).clean());
        }
    }
}
