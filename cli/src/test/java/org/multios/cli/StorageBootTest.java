package org.multios.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multios.boards.Firmware;
import org.multios.boards.riscv.RiscvVirtBoard;
import org.multios.boards.riscv.RiscvVirtConfig;
import org.multios.devices.block.DiskSpec;
import org.multios.devices.console.MemoryConsole;
import org.multios.kernel.boot.BootInfo;
import org.multios.kernel.boot.BootInfo.MemoryRange;
import org.multios.kernel.boot.BootInfo.MemoryRange.Kind;
import org.multios.kernel.boot.Cpio;
import org.multios.kernel.boot.KernelBoot;
import org.multios.kernel.fs.gpt.GptDisk;
import org.multios.kernel.fs.gpt.GptPartition;
import org.multios.kernel.fs.mfs.FileBlockDevice;
import org.multios.kernel.fs.mfs.MfsFormatOptions;
import org.multios.kernel.fs.mfs.MfsMountOptions;
import org.multios.kernel.fs.mfs.MfsVolume;
import org.multios.kernel.fs.mfs.SliceBlockDevice;

/**
 * The kernel's storage stack on a running riscv64-virt machine: the boot entry (as in
 * {@link KernelBootTest}, without the firmware stages) with {@code root=/dev/nvme0n1p2}, a disk
 * whose MFS root holds {@code /sbin/init} (the "files" differential program). The kernel probes PCI
 * from the device tree, drives the NVMe controller while the hart is running (polled completions
 * in virtual time), mounts MFS as "/", loads init from it and runs it on it: the program's output
 * must match its recording under qemu-riscv64.
 */
class StorageBootTest {
    static final long RAM = KernelBootTest.RAM, RAM_SIZE = KernelBootTest.RAM_SIZE;

    @TempDir Path tmp;

    static Path disk(Path dir, byte[] init) throws Exception {
        Path img = dir.resolve("disk.img");
        long bytes = 48L << 20;
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(img.toFile(), "rw")) { f.setLength(bytes); }
        try (FileBlockDevice dev = new FileBlockDevice(img, false)) {
            long mib = 2048;
            List<GptPartition> parts = List.of(
                    new GptPartition(GptPartition.MULTIOS_BOOT, UUID.randomUUID(), mib, 9 * mib - 1, 0, "boot"),
                    new GptPartition(GptPartition.MULTIOS_ROOT, UUID.randomUUID(), 9 * mib, (GptDisk.lastUsable(bytes) / mib) * mib - 1, 0, "root"));
            GptDisk.write(dev, UUID.randomUUID(), parts);
            for (GptPartition p : parts) MfsVolume.format(new SliceBlockDevice(dev, p.offsetBytes(), p.sizeBytes(), p.name()), MfsFormatOptions.defaults().withLabel(p.name()));
            GptPartition root = parts.get(1);
            try (MfsVolume v = MfsVolume.mount(new SliceBlockDevice(dev, root.offsetBytes(), root.sizeBytes(), "root"), MfsMountOptions.defaults())) {
                long sbin = v.mkdir(MfsVolume.ROOT, "sbin", 0755, 0, 0);
                v.mkdir(MfsVolume.ROOT, "tmp", 01777, 0, 0);
                long ino = v.create(sbin, "init", 0755, 0, 0);
                v.write(ino, 0, init, 0, init.length);
                long etc = v.mkdir(MfsVolume.ROOT, "etc", 0755, 0, 0);
                long h = v.create(etc, "hostname", 0644, 0, 0);
                v.write(h, 0, "diskbox\n".getBytes(), 0, 8);
            }
        }
        return img;
    }

    /** Boots the kernel with root=/dev/nvme0n1p2 on img; returns (exit status, console). */
    record Run(int status, String console) {}

    Run boot(Path img) throws Exception {
        Path fw = tmp.resolve("standin.bin");
        Files.write(fw, KernelBootTest.firmwareStandIn(KernelBootTest.INFO));
        MemoryConsole console = new MemoryConsole();
        RiscvVirtConfig cfg = new RiscvVirtConfig().bios(new Firmware.None()).kernel(fw).ramSize(RAM_SIZE).console(console)
                .maxInstructions(2_000_000_000L).disk(DiskSpec.parse(img.toString()));
        int status;
        try (RiscvVirtBoard board = RiscvVirtBoard.create(cfg)) {
            KernelBoot.Options opt = new KernelBoot.Options();
            opt.fallback = new java.io.PrintStream(java.io.OutputStream.nullOutputStream());
            KernelBoot.install(board.harts(), board.machine(), opt);
            long dt = board.bootPlan().fdtAddress();
            byte[] initrd = new Cpio.Writer().directory("etc", 0755).finish();
            List<MemoryRange> reserved = new ArrayList<>(List.of(
                    new MemoryRange(RAM, 0x20_0000, Kind.FIRMWARE),
                    new MemoryRange(KernelBootTest.INFO, 0x1000, Kind.BOOTLOADER),
                    new MemoryRange(KernelBootTest.ENTRY, 0x1000, Kind.KERNEL),
                    new MemoryRange(KernelBootTest.INITRD, (initrd.length + 4095) & ~4095L, Kind.INITRD),
                    new MemoryRange(dt, RAM + RAM_SIZE - dt, Kind.DEVICE_TREE)));
            byte[] rec = BootInfo.encode(KernelBootTest.INFO, KernelBootTest.fill(reserved), "root=/dev/nvme0n1p2 console=ttyS0",
                    KernelBootTest.INITRD, initrd.length, dt, 0);
            for (int i = 0; i < rec.length; i++) board.bus().write(KernelBootTest.INFO + i, 1, rec[i] & 0xff);
            for (int i = 0; i < initrd.length; i++) board.bus().write(KernelBootTest.INITRD + i, 1, initrd[i] & 0xff);
            board.bus().write(KernelBootTest.ENTRY, 4, 0x0020_000bL);
            status = board.run();
        }
        String out = console.output();
        if (Boolean.getBoolean("multios.test.print")) System.out.println(out);
        return new Run(status, out);
    }

    @Test
    void bootsWithTheRootOnNvmeAndRunsInitFromMfs() throws Exception {
        byte[] files = Files.readAllBytes(KernelBootTest.PROGRAMS.resolve("files"));
        Path img = disk(tmp, files);
        long wall = System.nanoTime();
        Run r = boot(img);
        String out = r.console();
        assertTrue(out.contains("nvme0n1p2: root"), out);
        assertTrue(out.contains("mounted root (mfs filesystem) on device /dev/nvme0n1p2"), out);
        assertTrue(out.contains("hostname: diskbox"), "/etc/hostname read from MFS: " + out);
        String expected = Files.readString(KernelBootTest.PROGRAMS.resolve("files.expected"));
        for (String line : expected.lines().toList()) {
            if (line.startsWith("exit=")) continue;
            assertTrue(out.contains(line + "\r\n"), "missing '" + line + "' in:\n" + out);
        }
        assertEquals(KernelBoot.PANIC_STATUS, r.status(), "init exited: " + out);
        assertTrue(System.nanoTime() - wall < 60_000_000_000L);
    }

    @Test
    void aCorruptRootMountsReadOnlyAndTheSystemStillRuns() throws Exception {
        byte[] files = Files.readAllBytes(KernelBootTest.PROGRAMS.resolve("files"));
        Path img = disk(tmp, files);
        // Flip a bit in the root volume's free-space bitmap (it was unmounted cleanly: no journal replay repairs it).
        try (FileBlockDevice dev = new FileBlockDevice(img, false)) {
            GptPartition root = GptDisk.read(dev).byName("root");
            byte[] sb = new byte[64];
            dev.read(root.offsetBytes(), sb, 0, 64);
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(sb).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            long at = root.offsetBytes() + b.getLong(56) * b.getInt(16) + 200;
            byte[] one = new byte[1];
            dev.read(at, one, 0, 1);
            one[0] ^= 0x04;
            dev.write(at, one, 0, 1);
        }
        Run r = boot(img);
        String out = r.console();
        assertTrue(out.contains("mounted read-only: corrupt metadata: bitmap block 0: checksum mismatch"), out);
        assertTrue(out.contains("mounted root (mfs filesystem) readonly on device /dev/nvme0n1p2"), out);
        assertTrue(out.contains("hostname: diskbox"), "reads go on: " + out);
        assertTrue(out.contains("mkdir: Read-only file system"), "init ran and got EROFS: " + out);
        assertEquals(KernelBoot.PANIC_STATUS, r.status(), out);
    }
}
