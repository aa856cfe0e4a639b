package org.multios.devices.block;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskImageTest {
    @TempDir Path dir;

    Path image(String name, int size, long seed) throws IOException {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        Path p = dir.resolve(name);
        Files.write(p, b);
        return p;
    }

    static String sha(Path p) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
    }

    @Test
    void parseAcceptsTheCliForms() {
        assertEquals(new DiskSpec(Path.of("a.img"), false, null), DiskSpec.parse("a.img"));
        assertEquals(new DiskSpec(Path.of("a.img"), true, null), DiskSpec.parse("a.img,readonly"));
        assertEquals(new DiskSpec(Path.of("a.img"), false, Path.of("o.ovl")), DiskSpec.parse("a.img,overlay=o.ovl"));
        assertEquals(new DiskSpec(Path.of("a,b.img"), false, Path.of("o,1")), DiskSpec.parse("a,,b.img,overlay=o,,1"));
    }

    @Test
    void parseRejectsWithOneLineReasons() {
        List<String> bad = List.of("", ",readonly", "a.img,readonly,readonly", "a.img,ro", "a.img,overlay=",
                "a.img,readonly,overlay=x", "a.img,overlay=x,overlay=y", "a.img,");
        for (String s : bad) {
            DiskSpecException e = assertThrows(DiskSpecException.class, () -> DiskSpec.parse(s), s);
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
        assertTrue(assertThrows(DiskSpecException.class, () -> DiskSpec.parse("a.img,ro")).getMessage().contains("unknown option 'ro'"));
    }

    @Test
    void openReportsMissingTinyAndOddSizedImages() throws Exception {
        var e = assertThrows(DiskSpecException.class, () -> DiskSpec.parse(dir.resolve("nope.img").toString()).open(false, w -> {}));
        assertTrue(e.getMessage().endsWith("no such file"), e.getMessage());
        assertThrows(DiskSpecException.class, () -> DiskSpec.parse(dir.toString()).open(false, w -> {}));
        Path tiny = image("tiny.img", 100, 1);
        assertTrue(assertThrows(DiskSpecException.class, () -> DiskSpec.parse(tiny.toString()).open(false, w -> {}))
                .getMessage().contains("smaller than one 512-byte block"));
        Path odd = image("odd.img", 512 * 3 + 100, 2);
        String before = sha(odd);
        List<String> warnings = new ArrayList<>();
        try (DiskImage d = DiskSpec.parse(odd.toString()).open(false, warnings::add)) {
            assertEquals(1536, d.size());
            assertEquals(1, warnings.size());
            assertTrue(warnings.getFirst().contains("3 blocks"), warnings.getFirst());
            assertThrows(IOException.class, () -> d.write(1536, new byte[512], 0, 512));
            assertThrows(IOException.class, () -> d.read(1024, new byte[1024], 0, 1024));
            d.write(1024, new byte[512], 0, 512);
        }
        byte[] after = Files.readAllBytes(odd);
        assertEquals(512 * 3 + 100, after.length);
        byte[] expectTail = java.util.Arrays.copyOfRange(Files.readAllBytes(image("odd2.img", 512 * 3 + 100, 2)), 1536, 1636);
        assertArrayEquals(expectTail, java.util.Arrays.copyOfRange(after, 1536, 1636), "trailing bytes untouched");
        assertNotEquals(before, sha(odd));
    }

    @Test
    void rawReadOnlyRefusesWritesAndRawReadWriteWritesInPlace() throws Exception {
        Path p = image("raw.img", 8192, 3);
        try (DiskImage d = DiskSpec.parse(p + ",readonly").open(false, w -> {})) {
            assertTrue(d.isReadOnly());
            assertThrows(IOException.class, () -> d.write(0, new byte[512], 0, 512));
            assertThrows(IOException.class, () -> d.writeZeroes(0, 512));
        }
        try (DiskImage d = DiskSpec.parse(p.toString()).open(false, w -> {})) {
            byte[] data = new byte[1024];
            java.util.Arrays.fill(data, (byte) 0x5a);
            d.write(512, data, 0, 1024);
            d.writeZeroes(4096, 1024);
            d.flush();
            // A second read-write open is refused while this one holds the lock.
            assertThrows(DiskSpecException.class, () -> DiskSpec.parse(p.toString()).open(false, w -> {}));
        }
        byte[] f = Files.readAllBytes(p);
        for (int i = 512; i < 1536; i++) assertEquals(0x5a, f[i]);
        for (int i = 4096; i < 5120; i++) assertEquals(0, f[i]);
    }

    @Test
    void overlayTakesWritesAndLeavesTheBaseIdentical() throws Exception {
        Path base = image("base.img", 300 * 1024 + 512, 4); // last cluster partial
        Path ovl = dir.resolve("o.ovl");
        String baseSha = sha(base);
        byte[] model = Files.readAllBytes(base);
        Random r = new Random(5);
        try (DiskImage d = DiskSpec.parse(base + ",overlay=" + ovl).open(false, w -> {})) {
            assertEquals(model.length, d.size());
            for (int i = 0; i < 300; i++) {
                long off = (long) r.nextInt(model.length / 512) * 512;
                int len = (int) Math.min(model.length - off, 512L * (1 + r.nextInt(300)));
                if (r.nextInt(4) == 0) {
                    d.writeZeroes(off, len);
                    java.util.Arrays.fill(model, (int) off, (int) off + len, (byte) 0);
                } else {
                    byte[] b = new byte[len];
                    r.nextBytes(b);
                    d.write(off, b, 0, len);
                    System.arraycopy(b, 0, model, (int) off, len);
                }
                if (i % 50 == 0) d.flush();
            }
            byte[] all = new byte[model.length];
            d.read(0, all, 0, all.length);
            assertArrayEquals(model, all);
        }
        assertEquals(baseSha, sha(base));
        try (DiskImage d = DiskSpec.parse(base + ",overlay=" + ovl).open(false, w -> {})) {
            byte[] all = new byte[model.length];
            d.read(0, all, 0, all.length);
            assertArrayEquals(model, all, "overlay reopened");
        }
        // The overlay belongs to this base: another base is refused.
        Path other = image("other.img", 300 * 1024 + 512, 6);
        assertTrue(assertThrows(DiskSpecException.class, () -> DiskSpec.parse(other + ",overlay=" + ovl).open(false, w -> {}))
                .getMessage().contains("different base"));
        assertTrue(assertThrows(DiskSpecException.class, () -> DiskSpec.parse(base + ",overlay=" + base).open(false, w -> {}))
                .getMessage().contains("cannot be the image itself"));
        Path garbage = image("garbage.ovl", 8192, 7);
        assertTrue(assertThrows(DiskSpecException.class, () -> DiskSpec.parse(base + ",overlay=" + garbage).open(false, w -> {}))
                .getMessage().contains("not an overlay"));
    }

    @Test
    void snapshotWritesVanishAtClose() throws Exception {
        Path base = image("snap.img", 65536, 8);
        String sha = sha(base);
        CopyOnWriteOverlay o;
        try (DiskImage d = DiskSpec.parse(base.toString()).open(true, w -> {})) {
            o = assertInstanceOf(CopyOnWriteOverlay.class, d);
            d.write(0, new byte[4096], 0, 4096);
            assertTrue(Files.exists(o.path()));
        }
        assertFalse(Files.exists(o.path()));
        assertEquals(sha, sha(base));
    }
}
