package org.multios.devices.display;

/**
 * The picture the display scans out: {@code width x height} pixels of {@code bytesPerPixel}
 * starting {@code offset} bytes into video memory, {@code stride} bytes per line. 32 bpp is
 * x8r8g8b8 (little-endian: B, G, R, X in memory), 16 bpp is r5g6b5.
 */
public record DisplayMode(int width, int height, int bytesPerPixel, int stride, long offset, boolean bigEndian) {
    public long bytes() { return (long) stride * height; }

    /** The pixel at (x, y) as 0xRRGGBB. */
    public int rgb(Vram vram, int x, int y) {
        long at = offset + (long) y * stride + (long) x * bytesPerPixel;
        if (bytesPerPixel == 4) {
            int v = vram.read32(at);
            return (bigEndian ? Integer.reverseBytes(v) : v) & 0xff_ffff;
        }
        int v = vram.read16(at);
        int r = (v >>> 11) & 0x1f, g = (v >>> 5) & 0x3f, b = v & 0x1f;
        return ((r << 3 | r >>> 2) << 16) | ((g << 2 | g >>> 4) << 8) | (b << 3 | b >>> 2);
    }

    /** The whole picture as 0xRRGGBB values, row by row. */
    public int[] capture(Vram vram) {
        int[] px = new int[width * height];
        for (int y = 0; y < height; y++) for (int x = 0; x < width; x++) px[y * width + x] = rgb(vram, x, y);
        return px;
    }
}
