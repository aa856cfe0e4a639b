package org.multios.kernel.storage;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.multios.kernel.Errno;
import org.multios.kernel.Kernel;
import org.multios.kernel.KernelException;
import org.multios.kernel.dt.FdtReader;
import org.multios.kernel.drivers.nvme.NvmeBlockDevice;
import org.multios.kernel.drivers.nvme.NvmeDriver;
import org.multios.kernel.drivers.nvme.NvmeException;
import org.multios.kernel.drivers.nvme.PolledWait;
import org.multios.kernel.drivers.pci.PciDevice;
import org.multios.kernel.drivers.pci.PciHost;
import org.multios.kernel.fs.FileSystem;
import org.multios.kernel.fs.Inode;
import org.multios.kernel.fs.PathNode;
import org.multios.kernel.fs.TmpFs;
import org.multios.kernel.fs.Vfs;
import org.multios.kernel.fs.gpt.GptDisk;
import org.multios.kernel.fs.gpt.GptException;
import org.multios.kernel.fs.gpt.GptPartition;
import org.multios.kernel.fs.mfs.BlockDevice;
import org.multios.kernel.fs.mfs.SliceBlockDevice;

/**
 * The kernel's storage stack, and the boot path's entry to it:
 * <pre>
 *   PCI (ECAM from the device tree) ─► NVMe driver (one controller each) ─► namespace BlockDevice
 *     ─► BufferCache (whole disk) ─► GPT partitions (slices) ─► /dev nodes, MFS mounts
 * </pre>
 * {@link #probe} finds and starts the disks and names them as Linux does ({@code nvme0n1},
 * {@code nvme0n1p1}); {@link #mount} mounts one as a file system; {@link #mountRoot} makes one the
 * root (the initrd tmpfs stays only as the early root); {@link #syncAll} and {@link #unmountAll}
 * are what sync(2), reboot and power-off call.
 */
public final class Storage {
    /** NVM Express: PCI class 01h (mass storage), sub-class 08h (NVM), interface 02h (NVMe). */
    public static final int CLASS_NVME = 0x010802;
    /** Buffer-cache size per disk in 4 KiB buffers (8 MiB). */
    static final int CACHE_BUFFERS = 2048;

    /**
     * Page-cache size per MFS mount in 4 KiB pages: half the RAM the kernel manages (as Linux lets
     * its page cache grow into free memory). The pages are host memory, so the guest's free memory
     * does not shrink by them; the cache is write-through (see {@link FilePageCache}).
     */
    int pageCachePages() { return kernel.frames.totalFrames() / 2; }

    /** A device the kernel names: the device, its /dev node, and for partitions their GPT entry. */
    public record Disk(String name, BlockDevice device, BlockDeviceNode node, GptPartition partition) {}

    private final Kernel kernel;
    private final PrintStream log;
    private final List<NvmeDriver> controllers = new ArrayList<>();
    private final Map<String, Disk> disks = new LinkedHashMap<>();
    /** Block devices with a mounted file system, by device name. */
    private final Map<String, FileSystem> mounted = new LinkedHashMap<>();
    private int nextMinor;

    private Storage(Kernel kernel) {
        this.kernel = kernel;
        this.log = kernel.log;
    }

    /**
     * Finds the NVMe controllers behind every {@code pci-host-ecam-generic} host of the device tree,
     * starts them, reads their partition tables and adds the nodes to /dev (when /dev is a devfs
     * directory). A controller that fails to start is logged and skipped; never throws for one.
     */
    public static Storage probe(Kernel k, FdtReader dt) {
        List<PciHost> hosts;
        try {
            hosts = PciHost.fromDeviceTree(k.mem.bus(), dt);
        } catch (RuntimeException e) {
            k.log.println("multios: pci: " + e.getMessage());
            hosts = List.of();
        }
        return probe(k, hosts);
    }

    /** Like {@link #probe(Kernel, FdtReader)} with the PCI hosts given. */
    public static Storage probe(Kernel k, List<PciHost> hosts) {
        Storage s = new Storage(k);
        k.storage = s;
        k.shutdownHooks.add(s::unmountAll); // reboot and power-off: commit, retire journals, flush, CC.SHN
        PolledWait wait = new PolledWait(k.clock);
        for (PciHost h : hosts) {
            for (PciDevice d : h.scan()) {
                if (d.classCode() != CLASS_NVME) continue;
                String name = "nvme" + s.controllers.size();
                NvmeDriver c = new NvmeDriver(name, d, k.mem, k.frames, wait);
                try {
                    c.start();
                } catch (NvmeException | RuntimeException e) {
                    k.log.println("multios: " + name + ": " + d.address() + ": not started: " + e.getMessage());
                    continue;
                }
                s.controllers.add(c);
                k.log.println("multios: " + name + ": " + d.address() + " " + c.model() + " serial " + c.serial()
                        + ", " + c.namespaces().size() + " namespace(s)");
                for (NvmeBlockDevice ns : c.namespaces()) s.addDisk(ns);
            }
        }
        s.registerDevices(k.vfs);
        return s;
    }

    private void addDisk(NvmeBlockDevice ns) {
        BufferCache cache = new BufferCache(ns, CACHE_BUFFERS);
        disks.put(ns.name(), new Disk(ns.name(), cache, new BlockDeviceNode(cache, nextMinor++), null));
        log.println("multios: " + ns.name() + ": " + ns.size() / (1024 * 1024) + " MiB (" + ns.blocks() + " x " + ns.lbaSize() + " bytes)"
                + (ns.isReadOnly() ? ", read-only" : ""));
        GptDisk gpt;
        try {
            gpt = GptDisk.read(cache);
        } catch (GptException e) {
            log.println("multios: " + ns.name() + ": no partitions (" + e.getMessage() + ")");
            return;
        } catch (IOException e) {
            log.println("multios: " + ns.name() + ": cannot read the partition table: " + e.getMessage());
            return;
        }
        int i = 1;
        for (GptPartition p : gpt.partitions()) {
            String name = ns.name() + "p" + i++;
            try {
                BlockDevice slice = new SliceBlockDevice(cache, p.offsetBytes(), p.sizeBytes(), name);
                disks.put(name, new Disk(name, slice, new BlockDeviceNode(slice, nextMinor++), p));
                log.println("multios: " + name + ": " + p.name() + ", " + p.sizeBytes() / (1024 * 1024) + " MiB");
            } catch (IOException e) {
                log.println("multios: " + name + ": partition outside the disk: " + e.getMessage());
            }
        }
    }

    /** Adds the device nodes to /dev of this namespace, when /dev is a devfs (tmpfs) directory. */
    public void registerDevices(Vfs vfs) {
        try {
            Inode dev = vfs.resolve(vfs.root(), "/dev", true).inode();
            if (dev instanceof TmpFs.Dir d) registerDevices(d);
        } catch (KernelException e) {
            // no /dev yet: the boot path calls registerDevices(dir) when it creates devfs
        }
    }

    public void registerDevices(TmpFs.Dir dev) {
        for (Disk d : disks.values()) dev.attach(d.name(), d.node());
    }

    public List<NvmeDriver> controllers() { return List.copyOf(controllers); }
    public List<Disk> disks() { return List.copyOf(disks.values()); }

    /** The disk or partition called {@code name} ({@code nvme0n1p2} or {@code /dev/nvme0n1p2}), or null. */
    public Disk disk(String name) {
        if (name == null) return null;
        return disks.get(name.startsWith("/dev/") ? name.substring(5) : name);
    }

    /**
     * Mounts the file system of {@code type} ("mfs") found on the block device {@code devicePath}
     * and returns it (the caller places it in the namespace: {@link Vfs#mount} or {@link #mountRoot}).
     * Errors are KernelExceptions: ENODEV (unknown type), ENXIO/ENOENT (no such device), EBUSY
     * (already mounted), EINVAL (not that file system), EIO.
     */
    public FileSystem mount(String devicePath, String type, boolean readOnly) {
        if (!"mfs".equals(type)) throw new KernelException(Errno.ENODEV);
        Disk d = disk(devicePath);
        if (d == null) throw new KernelException(Errno.ENOENT);
        return mount(d, readOnly);
    }

    FileSystem mount(Disk d, boolean readOnly) {
        if (mounted.containsKey(d.name())) throw new KernelException(Errno.EBUSY);
        MfsFileSystem fs = MfsFileSystem.mount(d.device(), "/dev/" + d.name(), (int) d.node().rdev(), readOnly, log,
                () -> kernel.bootEpochNanos + kernel.now());
        fs.usePageCache(pageCachePages());
        mounted.put(d.name(), fs);
        log.println("multios: mfs: /dev/" + d.name() + " mounted" + (fs.readOnly() ? " read-only" : "") + " (label '" + fs.volume().label() + "')");
        return fs;
    }

    /** The block device behind a node the VFS resolved (mount(2) with a path), or null. */
    public Disk diskOf(Inode node) {
        for (Disk d : disks.values()) if (d.node() == node) return d;
        return null;
    }

    /**
     * The boot path's call ({@code root=/dev/nvme0n1p2 [rootfstype=mfs] [ro]}): mounts the root
     * through the storage stack {@link #probe} set up. Failures are logged and leave the initrd root.
     */
    public static void mountRoot(Kernel k, org.multios.kernel.boot.KernelCommandLine cmd) {
        if (k.storage == null) {
            k.log.println("multios: root=" + cmd.root() + ": no storage stack probed; staying on the initramfs root");
            return;
        }
        String type = cmd.rootFsType() == null ? "mfs" : cmd.rootFsType();
        try {
            k.storage.mountRoot(cmd.root(), type, cmd.readOnlyRoot());
        } catch (KernelException e) {
            k.log.println("multios: root=" + cmd.root() + ": cannot mount " + type + " (errno " + e.errno() + "); staying on the initramfs root");
        }
    }

    public FileSystem mountRoot(String devicePath, boolean readOnly) { return mountRoot(devicePath, "mfs", readOnly); }

    /**
     * Makes the file system on {@code devicePath} the root of the namespace: what the early (initrd)
     * root had at /dev and /proc is mounted at the same places of the new root (directories created
     * when missing and the volume is writable). /tmp is the disk's own directory (created when
     * missing), so it survives reboots as on a disk-rooted Linux without tmpfs. /proc/mounts follows.
     */
    public FileSystem mountRoot(String devicePath, String type, boolean readOnly) {
        FileSystem fs = mount(devicePath, type, readOnly);
        Vfs vfs = kernel.vfs;
        PathNode early = vfs.root();
        String opts = readOnly || fs.readOnly() ? "ro" : "rw";
        vfs.setRoot(fs, devicePath, opts);
        kernel.mounts.removeIf(m -> m.path().equals("/") || m.path().equals("/tmp"));
        kernel.mounts.add(0, new Kernel.Mount(devicePath, "/", fs.type(), opts));
        log.println("multios: VFS: mounted root (" + fs.type() + " filesystem)" + (opts.equals("ro") ? " readonly" : "") + " on device " + devicePath);
        if (!fs.readOnly()) {
            try {
                fs.root().lookup("tmp");
            } catch (KernelException e) {
                if (e.errno() == Errno.ENOENT) fs.root().mkdir("tmp", 01777);
            }
        }
        for (String dir : List.of("dev", "proc", "sys")) {
            Inode carried;
            try {
                carried = early.inode().lookup(dir);
            } catch (KernelException e) {
                continue;
            }
            try {
                PathNode at;
                try {
                    at = vfs.resolve(vfs.root(), "/" + dir, true);
                } catch (KernelException e) {
                    if (dir.equals("sys")) {   // /sys only where the root has the directory (not made on the user's disk)
                        kernel.mounts.removeIf(m -> m.path().equals("/sys"));
                        continue;
                    }
                    if (e.errno() != Errno.ENOENT || fs.readOnly()) throw e;
                    fs.root().mkdir(dir, 0755);
                    at = vfs.resolve(vfs.root(), "/" + dir, true);
                }
                String carriedType = dir.equals("dev") ? "devtmpfs" : dir.equals("sys") ? "sysfs" : "proc";
                vfs.mount(at, new Carried(carriedType, carried), carriedType, "rw");
            } catch (KernelException e) {
                log.println("multios: root: cannot mount /" + dir + " on the new root (errno " + e.errno() + ")");
            }
        }
        return fs;
    }

    /** A file system already in the namespace (devfs, procfs of the early root), mounted again elsewhere. */
    record Carried(String type, Inode root) implements FileSystem {}

    /** sync(2): every mounted file system commits, every disk flushes. Errors are logged, not thrown. */
    public void syncAll() {
        for (Vfs.Mount m : kernel.vfs.mounts()) {
            try {
                m.fs().sync();
            } catch (KernelException e) {
                log.println("multios: sync: " + m.target() + ": errno " + e.errno());
            }
        }
        for (Disk d : disks.values()) {
            if (d.partition() != null || d.device().isReadOnly()) continue;
            try {
                d.device().flush();
            } catch (IOException e) {
                log.println("multios: sync: " + d.name() + ": " + e.getMessage());
            }
        }
    }

    /**
     * Reboot and power-off: unmounts every block-device file system (innermost first, the root
     * last; each commits, retires its journal and flushes), then shuts the controllers down
     * (CC.SHN). The namespace keeps its mounts; nothing may use the disks afterwards.
     */
    public void unmountAll() {
        List<Map.Entry<String, FileSystem>> l = new ArrayList<>(mounted.entrySet());
        java.util.Collections.reverse(l);
        for (Map.Entry<String, FileSystem> e : l) {
            try {
                e.getValue().unmount();
                log.println("multios: mfs: /dev/" + e.getKey() + " unmounted");
            } catch (KernelException ex) {
                log.println("multios: unmount /dev/" + e.getKey() + ": errno " + ex.errno());
            }
        }
        mounted.clear();
        for (NvmeDriver c : controllers) c.shutdown();
    }

    /** umount(2) of a block-device file system: forget it (the caller has unmounted it). */
    void released(FileSystem fs) { mounted.values().removeIf(f -> f == fs); }

    /** Unmounts one file system the VFS has just detached (umount2). */
    public void unmounted(FileSystem fs) {
        if (mounted.containsValue(fs)) {
            fs.unmount();
            released(fs);
        }
    }
}
