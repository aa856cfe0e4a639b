package org.multios.kernel.drivers.display;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The console's built-in 8x16 bitmap font: MultiOS's own glyphs for printable ASCII, kept as
 * ASCII art in {@code font8x16.txt} (made by {@code guest-kernel-model/tools/font8x16.py}). A
 * glyph is 16 row bytes, bit 7 = the leftmost pixel. Characters without a glyph draw as '?'.
 */
public final class ConsoleFont {
    public static final int WIDTH = 8, HEIGHT = 16, FIRST = 0x20, LAST = 0x7e;
    private static final ConsoleFont BUILT_IN = load();

    private final byte[][] glyphs = new byte[LAST - FIRST + 1][];

    private ConsoleFont() {}

    public static ConsoleFont builtIn() { return BUILT_IN; }

    /** The 16 row bytes of {@code c} (bit 7 = x 0); '?' for a character outside the font. */
    public byte[] glyph(int c) {
        if (c < FIRST || c > LAST) c = '?';
        return glyphs[c - FIRST];
    }

    /** True when pixel (x, y) of {@code c}'s cell is foreground. */
    public boolean pixel(int c, int x, int y) { return (glyph(c)[y] & (0x80 >>> x)) != 0; }

    private static ConsoleFont load() {
        ConsoleFont f = new ConsoleFont();
        try (InputStream in = ConsoleFont.class.getResourceAsStream("font8x16.txt")) {
            if (in == null) throw new IllegalStateException("font8x16.txt missing from the kernel's resources");
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            String line;
            int code = -1, row = 0, lineNo = 0;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (line.startsWith("#") || line.isBlank()) continue;
                if (line.startsWith("char ")) {
                    code = Integer.decode(line.substring(5).trim());
                    if (code < FIRST || code > LAST) throw new IllegalStateException("font8x16.txt:" + lineNo + ": character " + line.substring(5) + " outside printable ASCII");
                    f.glyphs[code - FIRST] = new byte[HEIGHT];
                    row = 0;
                    continue;
                }
                if (code < 0 || row >= HEIGHT || line.length() != WIDTH) throw new IllegalStateException("font8x16.txt:" + lineNo + ": bad glyph row");
                int bits = 0;
                for (int x = 0; x < WIDTH; x++) if (line.charAt(x) == '#') bits |= 0x80 >>> x;
                f.glyphs[code - FIRST][row++] = (byte) bits;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (int i = 0; i < f.glyphs.length; i++) if (f.glyphs[i] == null) throw new IllegalStateException("font8x16.txt: no glyph for " + (char) (FIRST + i));
        return f;
    }
}
