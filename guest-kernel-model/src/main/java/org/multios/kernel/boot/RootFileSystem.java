package org.multios.kernel.boot;

import org.multios.kernel.Kernel;
import org.multios.kernel.KernelLog;
import org.multios.kernel.drivers.display.KernelDisplay;
import org.multios.kernel.fs.ConsoleTty;
import org.multios.kernel.fs.DevFs;
import org.multios.kernel.fs.ProcFs;
import org.multios.kernel.fs.SysFs;
import org.multios.kernel.fs.TmpFs;
import org.multios.kernel.mm.PageFrameAllocator;
import org.multios.kernel.mm.PhysicalMemory;

/**
 * The boot steps that build the early root file system, the same on every architecture:
 * the initrd unpacked into the tmpfs root (its pages then given to the frame allocator), and
 * /dev, /proc, /sys and /tmp attached and listed in the mount table. Each architecture's boot
 * decides what to do without an initrd or with one too large; these steps only do the work.
 */
public final class RootFileSystem {
    private RootFileSystem() {}

    /** Unpacks the boot info's initrd (present, and small enough for an array) into {@code root} and frees its memory. */
    public static void unpackInitrd(KernelLog klog, PhysicalMemory mem, BootInfo info, TmpFs.Dir root, PageFrameAllocator frames) {
        byte[] archive = new byte[(int) info.initrdSize()];
        mem.read(info.initrdStart(), archive, 0, archive.length);
        try {
            Cpio.Summary sum = Cpio.unpack(archive, root);
            klog.info(String.format("Unpacking initramfs: %d directories, %d files, %d symlinks (%d bytes)",
                    sum.directories(), sum.files(), sum.symlinks(), sum.bytes()));
        } catch (Cpio.BadArchive e) {
            klog.log(KernelLog.ERR, "Initramfs unpacking failed: " + e.getMessage());
        }
        long freed = 0;
        for (BootInfo.MemoryRange r : info.memoryMap()) {
            if (r.kind() == BootInfo.MemoryRange.Kind.INITRD) {
                frames.addFree(r.base(), r.size());
                freed += r.size();
            }
        }
        klog.info("Freeing initrd memory: " + (freed >> 10) + "K");
    }

    /**
     * Attaches devtmpfs (its random devices seeded from {@code randomSeed}, its consoles opening
     * {@code tty}), proc, sysfs and a tmpfs under {@code root}, registers /dev/fb0 when there is a
     * framebuffer console, and records the five mounts.
     */
    public static void mountPseudoFileSystems(Kernel k, TmpFs.Dir root, ConsoleTty tty, long randomSeed, KernelDisplay fbcon) {
        java.util.SplittableRandom devRandom = new java.util.SplittableRandom(randomSeed ^ 0x5eed);
        root.attach("dev", new DevFs(devRandom, tty::open).root());
        root.attach("proc", new ProcFs(k).root());
        root.attach("sys", new SysFs(k).root());
        root.attach("tmp", new TmpFs("tmpfs").root());
        if (fbcon != null) fbcon.registerDevice(k); // /dev/fb0
        k.mounts.add(new Kernel.Mount("rootfs", "/", "rootfs", "rw"));
        k.mounts.add(new Kernel.Mount("devtmpfs", "/dev", "devtmpfs", "rw"));
        k.mounts.add(new Kernel.Mount("proc", "/proc", "proc", "rw"));
        k.mounts.add(new Kernel.Mount("sysfs", "/sys", "sysfs", "rw"));
        k.mounts.add(new Kernel.Mount("tmpfs", "/tmp", "tmpfs", "rw"));
    }
}
