package org.multios.kernel.fs.gpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multios.kernel.fs.mfs.FileBlockDevice;
import org.multios.kernel.fs.mfs.MemoryBlockDevice;

class GptDiskTest {
    static final UUID DISK = UUID.fromString("12345678-9abc-def0-1122-334455667788");

    static List<GptPartition> parts() {
        return List.of(new GptPartition(GptPartition.MULTIOS_BOOT, UUID.fromString("00000000-0000-0000-0000-000000000001"), 2048, 4095, 0, "boot"),
                new GptPartition(GptPartition.MULTIOS_ROOT, UUID.fromString("00000000-0000-0000-0000-000000000002"), 4096, 16383, 0, "root"));
    }

    @Test
    void roundTripsAndHasAProtectiveMbr() throws Exception {
        MemoryBlockDevice d = new MemoryBlockDevice(16 << 20);
        GptDisk.write(d, DISK, parts());
        GptDisk g = GptDisk.read(d);
        assertEquals(DISK, g.diskGuid());
        assertEquals(parts(), g.partitions());
        assertFalse(g.usedBackup());
        byte[] b = d.bytes();
        assertEquals((byte) 0xEE, b[446 + 4], "protective partition type");
        assertEquals("EFI PART", new String(b, 512, 8, java.nio.charset.StandardCharsets.US_ASCII));
        // GUIDs are mixed-endian on disk: the first field little-endian
        assertEquals(0x78, b[512 + 56] & 0xff);
    }

    @Test
    void fallsBackToTheBackupAndReportsBadChecksums() throws Exception {
        MemoryBlockDevice d = new MemoryBlockDevice(16 << 20);
        GptDisk.write(d, DISK, parts());
        d.bytes()[512 + 40] ^= 1; // primary header field: CRC no longer matches
        GptDisk g = GptDisk.read(d);
        assertTrue(g.usedBackup());
        assertEquals(parts(), g.partitions());
        int last = d.bytes().length - 512;
        d.bytes()[last + 40] ^= 1;
        GptException e = assertThrows(GptException.class, () -> GptDisk.read(d));
        assertTrue(e.getMessage().contains("bad CRC32"), e.getMessage());
    }

    @Test
    void entryArrayChecksumIsChecked() throws Exception {
        MemoryBlockDevice d = new MemoryBlockDevice(16 << 20);
        GptDisk.write(d, DISK, parts());
        d.bytes()[1024 + 60] ^= 4; // a name byte in the primary array
        assertTrue(GptDisk.read(d).usedBackup());
    }

    @Test
    void notGptAndTooSmall() {
        assertTrue(assertThrows(GptException.class, () -> GptDisk.read(new MemoryBlockDevice(16 << 20))).getMessage().contains("not a GPT disk"));
        assertTrue(assertThrows(GptException.class, () -> GptDisk.read(new MemoryBlockDevice(4096))).getMessage().contains("too small"));
    }

    /** util-linux's sfdisk reads our table the same way (oracle; skipped without sfdisk unless MULTIOS_REQUIRE_ORACLES=1). */
    @Test
    void sfdiskAgrees(@TempDir Path tmp) throws Exception {
        Path sfdisk = Path.of("/usr/sbin/sfdisk");
        if (!Files.isExecutable(sfdisk)) {
            if ("1".equals(System.getenv("MULTIOS_REQUIRE_ORACLES"))) throw new AssertionError("sfdisk (util-linux fdisk package) is required");
            Assumptions.abort("sfdisk not installed");
        }
        Path img = tmp.resolve("d.img");
        try (FileBlockDevice f = FileBlockDevice.create(img, 16 << 20)) {
            GptDisk.write(f, DISK, parts());
        }
        Process p = new ProcessBuilder(sfdisk.toString(), "--dump", img.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("label: gpt"), out);
        assertTrue(out.contains("label-id: " + DISK.toString().toUpperCase()), out);
        assertTrue(out.contains("start=        2048, size=        2048, type=" + GptPartition.MULTIOS_BOOT.toString().toUpperCase()), out);
        assertTrue(out.contains("start=        4096, size=       12288, type=" + GptPartition.MULTIOS_ROOT.toString().toUpperCase()), out);
        assertTrue(out.contains("name=\"root\""), out);
        assertFalse(out.toLowerCase().contains("corrupt"), out);
    }
}
