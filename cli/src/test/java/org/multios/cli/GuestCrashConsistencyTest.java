package org.multios.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.multios.kernel.fs.gpt.GptDisk;
import org.multios.kernel.fs.gpt.GptPartition;
import org.multios.kernel.fs.mfs.BlockDevice;
import org.multios.kernel.fs.mfs.FileBlockDevice;
import org.multios.kernel.fs.mfs.Fsck;
import org.multios.kernel.fs.mfs.FsckReport;
import org.multios.kernel.fs.mfs.MfsDirEntry;
import org.multios.kernel.fs.mfs.MfsException;
import org.multios.kernel.fs.mfs.MfsMountOptions;
import org.multios.kernel.fs.mfs.MfsVolume;
import org.multios.kernel.fs.mfs.SliceBlockDevice;

/**
 * Issue 5, Must show 2, end to end: the emulator process ({@code multios boot --disk IMG}, root on
 * MFS over NVMe) is killed with SIGKILL at random points while a shell workload in the guest
 * creates, appends, renames, deletes and syncs files. After each kill the host mounts the image:
 * no mount problems, {@code fsck} clean, every file the guest reported as synced is there with
 * exactly its contents, and no file holds data it never held (each is empty or a prefix of what
 * the guest wrote into it). The next round boots the same image again.
 */
@Timeout(900)
class GuestCrashConsistencyTest {
    static final int ROUNDS = 4;
    static final Pattern SYNCED = Pattern.compile("SYNCED (\\d+)");

    @TempDir Path dir;

    /** What the workload writes into file number i (the guest's echo lines). */
    static String content(int i) { return "payload-" + i + "-" + (i * 7919 % 1000) + "\nmore-" + i + "\n"; }

    @Test
    void sigkillDuringAGuestWorkloadLeavesAConsistentVolume() throws Exception {
        Path img = dir.resolve("crash.img");
        assertEquals(0, DiskPersistenceTest.cli("image", "create", "--size", "64M", img.toString()));
        Random r = new Random(20261128);
        int start = 0, synced = 0, checked = 0;
        for (int round = 0; round < ROUNDS; round++) {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-Xss16m",
                    "-cp", System.getProperty("java.class.path"), Multios.class.getName(),
                    "boot", "--disk", img.toString(), "--rtc", "fixed"));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            StringBuffer screen = new StringBuffer();
            Thread reader = Thread.ofPlatform().daemon().start(() -> copy(p.getInputStream(), screen));
            waitFor(screen, "\nmultios# ", p, 240);
            // The workload: each iteration writes a temporary file in two steps, renames it into place,
            // creates and deletes a scratch file, syncs, and only then reports the file as synced.
            String script = "mkdir -p /home/crash; cd /home/crash; i=" + start + "; while [ $i -lt " + (start + 400) + " ]; do "
                    + "echo payload-$i-$((i*7919%1000)) > t$i; echo more-$i >> t$i; mv t$i f$i; "
                    + "echo scratch > s$i; rm s$i; sync; echo SYNCED $i; i=$((i+1)); done\n";
            OutputStream keys = p.getOutputStream();
            keys.write(script.getBytes(StandardCharsets.US_ASCII));
            keys.flush();
            int target = 2 + r.nextInt(12);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
            while (count(screen) < target && p.isAlive() && System.nanoTime() < end) Thread.sleep(5);
            Thread.sleep(r.nextInt(40));
            assertTrue(p.isAlive(), "round " + round + ": the emulator ended on its own:\n" + screen);
            p.destroyForcibly(); // SIGKILL
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(137, p.exitValue(), "killed by SIGKILL");
            reader.join(5000);
            int lastSynced = -1;
            for (Matcher m = SYNCED.matcher(screen); m.find(); ) lastSynced = Math.max(lastSynced, Integer.parseInt(m.group(1)));
            assertTrue(lastSynced >= start, "round " + round + ": the workload synced something before the kill:\n" + tail(screen));

            int files = verify(img, start, lastSynced, round);
            synced += lastSynced - start + 1;
            checked += files;
            start = lastSynced + 1000; // the next round writes new names
        }
        System.out.println("guest crash test: " + ROUNDS + " SIGKILLs, " + synced + " synced files intact, " + checked + " files checked");
    }

    /** Mounts the root partition on the host and checks it; returns the number of files checked. */
    static int verify(Path img, int start, int lastSynced, int round) throws Exception {
        try (FileBlockDevice dev = new FileBlockDevice(img, false)) {
            GptPartition root = GptDisk.read(dev).byName("root");
            BlockDevice slice = new SliceBlockDevice(dev, root.offsetBytes(), root.sizeBytes(), "root");
            try (MfsVolume v = MfsVolume.mount(slice, MfsMountOptions.defaults())) {
                assertTrue(v.mountProblems().isEmpty(), "round " + round + ": " + v.mountProblems());
                FsckReport rep = Fsck.check(v, false);
                assertTrue(rep.clean(), "round " + round + ": fsck " + rep.problems);
                long crash = v.resolve("/home/crash", true);
                Map<String, Long> entries = new HashMap<>();
                for (MfsDirEntry e : v.readdir(crash)) entries.put(e.name(), e.ino());
                for (int i = start; i <= lastSynced; i++) {
                    Long ino = entries.get("f" + i);
                    if (ino == null) fail("round " + round + ": synced file f" + i + " is missing");
                    assertEquals(content(i), read(v, ino), "round " + round + ": synced file f" + i);
                }
                int n = 0;
                for (Map.Entry<String, Long> e : entries.entrySet()) {
                    String name = e.getKey();
                    if (name.matches("[fts]\\d+")) {
                        int i = Integer.parseInt(name.substring(1));
                        String want = name.startsWith("s") ? "scratch\n" : content(i);
                        String got = read(v, e.getValue());
                        assertTrue(want.startsWith(got), "round " + round + ": " + name + " holds data it never held: '" + got + "'");
                        if (name.startsWith("f")) assertEquals(want, got, "round " + round + ": a renamed file is complete: " + name);
                        n++;
                    } else {
                        fail("round " + round + ": unexpected name " + name);
                    }
                }
                return n;
            }
        } catch (MfsException e) {
            throw new AssertionError("round " + round + ": " + e.getMessage(), e);
        }
    }

    static String read(MfsVolume v, long ino) throws Exception {
        long size = v.stat(ino).size();
        byte[] b = new byte[(int) size];
        int got = v.read(ino, 0, b, 0, b.length);
        return new String(b, 0, Math.max(got, 0), StandardCharsets.US_ASCII);
    }

    static int count(CharSequence s) {
        int n = 0;
        for (Matcher m = SYNCED.matcher(s); m.find(); ) n++;
        return n;
    }

    static void waitFor(StringBuffer screen, String text, Process p, int seconds) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!screen.toString().contains(text)) {
            if (!p.isAlive() || System.nanoTime() > end) fail("no '" + text.strip() + "' (alive=" + p.isAlive() + "):\n" + tail(screen));
            Thread.sleep(20);
        }
    }

    static void copy(InputStream in, StringBuffer out) {
        byte[] b = new byte[4096];
        try {
            for (int n; (n = in.read(b)) > 0; ) out.append(new String(b, 0, n, StandardCharsets.ISO_8859_1).replace("\r", ""));
        } catch (java.io.IOException ignored) {
            // the process was killed
        }
    }

    static String tail(CharSequence s) { return s.length() > 3000 ? s.subSequence(s.length() - 3000, s.length()).toString() : s.toString(); }
}
