package org.multios.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7, Must show 4 (window half): the frame MultiOS's framebuffer console shows after a
 * command at the prompt opens in the LWJGL/GLFW window under Xvfb and is read back through
 * OpenGL pixel for pixel.
 */
@Timeout(420)
class BootWindowXvfbTest {
    @Test
    void theConsoleFrameShowsInTheWindow(@TempDir Path dir) throws Exception {
        boolean have = Files.isExecutable(Path.of("/usr/bin/Xvfb"));
        if ("1".equals(System.getenv("MULTIOS_REQUIRE_ORACLES"))) assertTrue(have, "Xvfb is required (MULTIOS_REQUIRE_ORACLES=1)");
        assumeTrue(have, "Xvfb not installed");
        int n = 200 + (int) (ProcessHandle.current().pid() % 100);
        while (Files.exists(Path.of("/tmp/.X11-unix/X" + n))) n++;
        Process x = new ProcessBuilder("Xvfb", ":" + n, "-screen", "0", "1280x1024x24", "-nolisten", "tcp")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            for (int i = 0; i < 100 && !Files.exists(Path.of("/tmp/.X11-unix/X" + n)); i++) Thread.sleep(50);
            ProcessBuilder pb = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-Xss16m",
                    "-cp", System.getProperty("java.class.path"), BootWindowProbe.class.getName(), dir.resolve("console.png").toString()))
                    .redirectErrorStream(true);
            pb.environment().put("DISPLAY", ":" + n);
            Process probe = pb.start();
            String out = new String(probe.getInputStream().readAllBytes());
            assertTrue(probe.waitFor(60, TimeUnit.SECONDS), out);
            assertTrue(out.contains("BOOT status 0"), out);
            assertTrue(out.matches("(?s).*FRAME 1024x768 lit [1-9][0-9]{3,}.*"), "a console frame with text on it:\n" + out);
            if (!out.contains("WINDOW ok")) {
                for (String f : List.of("console.png", "window.png"))
                    if (Files.exists(dir.resolve(f))) Files.copy(dir.resolve(f), Path.of(System.getProperty("java.io.tmpdir"), "multios-BootWindow-" + f),
                            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            assertTrue(out.contains("WINDOW ok"), out);
        } finally {
            x.destroy();
            if (!x.waitFor(5, TimeUnit.SECONDS)) x.destroyForcibly();
        }
    }
}
