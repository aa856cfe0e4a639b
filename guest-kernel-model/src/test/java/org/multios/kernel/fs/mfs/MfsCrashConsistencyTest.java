package org.multios.kernel.fs.mfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Must show 2: a child JVM runs {@link MfsCrashWorkload} against an image file and is SIGKILLed
 * at seeded random moments. After each kill: mount (journal replay) finds no problem, fsck is
 * clean, every file whose last logged event was an fsync holds exactly what was fsynced, and no
 * file holds bytes it never held (each file is a prefix of its id's stream ending at a write
 * boundary). The next round continues on the same image.
 */
class MfsCrashConsistencyTest {
    static final int ROUNDS = Integer.getInteger("mfs.crashRounds", 16);

    @Test
    void survivesSigkillAtRandomPoints(@TempDir Path tmp) throws Exception {
        Path img = tmp.resolve("crash.img"), log = tmp.resolve("ops.log");
        try (FileBlockDevice dev = FileBlockDevice.create(img, 48L << 20)) {
            MfsVolume.format(dev, MfsFormatOptions.defaults());
        }
        Files.createFile(log);
        Random r = new Random(20261128);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        int checkedFsynced = 0, checkedFiles = 0, replays = 0;
        for (int round = 0; round < ROUNDS; round++) {
            Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), MfsCrashWorkload.class.getName(),
                    img.toString(), log.toString(), Long.toString(round + 1)).redirectErrorStream(true).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()));
            String first = out.readLine();
            if (!"ready".equals(first)) {
                StringBuilder all = new StringBuilder(String.valueOf(first));
                for (String l; (l = out.readLine()) != null; ) all.append('\n').append(l);
                fail("round " + round + ": workload did not start:\n" + all);
            }
            // Kill at a random point measured in the workload's progress (logged operations), not in
            // wall time: on a loaded machine a fixed delay may land before anything was fsynced.
            long target = lines(log) + 1 + r.nextInt(40);
            for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60); lines(log) < target && System.nanoTime() < end && p.isAlive(); )
                Thread.sleep(2);
            Thread.sleep(r.nextInt(25));
            assertTrue(p.isAlive(), "round " + round + ": workload died on its own");
            p.destroyForcibly(); // SIGKILL on Linux
            assertTrue(p.waitFor(10, TimeUnit.SECONDS));
            assertEquals(137, p.exitValue(), "killed by SIGKILL");
            try (FileBlockDevice dev = new FileBlockDevice(img, false); MfsVolume v = MfsVolume.mount(dev, MfsMountOptions.defaults())) {
                assertTrue(v.mountProblems().isEmpty(), "round " + round + ": " + v.mountProblems());
                assertFalse(v.isReadOnly());
                FsckReport rep = Fsck.check(v, false);
                assertTrue(rep.clean(), "round " + round + ": fsck " + rep.problems);
                Map<String, long[]> files = new HashMap<>();
                for (String d : List.of("/a", "/b")) {
                    long dino;
                    try {
                        dino = v.resolve(d, true);
                    } catch (MfsException e) {
                        continue; // killed before the first mkdir committed
                    }
                    for (MfsDirEntry e : v.readdir(dino)) files.put(d + "/" + e.name(), verify(v, d + "/" + e.name(), e.ino(), round));
                }
                checkedFiles += files.size();
                // the last event logged for each path
                Map<String, String> last = new HashMap<>();
                for (String line : Files.readAllLines(log)) {
                    String[] w = line.split(" ");
                    if (w.length >= 2) last.put(w[1], line);
                }
                for (Map.Entry<String, String> e : last.entrySet()) {
                    String[] w = e.getValue().split(" ");
                    if (!w[0].equals("S") || w.length != 4) continue;
                    long[] got = files.get(e.getKey());
                    assertTrue(got != null, "round " + round + ": fsynced file " + e.getKey() + " is missing");
                    assertEquals(Long.parseLong(w[2]), got[0], "round " + round + ": fsynced " + e.getKey() + " has another identity");
                    assertEquals(Long.parseLong(w[3]), got[1], "round " + round + ": fsynced " + e.getKey() + " has another length");
                    checkedFsynced++;
                }
                replays++;
            }
        }
        assertEquals(ROUNDS, replays);
        assertTrue(checkedFsynced > ROUNDS, "the test checked fsynced files (" + checkedFsynced + ")");
        System.out.println("crash test: " + ROUNDS + " kills, " + checkedFiles + " file checks, " + checkedFsynced + " fsynced files intact");
    }

    private static long lines(Path log) throws java.io.IOException {
        try (var l = Files.lines(log)) {
            return l.count();
        }
    }

    /** Returns {id, length}; fails unless the file is a state it held: header + stream prefix at a write boundary. */
    static long[] verify(MfsVolume v, String path, long ino, int round) throws Exception {
        MfsStat st = v.stat(ino);
        long len = st.size();
        if (len == 0) return new long[] {-1, 0};
        assertTrue(len >= 8, "round " + round + ": " + path + " is " + len + " bytes, shorter than its header");
        byte[] b = new byte[(int) len];
        v.read(ino, 0, b, 0, b.length);
        long id = MetaBlock.le(b).getLong(0);
        for (int i = 8; i < len; i++)
            if (b[i] != MfsCrashWorkload.streamByte(id, i)) fail("round " + round + ": " + path + " byte " + i + " was never written there");
        long boundary = 8;
        int n = 0;
        while (boundary < len) boundary += MfsCrashWorkload.chunk(id, n++);
        assertEquals(boundary, len, "round " + round + ": " + path + " ends inside a write");
        return new long[] {id, len};
    }
}
