package org.multios.devices.display.host;

import org.multios.devices.display.DisplayMode;
import org.multios.devices.display.Vram;

/** Where the display's picture goes: nowhere, a PNG file, a window. */
public interface DisplayOutput extends AutoCloseable {
    /**
     * A new frame (called only when the mode or the video memory changed since the last one).
     * Lines [firstLine, endLine) changed; after a mode change that is the whole picture.
     */
    void frame(DisplayMode mode, Vram vram, int firstLine, int endLine);

    /** The machine stops: write or show the last frame. */
    @Override
    void close();
}
