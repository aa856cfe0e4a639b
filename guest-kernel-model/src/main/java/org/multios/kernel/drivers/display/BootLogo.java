package org.multios.kernel.drivers.display;

/**
 * The boot logo: a 48x48 tile shaded from deep blue to teal with a white "M" (12x12 design, each
 * cell 4x4 pixels), and "MultiOS" beside it in the console font at twice its size. Drawn once at
 * boot in the band above the console's text area.
 */
public final class BootLogo {
    /** Height of the band the logo takes, margins included; text starts below it. */
    public static final int BAND = 64;
    static final int TILE = 48, CELL = 4, MARGIN = 8;
    private static final String[] M = {
        "............",
        ".##......##.",
        ".###....###.",
        ".####..####.",
        ".##.####.##.",
        ".##..##..##.",
        ".##......##.",
        ".##......##.",
        ".##......##.",
        ".##......##.",
        ".##......##.",
        "............",
    };

    private BootLogo() {}

    public static void draw(BochsDisplayDriver fb) {
        for (int y = 0; y < TILE; y++) {
            for (int x = 0; x < TILE; x++) {
                boolean ink = M[y / CELL].charAt(x / CELL) == '#';
                int t = (x + y) * 255 / (2 * TILE - 2);
                int rgb = ink ? 0xffffff : (0x10 << 16) | ((0x30 + t / 2) << 8) | (0x90 + t / 5);
                fb.putPixel(MARGIN + x, MARGIN + y, rgb);
            }
        }
        ConsoleFont font = ConsoleFont.builtIn();
        String name = "MultiOS";
        int x0 = MARGIN + TILE + 16, y0 = MARGIN + (TILE - 2 * ConsoleFont.HEIGHT) / 2;
        for (int i = 0; i < name.length(); i++) {
            for (int y = 0; y < 2 * ConsoleFont.HEIGHT; y++) {
                for (int x = 0; x < 2 * ConsoleFont.WIDTH; x++) {
                    int px = x0 + i * 2 * ConsoleFont.WIDTH + x;
                    if (px >= fb.width()) continue;
                    fb.putPixel(px, y0 + y, font.pixel(name.charAt(i), x / 2, y / 2) ? 0xffffff : 0);
                }
            }
        }
    }
}
