package org.multios.kernel.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multios.kernel.Errno;
import org.multios.kernel.KernelException;

class VfsTest {
    @TempDir Path tmp;

    private static int errno(Runnable r) {
        try {
            r.run();
            return 0;
        } catch (KernelException e) {
            return e.errno();
        }
    }

    @Test
    void dotDotStopsAtTheRootAndSymlinksResolveInTheGuest() throws Exception {
        Path share = Files.createDirectories(tmp.resolve("share"));
        Files.writeString(tmp.resolve("outside"), "x");
        Files.createSymbolicLink(share.resolve("out"), tmp.resolve("outside"));
        Files.createSymbolicLink(share.resolve("up"), Path.of("../.."));
        TmpFs root = new TmpFs("tmpfs");
        root.root().subdir("mnt").attach("share", new HostFs(share, false).root());
        root.root().subdir("etc").create("passwd", 0644);
        Vfs vfs = new Vfs(root.root());
        assertEquals("/", vfs.resolve(vfs.root(), "/../../..", true).path());
        assertEquals("/mnt", vfs.resolve(vfs.root(), "/mnt/share/..", true).path());
        assertEquals(Errno.ENOENT, errno(() -> vfs.resolve(vfs.root(), "/mnt/share/out", true)));
        // "up" -> ../.. from /mnt/share is the guest root, whose etc is the guest's
        assertEquals("/etc/passwd", vfs.resolve(vfs.root(), "/mnt/share/up/etc/passwd", true).path());
        assertEquals(Errno.ENOTDIR, errno(() -> vfs.resolve(vfs.root(), "/etc/passwd/x", true)));
        assertEquals(Errno.ENOENT, errno(() -> vfs.resolve(vfs.root(), "/nope", true)));
    }

    @Test
    void symlinkLoopsEndWithEloop() {
        TmpFs root = new TmpFs("tmpfs");
        root.root().symlink("a", "b");
        root.root().symlink("b", "a");
        Vfs vfs = new Vfs(root.root());
        assertEquals(Errno.ELOOP, errno(() -> vfs.resolve(vfs.root(), "/a", true)));
        assertEquals("/a", vfs.resolve(vfs.root(), "/a", false).path());
    }

    @Test
    void tmpfsFilesGrowTruncateAndRename() {
        TmpFs fs = new TmpFs("tmpfs");
        Inode f = fs.root().create("f", 0644);
        f.write(10, "abc".getBytes(), 0, 3);
        assertEquals(13, f.size());
        byte[] b = new byte[13];
        assertEquals(13, f.read(0, b, 0, 13));
        assertEquals(0, b[0]);
        f.truncate(11);
        assertEquals(11, f.size());
        fs.root().mkdir("d", 0755);
        fs.root().rename("f", fs.root().lookup("d"), "g");
        assertEquals(11, fs.root().lookup("d").lookup("g").size());
        assertThrows(KernelException.class, () -> fs.root().unlink("d", true));
    }
}
