package org.multios.kernel.storage;

import java.io.IOException;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.Map;
import org.multios.kernel.Errno;
import org.multios.kernel.KernelException;
import org.multios.kernel.fs.FileSystem;
import org.multios.kernel.fs.Inode;
import org.multios.kernel.fs.mfs.BlockDevice;
import org.multios.kernel.fs.mfs.MfsCorruptionException;
import org.multios.kernel.fs.mfs.MfsException;
import org.multios.kernel.fs.mfs.MfsMountOptions;
import org.multios.kernel.fs.mfs.MfsStatFs;
import org.multios.kernel.fs.mfs.MfsVolume;

/**
 * An MFS volume mounted in the VFS. The volume does the file system's work on inode numbers;
 * this adapter gives the VFS its {@link Inode} objects ({@link MfsInode}, one per inode number
 * while the mount lives: the kernel's inode cache), turns MFS errors into errno values, and
 * reports corruption once on the kernel log. A volume that finds corruption, at mount or later,
 * is read-only from then on (MFS's errors=remount-ro): writes fail with EROFS, reads of what is
 * intact go on, and nothing throws out of the kernel.
 */
public final class MfsFileSystem implements FileSystem {
    /** statfs f_type: "MFS1" as a little-endian number. */
    public static final long MAGIC = 0x3153_464dL;
    private final MfsVolume volume;
    private final BlockDevice device;
    private final String source;
    private final int dev;
    private final PrintStream log;
    private final Map<Long, MfsInode> inodes = new HashMap<>();
    private boolean reportedReadOnly;

    private MfsFileSystem(MfsVolume volume, BlockDevice device, String source, int dev, PrintStream log) {
        this.volume = volume;
        this.device = device;
        this.source = source;
        this.dev = dev;
        this.log = log;
    }

    /**
     * Mounts the volume on {@code device}; {@code dev} is the st_dev its files report. A corrupt
     * volume mounts read-only (logged); one that cannot be mounted at all is a KernelException
     * (EINVAL for "not MFS", EIO for a device error), logged with the reason.
     */
    public static MfsFileSystem mount(BlockDevice device, String source, int dev, boolean readOnly, PrintStream log) {
        return mount(device, source, dev, readOnly, log, null);
    }

    /** As above; {@code clock} (ns since the epoch, or null for the host's) stamps file times. */
    public static MfsFileSystem mount(BlockDevice device, String source, int dev, boolean readOnly, PrintStream log,
                                      java.util.function.LongSupplier clock) {
        MfsVolume v;
        try {
            v = MfsVolume.mount(device, readOnly ? MfsMountOptions.readOnlyMount() : MfsMountOptions.defaults());
        } catch (MfsException e) {
            log.println("multios: mfs: " + source + ": cannot mount: " + e.getMessage());
            throw new KernelException(e.errno() == MfsException.Errno.EACCES ? Errno.EACCES : Errno.EINVAL);
        } catch (IOException e) {
            log.println("multios: mfs: " + source + ": cannot mount: " + e.getMessage());
            throw new KernelException(Errno.EIO);
        } catch (RuntimeException e) {
            log.println("multios: mfs: " + source + ": cannot mount: " + e);
            throw new KernelException(Errno.EINVAL);
        }
        if (clock != null) v.setTimeSource(clock);
        MfsFileSystem fs = new MfsFileSystem(v, device, source, dev, log);
        if (v.isReadOnly() && !readOnly) {
            fs.reportedReadOnly = true;
            log.println("multios: mfs: " + source + ": mounted read-only: " + (v.readOnlyReason() != null ? v.readOnlyReason() : "device is write-protected"));
        }
        for (String p : v.mountProblems()) if (!p.equals(v.readOnlyReason())) log.println("multios: mfs: " + source + ": " + p);
        return fs;
    }

    public MfsVolume volume() { return volume; }

    private FilePageCache pageCache;

    /** Gives this mount a page cache of file data of up to {@code pages} 4 KiB pages (none by default). */
    public void usePageCache(int pages) { pageCache = pages > 0 ? new FilePageCache(pages) : null; }

    /** The page cache, or null. */
    FilePageCache pageCache() { return pageCache; }

    /** Page-cache statistics for /proc and tests: hits, misses, cached pages, capacity (zeros without one). */
    public long[] pageCacheStats() {
        FilePageCache pc = pageCache;
        return pc == null ? new long[4] : new long[] {pc.hits(), pc.misses(), pc.cachedPages(), pc.capacity()};
    }
    public String source() { return source; }
    int dev() { return dev; }

    @Override public String type() { return "mfs"; }
    @Override public Inode root() { return inode(MfsVolume.ROOT); }
    @Override public boolean readOnly() { return volume.isReadOnly(); }

    /** The VFS object of inode {@code ino} (the same object for as long as the mount lives). */
    MfsInode inode(long ino) { return inodes.computeIfAbsent(ino, i -> new MfsInode(this, i)); }

    void forget(long ino) { inodes.remove(ino); }

    /** Runs a volume operation with errors mapped to errno. */
    <T> T call(IoCall<T> op) {
        try {
            return op.run();
        } catch (MfsCorruptionException e) {
            corrupted(e);
            throw new KernelException(e.errno().number);
        } catch (MfsException e) {
            noteReadOnly();
            throw new KernelException(e.errno().number);
        } catch (IOException e) {
            log.println("multios: mfs: " + source + ": I/O error: " + e.getMessage());
            throw new KernelException(Errno.EIO);
        }
    }

    interface IoCall<T> { T run() throws IOException; }

    private void corrupted(MfsCorruptionException e) {
        log.println("multios: mfs: " + source + ": " + e.getMessage() + " (block " + e.block() + ", inode " + e.inode() + ")");
        noteReadOnly();
    }

    private void noteReadOnly() {
        if (volume.isReadOnly() && !reportedReadOnly) {
            reportedReadOnly = true;
            log.println("multios: mfs: " + source + ": now read-only" + (volume.readOnlyReason() != null ? " (" + volume.readOnlyReason() + ")" : ""));
        }
    }

    @Override
    public void sync() {
        if (volume.isReadOnly()) return;
        call(() -> { volume.sync(); return null; });
    }

    @Override
    public StatFs statfs() {
        MfsStatFs s = call(volume::statfs);
        return new StatFs(MAGIC, s.blockSize(), s.totalBlocks(), s.freeBlocks(), s.freeBlocks(), s.totalInodes(), s.freeInodes(),
                dev, s.nameMax(), s.readOnly() ? StatFs.ST_RDONLY : 0);
    }

    @Override
    public void remount(boolean ro) {
        call(() -> { volume.remount(ro); return null; });
        reportedReadOnly = ro;
        log.println("multios: mfs: " + source + " remounted " + (ro ? "read-only" : "read-write"));
    }

    /** Commits, retires the journal (a clean unmount needs no replay) and flushes the device. */
    @Override
    public void unmount() {
        call(() -> { volume.close(); return null; });
        inodes.clear();
        if (pageCache != null) pageCache.clear();
    }

    BlockDevice device() { return device; }
}
