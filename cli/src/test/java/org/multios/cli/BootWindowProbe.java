package org.multios.cli;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.multios.devices.display.DisplayMode;
import org.multios.devices.display.Vram;
import org.multios.devices.display.host.DisplaySpec;
import org.multios.devices.display.host.WindowOutput;

/**
 * Run in a child JVM on an Xvfb display by {@link BootWindowXvfbTest}: boots MultiOS with
 * {@code --display png:FILE}, types a command at the prompt and powers off; then shows the frame
 * the framebuffer console left through the LWJGL window output and reads the window back through
 * OpenGL. Prints {@code WINDOW ok} when the window shows exactly the console frame.
 */
public final class BootWindowProbe {
    public static void main(String[] args) throws Exception {
        Path png = Path.of(args[0]);
        BootConsoleTest.Screen screen = new BootConsoleTest.Screen();
        PipedOutputStream keys = new PipedOutputStream();
        PipedInputStream in = new PipedInputStream(keys, 4096);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        AtomicInteger status = new AtomicInteger(-1);
        Thread machine = Thread.ofPlatform().start(() -> status.set(Multios.run(
                new String[] {"boot", "--rtc", "fixed", "--display", "png:" + png}, in,
                new PrintStream(screen, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))));
        long end = System.nanoTime() + 240_000_000_000L;
        while (!screen.text().contains(BootConsoleTest.PROMPT) && System.nanoTime() < end && machine.isAlive()) Thread.sleep(50);
        keys.write("echo window-probe $((6*7))\n".getBytes(StandardCharsets.US_ASCII));
        keys.flush();
        while (!screen.text().contains("window-probe 42") && System.nanoTime() < end && machine.isAlive()) Thread.sleep(50);
        keys.write("poweroff\n".getBytes(StandardCharsets.US_ASCII));
        keys.flush();
        machine.join(120_000);
        System.out.println("BOOT status " + status.get());
        BufferedImage img = ImageIO.read(png.toFile());
        int w = img.getWidth(), h = img.getHeight();
        Vram vram = new Vram(Long.highestOneBit((long) w * h * 4) << 1);
        DisplayMode mode = new DisplayMode(w, h, 4, w * 4, 0, false);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) vram.write32(((long) y * w + x) * 4, img.getRGB(x, y) & 0xffffff);
        WindowOutput window = (WindowOutput) DisplaySpec.parse("window").open("MultiOS console probe", b -> { });
        window.frame(mode, vram, 0, h);
        int[] shown = window.readBack(20_000), want = mode.capture(vram);
        int bad = 0, lit = 0, first = -1;
        for (int i = 0; i < want.length; i++) {
            if (shown.length != want.length || shown[i] != want[i]) { if (first < 0) first = i; bad++; }
            if (want[i] != want[0]) lit++;
        }
        System.out.println("FRAME " + w + "x" + h + " lit " + lit);
        if (bad != 0 && shown.length == want.length) {
            BufferedImage got = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            got.setRGB(0, 0, w, h, shown, 0, w);
            ImageIO.write(got, "png", png.resolveSibling("window.png").toFile());
        }
        System.out.println(bad == 0 ? "WINDOW ok" : String.format("WINDOW %d pixels differ (%d read), first at %d,%d: %06x, expected %06x",
                bad, shown.length, first % w, first / w, shown.length > first ? shown[first] : -1, want[first]));
        window.close();
        System.out.flush();
        System.exit(0);
    }
}
