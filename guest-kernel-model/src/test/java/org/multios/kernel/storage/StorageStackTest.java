package org.multios.kernel.storage;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multios.devices.block.DiskImage;
import org.multios.kernel.Errno;
import org.multios.kernel.KernelException;
import org.multios.kernel.drivers.nvme.NvmeBlockDevice;
import org.multios.kernel.drivers.nvme.NvmeException;
import org.multios.kernel.fs.FileSystem;
import org.multios.kernel.fs.Inode;
import org.multios.kernel.fs.OpenFile;
import org.multios.kernel.fs.PathNode;
import org.multios.kernel.fs.Vfs;
import org.multios.kernel.fs.mfs.FileBlockDevice;
import org.multios.kernel.fs.mfs.MfsMountOptions;
import org.multios.kernel.fs.mfs.MfsVolume;
import org.multios.kernel.fs.mfs.SliceBlockDevice;
import org.multios.kernel.fs.gpt.GptDisk;
import org.multios.kernel.fs.gpt.GptPartition;

/**
 * The kernel's storage stack against the emulated NVMe controller on a PCI host: PCI probing from
 * the device tree, the NVMe driver's commands through PRP lists, the buffer cache, GPT partitions
 * and /dev nodes, MFS mounted in the VFS (every file operation, fsync down to NVMe Flush, a clean
 * unmount readable by the host tool), corruption giving a read-only mount, and controllers that
 * never answer giving an error instead of a hang.
 */
class StorageStackTest {
    @TempDir Path dir;

    private static byte[] pattern(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void probeFindsTheControllerItsPartitionsAndRegistersDeviceNodes() throws IOException {
        Path img = StorageRig.multiosDisk(dir, "disk.img", 64 << 20);
        try (StorageRig rig = new StorageRig().withNvme(List.of(StorageRig.open(img)))) {
            Storage s = rig.probe();
            assertEquals(1, s.controllers().size(), rig.log());
            assertEquals("MULTIOS-TEST", s.controllers().get(0).serial());
            assertEquals(List.of("nvme0n1", "nvme0n1p1", "nvme0n1p2"), s.disks().stream().map(Storage.Disk::name).toList());
            assertEquals("boot", s.disk("/dev/nvme0n1p1").partition().name());
            assertEquals(64L << 20, s.disk("nvme0n1").device().size());
            for (String n : List.of("nvme0n1", "nvme0n1p1", "nvme0n1p2")) {
                Inode node = rig.kernel.vfs.resolve(rig.kernel.vfs.root(), "/dev/" + n, true).inode();
                assertEquals(Inode.S_IFBLK, node.mode() & Inode.S_IFMT, n);
                assertEquals(259, node.rdev() >> 8);
            }
            // The firmware did not run: the driver placed BAR 0 in the 32-bit window and enabled the function.
            assertTrue(rig.nvme.barAddress(0) >= 0x4000_0000L && rig.nvme.barAddress(0) < 0x8000_0000L);
            assertTrue(rig.nvme.busMasterEnabled());
            assertTrue(rig.log().contains("nvme0n1p2: root"), rig.log());
        }
    }

    @Test
    void readWriteAndFlushRoundTripThroughPrpLists() throws IOException {
        Path img = dir.resolve("raw.img");
        Files.write(img, new byte[8 << 20]);
        CountingDisk disk = new CountingDisk(StorageRig.open(img));
        try (StorageRig rig = new StorageRig().withNvme(List.of(disk))) {
            Storage s = rig.probe();
            NvmeBlockDevice ns = s.controllers().get(0).namespaces().get(0);
            assertEquals(512, ns.lbaSize());
            long t0 = rig.clock.nanos();
            byte[] big = pattern(300 * 1024, 1); // 75 pages: PRP lists, and more than one command (128 KiB each)
            ns.write(4096, big, 0, big.length);
            byte[] odd = pattern(1000, 2); // neither offset nor length on a sector boundary: read-modify-write
            ns.write(200_001, odd, 0, odd.length);
            int flushes = disk.flushes.get();
            ns.flush();
            assertEquals(flushes + 1, disk.flushes.get(), "Flush reached the disk");
            byte[] back = new byte[big.length];
            ns.read(4096, back, 0, back.length);
            byte[] expect = big.clone();
            System.arraycopy(odd, 0, expect, 200_001 - 4096, odd.length);
            assertArrayEquals(expect, back);
            byte[] file = Files.readAllBytes(img);
            assertArrayEquals(expect, java.util.Arrays.copyOfRange(file, 4096, 4096 + big.length), "on the host image");
            assertTrue(rig.clock.nanos() > t0 + 100_000, "the I/O took virtual time");
            assertThrows(IOException.class, () -> ns.read(8L << 20, new byte[512], 0, 512), "past the end");
            assertEquals(0, rig.nvme.controller().internalErrors());
        }
    }

    @Test
    void bufferCacheServesRereadsAndWritesThrough() throws IOException {
        Path img = dir.resolve("raw.img");
        Files.write(img, new byte[4 << 20]);
        CountingDisk disk = new CountingDisk(StorageRig.open(img));
        try (StorageRig rig = new StorageRig().withNvme(List.of(disk))) {
            Storage s = rig.probe();
            BufferCache cache = (BufferCache) s.disk("nvme0n1").device();
            byte[] b = new byte[16384];
            cache.read(65536, b, 0, b.length);
            int reads = disk.reads.get();
            cache.read(65536 + 100, b, 0, 5000);
            assertEquals(reads, disk.reads.get(), "served from the cache");
            byte[] w = pattern(3000, 3);
            int writes = disk.writes.get();
            cache.write(65536 + 10, w, 0, w.length);
            assertTrue(disk.writes.get() > writes, "written through");
            byte[] r = new byte[3000];
            cache.read(65536 + 10, r, 0, r.length);
            assertArrayEquals(w, r);
            assertArrayEquals(w, java.util.Arrays.copyOfRange(Files.readAllBytes(img), 65536 + 10, 65536 + 3010));
        }
    }

    @Test
    void blockDeviceNodesReadLikeFiles() throws IOException {
        Path img = StorageRig.multiosDisk(dir, "disk.img", 32 << 20);
        try (StorageRig rig = new StorageRig().withNvme(List.of(StorageRig.open(img)))) {
            rig.probe();
            Vfs vfs = rig.kernel.vfs;
            OpenFile f = rig.kernel.syscalls.open(vfs.root(), "/dev/nvme0n1", OpenFile.O_RDONLY, 0, 022);
            byte[] mbr = new byte[512];
            assertEquals(512, f.read(mbr, 0, 512));
            assertEquals(0x55, mbr[510] & 0xff);
            assertEquals(0xaa, mbr[511] & 0xff);
            byte[] hdr = new byte[8];
            assertEquals(8, f.read(hdr, 0, 8));
            assertEquals("EFI PART", new String(hdr, StandardCharsets.US_ASCII));
            assertEquals(32L << 20, f.lseek(0, 2));
            assertEquals(0, f.read(hdr, 0, 8), "end of device");
            OpenFile p2 = rig.kernel.syscalls.open(vfs.root(), "/dev/nvme0n1p2", OpenFile.O_RDONLY, 0, 022);
            byte[] sb = new byte[8];
            p2.pread(0, sb, 0, 8);
            assertEquals("MULTIMFS", new String(sb, StandardCharsets.US_ASCII), "the partition starts with its MFS superblock");
        }
    }

    private static void writeFile(Vfs vfs, org.multios.kernel.syscall.LinuxSyscalls sys, String path, String text) {
        OpenFile f = sys.open(vfs.root(), path, OpenFile.O_WRONLY | OpenFile.O_CREAT | OpenFile.O_TRUNC, 0644, 022);
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        assertEquals(b.length, f.write(b, 0, b.length));
        f.release();
    }

    private static String readFile(Vfs vfs, org.multios.kernel.syscall.LinuxSyscalls sys, String path) {
        OpenFile f = sys.open(vfs.root(), path, OpenFile.O_RDONLY, 0, 022);
        byte[] b = new byte[1 << 16];
        int n = f.read(b, 0, b.length);
        f.release();
        return new String(b, 0, Math.max(0, n), StandardCharsets.UTF_8);
    }

    private static int errno(Runnable r) {
        try {
            r.run();
        } catch (KernelException e) {
            return e.errno();
        }
        return 0;
    }

    @Test
    void mfsRootThroughTheVfsSurvivesUnmountAndIsReadableOnTheHost() throws IOException {
        Path img = StorageRig.multiosDisk(dir, "disk.img", 64 << 20);
        CountingDisk disk = new CountingDisk(StorageRig.open(img));
        try (StorageRig rig = new StorageRig().withNvme(List.of(disk))) {
            Storage s = rig.probe();
            FileSystem fs = s.mountRoot("/dev/nvme0n1p2", false);
            Vfs vfs = rig.kernel.vfs;
            var sys = rig.kernel.syscalls;
            assertEquals("mfs", fs.type());
            assertSame(fs.root(), vfs.root().inode());
            // /dev came along from the early root.
            assertEquals(Inode.S_IFBLK, vfs.resolve(vfs.root(), "/dev/nvme0n1p2", true).inode().mode() & Inode.S_IFMT);

            vfs.root().inode().mkdir("home", 0755);
            writeFile(vfs, sys, "/home/hello.txt", "hello from the guest\n");
            assertEquals("hello from the guest\n", readFile(vfs, sys, "/home/hello.txt"));
            Inode home = vfs.resolve(vfs.root(), "/home", true).inode();
            home.symlink("link", "hello.txt");
            assertEquals("hello from the guest\n", readFile(vfs, sys, "/home/link"));
            assertEquals("hello.txt", vfs.resolve(vfs.root(), "/home/link", false).inode().readlink());
            Inode hello = vfs.resolve(vfs.root(), "/home/hello.txt", true).inode();
            home.link("hard", hello);
            assertEquals(2, hello.nlink());
            writeFile(vfs, sys, "/home/tmp", "new content");
            home.rename("tmp", home, "hello.txt"); // atomic replace
            assertEquals("new content", readFile(vfs, sys, "/home/hello.txt"));
            assertEquals("hello from the guest\n", readFile(vfs, sys, "/home/hard"), "the old file lives on through its other link");
            home.mkdir("sub", 0700);
            assertEquals(Errno.ENOTEMPTY, errno(() -> vfs.root().inode().unlink("home", true)));
            assertEquals(Errno.EEXIST, errno(() -> home.mkdir("sub", 0700)));
            home.unlink("sub", true);
            assertEquals(Errno.ENOENT, errno(() -> home.lookup("sub")));
            List<String> names = sys.open(vfs.root(), "/home", OpenFile.O_RDONLY | OpenFile.O_DIRECTORY, 0, 0).entries().stream().map(Inode.DirEntry::name).toList();
            assertEquals(List.of(".", "..", "hard", "hello.txt", "link"), names);

            hello = vfs.resolve(vfs.root(), "/home/hello.txt", true).inode();
            hello.chmod(0600);
            hello.chown(1000, 100);
            hello.setTimes(1_000_000_000_123L, Inode.TIME_OMIT);
            assertEquals(Inode.S_IFREG | 0600, hello.mode());
            assertEquals(1000, hello.uid());
            assertEquals(100, hello.gid());
            assertEquals(1_000_000_000_123L, hello.atimeNanos());
            assertTrue(hello.mtimeNanos() > 1_600_000_000_000_000_000L);
            assertEquals(11, hello.size());
            hello.truncate(3);
            assertEquals("new", readFile(vfs, sys, "/home/hello.txt"));

            // An open file survives its unlink until it is closed.
            OpenFile open = sys.open(vfs.root(), "/home/hard", OpenFile.O_RDONLY, 0, 0);
            home.unlink("hard", false);
            byte[] b = new byte[64];
            assertEquals(21, open.read(b, 0, 64));
            open.release();

            FileSystem.StatFs st = fs.statfs();
            assertEquals(MfsFileSystem.MAGIC, st.magic());
            assertEquals(4096, st.blockSize());
            assertTrue(st.freeBlocks() > 0 && st.freeBlocks() < st.blocks());

            // fsync commits the journal and ends in NVMe Flush commands.
            int flushes = disk.flushes.get();
            hello.write(3, "!".getBytes(), 0, 1);
            hello.fsync(false);
            assertTrue(disk.flushes.get() >= flushes + 2, "fsync reached the disk as Flush (" + (disk.flushes.get() - flushes) + ")");

            s.unmountAll(); // what reboot and power-off do
            assertTrue(rig.log().contains("unmounted"), rig.log());
        }
        // The host tool's view (./multios image get): the same files, and the journal retired (no replay).
        try (FileBlockDevice dev = new FileBlockDevice(img, true)) {
            GptPartition root = GptDisk.read(dev).byName("root");
            MfsVolume v = MfsVolume.mount(new SliceBlockDevice(dev, root.offsetBytes(), root.sizeBytes(), "root"), MfsMountOptions.readOnlyMount());
            long ino = v.resolve("/home/hello.txt", true);
            byte[] b = new byte[16];
            int n = v.read(ino, 0, b, 0, 16);
            assertEquals("new!", new String(b, 0, n, StandardCharsets.UTF_8));
            assertEquals("hello.txt", v.readlink(v.resolve("/home/link", false)));
            assertThrows(IOException.class, () -> v.resolve("/home/hard", true));
        }
        // And a second boot of the kernel sees them too.
        try (StorageRig rig = new StorageRig().withNvme(List.of(StorageRig.open(img)))) {
            Storage s = rig.probe();
            s.mountRoot("/dev/nvme0n1p2", false);
            assertEquals("new!", readFile(rig.kernel.vfs, rig.kernel.syscalls, "/home/hello.txt"));
        }
    }

    @Test
    void mountOnADirectoryCrossesIntoTheVolumeAndUnmounts() throws IOException {
        Path img = StorageRig.multiosDisk(dir, "disk.img", 32 << 20);
        try (StorageRig rig = new StorageRig().withNvme(List.of(StorageRig.open(img)))) {
            Storage s = rig.probe();
            Vfs vfs = rig.kernel.vfs;
            vfs.root().inode().mkdir("mnt", 0755);
            PathNode mnt = vfs.resolve(vfs.root(), "/mnt", true);
            FileSystem boot = s.mount("/dev/nvme0n1p1", "mfs", false);
            vfs.mount(mnt, boot, "/dev/nvme0n1p1", "rw");
            assertEquals(Errno.EBUSY, errno(() -> s.mount("/dev/nvme0n1p1", "mfs", false)));
            writeFile(vfs, rig.kernel.syscalls, "/mnt/multios.cfg", "timeout 0\n");
            PathNode up = vfs.resolve(vfs.root(), "/mnt/..", true);
            assertSame(vfs.root().inode(), up.inode(), ".. leaves the mount");
            assertTrue(vfs.mounts().stream().anyMatch(m -> m.target().equals("/mnt") && m.fs() == boot));
            Vfs.Mount m = vfs.unmount(vfs.resolve(vfs.root(), "/mnt", true));
            s.unmounted(m.fs());
            assertEquals(Errno.ENOENT, errno(() -> vfs.resolve(vfs.root(), "/mnt/multios.cfg", true)), "the covered directory again");
            assertEquals(Errno.ENODEV, errno(() -> s.mount("/dev/nvme0n1p1", "ext4", false)));
            assertEquals(Errno.ENOENT, errno(() -> s.mount("/dev/nvme9n1", "mfs", false)));
        }
    }

    @Test
    void remountReadOnlyLeavesACleanVolumeAndCanBeUndone() throws IOException {
        Path img = StorageRig.multiosDisk(dir, "disk.img", 32 << 20);
        try (StorageRig rig = new StorageRig().withNvme(List.of(StorageRig.open(img)))) {
            Storage s = rig.probe();
            FileSystem fs = s.mountRoot("/dev/nvme0n1p2", false);
            Vfs vfs = rig.kernel.vfs;
            writeFile(vfs, rig.kernel.syscalls, "/kept", "before the remount");
            fs.remount(true); // what init does to "/" before reboot(2)
            assertEquals(Errno.EROFS, errno(() -> vfs.root().inode().mkdir("x", 0755)));
            // The disk is clean now: the host tool sees the file without replaying anything.
            try (FileBlockDevice dev = new FileBlockDevice(img, true)) {
                GptPartition root = GptDisk.read(dev).byName("root");
                MfsVolume v = MfsVolume.mount(new SliceBlockDevice(dev, root.offsetBytes(), root.sizeBytes(), "root"), MfsMountOptions.readOnlyMount());
                assertEquals(18, v.stat(v.resolve("/kept", true)).size());
            }
            fs.remount(false);
            vfs.root().inode().mkdir("x", 0755);
            s.unmountAll();
        }
    }

    @Test
    void corruptMetadataGivesAReadOnlyMountNotACrash() throws IOException {
        Path img = StorageRig.multiosDisk(dir, "disk.img", 32 << 20);
        long rootStart;
        try (FileBlockDevice dev = new FileBlockDevice(img, false)) {
            GptPartition root = GptDisk.read(dev).byName("root");
            rootStart = root.offsetBytes();
            // A clean unmount first: otherwise mounting replays format's journal over the damage.
            MfsVolume.mount(new SliceBlockDevice(dev, rootStart, root.sizeBytes(), "root"), MfsMountOptions.defaults()).close();
        }
        // Flip a bit in the root volume's free-space bitmap (superblock: blockSize at 16, bitmapStart at 56).
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(img, java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.WRITE)) {
            java.nio.ByteBuffer sb = java.nio.ByteBuffer.allocate(64).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            ch.read(sb, rootStart);
            long at = rootStart + sb.getLong(56) * sb.getInt(16) + 100;
            java.nio.ByteBuffer one = java.nio.ByteBuffer.allocate(1);
            ch.read(one, at);
            one.put(0, (byte) (one.get(0) ^ 0x10));
            ch.write(one.flip(), at);
        }
        try (StorageRig rig = new StorageRig().withNvme(List.of(StorageRig.open(img)))) {
            Storage s = rig.probe();
            FileSystem fs = s.mountRoot("/dev/nvme0n1p2", false);
            assertTrue(fs.readOnly());
            assertTrue(rig.log().contains("read-only"), "log: " + rig.log());
            Vfs vfs = rig.kernel.vfs;
            assertEquals(Errno.EROFS, errno(() -> vfs.root().inode().mkdir("x", 0755)));
            assertTrue(vfs.root().inode().list().stream().anyMatch(e -> e.name().equals("lost+found")), "reads go on");
            assertEquals(FileSystem.StatFs.ST_RDONLY, fs.statfs().flags() & FileSystem.StatFs.ST_RDONLY);
            assertEquals(Errno.EROFS, errno(() -> fs.remount(false)), "corruption keeps it read-only");
            s.syncAll();
            s.unmountAll();
        }
    }

    @Test
    void aControllerThatNeverBecomesReadyIsReportedNotAHang() throws IOException {
        try (StorageRig rig = new StorageRig().withFunction(2, new SilentNvmeFunction(false))) {
            long wall = System.nanoTime();
            Storage s = rig.probe();
            assertTrue(System.nanoTime() - wall < 10_000_000_000L);
            assertTrue(s.controllers().isEmpty());
            assertTrue(s.disks().isEmpty());
            assertTrue(rig.log().contains("nvme0: 00:02.0: not started: nvme0: controller did not become ready within 1000 ms (CAP.TO)"), rig.log());
            assertTrue(rig.clock.nanos() >= 1_000_000_000L, "waited CAP.TO in virtual time");
        }
    }

    @Test
    void aControllerThatNeverCompletesACommandTimesOutWithAnError() throws IOException {
        try (StorageRig rig = new StorageRig().withFunction(2, new SilentNvmeFunction(true))) {
            long wall = System.nanoTime();
            Storage s = rig.probe();
            assertTrue(System.nanoTime() - wall < 10_000_000_000L);
            assertTrue(s.controllers().isEmpty());
            assertTrue(rig.log().contains("Identify (CNS 1): no completion within 60 s"), rig.log());
        }
    }

    @Test
    void ioErrorsBecomeNvmeExceptions() throws IOException {
        Path img = dir.resolve("ro.img");
        Files.write(img, new byte[1 << 20]);
        DiskImage ro = org.multios.devices.block.DiskSpec.parse(img + ",readonly").open(false, w -> {});
        try (StorageRig rig = new StorageRig().withNvme(List.of(ro))) {
            Storage s = rig.probe();
            NvmeBlockDevice ns = s.controllers().get(0).namespaces().get(0);
            assertTrue(ns.isReadOnly(), "NSATTR write protect");
            assertThrows(IOException.class, () -> ns.write(0, new byte[512], 0, 512));
            assertEquals(Errno.EROFS, errno(() -> rig.kernel.syscalls.open(rig.kernel.vfs.root(), "/dev/nvme0n1", OpenFile.O_RDWR, 0, 0)));
            assertNotNull(NvmeException.class);
        }
    }
}
