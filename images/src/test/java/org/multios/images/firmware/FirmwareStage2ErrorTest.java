package org.multios.images.firmware;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.multios.images.firmware.FirmwareErrorTest.expectHalt;
import static org.multios.images.firmware.FirmwareErrorTest.standard;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad inputs to stage 2 (docs/firmware.md, "Failures"): a truncated or missing kernel, a
 * configuration without entries, an initrd that is not a cpio archive. Each gives its clear
 * message and a halt within the instruction budget ({@link FirmwareErrorTest#expectHalt}).
 */
class FirmwareStage2ErrorTest {
    @Test
    void truncatedKernel(@TempDir Path dir) throws Exception {
        byte[] kernel = BootDisk.resource("kernel.elf");
        Path disk = standard().put("/boot/kernel.elf", Arrays.copyOf(kernel, 4100)).write(dir.resolve("disk.img"));
        expectHalt(dir, disk, "stage2: error: /boot/kernel.elf is truncated: program header 1 needs bytes 4096-4106, file has 4100");
    }

    @Test
    void kernelMissing(@TempDir Path dir) throws Exception {
        Path disk = standard().remove("/boot/kernel.elf").write(dir.resolve("disk.img"));
        expectHalt(dir, disk, "stage2: error: kernel /boot/kernel.elf not found on the boot partition");
    }

    @Test
    void configWithoutEntries(@TempDir Path dir) throws Exception {
        Path disk = standard().put("/boot/multios.cfg", "timeout 1\nbogus line\n".getBytes(StandardCharsets.US_ASCII)).write(dir.resolve("disk.img"));
        String out = expectHalt(dir, disk, "stage2: error: /boot/multios.cfg has no boot entries");
        assertTrue(out.contains("warning: multios.cfg line 2: unknown keyword 'bogus', ignored"), out);
    }

    @Test
    void initrdThatIsNotCpio(@TempDir Path dir) throws Exception {
        Path disk = standard().put("/boot/initrd.cpio", "not an archive".getBytes(StandardCharsets.US_ASCII)).write(dir.resolve("disk.img"));
        expectHalt(dir, disk, "stage2: error: initrd /boot/initrd.cpio is not a newc cpio archive (no 070701 magic)");
    }
}
