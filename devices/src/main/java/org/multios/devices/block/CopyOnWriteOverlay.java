package org.multios.devices.block;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.BitSet;
import java.util.zip.CRC32;

/**
 * A copy-on-write overlay: the guest writes into an overlay file, the base image is only
 * ever read. The overlay file ("MOSOVRL" format, described in docs/nvme.md) has a 4 KiB
 * header, a cluster map (one little-endian u64 per guest cluster: 0 = still the base's
 * data, 1 = reads as zeroes, otherwise the file offset of the cluster's data) and data
 * clusters appended after the map.
 * <p>
 * Crash safety comes from ordering, not from a journal of data:
 * <ol>
 * <li>the first write to a cluster copies it into a <em>new</em> cluster at the end of
 *     the file (base data merged with the new bytes); only the in-memory map changes;</li>
 * <li>{@link #flush()} forces the data, then writes the changed map pages, then forces
 *     again. A map entry therefore reaches the disk only after the data it points to.</li>
 * </ol>
 * After a crash the on-disk map describes the state of the last completed flush, plus
 * in-place updates to clusters that flush had already made ours (ordinary disk
 * semantics for unflushed writes). Clusters written after that flush are leaked space,
 * never reused, so a stale map entry can never point at newer data. The base file is
 * opened read-only: nothing can modify it.
 */
public final class CopyOnWriteOverlay implements DiskImage {
    static final byte[] MAGIC = {'M', 'O', 'S', 'O', 'V', 'R', 'L', 0x1a};
    static final int VERSION = 1;
    static final int HEADER_SIZE = 4096;
    static final int DEFAULT_CLUSTER_BITS = 16;
    static final long UNALLOCATED = 0, ZERO = 1;
    private static final int FINGERPRINT_BYTES = 65536;
    private static final int MAP_PAGE = 4096, ENTRIES_PER_PAGE = MAP_PAGE / 8;

    private final DiskImage base;
    private final Path path;
    private final FileChannel channel;
    private final FileLock lock;
    private final boolean deleteOnClose;
    private final int clusterBits;
    private final long clusterSize;
    private final long size;
    private final long mapOffset;
    private final long[] map;
    private final BitSet dirtyPages = new BitSet();
    private long nextCluster;
    private boolean closed;

    private CopyOnWriteOverlay(DiskImage base, Path path, FileChannel channel, FileLock lock, boolean deleteOnClose,
                               int clusterBits, long mapOffset, long[] map, long nextCluster) {
        this.base = base;
        this.path = path;
        this.channel = channel;
        this.lock = lock;
        this.deleteOnClose = deleteOnClose;
        this.clusterBits = clusterBits;
        this.clusterSize = 1L << clusterBits;
        this.size = base.size();
        this.mapOffset = mapOffset;
        this.map = map;
        this.nextCluster = nextCluster;
    }

    /**
     * Opens (or creates, if missing or empty) the overlay at {@code path} over {@code base}.
     * The base must be the same image the overlay was made for (size and fingerprint).
     */
    public static CopyOnWriteOverlay open(DiskImage base, Path path) {
        return open(base, path, false);
    }

    /** An overlay in a temporary file that is deleted on close ({@code --snapshot}). */
    public static CopyOnWriteOverlay temporary(DiskImage base) {
        try {
            Path tmp = Files.createTempFile("multios-snapshot-", ".ovl");
            tmp.toFile().deleteOnExit();
            return open(base, tmp, true);
        } catch (IOException e) {
            throw new DiskSpecException("cannot create a snapshot overlay: " + RawDiskImage.reason(e));
        }
    }

    private static CopyOnWriteOverlay open(DiskImage base, Path path, boolean deleteOnClose) {
        FileChannel ch = null;
        try {
            if (Files.isDirectory(path)) throw new DiskSpecException("overlay " + path + " is a directory");
            ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.CREATE);
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) throw new DiskSpecException("overlay " + path + " is in use by another emulator");
            if (ch.size() == 0 || uncreated(ch)) create(base, path, ch);
            return load(base, path, ch, lock, deleteOnClose);
        } catch (IOException e) {
            close(ch);
            throw new DiskSpecException("overlay " + path + ": " + RawDiskImage.reason(e));
        } catch (RuntimeException e) {
            close(ch);
            throw e;
        }
    }

    private static void close(FileChannel ch) {
        try { if (ch != null) ch.close(); } catch (IOException ignored) {}
    }

    /** A crash while creating leaves a file whose header was never written: start it again. */
    private static boolean uncreated(FileChannel ch) throws IOException {
        ByteBuffer m = ByteBuffer.allocate(MAGIC.length);
        ch.read(m, 0);
        for (byte b : m.array()) if (b != 0) return false;
        return true;
    }

    static int fingerprint(DiskImage base) throws IOException {
        byte[] b = new byte[(int) Math.min(FINGERPRINT_BYTES, base.size())];
        base.read(0, b, 0, b.length);
        CRC32 crc = new CRC32();
        crc.update(b);
        return (int) crc.getValue();
    }

    private static long align(long v, long a) { return (v + a - 1) & ~(a - 1); }

    private static void create(DiskImage base, Path path, FileChannel ch) throws IOException {
        int bits = DEFAULT_CLUSTER_BITS;
        // Keep the in-memory map under 32 MiB (4 Mi entries) for very large images.
        while ((base.size() >>> bits) > (4L << 20)) bits++;
        long entries = (base.size() + (1L << bits) - 1) >>> bits;
        long mapOffset = HEADER_SIZE;
        long dataOffset = align(mapOffset + entries * 8, 1L << bits);
        ByteBuffer h = ByteBuffer.allocate(HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        h.put(MAGIC).putInt(VERSION).putInt(HEADER_SIZE).putInt(bits).putInt(0)
                .putLong(base.size()).putLong(base.size()).putLong(mapOffset).putLong(entries).putLong(dataOffset)
                .putInt(fingerprint(base));
        CRC32 crc = new CRC32();
        crc.update(h.array(), 0, 68);
        h.putInt((int) crc.getValue());
        byte[] name = base.name().getBytes(StandardCharsets.UTF_8);
        h.put(name, 0, Math.min(name.length, 1024));
        h.clear();
        // Map first (all zero = everything from the base), header last: a file without a
        // valid header is treated as not yet created.
        ch.truncate(0);
        ch.write(ByteBuffer.allocate((int) (dataOffset - mapOffset)), mapOffset);
        ch.force(true);
        while (h.hasRemaining()) ch.write(h, h.position());
        ch.force(true);
    }

    private static CopyOnWriteOverlay load(DiskImage base, Path path, FileChannel ch, FileLock lock, boolean deleteOnClose)
            throws IOException {
        ByteBuffer h = ByteBuffer.allocate(HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        while (h.hasRemaining() && ch.read(h, h.position()) > 0) {}
        h.flip();
        String what = "overlay " + path;
        byte[] magic = new byte[8];
        if (h.remaining() < 72) throw new DiskSpecException(what + " is not an overlay file (too short)");
        h.get(magic);
        if (!Arrays.equals(magic, MAGIC)) throw new DiskSpecException(what + " is not an overlay file (bad magic)");
        int version = h.getInt(), headerSize = h.getInt(), bits = h.getInt();
        h.getInt();
        long virtualSize = h.getLong(), baseSize = h.getLong(), mapOffset = h.getLong(), entries = h.getLong(), dataOffset = h.getLong();
        int fp = h.getInt(), storedCrc = h.getInt();
        CRC32 crc = new CRC32();
        crc.update(h.array(), 0, 68);
        if ((int) crc.getValue() != storedCrc) throw new DiskSpecException(what + " has a damaged header (checksum mismatch)");
        if (version != VERSION) throw new DiskSpecException(what + " has format version " + version + ", this build reads " + VERSION);
        if (headerSize != HEADER_SIZE || bits < 12 || bits > 30 || mapOffset < HEADER_SIZE
                || entries != (virtualSize + (1L << bits) - 1) >>> bits || entries > Integer.MAX_VALUE
                || dataOffset < mapOffset + entries * 8) {
            throw new DiskSpecException(what + " has an inconsistent header");
        }
        if (baseSize != base.size() || virtualSize != base.size()) {
            throw new DiskSpecException(what + " was made for a base of " + baseSize + " bytes, but " + base.name() + " has " + base.size());
        }
        if (fp != fingerprint(base)) throw new DiskSpecException(what + " was made for a different base image than " + base.name());
        long fileSize = ch.size();
        long[] map = new long[(int) entries];
        ByteBuffer mb = ByteBuffer.allocate((int) Math.min(entries * 8, 1 << 20)).order(ByteOrder.LITTLE_ENDIAN);
        for (long i = 0; i < entries; ) {
            mb.clear();
            mb.limit((int) Math.min(mb.capacity(), (entries - i) * 8));
            while (mb.hasRemaining()) {
                if (ch.read(mb, mapOffset + i * 8 + mb.position()) < 0) throw new DiskSpecException(what + " is truncated inside its cluster map");
            }
            mb.flip();
            while (mb.hasRemaining()) {
                long e = mb.getLong();
                if (e != UNALLOCATED && e != ZERO
                        && (e < dataOffset || (e & ((1L << bits) - 1)) != 0 || e > fileSize - (1L << bits))) {
                    throw new DiskSpecException(what + " is corrupt: cluster " + i + " points to 0x" + Long.toHexString(e));
                }
                map[(int) i++] = e;
            }
        }
        long next = Math.max(dataOffset, align(fileSize, 1L << bits));
        return new CopyOnWriteOverlay(base, path, ch, lock, deleteOnClose, bits, mapOffset, map, next);
    }

    @Override public long size() { return size; }

    @Override public boolean isReadOnly() { return false; }

    /** Whole clusters become "zero" map entries; only partial clusters are written. */
    @Override public boolean zeroesCheaply() { return true; }

    @Override public String name() { return path + " (over " + base.name() + ")"; }

    public Path path() { return path; }

    public long clusterSize() { return clusterSize; }

    /** How many clusters the overlay holds (allocated or zero). */
    public synchronized long clustersInOverlay() {
        long n = 0;
        for (long e : map) if (e != UNALLOCATED) n++;
        return n;
    }

    @Override
    public synchronized void read(long offset, byte[] dst, int from, int length) throws IOException {
        checkRange(offset, length, false);
        while (length > 0) {
            int c = (int) (offset >>> clusterBits);
            long within = offset & (clusterSize - 1);
            int n = (int) Math.min(length, clusterSize - within);
            long e = map[c];
            if (e == UNALLOCATED) base.read(offset, dst, from, n);
            else if (e == ZERO) Arrays.fill(dst, from, from + n, (byte) 0);
            else readFully(e + within, dst, from, n);
            offset += n;
            from += n;
            length -= n;
        }
    }

    @Override
    public synchronized void write(long offset, byte[] src, int from, int length) throws IOException {
        checkRange(offset, length, true);
        while (length > 0) {
            int n = (int) Math.min(length, clusterSize - (offset & (clusterSize - 1)));
            writeInCluster(offset, src, from, n);
            offset += n;
            from += n;
            length -= n;
        }
    }

    @Override
    public synchronized void writeZeroes(long offset, long length) throws IOException {
        checkRange(offset, length, true);
        byte[] zeros = null;
        while (length > 0) {
            int c = (int) (offset >>> clusterBits);
            long within = offset & (clusterSize - 1);
            int n = (int) Math.min(length, clusterSize - within);
            long clusterEnd = Math.min(clusterSize, size - ((long) c << clusterBits));
            if (within == 0 && n == clusterEnd && map[c] <= ZERO) {
                setMap(c, ZERO); // whole cluster: no data needed
            } else if (map[c] != ZERO) {
                if (zeros == null) zeros = new byte[(int) clusterSize];
                writeInCluster(offset, zeros, 0, n);
            }
            offset += n;
            length -= n;
        }
    }

    private void writeInCluster(long offset, byte[] src, int from, int n) throws IOException {
        int c = (int) (offset >>> clusterBits);
        long within = offset & (clusterSize - 1);
        long e = map[c];
        if (e > ZERO) {
            writeFully(e + within, src, from, n);
            return;
        }
        // Copy on write: build the whole cluster in a fresh place, never touching a mapped one.
        byte[] cluster = new byte[(int) clusterSize];
        long clusterStart = (long) c << clusterBits;
        if (e == UNALLOCATED) base.read(clusterStart, cluster, 0, (int) Math.min(clusterSize, size - clusterStart));
        System.arraycopy(src, from, cluster, (int) within, n);
        long at = nextCluster;
        writeFully(at, cluster, 0, cluster.length);
        nextCluster = at + clusterSize;
        setMap(c, at);
    }

    private void setMap(int c, long value) {
        map[c] = value;
        dirtyPages.set(c / ENTRIES_PER_PAGE);
    }

    @Override
    public synchronized void flush() throws IOException {
        channel.force(true); // 1. data (and file length) first
        if (dirtyPages.isEmpty()) return;
        ByteBuffer page = ByteBuffer.allocate(MAP_PAGE).order(ByteOrder.LITTLE_ENDIAN);
        for (int p = dirtyPages.nextSetBit(0); p >= 0; p = dirtyPages.nextSetBit(p + 1)) {
            page.clear();
            int first = p * ENTRIES_PER_PAGE, last = Math.min(map.length, first + ENTRIES_PER_PAGE);
            for (int i = first; i < last; i++) page.putLong(map[i]);
            page.flip();
            long at = mapOffset + (long) first * 8;
            while (page.hasRemaining()) channel.write(page, at + page.position());
        }
        channel.force(true); // 2. then the map that points at it
        dirtyPages.clear();
    }

    private void readFully(long at, byte[] dst, int from, int n) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(dst, from, n);
        while (b.hasRemaining()) {
            if (channel.read(b, at + (b.position() - from)) < 0) throw new IOException(path + ": cluster past end of file");
        }
    }

    private void writeFully(long at, byte[] src, int from, int n) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(src, from, n);
        while (b.hasRemaining()) channel.write(b, at + (b.position() - from));
    }

    @Override
    public synchronized void close() throws IOException {
        if (closed) return;
        closed = true;
        try {
            if (!deleteOnClose) flush();
        } finally {
            try {
                if (lock.isValid()) lock.release();
                channel.close();
            } finally {
                try {
                    base.close();
                } finally {
                    if (deleteOnClose) Files.deleteIfExists(path);
                }
            }
        }
    }
}
