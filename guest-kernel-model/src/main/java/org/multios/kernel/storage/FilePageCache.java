package org.multios.kernel.storage;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * The page cache of one mounted MFS volume: 4 KiB pages of file data, keyed by (inode, page index),
 * in LRU order up to a fixed number of pages. It sits above MFS (plain file bytes: after
 * decompression and decryption), so a read that hits copies memory instead of walking extents and
 * going to the block layer and NVMe.
 * <p>
 * Write-through, never dirty: every write still goes to MFS at once (its journal and ordering are
 * unchanged, so crash behaviour is unchanged); the cache only keeps a copy. Coherence rules, applied
 * by {@link MfsInode}: a write patches the pages it overlaps that are cached, and caches the pages
 * it covers whole; a truncate drops the pages from the new end on; an inode number handed out by
 * create/mkdir/symlink drops whatever an earlier inode of that number left; a failed write drops
 * its range. Bytes of a page beyond the end of file are always zero (what a read of a later extended
 * file must see there).
 */
final class FilePageCache {
    static final int PAGE = 4096;

    private record Key(long ino, long index) {}

    private final int capacity;
    private final LinkedHashMap<Key, byte[]> pages;
    /** Cached page indices per inode, so truncate and forget do not scan the whole cache. */
    private final Map<Long, TreeSet<Long>> byIno = new HashMap<>();
    private long hits, misses;

    FilePageCache(int capacityPages) {
        this.capacity = Math.max(16, capacityPages);
        this.pages = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override protected boolean removeEldestEntry(Map.Entry<Key, byte[]> e) {
                if (size() <= capacity) return false;
                unindex(e.getKey());
                return true;
            }
        };
    }

    private void index(Key k) { byIno.computeIfAbsent(k.ino, i -> new TreeSet<>()).add(k.index); }

    private void unindex(Key k) {
        TreeSet<Long> s = byIno.get(k.ino);
        if (s != null && s.remove(k.index) && s.isEmpty()) byIno.remove(k.ino);
    }

    private void remove(Key k) {
        if (pages.remove(k) != null) unindex(k);
    }

    int capacity() { return capacity; }
    synchronized long hits() { return hits; }
    synchronized long misses() { return misses; }
    synchronized int cachedPages() { return pages.size(); }

    /** The cached page, or null. */
    synchronized byte[] get(long ino, long index) {
        byte[] p = pages.get(new Key(ino, index));
        if (p == null) misses++;
        else hits++;
        return p;
    }

    /** Is the page cached? (no LRU or counter effect) */
    synchronized boolean contains(long ino, long index) { return pages.containsKey(new Key(ino, index)); }

    /** Caches a copy of {@code PAGE} bytes at {@code from} as the page's contents. */
    synchronized void put(long ino, long index, byte[] src, int from) {
        byte[] p = new byte[PAGE];
        System.arraycopy(src, from, p, 0, PAGE);
        Key k = new Key(ino, index);
        index(k);
        pages.put(k, p);
    }

    /**
     * A write of {@code len} bytes at file offset {@code offset} succeeded: cached pages it overlaps
     * are patched, pages it covers whole are cached.
     */
    synchronized void wrote(long ino, long offset, byte[] buf, int off, int len) {
        long end = offset + len;
        for (long idx = offset / PAGE; idx * PAGE < end; idx++) {
            long pageStart = idx * PAGE;
            int a = (int) Math.max(0, offset - pageStart), b = (int) Math.min(PAGE, end - pageStart);
            Key k = new Key(ino, idx);
            byte[] p = pages.get(k);
            if (p == null) {
                if (a != 0 || b != PAGE) continue; // partial page not cached: the next read fills it
                p = new byte[PAGE];
                index(k);
                pages.put(k, p);
            }
            System.arraycopy(buf, (int) (off + pageStart + a - offset), p, a, b - a);
        }
    }

    /** Drops the pages overlapping [offset, offset + len) (a write that failed part-way). */
    synchronized void dropRange(long ino, long offset, long len) {
        if (len <= 0) return;
        for (long idx = offset / PAGE; idx * PAGE < offset + len; idx++) remove(new Key(ino, idx));
    }

    /** The file now ends at {@code size}: drops every page from the one holding that offset on. */
    synchronized void truncated(long ino, long size) {
        TreeSet<Long> s = byIno.get(ino);
        if (s == null) return;
        for (Long idx : new TreeSet<>(s.tailSet(size / PAGE))) remove(new Key(ino, idx));
    }

    /** Forgets everything cached for an inode number (the number was freed and handed out again). */
    synchronized void forget(long ino) {
        TreeSet<Long> s = byIno.get(ino);
        if (s == null) return;
        for (Long idx : new TreeSet<>(s)) remove(new Key(ino, idx));
    }

    synchronized void clear() {
        pages.clear();
        byIno.clear();
    }
}
