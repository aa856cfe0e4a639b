package org.multios.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 5, Must show 5 (the guest side of the benchmark): the prebuilt guest program {@code fsbench}
 * runs inside {@code multios boot --disk IMG} (root on MFS over the kernel's NVMe driver) with small
 * sizes; its output is well formed (every phase framed, counts as asked, one tick per fsync, an
 * ordered latency distribution); after power-off the host tool finds every file it made with the
 * right contents ({@code image ls}/{@code get}), and {@code fsck} is clean. The benchmark itself is
 * {@code benchmarks} {@code GuestFsBenchReport}.
 */
class GuestFsBenchTest {
    static final int FILES = 40, FILE_BYTES = 300, MIB = 2, FSYNCS = 12;
    static final String[] PHASES = {"create", "write", "flush", "read", "fsync"};

    @TempDir Path dir;

    static String cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int s = Multios.run(args, InputStream.nullInputStream(), new PrintStream(out, true), new PrintStream(err, true));
        assertEquals(0, s, String.join(" ", args) + " -> " + s + "\n" + out + err);
        return out.toString(StandardCharsets.UTF_8);
    }

    /** fsbench's stamp at the start of each 4 KiB block of its sequential file (as in fsbench.c). */
    static long stamp(long off) { return (off >>> 12) * 0x9e3779b97f4a7c15L ^ 0x6673626e63680a01L; }

    @Test
    @Timeout(600)
    void fsbenchRunsInTheGuestAndLeavesItsFilesOnTheImage() throws Exception {
        Path img = dir.resolve("bench.img"), exe = dir.resolve("fsbench");
        try (InputStream in = getClass().getResourceAsStream("/org/multios/images/riscv64-linux/fsbench")) {
            assertTrue(in != null, "the prebuilt fsbench is in the images jar");
            Files.copy(in, exe);
        }
        cli("image", "create", "--size", "64M", img.toString());
        cli("image", "put", "--mode", "0755", img.toString(), exe.toString(), "/bin/fsbench");

        BootConsoleTest.Screen screen = new BootConsoleTest.Screen();
        PipedOutputStream keys = new PipedOutputStream();
        PipedInputStream in = new PipedInputStream(keys, 4096);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        AtomicInteger status = new AtomicInteger(-1);
        Thread machine = Thread.ofPlatform().name("multios-fsbench-test").start(() -> status.set(Multios.run(
                new String[] {"boot", "--disk", img.toString(), "--rtc", "fixed"}, in,
                new PrintStream(screen, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))));
        int at = screen.waitFor(DiskPersistenceTest.LINE_PROMPT, 0, machine);
        BootConsoleTest.Console c = new BootConsoleTest.Console(screen, keys, machine, at + DiskPersistenceTest.LINE_PROMPT.length());

        String usage = c.type("fsbench -n many /x; echo status=$?");
        assertTrue(usage.contains("-n needs a number") && usage.contains("status=2"), "bad usage is exit 2 with a message:\n" + usage);
        String out = c.type("fsbench -t -n " + FILES + " -z " + FILE_BYTES + " -m " + MIB + " -c 64 -s " + FSYNCS + " /fsb; echo status=$?");
        c.send("poweroff");
        machine.join(BootConsoleTest.WAIT_MS);
        assertFalse(machine.isAlive(), "poweroff ends the emulator:\n" + screen.text());
        assertEquals(0, status.get(), "exit status after poweroff; stderr: " + err);

        checkTranscript(out.replace("\r", ""));

        // The files are on the image, as the guest wrote them.
        String files = cli("image", "ls", img.toString(), "/fsb/files");
        List<String> names = new ArrayList<>();
        Matcher m = Pattern.compile("\\bf\\d{6}\\b").matcher(files);
        while (m.find()) names.add(m.group());
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < FILES; i++) expected.add(String.format("f%06d", i));
        assertEquals(expected, names, "image ls /fsb/files:\n" + files);
        Path small = dir.resolve("small"), seq = dir.resolve("seq"), log = dir.resolve("log");
        cli("image", "get", img.toString(), "/fsb/files/f000017", small.toString());
        byte[] want = new byte[FILE_BYTES];
        for (int i = 0; i < want.length; i++) want[i] = (byte) ('a' + i % 26);
        assertArrayEquals(want, Files.readAllBytes(small), "a created file's contents");
        cli("image", "get", img.toString(), "/fsb/seq", seq.toString());
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(seq)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(MIB << 20, b.capacity(), "the sequential file's size");
        for (int off = 0; off < b.capacity(); off += 4096) assertEquals(stamp(off), b.getLong(off), "stamp of the block at " + off);
        cli("image", "get", img.toString(), "/fsb/log", log.toString());
        byte[] logBytes = Files.readAllBytes(log);
        byte[] ls = new byte[FSYNCS * 4096];
        Arrays.fill(ls, (byte) 'L');
        assertArrayEquals(ls, logBytes, "the fsynced log: " + FSYNCS + " appends of 4 KiB");
        String fsck = cli("image", "fsck", img.toString()); // exit status 0 = clean
        assertFalse(fsck.contains("problem:"), "fsck after the benchmark:\n" + fsck);
    }

    /** Every phase framed by begin/end in order with the counts asked for; ticks; ordered latencies; done. */
    static void checkTranscript(String out) {
        List<String> lines = out.lines().filter(l -> l.startsWith("fsbench ")).toList();
        assertTrue(out.contains("status=0"), "fsbench exit status 0:\n" + out);
        assertEquals("fsbench 1 dir=/fsb files=" + FILES + " file_bytes=" + FILE_BYTES + " seq_mib=" + MIB + " chunk_kib=64 fsyncs=" + FSYNCS,
                lines.get(0), out);
        long[][] expect = {{FILES, (long) FILES * FILE_BYTES}, {MIB * 16L, (long) MIB << 20}, {1, 0}, {MIB * 16L, (long) MIB << 20},
                {FSYNCS, FSYNCS * 4096L}};
        Pattern end = Pattern.compile("fsbench end (\\w+) ops=(\\d+) bytes=(\\d+) ns=(\\d+) cpu_ns=(\\d+)");
        int i = 1;
        for (int p = 0; p < PHASES.length; p++) {
            assertEquals("fsbench begin " + PHASES[p], lines.get(i++), out);
            if (PHASES[p].equals("fsync")) {
                for (int t = 0; t < FSYNCS; t++) assertEquals("fsbench tick " + t, lines.get(i++), out);
            }
            Matcher m = end.matcher(lines.get(i++));
            assertTrue(m.matches(), "an end line: " + lines.get(i - 1));
            assertEquals(PHASES[p], m.group(1));
            assertEquals(expect[p][0], Long.parseLong(m.group(2)), PHASES[p] + " ops");
            assertEquals(expect[p][1], Long.parseLong(m.group(3)), PHASES[p] + " bytes");
            assertTrue(Long.parseLong(m.group(4)) > 0, PHASES[p] + " took guest time");
        }
        Matcher lat = Pattern.compile("fsbench fsync_lat ops=(\\d+) min_ns=(\\d+) median_ns=(\\d+) p99_ns=(\\d+) max_ns=(\\d+)").matcher(lines.get(i++));
        assertTrue(lat.matches(), out);
        assertEquals(FSYNCS, Long.parseLong(lat.group(1)));
        long min = Long.parseLong(lat.group(2)), med = Long.parseLong(lat.group(3)), p99 = Long.parseLong(lat.group(4)), max = Long.parseLong(lat.group(5));
        assertTrue(0 < min && min <= med && med <= p99 && p99 <= max, "ordered latencies: " + lines.get(i - 1));
        assertTrue(lines.get(i++).startsWith("fsbench summary create_per_s="), out);
        assertEquals("fsbench done", lines.get(i++), out);
        assertEquals(i, lines.size(), "nothing after done:\n" + out);
    }
}
