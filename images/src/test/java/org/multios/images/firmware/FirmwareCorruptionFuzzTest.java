package org.multios.images.firmware;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded random damage to what the firmware reads (the GPT header and first entries, the
 * superblock, the first inodes, the directory blocks): every run must end in one of two ways within the
 * instruction budget — the kernel entry with a BootInfo whose initrd is intact, or a timestamped
 * {@code error:} line followed by {@code halted} — never a hang, an unexpected trap, or a kernel
 * entered with wrong data.
 */
class FirmwareCorruptionFuzzTest {
    static final int TRIALS = 6;
    static final String CFG = "timeout 0\nentry MultiOS\n    kernel /boot/kernel.elf\n    initrd /boot/initrd.cpio\n    cmdline console=ttyS0\n";

    @Test
    void damagedDisksBootCorrectlyOrFailClearly(@TempDir Path dir) throws Exception {
        byte[] initrd = BootDisk.cpio(Map.of("init", "#!/bin/sh\n".repeat(500).getBytes(StandardCharsets.US_ASCII)));
        byte[] clean = Files.readAllBytes(BootDisk.standard(CFG, initrd).write(dir.resolve("clean.img")));
        int part = (int) (BootDisk.BOOT_FIRST * 512);
        ByteBuffer sb = ByteBuffer.wrap(clean, part, 4096).slice().order(ByteOrder.LITTLE_ENDIAN);
        int bs = sb.getInt(16);
        long dataStart = sb.getLong(96);
        long inodeTable = sb.getLong(80);
        // what the firmware reads: GPT header and first entries, superblock, the first inodes, directory blocks
        java.util.List<long[]> targets = new java.util.ArrayList<>();
        targets.add(new long[] {512, 92});
        targets.add(new long[] {1024, 256});
        targets.add(new long[] {part, 232});
        targets.add(new long[] {part + inodeTable * bs, 8 * 256});
        for (long b = dataStart; b < clean.length / bs && part + b * bs + 4 <= clean.length && b < dataStart + 64; b++) {
            int at = (int) (part + b * bs);
            if (clean[at] == 'M' && clean[at + 1] == 'F' && clean[at + 2] == 'D' && clean[at + 3] == 'R') targets.add(new long[] {at, 256});
        }
        int booted = 0, failed = 0;
        for (int trial = 0; trial < TRIALS; trial++) {
            Random rnd = new Random(0x5EED0000L + trial);
            byte[] img = clean.clone();
            String where = "";
            for (int flips = 1 + rnd.nextInt(3); flips > 0; flips--) {
                long[] t = targets.get(rnd.nextInt(targets.size()));
                long at = t[0] + rnd.nextInt((int) t[1]);
                img[(int) at] ^= (byte) (1 << rnd.nextInt(8));
                where += " " + at;
            }
            Path disk = dir.resolve("trial" + trial + ".img");
            Files.write(disk, img);
            try (BootRun run = BootRun.start(dir, disk, null, null)) {
                long end = System.currentTimeMillis() + 60_000;
                while (run.running() && !run.output().contains("halted") && System.currentTimeMillis() < end) Thread.sleep(10);
                String out = run.output();
                String ctx = "trial " + trial + " (flipped bits at" + where + "):\n" + out;
                assertFalse(out.contains("unexpected trap"), ctx);
                if (run.kernelEntered) {
                    FirmwareBootTest.checkBootInfo(run, "console=ttyS0", initrd);
                    booted++;
                } else {
                    assertTrue(out.contains("halted"), "neither a kernel entry nor a halt within 60 s: " + ctx);
                    assertTrue(out.lines().anyMatch(l -> l.matches("^\\[ *\\d+\\.\\d{6}\\] stage[12]: error: .*")), "a clear error line: " + ctx);
                    failed++;
                }
            }
        }
        System.out.printf("FirmwareCorruptionFuzzTest: %d booted intact, %d failed with a message%n", booted, failed);
    }
}
