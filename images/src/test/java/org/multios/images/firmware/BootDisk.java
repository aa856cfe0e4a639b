package org.multios.images.firmware;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.multios.kernel.fs.gpt.GptDisk;
import org.multios.kernel.fs.gpt.GptPartition;
import org.multios.kernel.fs.mfs.MemoryBlockDevice;
import org.multios.kernel.fs.mfs.MfsFormatOptions;
import org.multios.kernel.fs.mfs.MfsMountOptions;
import org.multios.kernel.fs.mfs.MfsVolume;
import org.multios.kernel.fs.mfs.SliceBlockDevice;

/**
 * Builds boot disks as {@code ./multios image create} lays them out (docs/boot.md): GPT with an
 * MFS {@code boot} partition (LBA 2048, 8 MiB) and an MFS {@code root} partition, through the
 * kernel's own GPT and MFS code. Files are given by absolute path on the boot partition.
 */
final class BootDisk {
    static final String RES = "/org/multios/images/firmware/riscv64/";
    static final long DISK_BYTES = 16L << 20, BOOT_FIRST = 2048, BOOT_LAST = 2048 + (8L << 20) / 512 - 1;
    static final UUID DISK_GUID = UUID.fromString("4d756c74-694f-5300-0000-000000000001");
    static final UUID BOOT_GUID = UUID.fromString("ec176d37-844d-b54c-8404-807ab88c8700");
    static final UUID ROOT_GUID = UUID.fromString("ec176d37-844d-b54c-8404-807ab88c8701");

    final Map<String, byte[]> files = new LinkedHashMap<>();
    /** False: the boot volume is synced but not unmounted, so its last transaction stays in the journal. */
    boolean cleanUnmount = true;
    /** How the boot volume is formatted (block size, default compression). */
    MfsFormatOptions format = MfsFormatOptions.defaults().withLabel("boot");
    /** True: files are written 4 KiB at a time, round-robin, so each gets many one-block extents. */
    boolean fragment;
    /** Inode numbers of the files written, by path. */
    final Map<String, Long> inodes = new LinkedHashMap<>();

    static byte[] resource(String name) {
        try (InputStream in = BootDisk.class.getResourceAsStream(RES + name)) {
            if (in == null) throw new AssertionError("missing resource " + RES + name + " (images/firmware/riscv64/build.sh)");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** The default boot partition: stage 2, the kernel stub, an initrd and the given configuration. */
    static BootDisk standard(String cfg, byte[] initrd) {
        BootDisk d = new BootDisk();
        d.files.put("/boot/stage2.bin", resource("stage2.bin"));
        d.files.put("/boot/kernel.elf", resource("kernel.elf"));
        d.files.put("/boot/multios.cfg", cfg.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        d.files.put("/boot/initrd.cpio", initrd);
        return d;
    }

    BootDisk put(String path, byte[] data) { files.put(path, data); return this; }
    BootDisk remove(String path) { files.remove(path); return this; }

    /** Writes the image; returns the file. Built in memory (no fsync per MFS commit), then written once. */
    Path write(Path file) throws IOException {
        MemoryBlockDevice dev = new MemoryBlockDevice((int) DISK_BYTES);
        {
            long last = GptDisk.lastUsable(DISK_BYTES);
            GptPartition boot = new GptPartition(GptPartition.MULTIOS_BOOT, BOOT_GUID, BOOT_FIRST, BOOT_LAST, 0, "boot");
            GptPartition root = new GptPartition(GptPartition.MULTIOS_ROOT, ROOT_GUID, BOOT_LAST + 1, last, 0, "root");
            GptDisk.write(dev, DISK_GUID, List.of(boot, root));
            SliceBlockDevice bootDev = new SliceBlockDevice(dev, boot.offsetBytes(), boot.sizeBytes(), "boot");
            MfsVolume.format(bootDev, format);
            MfsVolume v = MfsVolume.mount(bootDev, MfsMountOptions.defaults());
            try {
                for (String path : files.keySet()) {
                    long dir = MfsVolume.ROOT;
                    String[] parts = path.substring(1).split("/");
                    for (int i = 0; i < parts.length - 1; i++) {
                        try {
                            dir = v.lookup(dir, parts[i]);
                        } catch (IOException missing) {
                            dir = v.mkdir(dir, parts[i], 0755, 0, 0);
                        }
                    }
                    inodes.put(path, v.create(dir, parts[parts.length - 1], 0644, 0, 0));
                }
                int chunk = fragment ? 4096 : Integer.MAX_VALUE;
                for (long at = 0; ; at += chunk) {
                    boolean more = false;
                    for (Map.Entry<String, byte[]> f : files.entrySet()) {
                        byte[] data = f.getValue();
                        if (at >= data.length) continue;
                        int len = (int) Math.min(chunk, data.length - at);
                        v.write(inodes.get(f.getKey()), at, data, (int) at, len);
                        more |= at + len < data.length;
                    }
                    if (!more) break;
                }
            } finally {
                if (cleanUnmount) v.close();
                else v.sync();   // committed and written home, the descriptor left in place (a crash after sync)
            }
            SliceBlockDevice rootDev = new SliceBlockDevice(dev, root.offsetBytes(), root.sizeBytes(), "root");
            MfsVolume.format(rootDev, MfsFormatOptions.defaults().withLabel("root"));
        }
        Files.write(file, dev.bytes());
        return file;
    }

    /** The extent count recorded in a file's inode on the written image (inline + overflow). */
    int extentCount(Path image, String path) throws IOException { return inode(image, path).getInt(64); }

    /** How many of the inode's inline extents are stored compressed (stored bytes != 0). */
    int compressedInlineExtents(Path image, String path) throws IOException {
        java.nio.ByteBuffer n = inode(image, path);
        int c = 0;
        for (int i = 0; i < Math.min(4, n.getInt(64)); i++) if (n.getInt(80 + 32 * i + 24) != 0) c++;
        return c;
    }

    private java.nio.ByteBuffer inode(Path image, String path) throws IOException {
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(image)) {
            java.nio.ByteBuffer sb = java.nio.ByteBuffer.allocate(4096).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            ch.read(sb, BOOT_FIRST * 512);
            int bs = sb.getInt(16);
            long table = sb.getLong(80), ino = inodes.get(path);
            java.nio.ByteBuffer n = java.nio.ByteBuffer.allocate(256).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            ch.read(n, BOOT_FIRST * 512 + (table + ino / (bs / 256)) * bs + (ino % (bs / 256)) * 256);
            return n;
        }
    }

    /** The GPT entry's unique GUID bytes as stored on disk (first three fields little-endian). */
    static byte[] guidBytes(UUID u) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(16).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long hi = u.getMostSignificantBits(), lo = u.getLeastSignificantBits();
        b.putInt((int) (hi >>> 32)).putShort((short) (hi >>> 16)).putShort((short) hi);
        for (int i = 0; i < 8; i++) b.put((byte) (lo >>> (56 - 8 * i)));
        return b.array();
    }

    /** A newc cpio archive with the given files (and the trailer), as the kernel's initrd reader expects. */
    static byte[] cpio(Map<String, byte[]> entries) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int ino = 1;
        for (Map.Entry<String, byte[]> e : entries.entrySet()) cpioEntry(out, e.getKey(), e.getValue(), 0100644, ino++);
        cpioEntry(out, "TRAILER!!!", new byte[0], 0, 0);
        return out.toByteArray();
    }

    private static void cpioEntry(java.io.ByteArrayOutputStream out, String name, byte[] data, int mode, int ino) {
        byte[] n = (name + "\0").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        String h = String.format("070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
                ino, mode, 0, 0, 1, 0, data.length, 0, 0, 0, 0, n.length, 0);
        out.writeBytes(h.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        out.writeBytes(n);
        while (out.size() % 4 != 0) out.write(0);
        out.writeBytes(data);
        while (out.size() % 4 != 0) out.write(0);
    }
}
