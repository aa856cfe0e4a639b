package org.multios.devices.block;

import static org.junit.jupiter.api.Assertions.*;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Must show 3: a JVM writing through an overlay is killed with SIGKILL in the middle of
 * a stream of writes. Afterwards the base image is byte-identical, the overlay opens,
 * every write whose flush completed is there, and every block holds a value some
 * write (or the base) gave it: nothing torn into garbage.
 */
class OverlayCrashTest {
    @TempDir Path dir;

    static String sha(Path p) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
    }

    @Test
    void sigkillDuringWritesKeepsBaseIntactAndFlushedWritesDurable() throws Exception {
        Path base = dir.resolve("base.img");
        byte[] b = new byte[8 << 20];
        new Random(11).nextBytes(b);
        Files.write(base, b);
        String baseSha = sha(base);
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (int round = 0; round < 3; round++) {
            long seed = 100 + round;
            Path overlay = dir.resolve("o" + round + ".ovl");
            Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    OverlayCrashWriter.class.getName(), base.toString(), overlay.toString(), Long.toString(seed))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            int flushed = 0;
            int target = 20 + round * 15;
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.startsWith("F ")) flushed = Integer.parseInt(line.substring(2));
                    if (flushed >= target * OverlayCrashWriter.FLUSH_EVERY) break;
                }
                Thread.sleep(round * 7L); // kill at different points of the write/flush cycle
                p.destroyForcibly(); // SIGKILL on Linux
                assertTrue(p.waitFor(30, TimeUnit.SECONDS));
                // Reports still in the pipe are not counted: that only makes the check weaker, never wrong.
            }
            assertEquals(137, p.exitValue(), "killed by SIGKILL, not finished");
            assertTrue(flushed >= target * OverlayCrashWriter.FLUSH_EVERY, "writer made progress: " + flushed);
            assertEquals(baseSha, sha(base), "base image byte-identical after the crash");
            verify(base, overlay, seed, flushed, b);
        }
    }

    private void verify(Path base, Path overlay, long seed, int flushed, byte[] baseBytes) throws Exception {
        try (DiskImage d = DiskSpec.parse(base + ",overlay=" + overlay).open(false, w -> {})) {
            long blocks = d.size() / 512;
            OverlayCrashWriter.Op[] ops = OverlayCrashWriter.ops(seed, blocks);
            // Per block: the last flushed write that touched it, and every write at all.
            int[] lastFlushed = new int[(int) blocks];
            Arrays.fill(lastFlushed, -1);
            for (int i = 0; i < flushed; i++) {
                for (int k = 0; k < ops[i].nlb(); k++) lastFlushed[(int) (ops[i].lba() + k)] = i;
            }
            byte[] all = new byte[(int) d.size()];
            d.read(0, all, 0, all.length);
            byte[] zero = new byte[512];
            int checkedFlushed = 0;
            for (int blk = 0; blk < blocks; blk++) {
                byte[] got = Arrays.copyOfRange(all, blk * 512, blk * 512 + 512);
                int from = lastFlushed[blk];
                boolean ok = from < 0 && Arrays.equals(got, Arrays.copyOfRange(baseBytes, blk * 512, blk * 512 + 512));
                // Any write at or after the last flushed one may be what the block holds.
                for (int i = Math.max(from, 0); !ok && i < ops.length; i++) {
                    OverlayCrashWriter.Op op = ops[i];
                    if (blk < op.lba() || blk >= op.lba() + op.nlb()) continue;
                    if (i < from) continue;
                    ok = Arrays.equals(got, op.zero() ? zero : OverlayCrashWriter.block(i, blk));
                }
                if (from >= 0) checkedFlushed++;
                final int b = blk;
                assertTrue(ok, () -> "block " + b + " lost its flushed write " + lastFlushed[b] + " or holds garbage");
            }
            assertTrue(checkedFlushed > 100, "flushed writes covered " + checkedFlushed + " blocks");
        }
    }
}
