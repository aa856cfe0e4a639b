package org.multios.devices.display.host;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.lwjgl.stb.STBImageWrite;
import org.multios.devices.display.DisplayMode;
import org.multios.devices.display.Vram;

/** Writes what the display shows as a PNG file (stb_image_write through LWJGL). */
public final class PngScreenshot {
    private PngScreenshot() {}

    /**
     * Writes the picture of {@code mode}; a display that is off ({@code mode == null}) is written
     * as a 640x480 black image, as a monitor without signal looks.
     */
    public static void write(DisplayMode mode, Vram vram, Path file) {
        int w = mode == null ? 640 : mode.width(), h = mode == null ? 480 : mode.height();
        ByteBuffer rgb = ByteBuffer.allocateDirect(w * h * 3);
        if (mode != null) {
            int[] px = mode.capture(vram);
            for (int p : px) rgb.put((byte) (p >>> 16)).put((byte) (p >>> 8)).put((byte) p);
            rgb.flip();
        }
        if (!STBImageWrite.stbi_write_png(file.toAbsolutePath().toString(), w, h, 3, rgb, w * 3))
            throw new IllegalStateException(file + ": cannot write the screenshot");
    }
}
