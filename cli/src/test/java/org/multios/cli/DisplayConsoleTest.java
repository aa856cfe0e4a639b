package org.multios.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.multios.kernel.drivers.display.BootLogo;
import org.multios.kernel.drivers.display.ConsoleFont;
import org.multios.kernel.drivers.display.FramebufferConsole;

/**
 * Issue 7, Must show 4: {@code ./multios boot --display png:FILE} — the kernel's framebuffer console
 * mirrors the serial console. After a command typed on the serial console and poweroff, the PNG
 * must show the prompt and the typed command pixel for pixel as the font draws them, and the
 * colours an ANSI-coloured echo asked for, and the pattern the {@code fbdemo} applet drew through
 * an mmap of /dev/fb0.
 */
class DisplayConsoleTest {
    static final int FG = FramebufferConsole.PALETTE[FramebufferConsole.DEFAULT_FG], BG = FramebufferConsole.PALETTE[FramebufferConsole.DEFAULT_BG];

    @Test
    @Timeout(600)
    void promptAndColoursOnTheFramebufferConsole(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("out.png");
        BootConsoleTest.Screen screen = new BootConsoleTest.Screen();
        PipedOutputStream keys = new PipedOutputStream();
        PipedInputStream in = new PipedInputStream(keys, 4096);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        AtomicInteger status = new AtomicInteger(-1);
        Thread machine = Thread.ofPlatform().name("multios-boot-display").start(() -> status.set(Multios.run(
                new String[] {"boot", "--rtc", "fixed", "--display", "png:" + png}, in,
                new PrintStream(screen, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))));
        int at = waitForPrompt(screen, machine, err);
        assertTrue(screen.text().contains("fbcon: "), "the kernel reports its framebuffer console:\n" + screen.text());
        BootConsoleTest.Console c = new BootConsoleTest.Console(screen, keys, machine, at + BootConsoleTest.PROMPT.length());
        String cmd = "echo -e '\\e[1;32mGREEN\\e[0m \\e[44mBLUE\\e[0m'";
        String out = c.type(cmd);
        assertTrue(out.contains("\u001b[1;32mGREEN"), out);
        String demo = c.type("fbdemo");
        assertTrue(demo.startsWith("fbdemo: 1024x768 32bpp, line 4096 bytes, bochs-drmfb; drew 256x48 at (760,8)"), demo);
        c.send("poweroff");
        machine.join(BootConsoleTest.WAIT_MS);
        assertFalse(machine.isAlive(), "poweroff ends the emulator");
        assertEquals(0, status.get(), "exit status; stderr: " + err);

        assertTrue(Files.size(png) > 0, "the PNG was written");
        Files.copy(png, Path.of(System.getProperty("java.io.tmpdir"), "multios-DisplayConsoleTest.png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(1024, img.getWidth());
        assertEquals(768, img.getHeight());

        // The line with the prompt and the command, found by its glyphs; the next line is the echo's output.
        int rows = (768 - BootLogo.BAND) / ConsoleFont.HEIGHT;
        int row = -1;
        for (int r = 0; r < rows; r++) if (matches(img, 0, r, "multios# " + cmd, FG, BG)) row = r;
        assertTrue(row >= 0, "no text row shows 'multios# " + cmd + "' in the font's glyphs");
        assertTrue(row + 1 < rows);
        assertTrue(matches(img, 0, row + 1, "GREEN", FramebufferConsole.PALETTE[10], BG), "bold green (bright) GREEN");
        assertTrue(matches(img, 5, row + 1, " ", FG, BG));
        assertTrue(matches(img, 6, row + 1, "BLUE", FG, FramebufferConsole.PALETTE[4]), "BLUE on a blue background");
        // and a wrong reference does not match (the comparison can fail)
        assertFalse(matches(img, 0, row + 1, "GREEM", FramebufferConsole.PALETTE[10], BG));
        assertFalse(matches(img, 0, row + 1, "GREEN", FG, BG));

        // The demo's pattern, drawn through the mmap of /dev/fb0: r = 4i, g = 5j, b = i xor j.
        int bad = 0;
        for (int j = 0; j < 48; j++) {
            for (int i = 0; i < 256; i++) {
                int want = (4 * i & 0xff) << 16 | (5 * j & 0xff) << 8 | ((i ^ j) & 0xff);
                if ((img.getRGB(760 + i, 8 + j) & 0xffffff) != want) bad++;
            }
        }
        assertEquals(0, bad, "pixels of fbdemo's band that differ from its pattern");

        // The boot logo's tile: its corners are the gradient's ends, the M is white.
        assertEquals(0xffffff, img.getRGB(8 + 4 * 1 + 1, 8 + 4 * 1 + 1) & 0xffffff, "the logo's M");
    }

    /**
     * video=800x600 on the command line sets the mode; the boot log then fills the 33 text rows, so the
     * console scrolls (with the 2D engine's COPY + FILL) and the prompt must still be glyph-exact.
     */
    @Test
    @Timeout(600)
    void videoModeFromTheCommandLineAndScrolling(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("small.png");
        BootConsoleTest.Screen screen = new BootConsoleTest.Screen();
        PipedOutputStream keys = new PipedOutputStream();
        PipedInputStream in = new PipedInputStream(keys, 4096);
        AtomicInteger status = new AtomicInteger(-1);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread machine = Thread.ofPlatform().name("multios-boot-display").start(() -> status.set(Multios.run(
                new String[] {"boot", "--rtc", "fixed", "--display", "png:" + png, "--cmdline", "root=/dev/nvme0n1p2 console=ttyS0 video=800x600"}, in,
                new PrintStream(screen, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))));
        int at = waitForPrompt(screen, machine, err);
        assertTrue(screen.text().contains("fbcon: 00:02.0 800x600x32"), screen.text());
        assertTrue(screen.text().contains("scrolling by the 2D engine"), screen.text());
        BootConsoleTest.Console c = new BootConsoleTest.Console(screen, keys, machine, at + BootConsoleTest.PROMPT.length());
        for (int i = 0; i < 3; i++) c.type("echo line" + i);
        c.send("poweroff");
        machine.join(BootConsoleTest.WAIT_MS);
        assertFalse(machine.isAlive());
        assertEquals(0, status.get());
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(800, img.getWidth());
        assertEquals(600, img.getHeight());
        int rows = (600 - BootLogo.BAND) / ConsoleFont.HEIGHT, found = -1;
        for (int r = 0; r < rows; r++) if (matches(img, 0, r, "multios# echo line2", FG, BG)) found = r;
        assertTrue(found >= 0, "the last command's line is on the scrolled screen");
        assertTrue(matches(img, 0, found + 1, "line2", FG, BG));
        assertTrue(found >= 1 && matches(img, 0, found - 1, "line1", FG, BG), "the line above it moved up intact");
        // the screen is full: the bottom row is in use (power-off messages), so it has scrolled
        assertTrue(screen.text().split("\n").length > rows);
    }

    private static int waitForPrompt(BootConsoleTest.Screen screen, Thread machine, ByteArrayOutputStream err) throws InterruptedException {
        try {
            return screen.waitFor(BootConsoleTest.PROMPT, 0, machine);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\nstderr: " + err.toString(StandardCharsets.UTF_8), e);
        }
    }

    /** True when text cells (col.., row) show {@code text} exactly as the font draws it in fg on bg. */
    static boolean matches(BufferedImage img, int col, int row, String text, int fg, int bg) {
        ConsoleFont font = ConsoleFont.builtIn();
        for (int i = 0; i < text.length(); i++) {
            int x0 = (col + i) * ConsoleFont.WIDTH, y0 = BootLogo.BAND + row * ConsoleFont.HEIGHT;
            if (x0 + ConsoleFont.WIDTH > img.getWidth()) return false;
            for (int y = 0; y < ConsoleFont.HEIGHT; y++) {
                for (int x = 0; x < ConsoleFont.WIDTH; x++) {
                    int want = font.pixel(text.charAt(i), x, y) ? fg : bg;
                    if ((img.getRGB(x0 + x, y0 + y) & 0xffffff) != want) return false;
                }
            }
        }
        return true;
    }
}
