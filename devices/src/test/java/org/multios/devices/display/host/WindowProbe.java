package org.multios.devices.display.host;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.multios.devices.display.DisplayMode;
import org.multios.devices.display.Vram;

/**
 * Run in a child JVM on an Xvfb display by {@link WindowOutputXvfbTest}: opens the real window,
 * shows a frame, then changes a band of lines (a dirty-region upload), and after each reads the
 * window's pixels back through OpenGL and compares them with the frame. Then it reports the
 * bytes typed into the window. Output lines: FULL ok|..., PARTIAL ok|..., READY-FOR-KEYS, KEYS hex.
 */
public final class WindowProbe {
    public static void main(String[] args) throws Exception {
        Vram vram = new Vram(4L << 20);
        DisplayMode mode = new DisplayMode(320, 200, 4, 320 * 4, 0, false);
        for (int y = 0; y < 200; y++) for (int x = 0; x < 320; x++) vram.write32((y * 320L + x) * 4, (x * 255 / 319) << 16 | (y * 255 / 199) << 8 | ((x ^ y) & 0xff));
        LinkedBlockingQueue<Byte> keys = new LinkedBlockingQueue<>();
        WindowOutput out = (WindowOutput) DisplaySpec.parse("window").open("MultiOS probe", b -> { for (byte k : b) keys.add(k); });
        out.frame(mode, vram, 0, 200);
        System.out.println("FULL " + compare(mode.capture(vram), out.readBack(10_000)));
        for (int y = 50; y < 60; y++) for (int x = 0; x < 320; x++) vram.write32((y * 320L + x) * 4, 0x00ff00);
        out.frame(mode, vram, 50, 60);
        System.out.println("PARTIAL " + compare(mode.capture(vram), out.readBack(10_000)));
        System.out.println("AGAIN " + compare(mode.capture(vram), out.readBack(10_000)));
        System.out.println("READY-FOR-KEYS");
        System.out.flush();
        StringBuilder hex = new StringBuilder();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            Byte b = keys.poll(200, TimeUnit.MILLISECONDS);
            if (b == null) continue;
            hex.append(String.format("%02x", b));
            if (b == '\r') break;
        }
        System.out.println("KEYS " + hex);
        out.close();
        System.out.flush();
        System.exit(0);
    }

    private static String compare(int[] want, int[] got) {
        if (got.length != want.length) return "size " + got.length + " != " + want.length;
        int bad = 0, first = -1;
        for (int i = 0; i < want.length; i++) if (want[i] != got[i]) { if (first < 0) first = i; bad++; }
        if (bad == 0) return "ok";
        return String.format("%d pixels differ, first %d,%d is %06x, expected %06x", bad, first % 320, first / 320, got[first], want[first]);
    }

    static String ascii(String hex) {
        byte[] b = new byte[hex.length() / 2];
        for (int i = 0; i < b.length; i++) b[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        return new String(b, StandardCharsets.UTF_8);
    }
}
