package org.multios.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.multios.cli.BootConsoleTest.Console;
import org.multios.cli.BootConsoleTest.Screen;

/**
 * {@code boot --arch arm64} with devices beyond the console test's ({@link BootConsoleArm64Test}):
 * the PCI display with the kernel's framebuffer console and /dev/fb0, and virtio-net with its
 * INTx through the GICv3.
 */
class BootArm64DevicesTest {
    static final String PROMPT = BootConsoleTest.PROMPT;

    /**
     * --display on arm64: stage 2 sets the bochs-display mode (riscv64's display.c), the kernel's
     * framebuffer console mirrors the serial one, and fbdemo's pattern drawn through an mmap of
     * /dev/fb0 (a device mapping in the process's VMSA tables) is in the picture pixel for pixel.
     */
    @Test
    @Timeout(600)
    void framebufferConsoleAndDevFb0(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("arm64.png");
        Screen screen = new Screen();
        PipedOutputStream keys = new PipedOutputStream();
        PipedInputStream in = new PipedInputStream(keys, 4096);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        AtomicInteger status = new AtomicInteger(-1);
        Thread machine = Thread.ofPlatform().name("multios-boot-arm64-display").start(() -> status.set(Multios.run(
                new String[] {"boot", "--arch", "arm64", "--rtc", "fixed", "--display", "png:" + png}, in,
                new PrintStream(screen, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))));
        int at = screen.waitFor(PROMPT, 0, machine);
        assertTrue(screen.text().contains("fbcon: "), "the kernel reports its framebuffer console:\n" + screen.text());
        Console c = new Console(screen, keys, machine, at + PROMPT.length());
        String demo = c.type("fbdemo");
        assertTrue(demo.startsWith("fbdemo: 1024x768 32bpp, line 4096 bytes, bochs-drmfb; drew 256x48 at (760,8)"), demo);
        String cmd = "echo on the framebuffer";
        assertEquals("on the framebuffer", c.type(cmd).strip());
        c.send("poweroff");
        machine.join(BootConsoleTest.WAIT_MS);
        assertFalse(machine.isAlive(), "poweroff ends the emulator");
        assertEquals(0, status.get(), "exit status; stderr: " + err);

        java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(png.toFile());
        assertEquals(1024, img.getWidth());
        assertEquals(768, img.getHeight());
        int rows = (768 - org.multios.kernel.drivers.display.BootLogo.BAND) / org.multios.kernel.drivers.display.ConsoleFont.HEIGHT;
        int row = -1;
        for (int r = 0; r < rows; r++) if (DisplayConsoleTest.matches(img, 0, r, "multios# " + cmd, DisplayConsoleTest.FG, DisplayConsoleTest.BG)) row = r;
        assertTrue(row >= 0, "no text row shows 'multios# " + cmd + "' in the font's glyphs");
        assertTrue(DisplayConsoleTest.matches(img, 0, row + 1, "on the framebuffer", DisplayConsoleTest.FG, DisplayConsoleTest.BG));
        assertFalse(DisplayConsoleTest.matches(img, 0, row + 1, "on the framebufer", DisplayConsoleTest.FG, DisplayConsoleTest.BG));
        int bad = 0;
        for (int j = 0; j < 48; j++) {
            for (int i = 0; i < 256; i++) {
                int want = (4 * i & 0xff) << 16 | (5 * j & 0xff) << 8 | ((i ^ j) & 0xff);
                if ((img.getRGB(760 + i, 8 + j) & 0xffffff) != want) bad++;
            }
        }
        assertEquals(0, bad, "pixels of fbdemo's band that differ from its pattern");
    }

    /**
     * --net user on arm64: the kernel's virtio-net driver takes its INTx through the device tree's
     * interrupt-map to a GIC SPI, DHCP configures eth0, and the user network's gateway answers ping.
     */
    @Test
    @Timeout(600)
    void virtioNetWithInterruptsThroughTheGic() throws Exception {
        Screen screen = new Screen();
        PipedOutputStream keys = new PipedOutputStream();
        PipedInputStream in = new PipedInputStream(keys, 4096);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        AtomicInteger status = new AtomicInteger(-1);
        Thread machine = Thread.ofPlatform().name("multios-boot-arm64-net").start(() -> status.set(Multios.run(
                new String[] {"boot", "--arch", "arm64", "--rtc", "fixed", "--net", "user", "--cmdline",
                        "root=/dev/nvme0n1p2 console=ttyAMA0 ip=dhcp"}, in,
                new PrintStream(screen, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))));
        int at = screen.waitFor(PROMPT, 0, machine);
        String boot = screen.text();
        assertTrue(boot.matches("(?s).*virtio-net 00:0\\d\\.0: eth0 52:54:00:12:34:56 mtu 1500, irq \\d+ \\(INTx through the GICv3\\).*"), boot);
        assertTrue(boot.contains("eth0 10.0.2.15/24 gateway 10.0.2.2"), boot);
        Console c = new Console(screen, keys, machine, at + PROMPT.length());
        String ping = c.type("ping -c 2 10.0.2.2");
        assertTrue(ping.contains("2 packets transmitted, 2 received, 0% packet loss"), ping);
        c.send("poweroff");
        machine.join(BootConsoleTest.WAIT_MS);
        assertFalse(machine.isAlive(), "poweroff ends the emulator");
        assertEquals(0, status.get(), "exit status; stderr: " + err);
    }
}
