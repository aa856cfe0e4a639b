package org.multios.devices.display.host;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 7, Must show 4 (window half): the LWJGL/GLFW window really opens on an X server (Xvfb),
 * shows the frame pixel for pixel (read back through OpenGL), uploads a changed band of lines,
 * and keys typed into it (by xdotool, through the X server) arrive as console bytes.
 */
class WindowOutputXvfbTest {
    private static boolean tool(String path) { return Files.isExecutable(Path.of(path)); }

    private static void xdotool(String display, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("xdotool"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("DISPLAY", display);
        Process p = pb.start();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "xdotool " + String.join(" ", args));
    }

    @Test
    void windowShowsTheFrameAndForwardsKeys() throws Exception {
        boolean have = tool("/usr/bin/Xvfb") && tool("/usr/bin/xdotool");
        if ("1".equals(System.getenv("MULTIOS_REQUIRE_ORACLES"))) assertTrue(have, "Xvfb and xdotool are required (MULTIOS_REQUIRE_ORACLES=1)");
        assumeTrue(have, "Xvfb/xdotool not installed");
        int n = 90 + (int) (ProcessHandle.current().pid() % 100);
        while (Files.exists(Path.of("/tmp/.X11-unix/X" + n))) n++;
        String display = ":" + n;
        Process x = new ProcessBuilder("Xvfb", display, "-screen", "0", "1024x768x24", "-nolisten", "tcp")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Process probe = null;
        try {
            for (int i = 0; i < 100 && !Files.exists(Path.of("/tmp/.X11-unix/X" + n)); i++) Thread.sleep(50);
            assertTrue(x.isAlive(), "Xvfb did not start");
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                    "-cp", System.getProperty("java.class.path"), WindowProbe.class.getName()));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().put("DISPLAY", display);
            probe = pb.start();
            BufferedReader out = new BufferedReader(new InputStreamReader(probe.getInputStream()));
            StringBuilder all = new StringBuilder();
            String full = null, partial = null, again = null, keys = null;
            for (String line; (line = out.readLine()) != null; ) {
                all.append(line).append('\n');
                if (line.startsWith("FULL ")) full = line.substring(5);
                if (line.startsWith("PARTIAL ")) partial = line.substring(8);
                if (line.startsWith("AGAIN ")) again = line.substring(6);
                if (line.equals("READY-FOR-KEYS")) {
                    xdotool(display, "search", "--sync", "--name", "MultiOS probe", "windowfocus", "--sync",
                            "type", "--delay", "20", "ls -l");
                    xdotool(display, "key", "Return");
                }
                if (line.startsWith("KEYS ")) keys = line.substring(5);
            }
            assertTrue(probe.waitFor(30, TimeUnit.SECONDS));
            assertEquals("ok", full, all::toString);
            assertEquals("ok", partial, all::toString);
            assertEquals("ok", again, all::toString);
            assertEquals("ls -l\r", WindowProbe.ascii(keys == null ? "" : keys), all::toString);
            assertEquals(0, probe.exitValue(), all::toString);
        } finally {
            if (probe != null) probe.destroyForcibly();
            x.destroy();
            if (!x.waitFor(5, TimeUnit.SECONDS)) x.destroyForcibly();
        }
    }
}
