package org.multios.images.firmware;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad inputs to stage 1 (docs/firmware.md, "Failures"; stage 2's are in
 * {@link FirmwareStage2ErrorTest}): each gives its one clear error line and then a halt — the boot hart parked in wfi with nothing more retired — within a
 * bounded instruction budget, never a silent hang or a jump into garbage. Also two damaged
 * disks the firmware must survive: a bad primary superblock (the backup is used) and an
 * inode table whose home copy is stale (the committed journal transaction is applied).
 */
class FirmwareErrorTest {
    static final String CFG = "timeout 0\nentry MultiOS\n    kernel /boot/kernel.elf\n    initrd /boot/initrd.cpio\n    cmdline console=ttyS0\n";

    static BootDisk standard() {
        return BootDisk.standard(CFG, BootDisk.cpio(Map.of("init", "x".getBytes(StandardCharsets.US_ASCII))));
    }

    /** Boots, expects the error line and then a halt: the hart waits and retires nothing more. */
    static String expectHalt(Path dir, Path disk, String message) throws Exception {
        try (BootRun run = BootRun.start(dir, disk, null, null)) {
            assertTrue(run.waitFor("halted", 60_000), "no halt within 60 s / " + BootRun.MAX_INSTRUCTIONS + " instructions:\n" + run.output());
            String out = run.output();
            assertTrue(out.contains(message), "expected '" + message + "' in:\n" + out);
            assertTrue(out.lines().anyMatch(l -> l.matches("^\\[ *\\d+\\.\\d{6}\\] stage[12]: error: .*")), "a timestamped error line:\n" + out);
            assertFalse(run.kernelEntered, "must not reach the kernel");
            long before = run.board.harts().get(0).instret();
            // The hart parks in wfi with every interrupt disabled, so nothing can wake it: the machine
            // stops with that reason (exit status 1) instead of idling forever.
            for (int i = 0; i < 250 && run.running(); i++) Thread.sleep(20);
            assertFalse(run.running(), "the machine stops once the only hart can never wake");
            String reason = run.board.machine().stopReason();
            assertTrue(reason.startsWith("all CPUs halted"), "stopped as halted, not crashed: " + reason);
            assertTrue(run.board.harts().get(0).isWaiting(), "the boot hart parks in wfi");
            long after = run.board.harts().get(0).instret();
            assertTrue(after - before < 1000, "a halted hart retires (almost) nothing: " + (after - before));
            return out;
        }
    }

    @Test
    void noDisk(@TempDir Path dir) throws Exception {
        expectHalt(dir, null, "stage1: error: no disk: no NVMe controller (PCI class 01/08/02) found");
    }

    @Test
    void diskWithoutGpt(@TempDir Path dir) throws Exception {
        Path disk = dir.resolve("blank.img");
        Files.write(disk, new byte[4 << 20]);
        expectHalt(dir, disk, "stage1: error: no GPT on the disk (no 'EFI PART' header at LBA 1 or at the last LBA)");
    }

    @Test
    void diskWithoutBootPartition(@TempDir Path dir) throws Exception {
        Path disk = standard().write(dir.resolve("disk.img"));
        try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
            // turn the boot partition's type GUID (entry 1, primary and backup arrays) into another one
            patchBoth(f, 1024, b -> b[0] ^= 1);
        }
        expectHalt(dir, disk, "stage1: error: no boot partition on the disk");
    }

    @Test
    void bootPartitionWithoutStage2(@TempDir Path dir) throws Exception {
        Path disk = standard().remove("/boot/stage2.bin").write(dir.resolve("disk.img"));
        expectHalt(dir, disk, "stage1: error: /boot/stage2.bin not found on the boot partition");
    }

    @Test
    void corruptInodeTable(@TempDir Path dir) throws Exception {
        Path disk = standard().write(dir.resolve("disk.img"));
        long part = BootDisk.BOOT_FIRST * 512;
        try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
            byte[] sb = new byte[4096];
            f.seek(part);
            f.readFully(sb);
            ByteBuffer b = ByteBuffer.wrap(sb).order(ByteOrder.LITTLE_ENDIAN);
            long bs = b.getInt(16), inodeTable = b.getLong(80);
            long at = part + inodeTable * bs + 256 + 16;   // inode 1 (the root directory), its size field
            f.seek(at);
            int v = f.read();
            f.seek(at);
            f.write(v ^ 0x40);
        }
        String out = expectHalt(dir, disk, "inode 1): inode checksum mismatch");
        assertTrue(out.contains("stage1: error: mfs: corrupt inode table"), out);
    }

    @Test
    void corruptDirectoryBlock(@TempDir Path dir) throws Exception {
        Path disk = standard().write(dir.resolve("disk.img"));
        byte[] all = Files.readAllBytes(disk);
        long part = BootDisk.BOOT_FIRST * 512;
        ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        int bs = b.getInt((int) part + 16);
        long dataStart = b.getLong((int) part + 96), total = b.getLong((int) part + 24);
        int hits = 0;
        for (long blk = dataStart; blk < total - 1; blk++) {   // every directory bucket ("MFDR")
            int at = (int) (part + blk * bs);
            if (all[at] == 'M' && all[at + 1] == 'F' && all[at + 2] == 'D' && all[at + 3] == 'R') {
                all[at + 44] ^= 0x10;   // inside the first entry: name/ino bytes, covered by the CRC
                hits++;
            }
        }
        assertTrue(hits >= 2, "root and /boot directory blocks found: " + hits);
        Files.write(disk, all);
        expectHalt(dir, disk, "stage1: error: mfs: corrupt directory block");
    }

    @Test
    void badPrimarySuperblockUsesTheBackup(@TempDir Path dir) throws Exception {
        Path disk = standard().write(dir.resolve("disk.img"));
        try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
            f.seek(BootDisk.BOOT_FIRST * 512 + 120);   // the label: covered by the superblock CRC
            f.write('X');
        }
        try (BootRun run = BootRun.start(dir, disk, null, null)) {
            assertTrue(run.awaitStop(60_000), run.output());
            assertTrue(run.kernelEntered, run.output());
            assertTrue(run.output().contains("stage1: mfs: primary superblock bad (checksum mismatch), using the backup"), run.output());
        }
    }

    @Test
    void committedJournalTransactionIsAppliedOverAStaleInodeTable(@TempDir Path dir) throws Exception {
        BootDisk d = standard();
        d.cleanUnmount = false;
        Path disk = d.write(dir.resolve("disk.img"));
        long part = BootDisk.BOOT_FIRST * 512;
        try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
            byte[] sb = new byte[4096];
            f.seek(part);
            f.readFully(sb);
            ByteBuffer b = ByteBuffer.wrap(sb).order(ByteOrder.LITTLE_ENDIAN);
            long bs = b.getInt(16), inodeTable = b.getLong(80);
            // the home copy of the first inode-table block goes stale (as if its checkpoint write was lost)
            f.seek(part + inodeTable * bs);
            f.write(new byte[(int) bs]);
        }
        try (BootRun run = BootRun.start(dir, disk, null, null)) {
            assertTrue(run.awaitStop(60_000), run.output());
            assertTrue(run.output().matches("(?s).*stage1: mfs: journal transaction \\d+ \\(\\d+ blocks\\) applied in memory.*"), run.output());
            assertTrue(run.kernelEntered, "boots from the journal's image of the inode table:\n" + run.output());
        }
    }

    /** Applies the change to the first byte of partition entry 1 in the primary (LBA 2) and backup arrays, fixing both CRCs. */
    static void patchBoth(RandomAccessFile f, long unused, java.util.function.Consumer<byte[]> change) throws Exception {
        long sectors = f.length() / 512;
        for (long hdrLba : new long[] {1, sectors - 1}) {
            byte[] h = new byte[512];
            f.seek(hdrLba * 512);
            f.readFully(h);
            ByteBuffer hb = ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN);
            long arrayLba = hb.getLong(72);
            byte[] array = new byte[128 * 128];
            f.seek(arrayLba * 512);
            f.readFully(array);
            change.accept(array);
            f.seek(arrayLba * 512);
            f.write(array);
            java.util.zip.CRC32 c = new java.util.zip.CRC32();
            c.update(array);
            hb.putInt(88, (int) c.getValue());
            hb.putInt(16, 0);
            c.reset();
            c.update(h, 0, hb.getInt(12));
            hb.putInt(16, (int) c.getValue());
            f.seek(hdrLba * 512);
            f.write(h);
        }
    }
}
