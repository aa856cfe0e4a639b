package org.multios.images.firmware;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multios.kernel.fs.mfs.Compression;

/**
 * Boot volumes the MFS reader must handle beyond the plain case: files whose extents overflow
 * the inode into extent blocks, LZ4-compressed files (decoded by the firmware), 64 KiB blocks;
 * and Zstandard, which the firmware refuses by name. The kernel's BootInfo checks of
 * {@link FirmwareBootTest} prove every byte of the initrd arrived.
 */
class FirmwareDiskFormatsTest {
    static final String CFG = "timeout 0\nentry MultiOS\n    kernel /boot/kernel.elf\n    initrd /boot/initrd.cpio\n    cmdline console=ttyS0\n";

    static byte[] initrd() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        byte[] text = new byte[90_000];   // compressible, and 22 blocks of 4 KiB
        for (int i = 0; i < text.length; i++) text[i] = (byte) ("MultiOS boot chain " + (i / 64)).charAt(i % 19);
        m.put("text", text);
        byte[] noise = new byte[20_000];   // not compressible: raw clusters beside compressed ones
        long x = 0x9E3779B97F4A7C15L;
        for (int i = 0; i < noise.length; i++) { x ^= x << 13; x ^= x >>> 7; x ^= x << 17; noise[i] = (byte) x; }
        m.put("noise", noise);
        return BootDisk.cpio(m);
    }

    static void boots(Path dir, BootDisk d) throws Exception {
        boots(dir, d, d.write(dir.resolve("disk.img")));
    }

    static void boots(Path dir, BootDisk d, Path disk) throws Exception {
        try (BootRun run = BootRun.start(dir, disk, null, null)) {
            assertTrue(run.awaitStop(60_000), run.output());
            FirmwareBootTest.checkBootInfo(run, "console=ttyS0", initrd());
        }
    }

    @Test
    void fragmentedFilesWithOverflowExtentBlocks(@TempDir Path dir) throws Exception {
        BootDisk d = BootDisk.standard(CFG, initrd()).put("/boot/other.bin", new byte[120_000]);
        d.fragment = true;
        Path disk = d.write(dir.resolve("disk.img"));
        int extents = d.extentCount(disk, "/boot/initrd.cpio");
        assertTrue(extents > 4, "the initrd needs extent overflow blocks (4 extents fit inline): " + extents);
        assertTrue(d.extentCount(disk, "/boot/stage2.bin") > 4, "stage 2 too");
        boots(dir, d, disk);
    }

    @Test
    void lz4CompressedBootVolume(@TempDir Path dir) throws Exception {
        BootDisk d = BootDisk.standard(CFG, initrd());
        d.format = d.format.withCompression(Compression.LZ4);
        Path disk = d.write(dir.resolve("disk.img"));
        assertTrue(d.compressedInlineExtents(disk, "/boot/initrd.cpio") > 0, "the initrd has LZ4 extents");
        assertTrue(d.compressedInlineExtents(disk, "/boot/stage2.bin") > 0, "stage 2 has LZ4 extents");
        boots(dir, d, disk);
    }

    @Test
    void sixtyFourKilobyteBlocks(@TempDir Path dir) throws Exception {
        BootDisk d = BootDisk.standard(CFG, initrd());
        d.format = d.format.withBlockSize(65536);
        boots(dir, d);
    }

    @Test
    void zstandardIsRefusedByName(@TempDir Path dir) throws Exception {
        BootDisk d = BootDisk.standard(CFG, initrd());
        d.format = d.format.withCompression(Compression.ZSTD);
        FirmwareErrorTest.expectHalt(dir, d.write(dir.resolve("disk.img")),
                "stage1: error: /boot/stage2.bin is stored with Zstandard compression, which the boot loader cannot read (LZ4 or none only)");
    }
}
