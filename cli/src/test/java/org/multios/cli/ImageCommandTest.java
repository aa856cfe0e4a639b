package org.multios.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code multios image}: the host tool over GPT + MFS, including its one-line errors. */
class ImageCommandTest {
    record Result(int status, String out, String err) {}

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = Multios.run(args, new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static void oneLineError(Result r, String... fragments) {
        assertTrue(r.status() != 0, "non-zero exit: " + r);
        String e = r.err().strip();
        assertFalse(e.contains("\n"), "one line: " + e);
        assertFalse(e.contains("Exception") || e.contains("\tat "), "no stack trace: " + e);
        for (String f : fragments) assertTrue(e.contains(f), "'" + f + "' in: " + e);
    }

    @Test
    void createPutGetLsMkdirRmSnapshotFsck(@TempDir Path tmp) throws Exception {
        String img = tmp.resolve("disk.img").toString();
        Result c = run("image", "create", "--size", "96M", img);
        assertEquals(0, c.status(), c.toString());
        assertEquals(96L << 20, Files.size(Path.of(img)));
        Path host = tmp.resolve("data.bin");
        byte[] data = new byte[300_000];
        new java.util.Random(1).nextBytes(data);
        Files.write(host, data);
        assertEquals(0, run("image", "mkdir", "-p", img, "/usr/share/doc").status());
        assertEquals(0, run("image", "put", img, host.toString(), "/usr/share/doc/data.bin").status());
        Result ls = run("image", "ls", img, "/usr/share/doc");
        assertTrue(ls.out().contains("300000 data.bin"), ls.out());
        Path back = tmp.resolve("back.bin");
        assertEquals(0, run("image", "get", img, "/usr/share/doc/data.bin", back.toString()).status());
        assertArrayEquals(data, Files.readAllBytes(back));
        assertEquals(0, run("image", "snapshot", img, "create", "before").status());
        assertEquals(0, run("image", "rm", "-r", img, "/usr").status());
        oneLineError(run("image", "ls", img, "/usr"), "/usr", "no such file");
        assertEquals(0, run("image", "snapshot", img, "rollback", "before").status());
        assertTrue(run("image", "snapshot", img, "list").out().contains("before"));
        assertEquals(0, run("image", "get", img, "/usr/share/doc/data.bin", back.toString()).status());
        assertArrayEquals(data, Files.readAllBytes(back));
        Result f = run("image", "fsck", img);
        assertEquals(0, f.status(), f.toString());
        assertTrue(f.out().contains("clean"), f.out());
        // the boot partition is its own volume
        assertEquals(0, run("image", "put", "--partition", "boot", img, host.toString(), "/kernel").status());
        oneLineError(run("image", "get", img, "/kernel", back.toString()), "/kernel");
        Result info = run("image", "info", img);
        assertTrue(info.out().contains("boot") && info.out().contains("root") && info.out().contains("snapshot before"), info.out());
    }

    @Test
    void errorsNameThePathAndTheProblem(@TempDir Path tmp) throws Exception {
        Path img = tmp.resolve("disk.img");
        oneLineError(run("image", "ls", img.toString()), img.toString(), "no such file");
        Files.write(tmp.resolve("small"), new byte[100]);
        oneLineError(run("image", "ls", tmp.resolve("small").toString()), "small", "too small");
        Files.write(tmp.resolve("zero"), new byte[1 << 20]);
        oneLineError(run("image", "info", tmp.resolve("zero").toString()), "zero", "not a GPT");
        assertEquals(0, run("image", "create", "--empty", "--size", "80M", img.toString()).status());
        // truncated image: the backup GPT and the end of root are gone
        Path cut = tmp.resolve("cut.img");
        Files.write(cut, java.util.Arrays.copyOf(Files.readAllBytes(img), 40 << 20));
        oneLineError(run("image", "ls", cut.toString()), "cut.img", "truncated");
        oneLineError(run("image", "get", img.toString(), "/missing", tmp.resolve("x").toString()), "/missing", "no such file");
        oneLineError(run("image", "put", img.toString(), tmp.resolve("nohost").toString(), "/x"), "nohost", "no such file");
        oneLineError(run("image", "mkdir", img.toString(), "/a/b"), "/a/b");
        oneLineError(run("image", "create", "--size", "80M", "--block-size", "3000", tmp.resolve("y.img").toString()), "--block-size");
        oneLineError(run("image", "ls", "--partition", "swap", img.toString()), "no partition named 'swap'");
        // a flipped bit in the root superblock: detected, fsck reports it, --repair fixes it
        long rootStart = 0;
        Result info = run("image", "info", img.toString());
        for (String line : info.out().split("\n")) if (line.trim().startsWith("root")) rootStart = Long.parseLong(line.trim().split("\\s+")[2].split("-")[0]) * 512;
        try (RandomAccessFile raf = new RandomAccessFile(img.toFile(), "rw")) {
            raf.seek(rootStart + 30);
            int b = raf.read();
            raf.seek(rootStart + 30);
            raf.write(b ^ 0x10);
        }
        Result f = run("image", "fsck", img.toString());
        assertEquals(1, f.status(), f.toString());
        assertTrue(f.out().contains("superblock") && f.out().contains("block 0"), f.out());
        oneLineError(run("image", "mkdir", img.toString(), "/x"), "read-only");
        Result rep = run("image", "fsck", "--repair", img.toString());
        assertEquals(0, rep.status(), rep.toString());
        assertEquals(0, run("image", "fsck", img.toString()).status());
        assertEquals(0, run("image", "mkdir", img.toString(), "/x").status());
    }

    /** The same image through the emulator's disk back end (what the guest NVMe disk sees). */
    @Test
    void mountsThroughTheEmulatorDiskImage(@TempDir Path tmp) throws Exception {
        String img = tmp.resolve("disk.img").toString();
        assertEquals(0, run("image", "create", "--size", "80M", img).status());
        try (org.multios.devices.block.RawDiskImage raw = org.multios.devices.block.RawDiskImage.open(Path.of(img), true)) {
            DiskImageBlockDevice dev = new DiskImageBlockDevice(raw);
            org.multios.kernel.fs.gpt.GptPartition root = org.multios.kernel.fs.gpt.GptDisk.read(dev).byName("root");
            try (org.multios.kernel.fs.mfs.MfsVolume v = org.multios.kernel.fs.mfs.MfsVolume.mount(
                    new org.multios.kernel.fs.mfs.SliceBlockDevice(dev, root.offsetBytes(), root.sizeBytes(), "root"),
                    org.multios.kernel.fs.mfs.MfsMountOptions.readOnlyMount())) {
                long motd = v.resolve("/etc/motd", true);
                byte[] b = new byte[(int) v.stat(motd).size()];
                v.read(motd, 0, b, 0, b.length);
                // the default system: /etc/motd is the userland's (DefaultImage fills the root from the manifest)
                try (var in = ImageCommandTest.class.getClassLoader().getResourceAsStream("org/multios/images/userland/riscv64/etc/motd")) {
                    assertTrue(in != null, "userland resources on the class path");
                    assertEquals(new String(in.readAllBytes(), StandardCharsets.UTF_8), new String(b, StandardCharsets.UTF_8));
                }
            }
        }
    }
}
