package org.multios.kernel.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.multios.kernel.fs.Inode;
import org.multios.kernel.fs.mfs.MemoryBlockDevice;
import org.multios.kernel.fs.mfs.MfsFormatOptions;
import org.multios.kernel.fs.mfs.MfsVolume;

/**
 * The kernel's page cache of MFS file data: reads through a cached mount return exactly what MFS
 * holds (and what a model of the files says) over long random sequences of writes, partial
 * overwrites, truncates that shrink and grow, unlink and re-creation (inode numbers reused), with a
 * cache small enough to evict; re-reads hit; the cache itself keeps its index when it evicts.
 */
class FilePageCacheTest {
    static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    static MfsFileSystem mount(int pages) throws Exception {
        MemoryBlockDevice dev = new MemoryBlockDevice(64 << 20);
        MfsVolume.format(dev, MfsFormatOptions.defaults());
        MfsFileSystem fs = MfsFileSystem.mount(dev, "mem", 1, false, QUIET);
        fs.usePageCache(pages);
        return fs;
    }

    static byte[] readAll(Inode n, long size, int chunk) {
        byte[] out = new byte[(int) size];
        int at = 0;
        while (at < size) {
            int got = n.read(at, out, at, (int) Math.min(chunk, size - at));
            assertTrue(got > 0, "short read at " + at + " of " + size);
            at += got;
        }
        return out;
    }

    @Test
    void cachedReadsMatchTheModelAndMfsOverRandomOperations() throws Exception {
        for (int seed = 1; seed <= 3; seed++) {
            Random r = new Random(seed);
            MfsFileSystem fs = mount(seed == 1 ? 16 : 300); // 16 pages: constant eviction
            Inode root = fs.root();
            Map<String, byte[]> model = new HashMap<>();
            List<String> names = new ArrayList<>(List.of("a", "b", "c", "d", "e"));
            for (int op = 0; op < 1500; op++) {
                String name = names.get(r.nextInt(names.size()));
                byte[] cur = model.get(name);
                int kind = r.nextInt(10);
                if (cur == null || kind == 0) { // (re)create: unlink first, so inode numbers get reused
                    if (cur != null) root.unlink(name, false);
                    root.create(name, 0644);
                    model.put(name, new byte[0]);
                    continue;
                }
                Inode n = root.lookup(name);
                if (kind <= 5) { // write somewhere, often inside or just past the end
                    int off = r.nextInt(Math.min(cur.length, 150_000) + 9000), len = 1 + r.nextInt(r.nextBoolean() ? 200 : 20000);
                    byte[] data = new byte[len];
                    r.nextBytes(data);
                    int from = r.nextInt(Math.min(8, len)), count = len - from;
                    n.write(off, data, from, count);
                    byte[] next = Arrays.copyOf(cur, Math.max(cur.length, off + count));
                    System.arraycopy(data, from, next, off, count);
                    model.put(name, next);
                } else if (kind == 6) { // truncate, shrinking or growing (the gap must read as zeros)
                    int size = r.nextInt(cur.length + 12000);
                    n.truncate(size);
                    model.put(name, Arrays.copyOf(cur, size));
                } else { // read a random range, or the whole file in odd chunks
                    if (r.nextBoolean()) {
                        assertArrayEquals(cur, readAll(n, cur.length, 1 + r.nextInt(70000)), "seed " + seed + " op " + op + " " + name);
                    } else if (cur.length > 0) {
                        int off = r.nextInt(cur.length), len = 1 + r.nextInt(30000);
                        byte[] got = new byte[len + 5];
                        int count = n.read(off, got, 5, len);
                        assertEquals(Math.min(len, cur.length - off), count);
                        assertArrayEquals(Arrays.copyOfRange(cur, off, off + count), Arrays.copyOfRange(got, 5, 5 + count), "seed " + seed + " op " + op);
                    }
                }
            }
            // Whatever is cached agrees with MFS itself, read past the cache.
            for (var e : model.entrySet()) {
                Inode n = root.lookup(e.getKey());
                byte[] direct = new byte[e.getValue().length];
                fs.volume().read(n.ino(), 0, direct, 0, direct.length);
                assertArrayEquals(e.getValue(), direct, "MFS holds what the model says");
                assertArrayEquals(e.getValue(), readAll(n, direct.length, 4096), "and the cache agrees");
            }
            assertTrue(fs.pageCacheStats()[0] > 0, "some reads hit");
        }
    }

    @Test
    void aReReadHitsAndAWrittenFileIsCachedWhole() throws Exception {
        MfsFileSystem fs = mount(1024);
        Inode f = fs.root().create("big", 0644);
        byte[] data = new byte[1 << 20];
        new Random(7).nextBytes(data);
        for (int off = 0; off < data.length; off += 65536) f.write(off, data, off, 65536);
        long misses = fs.pageCacheStats()[1];
        assertArrayEquals(data, readAll(f, data.length, 65536), "read after write");
        assertEquals(misses, fs.pageCacheStats()[1], "whole-page writes were cached: the read after them misses nothing");
        assertEquals(256, fs.pageCacheStats()[2]);
        fs.unmount();
        assertEquals(0, fs.pageCacheStats()[2], "unmount empties the cache");
    }

    @Test
    void evictionKeepsTheIndex() {
        FilePageCache c = new FilePageCache(16);
        byte[] page = new byte[FilePageCache.PAGE];
        for (int i = 0; i < 40; i++) c.put(1, i, page, 0);
        assertEquals(16, c.cachedPages());
        assertNull(c.get(1, 0), "the oldest went");
        assertNotNull(c.get(1, 39));
        c.truncated(1, 30 * FilePageCache.PAGE + 1); // drops 30..39
        assertEquals(6, c.cachedPages());
        c.forget(1);
        assertEquals(0, c.cachedPages());
        page[0] = 9;
        c.put(2, 0, page, 0);
        c.wrote(2, 10, new byte[] {1, 2, 3}, 0, 3);
        assertArrayEquals(new byte[] {9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 0}, Arrays.copyOf(c.get(2, 0), 14));
        c.wrote(2, 4096 + 5, new byte[] {4}, 0, 1);
        assertNull(c.get(2, 1), "a partial write does not cache a page it did not have");
    }
}
