package org.multios.kernel.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.multios.kernel.fs.Inode;
import org.multios.kernel.fs.TmpFs;
import org.multios.kernel.fs.Vfs;

class CpioTest {
    static byte[] sample() {
        return new Cpio.Writer()
                .directory(".", 0755)
                .directory("bin", 0755)
                .file("bin/hello", 0755, "#!hello\n".getBytes(StandardCharsets.UTF_8))
                .directory("etc", 0750)
                .file("etc/hostname", 0644, "box\n".getBytes(StandardCharsets.UTF_8))
                .file("deep/a/b/file", 0600, new byte[5])
                .symlink("sbin", "bin")
                .finish();
    }

    @Test
    void unpacksDirectoriesFilesSymlinksAndModes() throws Exception {
        TmpFs fs = new TmpFs("rootfs");
        Cpio.Summary s = Cpio.unpack(sample(), fs.root());
        assertEquals(2, s.directories(), "bin and etc (\".\" is the root itself)");
        assertEquals(3, s.files());
        assertEquals(1, s.symlinks());
        Vfs vfs = new Vfs(fs.root());
        Inode hello = vfs.resolve(vfs.root(), "/sbin/hello", true).inode();
        assertEquals(Inode.S_IFREG | 0755, hello.mode());
        byte[] b = new byte[16];
        int n = hello.read(0, b, 0, 16);
        assertEquals("#!hello\n", new String(b, 0, n, StandardCharsets.UTF_8));
        assertEquals(Inode.S_IFDIR | 0750, vfs.resolve(vfs.root(), "/etc", true).inode().mode());
        assertEquals("bin", vfs.resolve(vfs.root(), "/sbin", false).inode().readlink());
        assertEquals(5, vfs.resolve(vfs.root(), "/deep/a/b/file", true).inode().size());
    }

    @Test
    void rejectsMalformedArchivesWithAMessage() {
        byte[] good = sample();
        TmpFs fs = new TmpFs("rootfs");
        var e = assertThrows(Cpio.BadArchive.class, () -> Cpio.unpack("garbage!".repeat(20).getBytes(StandardCharsets.US_ASCII), fs.root()));
        assertTrue(e.getMessage().contains("bad magic"), e.getMessage());
        e = assertThrows(Cpio.BadArchive.class, () -> Cpio.unpack(Arrays.copyOf(good, good.length - 40), new TmpFs("t").root()));
        assertTrue(e.getMessage().contains("truncated") || e.getMessage().contains("past the end"), e.getMessage());
        byte[] dotdot = new Cpio.Writer().file("../escape", 0644, new byte[1]).finish();
        e = assertThrows(Cpio.BadArchive.class, () -> Cpio.unpack(dotdot, new TmpFs("t").root()));
        assertTrue(e.getMessage().contains(".."), e.getMessage());
        byte[] badHex = good.clone();
        badHex[20] = 'z';
        e = assertThrows(Cpio.BadArchive.class, () -> Cpio.unpack(badHex, new TmpFs("t").root()));
        assertTrue(e.getMessage().contains("hex"), e.getMessage());
    }

    @Test
    void randomCorruptionNeverThrowsAnythingElse() {
        byte[] good = sample();
        SplittableRandom r = new SplittableRandom(42);
        for (int i = 0; i < 2000; i++) {
            byte[] b = good.clone();
            for (int k = 0; k < 1 + r.nextInt(4); k++) b[r.nextInt(b.length)] = (byte) r.nextInt(256);
            byte[] cut = Arrays.copyOf(b, r.nextInt(b.length + 1));
            try {
                Cpio.unpack(cut, new TmpFs("t").root());
            } catch (Cpio.BadArchive expected) {
                // fine: a message, not a crash
            }
        }
    }

    @Test
    void commandLine() {
        KernelCommandLine c = KernelCommandLine.parse("root=/dev/nvme0n1p2 console=ttyS0 quiet init=/bin/sh FOO=bar \"msg=a b\" -- single x");
        assertEquals("/dev/nvme0n1p2", c.root());
        assertEquals("ttyS0", c.console());
        assertEquals("/bin/sh", c.init());
        assertTrue(c.quiet());
        assertEquals(KernelCommandLine.QUIET_LOGLEVEL, c.logLevel());
        assertEquals(java.util.List.of("single", "x"), c.initArgs());
        assertEquals(java.util.List.of("FOO=bar", "msg=a b"), c.initEnv());
        assertEquals(3, KernelCommandLine.parse("quiet loglevel=3").logLevel());
        assertEquals(7, KernelCommandLine.parse("").logLevel());
    }
}
