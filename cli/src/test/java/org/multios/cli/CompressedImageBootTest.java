package org.multios.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.multios.kernel.fs.gpt.GptDisk;
import org.multios.kernel.fs.gpt.GptPartition;
import org.multios.kernel.fs.mfs.Compression;
import org.multios.kernel.fs.mfs.FileBlockDevice;
import org.multios.kernel.fs.mfs.MfsMountOptions;
import org.multios.kernel.fs.mfs.MfsVolume;
import org.multios.kernel.fs.mfs.SliceBlockDevice;

/**
 * {@code image create --compress zstd} compresses the root partition with Zstandard but leaves the
 * boot partition uncompressed (stage 1's MFS reader decodes LZ4 at most), so the image still boots
 * to the shell, which runs programs read from the Zstandard-compressed root.
 */
class CompressedImageBootTest {
    @TempDir Path dir;

    static Compression compressionOf(Path img, String partition, String path) throws Exception {
        try (FileBlockDevice f = new FileBlockDevice(img, true)) {
            GptPartition p = GptDisk.read(f).byName(partition);
            try (MfsVolume v = MfsVolume.mount(new SliceBlockDevice(f, p.offsetBytes(), p.sizeBytes(), partition), MfsMountOptions.readOnlyMount())) {
                return v.stat(v.resolve(path, true)).compression();
            }
        }
    }

    @Test
    @Timeout(600)
    void zstdImageKeepsItsBootPartitionReadableAndBoots() throws Exception {
        Path img = dir.resolve("zstd.img");
        GuestFsBenchTest.cli("image", "create", "--size", "64M", "--compress", "zstd", img.toString());
        assertEquals(Compression.NONE, compressionOf(img, "boot", "/boot/stage2.bin"), "stage 2 is stored plainly");
        assertEquals(Compression.NONE, compressionOf(img, "boot", "/boot/kernel.elf"));
        assertEquals(Compression.NONE, compressionOf(img, "boot", "/boot/initrd.cpio"));
        assertEquals(Compression.ZSTD, compressionOf(img, "root", "/bin/mbox"), "the root partition honours --compress zstd");

        BootConsoleTest.Screen screen = new BootConsoleTest.Screen();
        PipedOutputStream keys = new PipedOutputStream();
        PipedInputStream in = new PipedInputStream(keys, 4096);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        AtomicInteger status = new AtomicInteger(-1);
        Thread machine = Thread.ofPlatform().name("multios-zstd-boot").start(() -> status.set(Multios.run(
                new String[] {"boot", "--disk", img.toString(), "--rtc", "fixed"}, in,
                new PrintStream(screen, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))));
        int at = screen.waitFor(DiskPersistenceTest.LINE_PROMPT, 0, machine);
        BootConsoleTest.Console c = new BootConsoleTest.Console(screen, keys, machine, at + DiskPersistenceTest.LINE_PROMPT.length());
        String mounts = c.type("cat /proc/mounts");
        assertTrue(mounts.contains("/dev/nvme0n1p2 / mfs rw"), "the root is the compressed MFS partition:\n" + mounts);
        assertEquals("42", c.type("echo $((6*7))").strip());
        c.type("echo zstd root > /z && sync");
        c.send("poweroff");
        machine.join(BootConsoleTest.WAIT_MS);
        assertFalse(machine.isAlive(), "poweroff ends the emulator:\n" + screen.text());
        assertEquals(0, status.get(), "exit status after poweroff; stderr: " + err + "\n" + screen.text());
        assertEquals(Compression.ZSTD, compressionOf(img, "root", "/z"), "a file the guest wrote takes the volume's default");
    }
}
