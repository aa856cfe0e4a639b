package org.multios.devices.display.host;

import java.nio.file.Path;
import org.multios.devices.display.DisplayMode;
import org.multios.devices.display.Vram;

/** {@code --display png:FILE}: the latest picture, rewritten when it changes and at exit. */
final class PngOutput implements DisplayOutput {
    private final Path file;
    private boolean written;

    PngOutput(Path file) { this.file = file; }

    @Override
    public void frame(DisplayMode mode, Vram vram, int firstLine, int endLine) {
        PngScreenshot.write(mode, vram, file);
        written = true;
    }

    @Override
    public void close() {
        if (!written) PngScreenshot.write(null, null, file); // never switched on: a black screen
    }
}
