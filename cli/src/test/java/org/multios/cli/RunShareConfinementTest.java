package org.multios.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `run` shows the guest only what is shared: no `..` or symlink (host or guest) leads out of a share. */
class RunShareConfinementTest {
    @TempDir Path tmp;

    @Test
    void nothingOutsideTheSharesIsReachable() throws Exception {
        Path share = Files.createDirectories(tmp.resolve("shared"));
        Path secret = Files.writeString(tmp.resolve("secret.txt"), "host secret\n");
        Files.writeString(share.resolve("inside.txt"), "inside the share\n");
        Files.createSymbolicLink(share.resolve("abs-link"), secret);
        Files.createSymbolicLink(share.resolve("rel-link"), Path.of("../secret.txt"));
        Files.createSymbolicLink(share.resolve("etc-link"), Path.of("/etc/hostname"));
        RunHostileTest.Result r = RunHostileTest.run("run", "--share", share + ":/data,ro", "--", RunHostileTest.prog("escape"),
                "/data/inside.txt", "/data/../data/inside.txt", "/data/../../../secret.txt", "/data/../../../../../etc/passwd",
                "/data/abs-link", "/data/rel-link", "/data/etc-link", secret.toString(), "/etc/passwd", "/proc/self/exe/../../..",
                "/data/../" + tmp.getFileName() + "/secret.txt");
        assertEquals(0, r.status(), r.err());
        String out = r.out();
        assertTrue(out.contains("/data/inside.txt: opened: inside the share"), out);
        assertTrue(out.contains("/data/../data/inside.txt: opened: inside the share"), out);
        assertFalse(out.contains("host secret"), out);
        assertFalse(out.contains("root:x:0:0"), out);
        for (String line : out.split("\n")) {
            if (line.startsWith("/data/inside") || line.startsWith("/data/../data/inside") || line.startsWith("root:")) continue;
            assertFalse(line.contains("opened"), "escaped the share: " + line);
        }
        String root = out.lines().filter(l -> l.startsWith("root:")).findFirst().orElseThrow();
        assertFalse(root.contains(" etc"), root);
        assertFalse(root.contains(" home"), root);
        assertTrue(root.contains(" data") && root.contains(" dev") && root.contains(" proc") && root.contains(" tmp"), root);
    }

    @Test
    void readOnlyShareRefusesWrites() throws Exception {
        Path share = Files.createDirectories(tmp.resolve("ro"));
        RunHostileTest.Result r = RunHostileTest.run("run", "--share", share + ":/ro,ro", "--", RunHostileTest.prog("escape"), "+/ro/new.txt", "+/tmp/ok.txt");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("create /ro/new.txt: Read-only file system"), r.out());
        assertTrue(r.out().contains("create /tmp/ok.txt: created"), r.out());
        try (var s = Files.list(share)) {
            assertEquals(0, s.count());
        }
    }
}
